"""The booking survives a restart, and two patients racing for one slot get one booking."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

from sqlmodel import select

from bot.db.models import AuditLog, Patient, StaffTask
from bot.domain.enums import DraftStep
from tests.booking_helpers import add_patient
from tests.journey_helpers import (
    ALICE,
    BOB,
    book_consultation,
    open_journey,
    press_first_day,
    press_first_time,
    start_and_consent,
)

CONFIRM = "✅ Confirm booking"


async def test_a_restart_mid_booking_resumes_where_the_patient_was(database, clock):
    async with open_journey(database, clock) as first:
        alice = first.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        await press_first_day(alice)
        await press_first_time(alice)
        await alice.send_text("Alice Smith")
        await alice.share_contact("+12015550123")
        await alice.press("No")
        await alice.press("No")
        question = alice.last_message()
        assert "Question 3 of 9" in question.text
        yes_data = question.buttons[0][0][1]

    # A new process: a new Application, core and Telegram connection over the same database.
    async with open_journey(database, clock) as second:
        alice = second.patient(ALICE, "Alice")
        # The button on the message the patient still sees works after the restart.
        update = second.double.make_update(
            user_id=ALICE, callback_data=yes_data, message_id=question.message_id
        )
        await second.double.deliver(update)
        # The new connection has no copy of old messages: the next step came as a new message.
        assert "Question 4 of 9" in alice.last_message().text
        for _ in range(6):
            await alice.press("No")
        assert "medicines" in alice.last_message().text
        await alice.send_text("none")
        for label in ("3", "4", "Yes", "No, just Telegram", CONFIRM):
            await alice.press(label)
        [appointment] = second.appointments()
        assert second.screening()["S3"] == "yes"
        assert second.screening()["S1"] == "no"
        assert appointment.patient_id == second.patients()[0].id


async def test_a_restart_keeps_the_draft_row_and_its_version(database, clock):
    async with open_journey(database, clock) as first:
        alice = first.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        version = first.draft(ALICE).version
    async with open_journey(database, clock) as second:
        alice = second.patient(ALICE, "Alice")
        await alice.send_command("/start")
        assert second.double.last_message(ALICE).button_labels == ["Carry on", "Start again"]
        await alice.press("Carry on")
        assert "choose a day" in alice.last_message().text
        assert second.draft(ALICE).version == version
        assert second.draft(ALICE).step == DraftStep.DATE


async def test_two_patients_racing_for_one_slot_get_one_booking(any_db, clock):
    database = any_db
    # One clinician is already taken at 08:30 on Tuesday: one place is left.
    taken = add_patient(database, now=clock.now(), name="Cy")
    async with contextlib.AsyncExitStack() as stack:
        # Two replicas of the bot, each with its own Telegram connection, one database.
        first = await stack.enter_async_context(open_journey(database, clock))
        second = await stack.enter_async_context(open_journey(database, clock))
        first.core.booking.book(
            patient_id=taken,
            service="consultation",
            start=datetime(2027, 3, 2, 13, 30, tzinfo=UTC),
        )
        alice = first.patient(ALICE, "Alice")
        bob = second.patient(BOB, "Bob")
        await start_and_consent(alice)
        await start_and_consent(bob)
        await book_consultation(alice, name="Alice Smith")
        await bob.press("📅 Book a consultation")
        await press_first_day(bob)
        await press_first_time(bob)
        await bob.send_text("Bob Jones")
        await bob.share_contact("+12015550188")
        for _ in range(9):
            await bob.press("No")
        await bob.send_text("none")
        for label in ("2", "2", "Yes", "No, just Telegram"):
            await bob.press(label)

        await asyncio.gather(alice.press(CONFIRM), bob.press(CONFIRM))

        at_0830 = [
            a
            for a in first.appointments()
            if a.starts_at == datetime(2027, 3, 2, 13, 30, tzinfo=UTC)
        ]
        assert len(at_0830) == 2  # Cy's and exactly one of the racers'
        last_alice = first.bot_messages(ALICE)[-1]
        last_bob = second.bot_messages(BOB)[-1]
        assert {last_alice.document_name, last_bob.document_name} == {"appointment.ics", None}
        loser = last_bob if last_alice.document_name else last_alice
        assert "was just taken" in loser.text
        assert "📅 Other days" in loser.button_labels


async def test_two_patients_confirming_one_typed_number_are_both_booked_and_staff_told(
    any_db, clock
):
    database = any_db
    async with contextlib.AsyncExitStack() as stack:
        first = await stack.enter_async_context(open_journey(database, clock))
        second = await stack.enter_async_context(open_journey(database, clock))
        alice = first.patient(ALICE, "Alice")
        bob = second.patient(BOB, "Bob")
        await start_and_consent(alice)
        await start_and_consent(bob)
        # Both type 201-555-0123 while no record holds it, and both ask for texts.
        await book_consultation(alice, name="Alice Smith")
        await book_consultation(bob, name="Bob Jones")

        await asyncio.gather(alice.press(CONFIRM), bob.press(CONFIRM))

        # Both are booked and told the same thing; the number went to one record only.
        assert len(first.appointments()) == 2
        for journey, user in ((first, alice), (second, bob)):
            confirmation, calendar = journey.bot_messages(user.id)[-2:]
            assert "You're booked" in confirmation.text
            assert calendar.document_name == "appointment.ics"
        patients = {p.telegram_user_id: p for p in first.patients()}
        holder, other = sorted(patients.values(), key=lambda p: p.phone_e164 is None)
        assert (holder.phone_e164, other.phone_e164) == ("+12015550123", None)
        assert holder.sms_consent_at is not None
        assert other.sms_consent_at is None
        with database.session(write=False) as session:
            [task] = session.exec(select(StaffTask)).all()
        [appointment] = [a for a in first.appointments() if a.patient_id == other.id]
        assert (task.kind, task.patient_id, task.appointment_id) == (
            "duplicate_record",
            other.id,
            appointment.id,
        )
        assert f"phone matches patient P-{holder.id}" in task.detail


async def test_a_contact_shared_three_times_at_once_joins_the_records_once(any_db, clock):
    async with open_journey(any_db, clock) as journey:
        with any_db.session() as session:
            owner = Patient(
                created_at=clock.now(),
                name="Alice Smith",
                phone_e164="+12015550123",
                preferred_channel="sms",
                created_by="sms",
            )
            session.add(owner)
            session.flush()
            owner_id = owner.id
        alice = journey.patient(ALICE, "Alice", phone="12015550123")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        await press_first_day(alice)
        await press_first_time(alice)
        await alice.send_text("Alice Smith")

        await asyncio.gather(*(alice.share_contact() for _ in range(3)))

        [patient] = journey.patients()
        assert (patient.id, patient.telegram_user_id) == (owner_id, ALICE)
        assert journey.draft(ALICE).step == DraftStep.SCREENING
        with any_db.session(write=False) as session:
            links = session.exec(
                select(AuditLog).where(AuditLog.action == "patient.telegram_linked")
            ).all()
        assert len(links) == 1
