"""The outbox guarantees of issue 4: planned in the same transaction, never lost, never doubled."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db.models import Appointment, Outbox
from bot.domain.enums import OutboxKind, OutboxStatus
from bot.domain.reminders import next_sms_window, plan_reminders
from bot.messaging.channels import DeliveryFailed
from bot.services.outbox import CLAIM_LEASE, claim_due, enqueue, finish, lane_of
from tests.fakes import FakeSms, FakeTelegram
from tests.outbox_helpers import (
    STAFF_CHAT,
    book_consultation,
    dispatcher,
    rows,
    telegram_patient,
)

NY = ZoneInfo("America/New_York")


def test_booking_plans_three_reminders_a_call_list_check_and_a_staff_notice(
    sqlite_db, profile, clock
):
    _, appointment = book_consultation(sqlite_db, profile, clock)
    planned = {(r.kind, r.due_at) for r in rows(sqlite_db, appointment_id=appointment.id)}
    start = appointment.starts_at
    assert (OutboxKind.REMINDER_72H, start - timedelta(hours=72)) in planned
    assert (OutboxKind.REMINDER_24H, start - timedelta(hours=24)) in planned
    assert (OutboxKind.REMINDER_2H, start - timedelta(hours=2)) in planned
    assert (OutboxKind.STAFF_NOTICE, start - timedelta(hours=24)) in planned
    assert (OutboxKind.STAFF_NOTICE, clock.now()) in planned
    # booked in the patient's own chat: the confirmation is the chat reply, not an outbox row
    assert OutboxKind.CONFIRMATION not in {k for k, _ in planned}


def test_a_reminder_already_past_at_booking_is_not_planned():
    start = datetime(2027, 3, 3, 15, tzinfo=UTC)
    planned = plan_reminders(
        starts_at=start, booked_at=start - timedelta(hours=30), offsets_hours=[72, 24, 2]
    )
    assert [p.kind for p in planned] == [OutboxKind.REMINDER_24H, OutboxKind.REMINDER_2H]


def test_a_24_hour_reminder_across_a_dst_change_is_24_real_hours_before():
    start = datetime(2027, 3, 14, 9, tzinfo=NY)  # the day clocks go forward
    planned = plan_reminders(
        starts_at=start, booked_at=start - timedelta(days=10), offsets_hours=[24]
    )
    due = planned[0].due_at
    assert start.astimezone(UTC) - due == timedelta(hours=24)
    assert due.astimezone(NY).hour == 8  # the wall clock reads an hour earlier


def test_rescheduling_moves_every_planned_row_and_cancelling_cancels_them(
    sqlite_db, profile, clock
):
    booking, appointment = book_consultation(sqlite_db, profile, clock)
    later = appointment.starts_at + timedelta(days=2)
    moved = booking.reschedule(appointment_id=appointment.id, new_start=later)
    old_rows = rows(sqlite_db, appointment_id=appointment.id)
    assert all(
        r.status == OutboxStatus.CANCELLED
        for r in old_rows
        if r.kind != OutboxKind.STAFF_NOTICE or r.due_at > clock.now()
    )
    new_reminders = [
        r for r in rows(sqlite_db, appointment_id=moved.id) if r.kind.startswith("reminder")
    ]
    assert sorted(moved.starts_at - r.due_at for r in new_reminders) == [
        timedelta(hours=2),
        timedelta(hours=24),
        timedelta(hours=72),
    ]
    booking.cancel(appointment_id=moved.id)
    assert all(
        r.status == OutboxStatus.CANCELLED
        for r in rows(sqlite_db, appointment_id=moved.id)
        if r.due_at > clock.now()
    )


async def test_rows_due_while_the_bot_was_down_are_sent_on_start_in_order(
    sqlite_db, profile, clock
):
    _, appointment = book_consultation(sqlite_db, profile, clock)
    telegram = FakeTelegram()
    # "Down" across the 72 h mark only: that reminder is still inside its window (until 48 h).
    clock.set(appointment.starts_at - timedelta(hours=50))
    report = await dispatcher(sqlite_db, profile, clock, telegram=telegram).run_due()
    patient_texts = telegram.texts_to(501)
    assert len(patient_texts) == 1
    assert patient_texts[0].startswith("<b>Reminder:</b>")
    assert report.sent == 2  # + the booking notice for staff, which was due first
    assert telegram.sent[0][0] == STAFF_CHAT


async def test_a_reminder_whose_appointment_started_is_skipped_not_sent_late(
    sqlite_db, profile, clock
):
    _, appointment = book_consultation(sqlite_db, profile, clock)
    telegram = FakeTelegram()
    clock.set(appointment.starts_at + timedelta(minutes=5))
    await dispatcher(sqlite_db, profile, clock, telegram=telegram).run_due()
    assert telegram.texts_to(501) == []
    reminders = [
        r for r in rows(sqlite_db, appointment_id=appointment.id) if r.kind.startswith("reminder")
    ]
    assert {r.status for r in reminders} == {OutboxStatus.SKIPPED}
    assert {r.last_error for r in reminders} == {"purpose passed"}


async def test_nothing_is_sent_twice_and_a_crash_after_claiming_is_recovered_by_the_lease(
    sqlite_db, profile, clock
):
    _, appointment = book_consultation(sqlite_db, profile, clock)
    clock.set(appointment.starts_at - timedelta(hours=73))
    claimed = claim_due(sqlite_db, now=clock.now())  # ...and the process dies before sending
    assert claimed
    telegram = FakeTelegram()
    again = dispatcher(sqlite_db, profile, clock, telegram=telegram)
    await again.run_due()
    assert telegram.sent == []  # still leased to the dead process
    clock.advance(CLAIM_LEASE + timedelta(seconds=1))
    await again.run_due()
    await again.run_due()
    sent_ids = [r.id for r in rows(sqlite_db) if r.status == OutboxStatus.SENT]
    assert sorted(sent_ids) == sorted(r.id for r in claimed)
    assert len(telegram.sent) == len(claimed)


async def test_a_transient_failure_is_retried_with_backoff_and_retry_after(
    sqlite_db, profile, clock
):
    _, appointment = book_consultation(sqlite_db, profile, clock)
    clock.set(appointment.starts_at - timedelta(hours=72))
    telegram = FakeTelegram(
        failures=[DeliveryFailed("rate limited", permanent=False, code="429", retry_after=90)]
    )
    worker = dispatcher(sqlite_db, profile, clock, telegram=telegram)
    await worker.run_due(max_rows=1)
    failed = next(r for r in rows(sqlite_db) if r.last_error and "rate limited" in r.last_error)
    assert failed.status == OutboxStatus.PENDING
    assert failed.due_at >= clock.now() + timedelta(seconds=90)
    clock.advance(timedelta(seconds=91))
    await worker.run_due()
    assert [r.status for r in rows(sqlite_db) if r.id == failed.id] == [OutboxStatus.SENT]


async def test_a_blocked_telegram_falls_back_to_sms_when_the_patient_consented(
    sqlite_db, profile, clock
):
    _, appointment = book_consultation(sqlite_db, profile, clock, sms_consent=True)
    clock.set(appointment.starts_at - timedelta(hours=72))
    telegram, sms = FakeTelegram(blocked={501}), FakeSms()
    await dispatcher(sqlite_db, profile, clock, telegram=telegram, sms=sms).run_due()
    assert len(sms.bodies_to("+15555550123")) == 1
    assert "Reply C to confirm" in sms.bodies_to("+15555550123")[0]
    sent = next(r for r in rows(sqlite_db) if r.kind == OutboxKind.REMINDER_72H)
    assert sent.status == OutboxStatus.SENT
    assert sent.channel == "sms"  # so Twilio's delivery reports find it


async def test_a_blocked_patient_without_sms_consent_is_reported_to_staff(
    sqlite_db, profile, clock
):
    _, appointment = book_consultation(sqlite_db, profile, clock, sms_consent=False)
    clock.set(appointment.starts_at - timedelta(hours=72))
    telegram, sms = FakeTelegram(blocked={501}), FakeSms()
    worker = dispatcher(sqlite_db, profile, clock, telegram=telegram, sms=sms)
    await worker.run_due()
    await worker.run_due()
    assert sms.sent == []
    assert any("Could not reach patient" in t for t in telegram.texts_to(STAFF_CHAT))


async def test_sms_is_held_until_eight_in_the_morning_clinic_time(sqlite_db, profile, clock):
    _, appointment = book_consultation(sqlite_db, profile, clock, sms_consent=True, channel="sms")
    late_evening = datetime.combine(
        (appointment.starts_at - timedelta(days=4)).astimezone(NY).date(),
        datetime.min.time().replace(hour=22),
        tzinfo=NY,
    )
    with sqlite_db.session() as session:
        enqueue(
            session,
            kind=OutboxKind.REMINDER_72H,
            channel="sms",
            due_at=late_evening,
            dedupe_key="quiet",
            now=late_evening,
            patient_id=appointment.patient_id,
            appointment_id=appointment.id,
            not_after=appointment.starts_at,
        )
    clock.set(late_evening.astimezone(UTC))
    sms = FakeSms()
    await dispatcher(sqlite_db, profile, clock, sms=sms, telegram=FakeTelegram()).run_due()
    assert sms.sent == []
    held = next(r for r in rows(sqlite_db) if r.dedupe_key == "quiet")
    assert held.due_at.astimezone(NY).hour == 8
    assert next_sms_window(late_evening, NY) == held.due_at


def staff_notes(db, *, due_at, names, now) -> list[int]:
    """Staff notices due at `due_at`, one per name (its text); returns their row ids."""
    with db.session() as session:
        for name in names:
            enqueue(
                session,
                kind=OutboxKind.STAFF_NOTICE,
                channel="staff",
                due_at=due_at,
                dedupe_key=f"note:{name}",
                now=now,
                payload={"event": "message", "html": name},
            )
    return [r.id for r in rows(db) if r.dedupe_key in {f"note:{name}" for name in names}]


def test_claiming_by_id_takes_only_those_rows_when_due_and_never_older_ones(any_db, clock):
    now = clock.now()
    backlog = staff_notes(any_db, due_at=now - timedelta(hours=1), names=["a", "b", "c"], now=now)
    (own,) = staff_notes(any_db, due_at=now, names=["own"], now=now)
    (later,) = staff_notes(any_db, due_at=now + timedelta(minutes=10), names=["later"], now=now)

    nothing = claim_due(any_db, now=now, ids=[])
    claimed = claim_due(any_db, now=now, ids=[own, later])
    again = claim_due(any_db, now=now, ids=[own])

    assert nothing == []
    assert [r.id for r in claimed] == [own]  # `later` is not due yet
    assert again == []  # leased to the first claim
    statuses = {r.id: r.status for r in rows(any_db)}
    assert [statuses[i] for i in backlog] == [OutboxStatus.PENDING] * 3
    assert statuses[later] == OutboxStatus.PENDING


async def test_running_due_rows_by_id_sends_only_those(sqlite_db, profile, clock):
    now = clock.now()
    backlog = staff_notes(sqlite_db, due_at=now, names=[f"n{n}" for n in range(60)], now=now)
    (own,) = staff_notes(sqlite_db, due_at=now, names=["own"], now=now)
    telegram = FakeTelegram()

    report = await dispatcher(sqlite_db, profile, clock, telegram=telegram).run_due(ids=[own])

    assert telegram.texts_to(STAFF_CHAT) == ["own"]
    assert report.sent == 1
    assert report.handled == 1
    assert {r.status for r in rows(sqlite_db) if r.id in backlog} == {OutboxStatus.PENDING}


def test_two_dispatchers_on_one_postgres_database_never_send_the_same_row(pg_db, profile, clock):
    patients = [
        telegram_patient(pg_db, now=clock.now(), chat_id=9000 + n, phone=f"+1555555{n:04d}")
        for n in range(30)
    ]
    with pg_db.session() as session:
        for n in range(300):
            enqueue(
                session,
                kind=OutboxKind.STAFF_NOTICE,
                channel="telegram",  # 30 patients' lanes (the staff chat is one lane)
                due_at=clock.now(),
                dedupe_key=f"n{n}",
                now=clock.now(),
                patient_id=patients[n % 30],
                payload={"event": "message", "html": f"note {n}"},
            )
    senders = [FakeTelegram(), FakeTelegram()]

    def run(sender: FakeTelegram) -> None:
        asyncio.run(dispatcher(pg_db, profile, clock, telegram=sender).run_due())

    threads = [threading.Thread(target=run, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    texts = [m.text for s in senders for _, m in s.sent]
    assert len(texts) == 300
    assert len(set(texts)) == 300
    assert all(s.sent for s in senders), "both dispatchers should have taken a share"
    assert {r.status for r in rows(pg_db)} == {OutboxStatus.SENT}


def test_appointment_model_keeps_held_until_for_availability(sqlite_db, profile, clock):
    _, appointment = book_consultation(sqlite_db, profile, clock)
    with sqlite_db.session(write=False) as session:
        stored = session.get(Appointment, appointment.id)
        assert stored is not None
        assert stored.held_until - stored.starts_at == timedelta(minutes=60)
        assert session.get(Outbox, 1) is not None


def test_safety_pages_are_claimed_before_an_older_backlog(sqlite_db, clock):
    with sqlite_db.session() as session:
        for n in range(5):
            enqueue(
                session,
                kind=OutboxKind.STAFF_NOTICE,
                channel="staff",
                due_at=clock.now() - timedelta(hours=1),
                dedupe_key=f"old{n}",
                now=clock.now(),
            )
        enqueue(
            session,
            kind=OutboxKind.ESCALATION_PAGE,
            channel="staff",
            due_at=clock.now(),
            dedupe_key="page",
            now=clock.now(),
        )
    claimed = claim_due(sqlite_db, now=clock.now(), limit=2)
    assert claimed[0].kind == OutboxKind.ESCALATION_PAGE


def test_a_claim_takes_a_few_rows_of_each_addressee_not_one_lane_full(any_db, clock):
    now = clock.now()
    notes = staff_notes(
        any_db, due_at=now - timedelta(hours=2), names=[f"n{n}" for n in range(60)], now=now
    )
    patient_id = telegram_patient(any_db, now=now)
    with any_db.session() as session:
        enqueue(
            session,
            kind=OutboxKind.STAFF_NOTICE,
            channel="telegram",
            due_at=now - timedelta(hours=1),
            dedupe_key="patient:row",
            now=now,
            patient_id=patient_id,
            payload={"event": "message", "html": "for the patient"},
        )

    first = claim_due(any_db, now=now, limit=50)

    assert [r.dedupe_key for r in first] == ["note:n0", "note:n1", "note:n2", "patient:row"]
    for row in first:
        finish(any_db, row, status=OutboxStatus.SENT, now=now)
    second = claim_due(any_db, now=now, limit=50)
    assert [r.id for r in second] == notes[3:6]  # the same lane goes on, oldest first


async def test_a_backlog_of_staff_notices_does_not_hold_back_a_patients_reminder(
    sqlite_db, profile, clock
):
    _, appointment = book_consultation(sqlite_db, profile, clock)
    clock.set(appointment.starts_at - timedelta(hours=50))  # the 72 h reminder is due
    now = clock.now()
    names = [f"n{n}" for n in range(60)]
    staff_notes(sqlite_db, due_at=now - timedelta(days=1), names=names, now=now)
    telegram = FakeTelegram()

    report = await dispatcher(sqlite_db, profile, clock, telegram=telegram).run_due()

    addressees = [chat for chat, _ in telegram.sent]
    # In the first batch (3 of the backlog, the booking's notice, the reminder), not after
    # all 60 notices.
    assert addressees.index(501) < 5
    staff = telegram.texts_to(STAFF_CHAT)
    assert staff[0].startswith("🆕")  # the booking's own notice, due before the backlog
    assert staff[1:] == names  # each lane still in its own order, nothing twice
    assert report.sent == 62  # 60 notes, the booking notice, the reminder


def test_a_lane_another_dispatcher_is_sending_is_left_to_it(any_db, clock):
    """Per addressee, in order: a second claim skips a lane whose rows are in flight."""
    now = clock.now()
    notes = staff_notes(any_db, due_at=now, names=[f"n{n}" for n in range(6)], now=now)

    first = claim_due(any_db, now=now, limit=50)
    second = claim_due(any_db, now=now, limit=50)

    assert [r.id for r in first] == notes[:3]
    assert second == []  # n3-n5 wait until n0-n2 are finished


def test_staff_notices_about_many_patients_share_the_staff_chats_lane(any_db, clock):
    """A booking notice names its patient but goes to the one staff chat: 200 of them are one
    lane (paced at 19 a minute), not 200 lanes filling every batch ahead of patients' rows."""
    now = clock.now()
    patients = [
        telegram_patient(any_db, now=now, chat_id=7000 + n, phone=f"+1555444{n:04d}")
        for n in range(10)
    ]
    with any_db.session() as session:
        for n, patient_id in enumerate(patients):
            enqueue(
                session,
                kind=OutboxKind.STAFF_NOTICE,
                channel="staff",
                due_at=now - timedelta(hours=2),
                dedupe_key=f"booked:{n}",
                now=now,
                patient_id=patient_id,
                payload={"event": "message", "html": f"booked {n}"},
            )
        enqueue(
            session,
            kind=OutboxKind.STAFF_NOTICE,
            channel="telegram",
            due_at=now - timedelta(hours=1),
            dedupe_key="checkin:0",
            now=now,
            patient_id=patients[0],
            payload={"event": "message", "html": "for the patient"},
        )

    first = claim_due(any_db, now=now, limit=50)

    assert [r.dedupe_key for r in first] == ["booked:0", "booked:1", "booked:2", "checkin:0"]
    assert {lane_of(r) for r in first} == {"staff", f"p{patients[0]}"}
