"""Session end (issue 4 part 4): Done plans discharge and check-ins; No-show cancels them."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.db.engine import Database
from bot.db.models import Appointment, AuditLog, BookingDraft, CheckIn, Outbox
from bot.domain.clock import FixedClock
from bot.domain.enums import AppointmentStatus, OutboxKind, OutboxStatus
from bot.domain.errors import AppointmentNotActive, AppointmentNotFound
from bot.profile import ClinicProfile
from bot.services.aftercare import SessionNotStarted
from bot.services.checkin_rows import CheckinStatus
from bot.services.outbox import enqueue
from tests.checkin_helpers import (
    ALL_SLOTS,
    PATIENT_CHAT,
    SESSION_START,
    World,
    add_appointment,
    build_world,
    done_session,
    open_slot,
    sms_patient,
)
from tests.outbox_helpers import telegram_patient

NY = ZoneInfo("America/New_York")


@pytest.fixture(name="w")
def world_fixture(any_db: Database, profile: ClinicProfile, clock: FixedClock) -> World:
    return build_world(any_db, profile, clock)


def outbox(w: World, appointment_id: int, kind: OutboxKind | None = None) -> list[Outbox]:
    with w.db.session(write=False) as session:
        statement = (
            select(Outbox)
            .where(col(Outbox.appointment_id) == appointment_id)
            .order_by(col(Outbox.due_at), col(Outbox.id))
        )
        if kind is not None:
            statement = statement.where(col(Outbox.kind) == kind)
        return list(session.exec(statement).all())


def checkins(w: World, appointment_id: int) -> list[CheckIn]:
    with w.db.session(write=False) as session:
        return list(
            session.exec(
                select(CheckIn)
                .where(col(CheckIn.appointment_id) == appointment_id)
                .order_by(col(CheckIn.id))
            ).all()
        )


def appointment(w: World, appointment_id: int) -> Appointment:
    with w.db.session(write=False) as session:
        found = session.get(Appointment, appointment_id)
        assert found is not None
        return found


def audits(w: World, action: str) -> list[AuditLog]:
    with w.db.session(write=False) as session:
        return list(session.exec(select(AuditLog).where(col(AuditLog.action) == action)).all())


def local(moment: datetime) -> str:
    return moment.astimezone(NY).strftime("%a %d %b %H:%M %Z")


def test_done_plans_the_discharge_now_and_every_check_in_in_clinic_time(w: World) -> None:
    appointment_id = done_session(w)  # Mon 1 Mar, 09:00-13:00 EST

    done = appointment(w, appointment_id)
    (discharge,) = outbox(w, appointment_id, OutboxKind.DISCHARGE)
    rows = outbox(w, appointment_id, OutboxKind.CHECKIN)
    planned = checkins(w, appointment_id)

    assert done.status == AppointmentStatus.COMPLETED
    assert done.completed_at == w.clock.now()
    assert discharge.due_at == w.clock.now()
    assert discharge.status == OutboxStatus.PENDING
    assert [json.loads(r.payload)["slot"] for r in rows] == ALL_SLOTS
    assert [local(r.due_at) for r in rows[:6]] == [
        "Mon 01 Mar 17:00 EST",  # E: 4 h after the session ended
        "Tue 02 Mar 09:00 EST",
        "Thu 04 Mar 09:00 EST",
        "Mon 08 Mar 09:00 EST",
        "Mon 15 Mar 09:00 EDT",  # after the DST change: still 09:00 on the clinic's clock
        "Mon 22 Mar 09:00 EDT",
    ]
    assert rows[3].due_at.hour == 14
    assert rows[4].due_at.hour == 13
    assert [c.slot for c in planned] == ALL_SLOTS
    assert {c.status for c in planned} == {CheckinStatus.PLANNED}
    for row, checkin in zip(rows, planned, strict=True):
        assert row.dedupe_key == f"{appointment_id}:checkin:{checkin.slot}:telegram"
        expected: dict[str, object] = {"slot": checkin.slot, "checkin_id": checkin.id}
        if checkin.slot == "E":  # the evening safety question goes at any hour (issue 11 item 5)
            expected.update(any_hour=True, nudge_until=rows[1].due_at.isoformat())
        assert json.loads(row.payload) == expected
        assert row.patient_id == checkin.patient_id


def test_no_check_in_but_the_evening_one_is_due_between_nine_at_night_and_eight(w: World) -> None:
    late = SESSION_START.replace(hour=21)  # 16:00-20:00 EST: E falls at midnight
    appointment_id = done_session(w, start=late)

    rows = outbox(w, appointment_id, OutboxKind.CHECKIN)

    assert [json.loads(r.payload)["slot"] for r in rows][:3] == ["E", "D1", "D3"]
    assert rows[0].due_at.astimezone(NY).hour == 0  # the evening safety question is not dropped
    for row in rows[1:]:
        assert 8 <= row.due_at.astimezone(NY).hour < 21


def test_each_check_in_is_skipped_rather_than_sent_after_the_next_one_is_due(w: World) -> None:
    appointment_id = done_session(w)

    rows = outbox(w, appointment_id, OutboxKind.CHECKIN)

    assert rows[0].not_after == rows[0].due_at + timedelta(hours=2)  # E: 4-6 h after the end
    for row, following in itertools.pairwise(rows[1:]):
        assert row.not_after == following.due_at
    assert rows[-1].not_after == rows[-1].due_at + timedelta(days=7)


def test_a_consultation_gets_no_discharge_and_no_check_ins(w: World) -> None:
    appointment_id = done_session(w, service="consultation")

    assert appointment(w, appointment_id).status == AppointmentStatus.COMPLETED
    assert outbox(w, appointment_id) == []
    assert checkins(w, appointment_id) == []
    assert json.loads(audits(w, "appointment.done")[0].detail)["checkins"] == []


def test_the_next_session_of_a_daily_series_replaces_e_and_d1(w: World) -> None:
    patient_id = telegram_patient(w.db, now=w.clock.now())
    add_appointment(
        w, patient_id, start=SESSION_START + timedelta(days=1), series_id="s1"
    )  # Tuesday 09:00
    appointment_id = done_session(w, patient_id=patient_id, series_id="s1")

    slots = [c.slot for c in checkins(w, appointment_id)]

    assert slots == ALL_SLOTS[2:]


def test_a_later_session_of_the_series_keeps_e_and_d1(w: World) -> None:
    patient_id = telegram_patient(w.db, now=w.clock.now())
    add_appointment(w, patient_id, start=SESSION_START + timedelta(days=3), series_id="s1")
    appointment_id = done_session(w, patient_id=patient_id, series_id="s1")

    assert [c.slot for c in checkins(w, appointment_id)] == ALL_SLOTS


def test_an_sms_patient_gets_the_check_ins_planned_by_sms(w: World) -> None:
    appointment_id = done_session(w, patient_id=sms_patient(w))

    keys = [r.dedupe_key for r in outbox(w, appointment_id)]

    assert keys[0] == f"{appointment_id}:discharge:sms"
    assert all(key.endswith(":sms") for key in keys)


def test_pressing_done_twice_plans_once_and_audits_once(w: World) -> None:
    appointment_id = done_session(w)
    before = [(r.id, r.due_at) for r in outbox(w, appointment_id)]

    again = w.aftercare.mark_done(appointment_id=appointment_id, actor="staff:2")

    assert again.status == AppointmentStatus.COMPLETED
    assert [(r.id, r.due_at) for r in outbox(w, appointment_id)] == before
    (entry,) = audits(w, "appointment.done")
    assert entry.actor == "staff:1"
    assert entry.subject == f"appointment:{appointment_id}"
    assert json.loads(entry.detail)["checkins"] == ALL_SLOTS


def test_done_pressed_the_next_day_does_not_send_check_ins_that_are_already_past(
    w: World,
) -> None:
    patient_id = telegram_patient(w.db, now=w.clock.now())
    appointment_id = add_appointment(w, patient_id)
    w.clock.set(datetime(2027, 3, 2, 15, 0, tzinfo=UTC))  # Tue 10:00, after D1's 09:00

    w.aftercare.mark_done(appointment_id=appointment_id, actor="staff:1")

    assert [c.slot for c in checkins(w, appointment_id)] == ALL_SLOTS[2:]


def test_done_before_the_session_starts_is_refused(w: World) -> None:
    patient_id = telegram_patient(w.db, now=w.clock.now())
    appointment_id = add_appointment(w, patient_id)
    w.clock.set(SESSION_START - timedelta(minutes=5))

    with pytest.raises(SessionNotStarted):
        w.aftercare.mark_done(appointment_id=appointment_id, actor="staff:1")

    assert appointment(w, appointment_id).status == AppointmentStatus.BOOKED
    assert outbox(w, appointment_id) == []


def test_no_show_before_the_session_starts_is_refused_and_reminders_stay(w: World) -> None:
    patient_id = telegram_patient(w.db, now=w.clock.now())
    appointment_id = add_appointment(w, patient_id)
    w.clock.set(SESSION_START - timedelta(days=2))

    with pytest.raises(SessionNotStarted):
        w.aftercare.mark_no_show(appointment_id=appointment_id, actor="staff:1")

    assert appointment(w, appointment_id).status == AppointmentStatus.BOOKED


def test_a_cancelled_or_unknown_appointment_cannot_be_marked(w: World) -> None:
    patient_id = telegram_patient(w.db, now=w.clock.now())
    cancelled = add_appointment(w, patient_id, status="cancelled")
    w.clock.set(SESSION_START + timedelta(hours=5))

    with pytest.raises(AppointmentNotActive):
        w.aftercare.mark_done(appointment_id=cancelled, actor="staff:1")
    with pytest.raises(AppointmentNotActive):
        w.aftercare.mark_no_show(appointment_id=cancelled, actor="staff:1")
    with pytest.raises(AppointmentNotFound):
        w.aftercare.mark_done(appointment_id=4242, actor="staff:1")


async def test_the_discharge_message_goes_out_when_the_outbox_runs(w: World) -> None:
    done_session(w)

    await w.dispatcher.run_due()

    text, pickup = w.telegram.texts_to(PATIENT_CHAT)  # the advice, then "ready to go home"
    assert "ready to go home" in pickup
    assert "No driving, no machinery and no big decisions" in text
    assert "This chat is not monitored 24/7" in text


def test_no_show_cancels_what_was_planned_and_is_recorded(w: World) -> None:
    patient_id = telegram_patient(w.db, now=w.clock.now())
    appointment_id = add_appointment(w, patient_id)
    with w.db.session() as session:
        enqueue(
            session,
            kind=OutboxKind.REMINDER_2H,
            channel="telegram",
            due_at=SESSION_START + timedelta(hours=1),
            dedupe_key=f"{appointment_id}:late-reminder",
            now=w.clock.now(),
            patient_id=patient_id,
            appointment_id=appointment_id,
        )
    w.clock.set(SESSION_START + timedelta(minutes=30))

    marked = w.aftercare.mark_no_show(appointment_id=appointment_id, actor="staff:9")
    w.aftercare.mark_no_show(appointment_id=appointment_id, actor="staff:9")

    assert marked.status == AppointmentStatus.NO_SHOW
    assert [r.status for r in outbox(w, appointment_id)] == [OutboxStatus.CANCELLED]
    (entry,) = audits(w, "appointment.no_show")
    assert entry.actor == "staff:9"
    assert json.loads(entry.detail)["cancelled_messages"] == 1


async def test_no_show_after_a_mistaken_done_cancels_the_check_ins(w: World) -> None:
    appointment_id = done_session(w)

    w.aftercare.mark_no_show(appointment_id=appointment_id, actor="staff:1")
    w.clock.advance(timedelta(days=60))
    await w.dispatcher.run_due()

    assert appointment(w, appointment_id).status == AppointmentStatus.NO_SHOW
    assert {c.status for c in checkins(w, appointment_id)} == {CheckinStatus.CANCELLED}
    assert {r.status for r in outbox(w, appointment_id)} == {OutboxStatus.CANCELLED}
    assert w.telegram.sent == []
    assert json.loads(audits(w, "appointment.no_show")[0].detail)["was_done"] is True


async def test_no_show_also_closes_a_check_in_already_open(w: World) -> None:
    appointment_id = done_session(w, patient_id=sms_patient(w))
    await open_slot(w, appointment_id, "E")

    w.aftercare.mark_no_show(appointment_id=appointment_id, actor="staff:1")

    assert {c.status for c in checkins(w, appointment_id)} == {CheckinStatus.CANCELLED}
    with w.db.session(write=False) as session:
        assert session.exec(select(BookingDraft)).all() == []


def test_done_after_a_mistaken_no_show_plans_the_check_ins_again(w: World) -> None:
    patient_id = telegram_patient(w.db, now=w.clock.now())
    appointment_id = add_appointment(w, patient_id)
    w.clock.set(SESSION_START + timedelta(minutes=30))
    w.aftercare.mark_no_show(appointment_id=appointment_id, actor="staff:1")
    w.clock.set(SESSION_START + timedelta(hours=4))

    w.aftercare.mark_done(appointment_id=appointment_id, actor="staff:1")

    assert appointment(w, appointment_id).status == AppointmentStatus.COMPLETED
    assert [c.slot for c in checkins(w, appointment_id)] == ALL_SLOTS
    assert {r.status for r in outbox(w, appointment_id)} == {OutboxStatus.PENDING}
