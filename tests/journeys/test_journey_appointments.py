"""My appointments: the upcoming list, cancelling under the cut-off policy, and rescheduling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlmodel import select

from bot.db.models import Appointment, Patient
from bot.domain.enums import AppointmentStatus
from tests.booking_helpers import add_patient
from tests.journey_helpers import (
    ALICE,
    BOB,
    STAFF_CHAT,
    book_consultation,
    open_journey,
    press_first_day,
    press_first_time,
    profile_file,
    start_and_consent,
)

CONFIRM = "✅ Confirm booking"
TUESDAY_0830 = datetime(2027, 3, 2, 13, 30, tzinfo=UTC)


def event_of(ics: bytes):
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    return event


async def booked_alice(journey):
    alice = journey.patient(ALICE, "Alice")
    await start_and_consent(alice)
    await book_consultation(alice)
    await alice.press(CONFIRM)
    await journey.dispatch()
    return alice


async def test_my_appointments_lists_the_upcoming_ones(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("🗂 My appointments")
        assert "no upcoming appointments" in alice.last_message().text
        await book_consultation(alice)
        await alice.press(CONFIRM)
        await alice.send_command("/appointments")
        listing = alice.last_message()
        assert "1. Free consultation" in listing.text
        assert "Tuesday 2 March 2027 at 8:30 AM" in listing.text
        assert listing.button_labels == ["🔁 Change #1", "✖️ Cancel #1", "📅 #1"]


async def test_my_appointments_shows_address_status_and_preparation_and_resends_the_ics(
    database, clock
):
    async with open_journey(database, clock) as journey:
        alice = await booked_alice(journey)
        with journey.core.db.session() as session:
            patient = session.exec(select(Patient)).one()
            patient.approved_at = clock.now()
            consult = session.exec(select(Appointment)).one()
        journey.core.booking.book(
            patient_id=patient.id,
            service="iv_infusion",
            start=consult.starts_at + timedelta(days=1),
            actor="staff:1",
        )
        await alice.send_command("/appointments")
        listing = alice.last_message()
        assert "1. Free consultation" in listing.text
        assert "2. IV infusion session" in listing.text
        assert listing.text.count("120 Main Street, Suite 300, Springfield") == 2
        assert listing.text.count("not confirmed yet") == 2
        assert "Wed 3 Mar: light meal by 2:30 AM, clear liquids until 6:30 AM" in listing.text
        assert "An adult must drive you home" in listing.text
        await alice.press("📅 #2")
        document = alice.last_message()
        assert document.document_name == "appointment.ics"
        assert event_of(document.document_bytes).decoded("DTSTART") == datetime(
            2027, 3, 3, 13, 30, tzinfo=UTC
        )


async def test_cancelling_outside_the_cutoff_frees_the_time_and_tells_staff(database, clock):
    async with open_journey(database, clock) as journey:
        alice = await booked_alice(journey)
        await alice.send_command("/appointments")
        await alice.press("✖️ Cancel #1")
        question = alice.last_message()
        assert "Cancel your <b>" not in question.text
        assert "Free consultation" in question.text
        await alice.press("Yes, cancel it")
        reply = alice.last_message()
        assert "is cancelled" in reply.text
        assert "let the clinic know" not in reply.text
        [appointment] = journey.appointments()
        assert appointment.status == AppointmentStatus.CANCELLED
        assert not appointment.late_cancel
        await journey.dispatch()
        assert "Cancelled" in journey.double.last_message(STAFF_CHAT).text
        # The time is free again: both rooms can be booked by others.
        for name in ("Bob", "Cy"):
            other = add_patient(journey.core.db, now=clock.now(), name=name)
            journey.core.booking.book(patient_id=other, service="consultation", start=TUESDAY_0830)


async def test_cancelling_sends_the_calendar_a_cancellation_of_the_same_event(database, clock):
    async with open_journey(database, clock) as journey:
        alice = await booked_alice(journey)
        booked = event_of(journey.bot_messages(ALICE)[-1].document_bytes)
        await alice.send_command("/appointments")
        await alice.press("✖️ Cancel #1")
        await alice.press("Yes, cancel it")
        await journey.dispatch()
        reply, calendar = journey.bot_messages(ALICE)[-2:]
        assert "is cancelled" in reply.text
        assert calendar.document_name == "appointment.ics"
        assert "cancelled" in calendar.text
        cancel = Calendar.from_ical(calendar.document_bytes)
        assert str(cancel["METHOD"]) == "CANCEL"
        [event] = cancel.walk("VEVENT")
        assert str(event["UID"]) == str(booked["UID"])
        assert str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == int(booked["SEQUENCE"]) + 1
        await journey.dispatch()  # sent once
        assert journey.bot_messages(ALICE)[-1].message_id == calendar.message_id


async def test_a_moved_then_cancelled_visit_cancels_the_moved_event(database, clock):
    async with open_journey(database, clock) as journey:
        alice = await booked_alice(journey)
        booked = event_of(journey.bot_messages(ALICE)[-1].document_bytes)
        await alice.press("🔁 Change time")
        await alice.press("Thu 4 Mar")
        await alice.press("10:00 AM")
        await alice.press("✅ Move it")
        await alice.send_command("/appointments")
        await alice.press("✖️ Cancel #1")
        await alice.press("Yes, cancel it")
        await journey.dispatch()
        [event] = Calendar.from_ical(alice.last_message().document_bytes).walk("VEVENT")
        assert str(event["UID"]) == str(booked["UID"])
        assert int(event["SEQUENCE"]) == 2  # booked 0, moved 1, cancelled 2
        assert event.decoded("DTSTART") == datetime(2027, 3, 4, 15, 0, tzinfo=UTC)


async def test_keeping_an_appointment_changes_nothing(database, clock):
    async with open_journey(database, clock) as journey:
        alice = await booked_alice(journey)
        await alice.press("✖️ Cancel")  # on the confirmation message
        await alice.press("No, keep it")
        assert "stays as it is" in alice.last_message().text
        assert journey.appointments()[0].status == AppointmentStatus.BOOKED


async def test_a_late_cancellation_is_allowed_and_flagged_by_default(database, clock):
    async with open_journey(database, clock) as journey:
        alice = await booked_alice(journey)
        clock.advance(timedelta(hours=1))  # 23.5 h before
        await alice.send_command("/appointments")
        await alice.press("✖️ Cancel #1")
        await alice.press("Yes, cancel it")
        assert "less than 24 hours before" in alice.last_message().text
        assert journey.appointments()[0].late_cancel is True
        await journey.dispatch()
        assert "late" in journey.double.last_message(STAFF_CHAT).text


async def test_a_late_change_is_refused_with_the_clinic_phone_when_the_policy_says_so(
    database, clock, tmp_path
):
    refuse = profile_file(
        tmp_path,
        replace={
            'late_cancellation_policy = "allow_and_flag"': 'late_cancellation_policy = "refuse"'
        },
    )
    async with open_journey(database, clock, profile_path=refuse) as journey:
        alice = await booked_alice(journey)
        clock.advance(timedelta(hours=1))
        await alice.send_command("/appointments")
        await alice.press("✖️ Cancel #1")
        reply = alice.last_message()
        assert "need a quick call" in reply.text
        assert "+1 555 010 0199" in reply.text
        await alice.press_on(journey.bot_messages(ALICE)[-2].message_id, "🔁 Change #1")
        assert "need a quick call" in alice.last_message().text
        assert journey.appointments()[0].status == AppointmentStatus.BOOKED


async def test_rescheduling_moves_the_appointment_and_frees_the_old_time(database, clock):
    async with open_journey(database, clock) as journey:
        alice = await booked_alice(journey)
        first_calendar = journey.bot_messages(ALICE)[-1].document_bytes
        await alice.press("🔁 Change time")  # on the confirmation message
        calendar = alice.last_message()
        assert "Choose a new day" in calendar.text
        assert "Tuesday 2 March 2027 at 8:30 AM" in calendar.text
        await alice.press("Thu 4 Mar")
        await alice.press("10:00 AM")
        summary = alice.last_message()
        assert "Move your appointment?" in summary.text
        assert "Thursday 4 March 2027 at 10:00 AM" in summary.text
        await alice.press("✅ Move it")
        moved, ics = journey.bot_messages(ALICE)[-2:]
        assert "has moved" in moved.text
        old, new = journey.appointments()
        assert old.status == AppointmentStatus.CANCELLED
        assert new.status == AppointmentStatus.BOOKED
        assert new.starts_at == datetime(2027, 3, 4, 15, 0, tzinfo=UTC)
        assert new.rescheduled_from_id == old.id
        # The same calendar event, a higher sequence, the new time: calendar apps move it.
        before, after = event_of(first_calendar), event_of(ics.document_bytes)
        assert str(after["UID"]) == str(before["UID"])
        assert (int(before["SEQUENCE"]), int(after["SEQUENCE"])) == (0, 1)
        assert after.decoded("DTSTART") == new.starts_at
        await journey.dispatch()
        assert "Rescheduled" in journey.double.last_message(STAFF_CHAT).text


async def test_keeping_the_current_time_abandons_the_reschedule(database, clock):
    async with open_journey(database, clock) as journey:
        alice = await booked_alice(journey)
        await alice.press("🔁 Change time")
        await alice.press("Keep the current time")
        assert "stays as it is" in alice.last_message().text
        [appointment] = journey.appointments()
        assert appointment.status == AppointmentStatus.BOOKED


async def test_buttons_for_someone_elses_appointment_are_refused(database, clock):
    async with open_journey(database, clock) as journey:
        await booked_alice(journey)
        [appointment] = journey.appointments()
        bob = journey.patient(BOB, "Bob")
        await start_and_consent(bob)
        for verb in ("rs", "cx", "cy"):
            update = journey.double.make_update(
                user_id=BOB,
                callback_data=f"ap:{verb}:{appointment.id}",
                message_id=bob.last_message().message_id,
            )
            await journey.double.deliver(update)
            assert "no longer active" in bob.last_message().text
        assert journey.appointments()[0].status == AppointmentStatus.BOOKED


async def test_a_patient_is_never_offered_a_time_overlapping_their_own_visit(database, clock):
    async with open_journey(database, clock) as journey:
        alice = await booked_alice(journey)
        await alice.send_command("/book")
        if "📅 Book a consultation" in alice.last_message().button_labels:
            await alice.press("📅 Book a consultation")
        await press_first_day(alice)
        await press_first_time(alice)
        for _ in range(20):  # walk to the summary, whatever is asked again
            message = alice.last_message()
            labels = message.button_labels
            if CONFIRM in labels:
                break
            if "No" in labels:
                await alice.press("No")
            elif labels and labels[0] not in ("Stop booking",):
                await alice.press(labels[0])
            else:
                await alice.send_text("Alice Smith" if "name" in message.text else "none")
        await alice.press(CONFIRM)
        texts = [m.text for m in alice.chat_log() if m.from_bot]
        assert not any("You already have an appointment at" in t for t in texts)
        [first, second] = sorted(journey.appointments(), key=lambda a: a.starts_at)
        # Her own time was not offered: the second visit starts after the first one ends.
        assert second.starts_at >= first.ends_at
