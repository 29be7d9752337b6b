"""Issue 11 item 2: a treatment's preparation always arrives, however late it is booked."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.db.models import Appointment, Patient
from bot.domain.enums import OutboxKind, OutboxStatus
from bot.domain.sms_policy import assert_sms_safe
from bot.presentation.preparation_words import PREPARATION_SMS_SEGMENTS, fasting_cutoffs
from bot.services import preparation
from bot.texts import Texts
from tests.fakes import FakeSms, FakeTelegram
from tests.journey_helpers import (
    ALICE,
    open_journey,
    press_first_day,
    press_first_time,
    start_and_consent,
)
from tests.outbox_helpers import booking_with_planner, dispatcher, rows, telegram_patient

# Monday 1 March 2027, 6:30 PM in New York: the first infusion time (Tue 8:30 AM) is 14 h away,
# after the 72 h and 24 h reminders (the ones with the preparation checklist) have passed.
MONDAY_EVENING = datetime(2027, 3, 1, 23, 30, tzinfo=UTC)
TUESDAY_0830 = datetime(2027, 3, 2, 13, 30, tzinfo=UTC)


async def test_a_14_hour_notice_infusion_confirmation_carries_the_fasting_times(database, clock):
    clock.set(MONDAY_EVENING)
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        with journey.core.db.session() as session:
            patient = session.exec(select(Patient)).one()
            patient.approved_at = clock.now()
            patient.name, patient.phone_e164 = "Alice Smith", "+12015550123"
            patient.phone_verified_at = clock.now()
        await alice.send_command("/book")
        await alice.press("IV infusion session")
        await press_first_day(alice)
        await press_first_time(alice)
        await alice.press("No, just Telegram")
        await alice.press("✅ Confirm booking")
        [appointment] = journey.appointments()
        assert appointment.starts_at == TUESDAY_0830
        confirmation = next(
            m.text for m in reversed(journey.bot_messages(ALICE)) if "You're booked" in m.text
        )
    assert "Tue 2 Mar: light meal by 2:30 AM, clear liquids until 6:30 AM" in confirmation
    assert "An adult must drive you home and stay with you afterwards." in confirmation
    assert "Take your usual medicines with a sip of water unless the clinic told you" in (
        confirmation
    )


async def test_an_sms_patient_booked_at_short_notice_gets_a_preparation_text(
    sqlite_db, profile, clock
):
    clock.set(MONDAY_EVENING)
    booking = booking_with_planner(sqlite_db, profile, clock)
    patient_id = telegram_patient(
        sqlite_db, now=clock.now(), channel="sms", sms_consent=True, approved=True
    )
    appointment = booking.book(
        patient_id=patient_id, service="iv_infusion", start=TUESDAY_0830, actor="staff:1"
    )
    planned = [r.kind for r in rows(sqlite_db, appointment_id=appointment.id)]
    assert OutboxKind.REMINDER_24H not in planned
    assert OutboxKind.PREPARATION in planned

    sms = FakeSms()
    sender = dispatcher(
        sqlite_db,
        profile,
        clock,
        telegram=FakeTelegram(),
        sms=sms,
        extra_renderers=preparation.RENDERERS,
    )
    await sender.run_due()

    [body] = [b for b in sms.bodies_to("+15555550123") if "light meal" in b]
    assert "Tue 2 Mar: light meal by 2:30 AM, clear liquids until 6:30 AM" in body
    assert "An adult must drive you home" in body
    assert_sms_safe(body, max_segments=PREPARATION_SMS_SEGMENTS)
    [prep] = [r for r in rows(sqlite_db, appointment_id=appointment.id) if r.kind == "preparation"]
    assert prep.status == OutboxStatus.SENT


def test_a_booking_three_days_ahead_needs_no_extra_preparation_message(sqlite_db, profile, clock):
    booking = booking_with_planner(sqlite_db, profile, clock)  # Monday 8:00 AM
    patient_id = telegram_patient(
        sqlite_db, now=clock.now(), channel="sms", sms_consent=True, approved=True
    )
    appointment = booking.book(
        patient_id=patient_id,
        service="iv_infusion",
        start=datetime(2027, 3, 5, 14, 0, tzinfo=UTC),
        actor="staff:1",
    )
    planned = [r.kind for r in rows(sqlite_db, appointment_id=appointment.id)]
    assert OutboxKind.REMINDER_24H in planned
    assert OutboxKind.PREPARATION not in planned


def test_an_early_morning_visit_names_the_day_before_for_the_meal(profile):
    early = Appointment(
        patient_id=1,
        service="iv_infusion",
        starts_at=datetime(2027, 3, 2, 12, 0, tzinfo=UTC),  # 7:00 AM EST
        ends_at=datetime(2027, 3, 2, 16, 0, tzinfo=UTC),
        held_until=datetime(2027, 3, 2, 16, 30, tzinfo=UTC),
        created_at=datetime(2027, 3, 1, tzinfo=UTC),
    )
    assert fasting_cutoffs(Texts(), profile, early) == (
        "Tue 2 Mar: light meal by 1:00 AM, clear liquids until 5:00 AM"
    )
    later = early.model_copy(update={"starts_at": datetime(2027, 3, 2, 9, 0, tzinfo=UTC)})
    assert fasting_cutoffs(Texts(), profile, later) == (
        "Mon 1 Mar: light meal by 10:00 PM, clear liquids until 2:00 AM on Tue 2 Mar"
    )
