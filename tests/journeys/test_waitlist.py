"""The waitlist end to end (issue 15 item 2): join from the time choice, leave from the menu,
freed times offered in turn with a deadline (fake clock), a race for one freed time, by text,
and the staff view."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from bot.db.models import (
    Appointment,
    AuditLog,
    Outbox,
    ScreeningAnswer,
    WaitlistEntry,
    WaitlistOffer,
)
from bot.domain.enums import AppointmentStatus, OutboxKind
from bot.domain.sms_policy import assert_sms_safe
from bot.presentation.waitlist_words import Answer
from tests.booking_helpers import add_patient
from tests.journey_helpers import (
    ALICE,
    BOB,
    STAFF_CHAT,
    STAFF_USER,
    answer_screening,
    open_journey,
    press_first_day,
    profile_file,
    start_and_consent,
)

TUESDAY_0830 = datetime(2027, 3, 2, 13, 30, tzinfo=UTC)
NONE_SUIT = "⏳ None of these times suit me"
JOIN = "✅ Join the waitlist"
ACCEPT, DECLINE = "✅ Accept", "✖️ Decline"
CONFIRM = "✅ Confirm booking"
ONE_ROOM = {"consult_room = 2": "consult_room = 1"}


def one_room(tmp_path, **more: str):
    return profile_file(tmp_path, replace={**ONE_ROOM, **more})


def entries(journey) -> list[WaitlistEntry]:
    with journey.core.db.session(write=False) as session:
        return list(session.exec(select(WaitlistEntry).order_by(WaitlistEntry.id)).all())


def offers(journey) -> list[WaitlistOffer]:
    with journey.core.db.session(write=False) as session:
        return list(session.exec(select(WaitlistOffer).order_by(WaitlistOffer.id)).all())


def booked_at(journey, start: datetime) -> list[Appointment]:
    return [
        a
        for a in journey.appointments()
        if a.starts_at == start and a.status == AppointmentStatus.BOOKED
    ]


async def join(journey, user_id: int, name: str) -> None:
    """From /start to the waitlist, through the time choice, with the choices as offered."""
    user = journey.patient(user_id, name)
    await start_and_consent(user)
    await user.press("📅 Book a consultation")
    await press_first_day(user)
    await user.press(NONE_SUIT)
    await user.press(JOIN)
    assert "You're on the waitlist" in user.last_message().text
    journey.clock.advance(timedelta(minutes=1))


def carol_at_0830(journey) -> int:
    """Someone booked by staff on Tuesday 8:30, the only room's first time."""
    carol = add_patient(journey.core.db, now=journey.clock.now(), name="Carol")
    return journey.core.booking.book(
        patient_id=carol, service="consultation", start=TUESDAY_0830, actor="staff:1"
    ).id


async def finish_intake(user, *, name: str, confirm: bool = True) -> None:
    """After Accept: name, a shared number, the health questions, then Confirm."""
    await user.send_text(name)
    await user.share_contact(f"+1201555{user.id % 10000:04d}")
    await answer_screening(user)
    await user.press("Yes, text me too")
    assert CONFIRM in user.last_message().button_labels
    if confirm:
        await user.press(CONFIRM)


# --- joining and leaving -------------------------------------------------------------------------


async def test_joining_from_the_time_choice_with_choices_and_joining_again_updates(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        await press_first_day(alice)
        assert NONE_SUIT in alice.last_message().button_labels
        await alice.press(NONE_SUIT)
        choices = alice.last_message()
        assert "Join the waitlist for Free consultation" in choices.text
        assert "any day" in choices.text
        assert "any time" in choices.text
        await alice.press("Tue")
        await alice.press("Thu")
        await alice.press("Mornings")
        await alice.press("Until: any date")  # cycles to 2 weeks ahead
        shown = alice.last_message()
        assert "✓ Tue" in shown.button_labels
        assert "✓ Mornings" in shown.button_labels
        assert "Tue, Thu" in shown.text
        assert "mornings" in shown.text
        await alice.press(JOIN)
        assert "You're on the waitlist for Free consultation" in alice.last_message().text
        [entry] = entries(journey)
        assert (entry.weekdays, entry.part_of_day) == (0b1010, "m")
        assert entry.earliest is None
        assert entry.latest == "2027-03-15"
        joined_at = entry.joined_at

        # Again, from the same time choice: afternoons instead. One entry, the place kept.
        clock.advance(timedelta(minutes=5))
        await alice.send_command("/book")
        await press_first_day(alice)
        await alice.press(NONE_SUIT)
        await alice.press("Afternoons")
        await alice.press(JOIN)
        assert "are updated" in alice.last_message().text
        [entry] = entries(journey)
        assert entry.part_of_day == "e"
        assert entry.weekdays == 0
        assert entry.joined_at == joined_at
        assert entry.left_at is None


async def test_a_patient_never_asked_the_health_questions_is_invited_to_answer_on_joining(
    database, clock
):
    async with open_journey(database, clock) as journey:
        await join(journey, ALICE, "Alice")
        alice = journey.patient(ALICE, "Alice")
        joined = alice.last_message()
        assert "needs your answers to a few health questions" in joined.text
        await alice.press("📝 Health questions for the clinic")
        assert "Question 1 of 9" in alice.last_message().text


async def test_leaving_from_the_menu(database, clock):
    async with open_journey(database, clock) as journey:
        await join(journey, ALICE, "Alice")
        alice = journey.patient(ALICE, "Alice")
        await alice.send_command("/start")
        await alice.press("⏳ My waitlist")
        listing = alice.last_message()
        assert "Free consultation: any day; any time" in listing.text
        await alice.press("Leave: Free consultation")
        assert "You have left the waitlist" in alice.last_message().text
        [entry] = entries(journey)
        assert entry.left_at is not None
        assert entry.left_reason == "left"
        await alice.send_command("/start")
        assert "⏳ My waitlist" not in alice.last_message().button_labels


async def test_booking_the_service_takes_the_patient_off_its_list(database, clock):
    async with open_journey(database, clock) as journey:
        await join(journey, ALICE, "Alice")
        [patient] = [p for p in journey.patients() if p.telegram_user_id == ALICE]
        journey.core.booking.book(
            patient_id=patient.id, service="consultation", start=TUESDAY_0830, actor="staff:1"
        )
        [entry] = entries(journey)
        assert entry.left_reason == "booked"


async def test_moving_a_booking_of_the_service_takes_the_patient_off_its_list(database, clock):
    async with open_journey(database, clock) as journey:
        await join(journey, ALICE, "Alice")
        [patient] = [p for p in journey.patients() if p.telegram_user_id == ALICE]
        later = journey.core.booking.book(
            patient_id=patient.id,
            service="consultation",
            start=TUESDAY_0830 + timedelta(days=7),
            actor="staff:1",
        )
        # Booking a week later did not end the wait for an earlier time: rejoin, as people do.
        alice = journey.patient(ALICE, "Alice")
        await alice.send_command("/book")
        await press_first_day(alice)
        await alice.press(NONE_SUIT)
        await alice.press(JOIN)
        [entry] = entries(journey)
        assert entry.left_at is None
        # The patient moves that visit to a time that suits: the wait is over.
        journey.core.booking.reschedule(
            appointment_id=later.id, new_start=TUESDAY_0830, actor=f"patient:{patient.id}"
        )
        [entry] = entries(journey)
        assert entry.left_reason == "booked"


# --- offers ---------------------------------------------------------------------------------------


async def test_a_cancelled_time_is_offered_in_turn_and_expires_to_the_next(
    database, clock, tmp_path
):
    async with open_journey(database, clock, profile_path=one_room(tmp_path)) as journey:
        carol_appointment = carol_at_0830(journey)
        await join(journey, ALICE, "Alice")
        await join(journey, BOB, "Bob")
        alice, bob = journey.patient(ALICE, "Alice"), journey.patient(BOB, "Bob")
        journey.core.booking.cancel(appointment_id=carol_appointment, actor="staff:1")
        await journey.dispatch()

        offer = alice.last_message()
        assert "A time has freed up" in offer.text
        assert "Tuesday 2 March 2027 at 8:30 AM" in offer.text
        assert offer.button_labels == [ACCEPT, DECLINE]
        assert "A time has freed up" not in bob.last_message().text

        # Nobody answers for the profile's two hours: Alice's offer expires, Bob is asked.
        clock.advance(timedelta(minutes=119))
        await journey.dispatch()
        assert [o.status for o in offers(journey)] == ["open"]
        clock.advance(timedelta(minutes=2))
        await journey.dispatch()
        await journey.dispatch()
        assert [o.status for o in offers(journey)] == ["expired", "open"]
        assert "A time has freed up" in bob.last_message().text

        # Alice answers late: told so, and she keeps her place.
        await alice.press_on(offer.message_id, ACCEPT)
        assert "ran out" in alice.last_message().text
        assert booked_at(journey, TUESDAY_0830) == []

        # Bob joined before giving his name, number or health answers: Accept asks them first,
        # with the time held for him, and books at Confirm (issue 15: no booking without them).
        await bob.press(ACCEPT)
        asked = bob.last_message()
        assert "The time is held for you until" in asked.text
        assert booked_at(journey, TUESDAY_0830) == []
        await finish_intake(bob, name="Bob Jones")
        confirmation, calendar = journey.bot_messages(BOB)[-2:]
        assert "You're booked" in confirmation.text
        assert "Tuesday 2 March 2027" in confirmation.text
        assert calendar.document_name == "appointment.ics"
        [appointment] = booked_at(journey, TUESDAY_0830)
        [bob_patient] = [p for p in journey.patients() if p.telegram_user_id == BOB]
        assert bob_patient.name == "Bob Jones"
        assert bob_patient.phone_e164.startswith("+1201555")
        assert len(journey.screening()) >= 9
        bob_entry, alice_entry = entries(journey)[1], entries(journey)[0]
        assert appointment.patient_id == bob_entry.patient_id
        assert bob_entry.left_reason == "booked"
        assert alice_entry.left_at is None
        assert offers(journey)[-1].status == "accepted"
        assert offers(journey)[-1].appointment_id == appointment.id


async def test_a_declined_offer_goes_to_the_next_at_once(database, clock, tmp_path):
    async with open_journey(database, clock, profile_path=one_room(tmp_path)) as journey:
        carol_appointment = carol_at_0830(journey)
        await join(journey, ALICE, "Alice")
        await join(journey, BOB, "Bob")
        alice, bob = journey.patient(ALICE, "Alice"), journey.patient(BOB, "Bob")
        journey.core.booking.cancel(appointment_id=carol_appointment, actor="staff:1")
        await journey.dispatch()
        await alice.press(DECLINE)
        assert "You stay on the waitlist" in alice.last_message().text
        await journey.dispatch()
        assert "A time has freed up" in bob.last_message().text
        assert [o.status for o in offers(journey)] == ["declined", "open"]


async def test_preferences_that_do_not_fit_are_skipped(database, clock, tmp_path):
    async with open_journey(database, clock, profile_path=one_room(tmp_path)) as journey:
        carol_appointment = carol_at_0830(journey)
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        await press_first_day(alice)
        await alice.press(NONE_SUIT)
        await alice.press("Afternoons")
        await alice.press(JOIN)
        await join(journey, BOB, "Bob")
        journey.core.booking.cancel(appointment_id=carol_appointment, actor="staff:1")
        [offer] = offers(journey)
        assert offer.patient_id == entries(journey)[1].patient_id


async def test_the_race_for_one_freed_time_books_once(database, clock, tmp_path):
    """First to accept: both are offered it and both accept at once; one booking, the other is
    told it has gone and stays on the list."""
    path = one_room(tmp_path, **{'order = "in_order"': 'order = "first_to_accept"'})
    async with open_journey(database, clock, profile_path=path) as journey:
        carol_appointment = carol_at_0830(journey)
        await join(journey, ALICE, "Alice")
        await join(journey, BOB, "Bob")
        alice, bob = journey.patient(ALICE, "Alice"), journey.patient(BOB, "Bob")
        journey.core.booking.cancel(appointment_id=carol_appointment, actor="staff:1")
        await journey.dispatch()
        assert "A time has freed up" in alice.last_message().text
        assert "A time has freed up" in bob.last_message().text

        await asyncio.gather(alice.press(ACCEPT), bob.press(ACCEPT))
        # Neither had given their details: both are asked them, and both confirm at once.
        await finish_intake(alice, name="Alice Smith", confirm=False)
        await finish_intake(bob, name="Bob Jones", confirm=False)
        assert booked_at(journey, TUESDAY_0830) == []
        await asyncio.gather(alice.press(CONFIRM), bob.press(CONFIRM))

        [appointment] = booked_at(journey, TUESDAY_0830)
        replies = [
            # the winner's last two: confirmation, calendar file
            m.text
            for m in journey.bot_messages(ALICE)[-2:] + journey.bot_messages(BOB)[-2:]
        ]
        assert sum("You're booked" in r for r in replies) == 1
        assert sum("just been taken" in r for r in replies) == 1
        assert sorted(o.status for o in offers(journey)) == ["accepted", "gone"]
        winner = appointment.patient_id
        by_patient = {e.patient_id: e for e in entries(journey)}
        loser = next(p for p in by_patient if p != winner)
        assert by_patient[winner].left_reason == "booked"
        assert by_patient[loser].left_at is None


async def test_the_race_in_threads_through_the_service(database, clock, tmp_path):
    path = one_room(tmp_path, **{'order = "in_order"': 'order = "first_to_accept"'})
    async with open_journey(database, clock, profile_path=path) as journey:
        carol_appointment = carol_at_0830(journey)
        await join(journey, ALICE, "Alice")
        await join(journey, BOB, "Bob")
        journey.core.booking.cancel(appointment_id=carol_appointment, actor="staff:1")
        waitlist = journey.core.waitlist
        barrier = threading.Barrier(2)
        results = {}

        def accept(offer: WaitlistOffer) -> None:
            barrier.wait()
            results[offer.id] = waitlist.answer(
                patient_id=offer.patient_id, offer_id=offer.id, accept=True, actor="test"
            ).answer

        threads = [threading.Thread(target=accept, args=(o,)) for o in offers(journey)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results.values()) == sorted([Answer.ACCEPTED, Answer.GONE])
        assert len(booked_at(journey, TUESDAY_0830)) == 1


async def test_a_removed_staff_block_is_offered(database, clock, tmp_path):
    async with open_journey(database, clock, profile_path=one_room(tmp_path)) as journey:
        await join(journey, ALICE, "Alice")
        ops = journey.core.staff_ops
        with journey.core.db.session() as session:
            from bot.db.models import TimeBlock

            block = TimeBlock(
                starts_at=TUESDAY_0830,
                ends_at=TUESDAY_0830 + timedelta(hours=1),
                created_by="staff:1",
                created_at=clock.now(),
            )
            session.add(block)
            session.flush()
            block_id = block.id
        assert offers(journey) == []
        ops.unblock(block_id=block_id, actor="staff:1")
        [offer] = offers(journey)
        assert offer.starts_at == TUESDAY_0830


# --- staff ----------------------------------------------------------------------------------------


async def test_staff_see_the_waitlist_and_offer_a_time_by_hand(database, clock, tmp_path):
    async with open_journey(database, clock, profile_path=one_room(tmp_path)) as journey:
        await join(journey, ALICE, "Alice")
        staff = journey.double.user(STAFF_USER, "Sam").in_chat(STAFF_CHAT)
        await staff.send_command("/waitlist")
        listing = journey.double.last_message(STAFF_CHAT).text
        assert "Waitlist (1)" in listing
        assert "Free consultation" in listing
        entry_id = entries(journey)[0].id
        await staff.send_command(f"/waitlist offer W-{entry_id} 2027-03-03 10:00")
        assert "Offered Wed 3 Mar 10:00 AM" in journey.double.last_message(STAFF_CHAT).text
        await journey.dispatch()
        alice = journey.patient(ALICE, "Alice")
        assert "Wednesday 3 March 2027 at 10:00 AM" in alice.last_message().text
        await staff.send_command("/waitlist")
        assert "offered Wed 3 Mar 10:00 AM" in journey.double.last_message(STAFF_CHAT).text
        # A patient is not staff.
        await alice.send_command("/waitlist")
        assert "Waitlist (" not in alice.last_message().text
        with journey.core.db.session(write=False) as session:
            assert session.exec(
                select(AuditLog).where(col(AuditLog.action) == "staff.denied")
            ).first()


# --- by text --------------------------------------------------------------------------------------


async def test_by_text_wait_joins_and_yes_takes_an_offered_time(sqlite_db, clock, tmp_path):
    from bot.services.dispatch import Dispatcher
    from bot.services.routing import permanent_failure_hook
    from bot.web.app import create_web_app
    from tests.fakes import FakeSms
    from tests.web_helpers import asgi_client, make_core, post_signed, reply_of, sms

    core = make_core(sqlite_db, clock, CLINIC_PROFILE=str(one_room(tmp_path)))
    core.channels.sms = FakeSms()
    dispatcher = Dispatcher(
        db=core.db,
        profile=core.profile,
        texts=core.texts,
        clock=clock,
        channels=core.channels,
        renderers=core.renderers,
        on_permanent_failure=permanent_failure_hook(core.texts),
    )
    carol = add_patient(core.db, now=clock.now(), name="Carol")
    taken = core.booking.book(
        patient_id=carol, service="consultation", start=TUESDAY_0830, actor="staff:1"
    )
    phone = "+12015550188"
    inbound = core.sms_inbound
    async with asgi_client(create_web_app(core=core, inbound=inbound)) as client:
        joined = reply_of(await post_signed(client, "/twilio/sms", sms("wait", from_number=phone)))
        assert "you are on our waitlist" in joined
        again = reply_of(await post_signed(client, "/twilio/sms", sms("WAIT", from_number=phone)))
        assert "you are on our waitlist" in again
        with core.db.session(write=False) as session:
            assert len(session.exec(select(WaitlistEntry)).all()) == 1

        core.booking.cancel(appointment_id=taken.id, actor="staff:1")
        await dispatcher.run_due()
        [offer_text] = core.channels.sms.bodies_to(phone)
        assert_sms_safe(offer_text, max_segments=1)
        assert "a time has opened on Tue 2 Mar 8:30 AM" in offer_text

        booked = reply_of(await post_signed(client, "/twilio/sms", sms("yes", from_number=phone)))
        assert "you are booked for Tue 2 Mar 8:30 AM" in booked
        [appointment] = [
            a
            for a in _appointments(core)
            if a.starts_at == TUESDAY_0830 and a.status == AppointmentStatus.BOOKED
        ]
        assert appointment.created_by.startswith("sms:")

        left = reply_of(await post_signed(client, "/twilio/sms", sms("LEAVE", from_number=phone)))
        assert "not on the waitlist" in left  # booking took them off already
    with core.db.session(write=False) as session:
        rows = session.exec(select(Outbox)).all()
    kinds = {row.kind for row in rows}
    assert OutboxKind.WAITLIST_OFFER in kinds
    assert OutboxKind.WAITLIST_EXPIRY in kinds
    # Booked from the list by text without health answers: the invitation to answer by text.
    [invite] = [r for r in rows if "screening_request" in r.dedupe_key]
    assert invite.channel == "sms"
    assert invite.patient_id == appointment.patient_id


def _appointments(core) -> list[Appointment]:
    with core.db.session(write=False) as session:
        return list(session.exec(select(Appointment)).all())


def test_every_waitlist_sms_text_is_neutral_and_one_segment(profile):
    from bot.presentation.waitlist_words import SAMPLE_WHEN, sms_keys
    from bot.texts import Texts

    texts = Texts(profile.texts)
    keys = sms_keys(texts)
    assert len(keys) >= 8
    for key in keys:
        text = texts.plain(key, clinic=profile.clinic.name, when=SAMPLE_WHEN, deadline=SAMPLE_WHEN)
        assert_sms_safe(text, max_segments=1)


async def test_a_time_booked_by_someone_else_first_closes_the_open_offer(database, clock, tmp_path):
    async with open_journey(database, clock, profile_path=one_room(tmp_path)) as journey:
        carol_appointment = carol_at_0830(journey)
        await join(journey, ALICE, "Alice")
        alice = journey.patient(ALICE, "Alice")
        journey.core.booking.cancel(appointment_id=carol_appointment, actor="staff:1")
        await journey.dispatch()
        dan = add_patient(journey.core.db, now=clock.now(), name="Dan")
        journey.core.booking.book(
            patient_id=dan, service="consultation", start=TUESDAY_0830, actor="staff:1"
        )
        assert [o.status for o in offers(journey)] == ["gone"]
        await alice.press(ACCEPT)
        assert "just been taken" in alice.last_message().text
        assert entries(journey)[0].left_at is None


async def test_a_text_offer_made_at_night_counts_its_time_from_8_am(sqlite_db, clock, tmp_path):
    from bot.web.app import create_web_app
    from tests.web_helpers import asgi_client, make_core, post_signed, reply_of, sms

    clock.set(datetime(2027, 3, 2, 2, 30, tzinfo=UTC))  # Monday 9:30 PM in New York
    core = make_core(sqlite_db, clock, CLINIC_PROFILE=str(one_room(tmp_path)))
    wednesday_0830 = datetime(2027, 3, 3, 13, 30, tzinfo=UTC)
    carol = add_patient(core.db, now=clock.now(), name="Carol")
    taken = core.booking.book(
        patient_id=carol, service="consultation", start=wednesday_0830, actor="staff:1"
    )
    inbound = core.sms_inbound
    async with asgi_client(create_web_app(core=core, inbound=inbound)) as client:
        reply_of(await post_signed(client, "/twilio/sms", sms("WAIT", from_number="+12015550188")))
    core.booking.cancel(appointment_id=taken.id, actor="staff:1")
    with core.db.session(write=False) as session:
        [offer] = session.exec(select(WaitlistOffer)).all()
    # Texts wait for 08:00 (Tuesday 13:00 UTC); the two hours to answer start then.
    assert offer.expires_at == datetime(2027, 3, 2, 15, 0, tzinfo=UTC)


async def test_a_hold_that_runs_out_while_answering_passes_the_time_on(database, clock, tmp_path):
    """Accept holds the time while the questions are answered; past the hold it goes to the
    next patient, and a late Confirm books nothing and keeps the place on the list."""
    async with open_journey(database, clock, profile_path=one_room(tmp_path)) as journey:
        carol_appointment = carol_at_0830(journey)
        await join(journey, ALICE, "Alice")
        await join(journey, BOB, "Bob")
        alice, bob = journey.patient(ALICE, "Alice"), journey.patient(BOB, "Bob")
        journey.core.booking.cancel(appointment_id=carol_appointment, actor="staff:1")
        await journey.dispatch()
        clock.advance(timedelta(minutes=110))  # ten minutes left of the two hours to answer
        await alice.press(ACCEPT)
        assert "held for you until" in alice.last_message().text
        [offer] = offers(journey)
        assert offer.expires_at == clock.now() + timedelta(minutes=20)  # the hold, not 10 min
        clock.advance(timedelta(minutes=11))
        await journey.dispatch()
        assert [o.status for o in offers(journey)] == ["open"]  # still held at the old deadline
        await finish_intake(alice, name="Alice Smith", confirm=False)
        clock.advance(timedelta(minutes=10))
        await journey.dispatch()
        await journey.dispatch()
        assert [o.status for o in offers(journey)] == ["expired", "open"]
        assert "A time has freed up" in bob.last_message().text
        await alice.press(CONFIRM)
        assert "ran out" in alice.last_message().text
        assert booked_at(journey, TUESDAY_0830) == []
        assert entries(journey)[0].left_at is None  # Alice keeps her place


async def test_answers_given_while_waiting_are_not_asked_again_at_accept(database, clock, tmp_path):
    async with open_journey(database, clock, profile_path=one_room(tmp_path)) as journey:
        carol_appointment = carol_at_0830(journey)
        await join(journey, ALICE, "Alice")
        alice = journey.patient(ALICE, "Alice")
        # Invited on joining, Alice answers the health questions while she waits.
        await alice.press("📝 Health questions for the clinic")
        for answer in ["No"] * 9:
            await alice.press(answer)
        await alice.send_text("none")
        await alice.press("4")
        await alice.press("3")
        await alice.press("✅ Send to the clinic")
        journey.core.booking.cancel(appointment_id=carol_appointment, actor="staff:1")
        await journey.dispatch()
        await alice.press(ACCEPT)
        await alice.send_text("Alice Smith")
        await alice.share_contact("+12015550123")
        # Straight to the ride home: nothing of the nine questions, medicines or scores again.
        assert "drive you home" in alice.last_message().text
        await alice.press("Yes")
        await alice.press("Yes, text me too")
        await alice.press(CONFIRM)
        [appointment] = booked_at(journey, TUESDAY_0830)
        with journey.core.db.session(write=False) as session:
            rows = session.exec(
                select(ScreeningAnswer).where(col(ScreeningAnswer.appointment_id) == appointment.id)
            ).all()
        assert {row.code for row in rows} >= {f"S{n}" for n in range(1, 10)}
        assert offers(journey)[0].status == "accepted"
