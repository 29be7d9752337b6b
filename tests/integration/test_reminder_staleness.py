"""Each reminder has a window after which it is pointless; after downtime only the latest
still-useful one goes out, and nobody lands on the call list before being asked to confirm."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.enums import OutboxKind, OutboxStatus
from bot.domain.reminders import plan_reminders
from tests.fakes import FakeTelegram
from tests.outbox_helpers import STAFF_CHAT, book_consultation, dispatcher, rows

PATIENT_CHAT = 501


def reminder_texts(telegram: FakeTelegram) -> list[str]:
    return telegram.texts_to(PATIENT_CHAT)


def call_list(telegram: FakeTelegram) -> list[str]:
    return [t for t in telegram.texts_to(STAFF_CHAT) if "Call list" in t]


def test_each_reminder_is_planned_with_its_window():
    start = datetime(2027, 3, 10, 15, tzinfo=UTC)
    planned = plan_reminders(
        starts_at=start, booked_at=start - timedelta(days=10), offsets_hours=[72, 24, 2]
    )
    assert [(p.kind, start - p.useful_until) for p in planned] == [
        (OutboxKind.REMINDER_72H, timedelta(hours=48)),
        (OutboxKind.REMINDER_24H, timedelta(hours=6)),
        (OutboxKind.REMINDER_2H, timedelta(0)),
    ]


@pytest.mark.parametrize(
    ("back_hours_before", "expected"),
    [
        (60, ["<b>Reminder:</b>"]),  # the 72 h one is still useful (until 48 h before)
        (20, ["<b>See you soon:</b>"]),  # 72 h stale; the 24 h one is
        (5, []),  # both stale; the 2 h one comes later
    ],
)
async def test_after_downtime_only_the_latest_still_useful_reminder_goes_out(
    sqlite_db, profile, clock, back_hours_before, expected
):
    _, appointment = book_consultation(sqlite_db, profile, clock)
    telegram = FakeTelegram()
    clock.set(appointment.starts_at - timedelta(hours=back_hours_before))  # the clock jumps days
    await dispatcher(sqlite_db, profile, clock, telegram=telegram).run_due()
    texts = reminder_texts(telegram)
    assert [t[: len(e)] for t, e in zip(texts, expected, strict=False)] == expected
    assert len(texts) == len(expected)
    skipped = {
        r.kind: r.last_error
        for r in rows(sqlite_db, appointment_id=appointment.id)
        if r.status == OutboxStatus.SKIPPED
    }
    if back_hours_before <= 20:
        assert skipped[OutboxKind.REMINDER_72H] == "purpose passed"


async def test_the_2_hour_reminder_still_goes_out_after_downtime_until_the_start(
    sqlite_db, profile, clock
):
    _, appointment = book_consultation(sqlite_db, profile, clock)
    telegram = FakeTelegram()
    clock.set(appointment.starts_at - timedelta(minutes=30))
    await dispatcher(sqlite_db, profile, clock, telegram=telegram).run_due()
    assert len(reminder_texts(telegram)) == 1


async def test_no_call_list_task_for_a_patient_asked_to_confirm_only_now(sqlite_db, profile, clock):
    _, appointment = book_consultation(sqlite_db, profile, clock)
    telegram = FakeTelegram()
    worker = dispatcher(sqlite_db, profile, clock, telegram=telegram)
    # Down from before the 72 h reminder until just after the 24 h mark: the 24 h reminder (the
    # first asking to confirm) and the call-list check fall due together.
    clock.set(appointment.starts_at - timedelta(hours=23))
    await worker.run_due()
    assert len(reminder_texts(telegram)) == 1
    assert call_list(telegram) == []
    # Two hours later the patient has had their chance: still unconfirmed, on the list.
    clock.advance(timedelta(hours=2))
    await worker.run_due()
    assert len(call_list(telegram)) == 1


async def test_a_patient_reminded_days_before_goes_on_the_call_list_at_24_hours(
    sqlite_db, profile, clock
):
    _, appointment = book_consultation(sqlite_db, profile, clock)
    telegram = FakeTelegram()
    worker = dispatcher(sqlite_db, profile, clock, telegram=telegram)
    clock.set(appointment.starts_at - timedelta(hours=72))
    await worker.run_due()
    clock.set(appointment.starts_at - timedelta(hours=24))
    await worker.run_due()
    assert len(call_list(telegram)) == 1
