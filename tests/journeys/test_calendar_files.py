"""Calendar files for changes made outside the patient's chat: staff bookings and series, moves
made for the patient, and every cancellation, sent through the outbox to Telegram patients."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlmodel import col, select

from bot.db.models import Appointment, Outbox
from bot.domain.enums import OutboxKind
from tests.fakes import FakeSms
from tests.staff_scene import add_patient, close_scene, local, open_scene

CARA = 503


@pytest.fixture
async def scene(tmp_path):
    built = await open_scene(tmp_path)
    yield built
    await close_scene(built)


def calendars(scene, chat_id: int) -> list:
    """The events of every calendar file in the chat, oldest first, with their METHOD."""
    found = []
    for message in scene.double.chat_log(chat_id):
        if message.from_bot and message.document_name == "appointment.ics":
            calendar = Calendar.from_ical(message.document_bytes)
            [event] = calendar.walk("VEVENT")
            found.append((str(calendar["METHOD"]), event))
    return found


def calendar_rows(scene) -> list[Outbox]:
    with scene.db.session(write=False) as session:
        statement = select(Outbox).where(col(Outbox.kind) == OutboxKind.CALENDAR)
        return list(session.exec(statement).all())


async def test_a_series_booked_by_staff_reaches_a_telegram_patients_calendar(scene):
    cara = add_patient(scene, "Cara Diaz", telegram=CARA, approved=True)
    staff = scene.staff()
    await staff.send_command(f"/series #{cara} iv 3")
    await staff.press("✅ Book all 3")
    await scene.dispatch()
    with scene.db.session(write=False) as session:
        booked = session.exec(
            select(Appointment)
            .where(col(Appointment.patient_id) == cara)
            .order_by(col(Appointment.starts_at))
        ).all()
    files = calendars(scene, CARA)
    assert [method for method, _ in files] == ["PUBLISH"] * 3
    assert [event.decoded("DTSTART") for _, event in files] == [a.starts_at for a in booked]
    assert len({str(event["UID"]) for _, event in files}) == 3
    assert all(int(event["SEQUENCE"]) == 0 for _, event in files)
    # One file per visit and one summary of the series, not a confirmation each (issue 11).
    texts = [m for m in scene.double.chat_log(CARA) if m.from_bot]
    assert sorted(m.document_name is not None for m in texts) == [False, True, True, True]
    (summary,) = [m for m in texts if m.document_name is None]
    assert "Your 3 sessions are booked" in summary.text


async def test_a_patient_on_sms_gets_no_calendar_file(scene):
    staff = scene.staff()
    await staff.send_command("/series Okafor iv 3")
    await staff.press("✅ Book all 3")
    await scene.dispatch()
    assert calendar_rows(scene) == []


async def test_a_move_made_for_the_patient_updates_the_same_event(scene):
    appointment_id = scene.ids["anabel_consult"]
    moved = scene.core.booking.reschedule(
        appointment_id=appointment_id, new_start=local(3, 11), actor="staff:7001"
    )
    await scene.dispatch()
    [(method, event)] = calendars(scene, 502)
    assert method == "PUBLISH"
    assert str(event["UID"]) == f"appointment-{appointment_id}@riverside-health.clinic-bot"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == moved.starts_at == local(3, 11)


async def test_a_cancellation_made_by_staff_takes_the_event_out_of_the_calendar(scene):
    appointment_id = scene.ids["anabel_consult"]
    scene.core.booking.cancel(appointment_id=appointment_id, actor="staff:7001")
    await scene.dispatch()
    [(method, event)] = calendars(scene, 502)
    assert method == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"appointment-{appointment_id}@riverside-health.clinic-bot"
    assert int(event["SEQUENCE"]) == 1
    assert event.walk("VALARM") == []


async def test_a_calendar_file_is_not_sent_once_the_visit_has_started(scene):
    appointment_id = scene.ids["anabel_consult"]
    scene.core.booking.cancel(appointment_id=appointment_id, actor="staff:7001")
    scene.clock.set(local(2, 14) + timedelta(minutes=1))
    await scene.dispatch()
    assert calendars(scene, 502) == []
    [row] = calendar_rows(scene)
    assert (row.status, row.last_error) == ("skipped", "purpose passed")


async def test_a_calendar_file_falling_back_to_sms_is_skipped_not_texted(scene):
    sms = FakeSms()
    scene.core.channels.sms = sms
    appointment_id = scene.ids["anabel_consult"]
    scene.double.block_chat(502)  # Anabel blocked the bot; she consented to SMS
    scene.core.booking.cancel(appointment_id=appointment_id, actor="staff:7001")
    scene.clock.set(local(1, 12))  # inside the SMS hours
    await scene.dispatch()
    assert calendars(scene, 502) == []
    [row] = calendar_rows(scene)
    assert (row.status, row.last_error) == ("skipped", "calendar files go by Telegram only")
    assert sms.bodies_to("+16175550102") == []
