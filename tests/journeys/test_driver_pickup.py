"""Issue 11 item 7: the pick-up message at Done (patient, and the driver's phone by SMS) and the
driver question by SMS at T-24 h (fake clock, Telegram and SMS fakes, the staff double)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.engine import Database
from bot.db.models import Appointment, Patient
from bot.domain.clock import FixedClock
from bot.domain.enums import OutboxKind
from bot.domain.sms_policy import assert_sms_safe
from bot.profile import ClinicProfile
from tests.checkin_helpers import (
    PATIENT_CHAT,
    PATIENT_PHONE,
    SESSION_START,
    World,
    add_appointment,
    build_world,
    done_session,
    sms_patient,
)
from tests.outbox_helpers import booking_with_planner, telegram_patient
from tests.sms_helpers import Conversation, make_inbound
from tests.staff_scene import STAFF_CHAT, close_scene, open_scene

DRIVER = "+16175550177"
TREATMENT_WORDS = ("ketamine", "infusion", "pain", "treatment", "session")


@pytest.fixture(name="w")
def world_fixture(sqlite_db: Database, profile: ClinicProfile, clock: FixedClock) -> World:
    return build_world(sqlite_db, profile, clock)


def set_driver(w: World, patient_id: int, phone: str | None = DRIVER) -> None:
    with w.db.session() as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        patient.driver_phone = phone


async def test_done_tells_a_telegram_patient_they_can_be_picked_up(w: World) -> None:
    done_session(w)
    await w.dispatcher.run_due()
    texts = w.telegram.texts_to(PATIENT_CHAT)
    assert any("ready to go home" in t and "120 Main Street" in t for t in texts)
    assert w.sms.sent == []  # no driver phone stored: nobody else is texted


async def test_done_texts_an_sms_patient_and_the_stored_driver_privacy_safe(w: World) -> None:
    patient_id = sms_patient(w)
    set_driver(w, patient_id)
    done_session(w, patient_id=patient_id)
    await w.dispatcher.run_due()

    to_patient = w.sms.bodies_to(PATIENT_PHONE)
    to_driver = w.sms.bodies_to(DRIVER)
    assert any("ready to go home" in b for b in to_patient)
    assert len(to_driver) == 1
    assert "pick" in to_driver[0]
    assert "120 Main Street" in to_driver[0]
    for body in [*to_patient, *to_driver]:
        assert_sms_safe(body, max_segments=1)
    assert "Ana" not in to_driver[0]  # the driver learns a time and place, nothing about care
    assert not any(word in to_driver[0].casefold() for word in TREATMENT_WORDS)


async def test_an_assumed_attendance_sends_no_pick_up_message(w: World) -> None:
    patient_id = telegram_patient(w.db, now=w.clock.now())
    set_driver(w, patient_id)
    appointment_id = add_appointment(w, patient_id)
    with w.db.session() as session:
        from bot.services.planner import plan_session_end

        appointment = session.get(Appointment, appointment_id)
        assert appointment is not None
        plan_session_end(session, appointment, profile=w.profile, now=w.clock.now())
    w.clock.set(SESSION_START + timedelta(hours=6, minutes=1))  # 2 h after the end
    renderers = dict(w.dispatcher.renderers)
    renderers.update(w.aftercare.renderers)
    w.dispatcher.renderers = renderers
    await w.dispatcher.run_due()
    assert not any("ready to go home" in t for t in w.telegram.texts_to(PATIENT_CHAT))
    assert w.sms.bodies_to(DRIVER) == []


async def test_the_sms_reminder_a_day_before_asks_for_the_driver_with_a_reply_keyword(
    sqlite_db: Database, profile: ClinicProfile, clock: FixedClock
) -> None:
    w = build_world(sqlite_db, profile, clock)
    patient_id = sms_patient(w)
    with w.db.session() as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        patient.approved_at = clock.now()
    booking = booking_with_planner(sqlite_db, profile, clock)
    booked = booking.book(
        patient_id=patient_id,
        service="iv_infusion",
        start=SESSION_START + timedelta(days=3),
        actor="staff:1",
    )
    clock.set(booked.starts_at - timedelta(hours=24))
    await w.dispatcher.run_due()
    day_before = [b for b in w.sms.bodies_to(PATIENT_PHONE) if "Reply C" in b][-1]
    assert "D " in day_before or "D when" in day_before or "D once" in day_before
    assert_sms_safe(day_before, max_segments=1)

    conversation = Conversation(make_inbound(sqlite_db, profile, clock, booking=booking), clock)
    conversation.phone = PATIENT_PHONE
    reply = conversation.send("D")

    assert reply is not None
    assert "ride" in reply
    with sqlite_db.session(write=False) as session:
        appointment = session.get(Appointment, booked.id)
        assert appointment is not None
        assert appointment.driver_confirmed_at == clock.now()


@pytest.fixture
async def scene(tmp_path):
    built = await open_scene(tmp_path)
    yield built
    await close_scene(built)


async def test_staff_store_a_drivers_phone_with_driver(scene):
    ben = scene.ids["ben"]
    staff = scene.staff(in_group=True)
    await staff.send_command(f"/driver #{ben} (617) 555-0177")
    assert "Driver's phone saved" in scene.replies(STAFF_CHAT)[-1]
    with scene.db.session(write=False) as session:
        patient = session.get(Patient, ben)
        assert patient is not None
        assert patient.driver_phone == DRIVER
    await staff.send_command(f"/driver #{ben} none")
    with scene.db.session(write=False) as session:
        patient = session.get(Patient, ben)
        assert patient is not None
        assert patient.driver_phone is None
    await staff.send_command(f"/driver #{ben} 12")
    assert "Usage" in scene.replies(STAFF_CHAT)[-1] or "not" in scene.replies(STAFF_CHAT)[-1]
    assert OutboxKind.DRIVER_PICKUP == "driver_pickup"
