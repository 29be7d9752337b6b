"""Issue 11 item 4: the pre-session check of a series (CLINICAL.md 4c), fake clock and fakes."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.db.engine import Database
from bot.db.models import Appointment, CheckIn, Escalation, Outbox
from bot.domain.clock import FixedClock
from bot.domain.enums import AppointmentStatus, OutboxKind, OutboxStatus
from bot.domain.sms_keywords import InboundKind
from bot.domain.sms_policy import assert_sms_safe
from bot.profile import ClinicProfile
from bot.services.aftercare import SessionHeld
from bot.services.checkin_rows import SMS_PRESESSION
from tests.checkin_helpers import (
    PATIENT_CHAT,
    PATIENT_PHONE,
    SESSION_START,
    World,
    add_appointment,
    build_world,
    sms_answer,
    sms_patient,
    stored_answers,
    walk,
)
from tests.outbox_helpers import STAFF_CHAT, telegram_patient

NY = ZoneInfo("America/New_York")


@pytest.fixture(name="w")
def world_fixture(sqlite_db: Database, profile: ClinicProfile, clock: FixedClock) -> World:
    return build_world(sqlite_db, profile, clock)


def series(w: World, days: list[int], service: str = "iv_infusion") -> list[int]:
    patient_id = telegram_patient(w.db, now=w.clock.now())
    return [
        add_appointment(
            w, patient_id, start=SESSION_START + timedelta(days=d), series_id="S", service=service
        )
        for d in days
    ]


def attend(w: World, appointment_id: int) -> None:
    with w.db.session(write=False) as session:
        appointment = session.get(Appointment, appointment_id)
        assert appointment is not None
        w.clock.set(appointment.ends_at)
    w.aftercare.mark_done(appointment_id=appointment_id, actor="staff:1")


def presession_rows(w: World) -> list[Outbox]:
    with w.db.session(write=False) as session:
        return list(
            session.exec(
                select(Outbox)
                .where(col(Outbox.kind) == OutboxKind.CHECKIN)
                .where(col(Outbox.dedupe_key).contains(":checkin:P:"))
                .order_by(col(Outbox.due_at))
            ).all()
        )


def hm(row: Outbox) -> str:
    return row.due_at.astimezone(NY).strftime("%a %H:%M")


def test_a_daily_series_is_checked_on_the_morning_of_each_session_after_the_first(w: World):
    ids = series(w, [0, 1, 2, 3, 4])  # Mon-Fri 09:00-13:00
    for appointment_id in ids:
        attend(w, appointment_id)

    rows = presession_rows(w)

    assert [r.appointment_id for r in rows] == ids[1:]
    assert [hm(r) for r in rows] == ["Tue 08:00", "Wed 08:00", "Thu 08:00", "Fri 08:00"]
    assert all(r.not_after == r.due_at + timedelta(hours=1) for r in rows)  # before the start


def test_a_session_weeks_later_is_checked_the_day_before(w: World):
    ids = series(w, [0, 14], service="booster")  # Mon 1 and Mon 15 March
    attend(w, ids[0])
    (row,) = presession_rows(w)
    assert hm(row) == "Sun 09:00"
    assert row.appointment_id == ids[1]


async def test_a_yes_goes_to_staff_before_the_session_and_holds_it(w: World):
    ids = series(w, [0, 1])
    attend(w, ids[0])
    (row,) = presession_rows(w)
    w.clock.set(row.due_at)
    await w.dispatcher.run_due()
    checkin_id = int(json.loads(row.payload)["checkin_id"])
    opened = w.telegram.texts_to(PATIENT_CHAT)[-1]
    assert "before your session" in opened
    assert "medicines" in opened

    await walk(w, checkin_id, {"PS_MED": "yes"})
    await w.dispatcher.run_due()

    with w.db.session(write=False) as session:
        (flag,) = session.exec(select(Escalation)).all()
        assert flag.rule == "presession_yes"
        assert flag.checkin_id == checkin_id
        assert session.get(CheckIn, checkin_id).appointment_id == ids[1]
    staff = "\n".join(w.telegram.texts_to(STAFF_CHAT))
    assert "Pre-session check" in staff
    assert any("before your session" in t for t in w.telegram.texts_to(PATIENT_CHAT))
    assert w.aftercare.held_for_review(ids[1]) is True


async def test_a_held_session_cannot_be_marked_done_until_the_alert_is_reviewed(w: World):
    ids = series(w, [0, 1])
    attend(w, ids[0])
    (row,) = presession_rows(w)
    w.clock.set(row.due_at)
    await w.dispatcher.run_due()
    await walk(w, int(json.loads(row.payload)["checkin_id"]), {"PS_SUBST": "yes"})
    with w.db.session(write=False) as session:
        (flag,) = session.exec(select(Escalation)).all()
        held = session.get(Appointment, ids[1])
        assert held is not None
    w.clock.set(held.ends_at)

    with pytest.raises(SessionHeld, match=f"alert F-{flag.id}"):
        w.aftercare.mark_done(appointment_id=ids[1], actor="staff:1")
    with w.db.session(write=False) as session:
        unchanged = session.get(Appointment, ids[1])
        assert unchanged is not None
        assert unchanged.status == AppointmentStatus.BOOKED

    assert flag.id is not None
    w.escalation.acknowledge(escalation_id=flag.id, actor="staff:1")
    done = w.aftercare.mark_done(appointment_id=ids[1], actor="staff:1")
    assert done.status == AppointmentStatus.COMPLETED
    assert w.aftercare.held_for_review(ids[1]) is False


async def test_a_pre_session_check_after_the_session_started_is_skipped(w: World):
    ids = series(w, [0, 1])
    attend(w, ids[0])
    (row,) = presession_rows(w)
    w.clock.set(row.due_at + timedelta(hours=2))  # the bot was down until after the start
    await w.dispatcher.run_due()
    with w.db.session(write=False) as session:
        assert session.get(Outbox, row.id).status == OutboxStatus.SKIPPED


async def test_the_schedule_shows_a_held_session(w: World):
    from bot.presentation.staff_messages import HELD_MARK, status_mark
    from bot.services.staff_ops import StaffOps
    from tests.outbox_helpers import booking_with_planner

    ids = series(w, [0, 1])
    attend(w, ids[0])
    (row,) = presession_rows(w)
    w.clock.set(row.due_at)
    await w.dispatcher.run_due()
    await walk(w, int(json.loads(row.payload)["checkin_id"]), {"PS_PREG": "yes"})
    ops = StaffOps(
        db=w.db,
        profile=w.profile,
        clock=w.clock,
        booking=booking_with_planner(w.db, w.profile, w.clock),
        texts=w.texts,
    )
    (day,) = ops.schedule(first_day=ops.today(), last_day=ops.today())
    (entry,) = [e for e in day.entries if e.appointment_id == ids[1]]
    assert entry.held
    assert status_mark(entry) == HELD_MARK


async def sms_presession(w: World) -> tuple[int, list[int], int]:
    """An SMS patient's daily series, first session attended, the pre-session check opened."""
    patient_id = sms_patient(w)
    ids = [
        add_appointment(w, patient_id, start=SESSION_START + timedelta(days=d), series_id="S")
        for d in (0, 1)
    ]
    attend(w, ids[0])
    (row,) = presession_rows(w)
    w.clock.set(row.due_at)
    await w.dispatcher.run_due()
    return patient_id, ids, int(json.loads(row.payload)["checkin_id"])


async def test_by_sms_the_pre_session_items_are_one_neutral_question_and_yes_holds(w: World):
    patient_id, ids, checkin_id = await sms_presession(w)
    opening = w.sms.bodies_to(PATIENT_PHONE)[-1]
    assert "Before your next visit: any new medicines, chance of pregnancy" in opening
    assert_sms_safe(opening, max_segments=2)

    reply = sms_answer(w, patient_id, InboundKind.YES)
    await w.dispatcher.run_due()
    # By SMS a Yes ends the check-in: the clinic calls before the visit. Said once, no repeat.
    assert reply.startswith("Riverside Health: thank you. The clinic will call you before your")
    assert reply.count("If it gets worse, call 911.") == 1
    assert_sms_safe(reply, max_segments=3)

    assert stored_answers(w, checkin_id) == {SMS_PRESESSION: "yes"}
    with w.db.session(write=False) as session:
        (flag,) = session.exec(select(Escalation)).all()
    assert flag.rule == "presession_yes"
    assert "by SMS, Yes to the pre-session question" in flag.detail
    assert "which one is not known" in flag.detail
    assert w.aftercare.held_for_review(ids[1]) is True


async def test_by_sms_no_to_the_pre_session_question_raises_nothing(w: World):
    patient_id, ids, checkin_id = await sms_presession(w)
    asked_next = sms_answer(w, patient_id, InboundKind.NO)
    # How they felt is asked in its own words: 10 is best here, unlike the pain score.
    assert "How did you feel after your last session? 0 = very unwell, 10 = very well." in (
        asked_next
    )
    assert "0 (fine) to 10 (worst)" not in asked_next
    assert_sms_safe(asked_next, max_segments=2)
    sms_answer(w, patient_id, InboundKind.NUMBER, 3)
    assert stored_answers(w, checkin_id) == {SMS_PRESESSION: "no", "PS_FELT": "3"}
    with w.db.session(write=False) as session:
        assert session.exec(select(Escalation)).all() == []
    assert w.aftercare.held_for_review(ids[1]) is False
