"""The SMS conversation as a service: keywords, booking and rescheduling by text, consent."""

from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.db.engine import Database
from bot.db.models import Appointment, AuditLog, BookingDraft, Outbox, Patient
from bot.domain.enums import (
    AppointmentStatus,
    Channel,
    EscalationLevel,
    OutboxKind,
    OutboxStatus,
)
from bot.domain.sms_keywords import InboundKind
from bot.profile import ClinicProfile
from bot.services.booking import BookingService
from bot.services.checkin_rows import SMS_SIGNS
from bot.services.routing import create_phone_patient
from bot.services.sms_inbound import FLOW_CHECKIN, SmsInbound
from tests.booking_helpers import with_capacity
from tests.checkin_helpers import (
    PATIENT_PHONE,
    build_world,
    done_session,
    escalations,
    open_slot,
    sms_patient,
    stored_answers,
)
from tests.outbox_helpers import ONCALL, STAFF_CHAT, booking_with_planner
from tests.sms_helpers import (
    OTHER_PHONE,
    PHONE,
    Conversation,
    FakeCheckins,
    make_inbound,
    new_sid,
    open_checkin,
    phone_patient,
)


def patient_by(db: Database, phone: str = PHONE) -> Patient | None:
    with db.session(write=False) as session:
        return session.exec(select(Patient).where(col(Patient.phone_e164) == phone)).one_or_none()


def appointments(db: Database) -> list[Appointment]:
    with db.session(write=False) as session:
        return list(session.exec(select(Appointment).order_by(col(Appointment.id))).all())


def staff_notices(db: Database) -> list[dict]:
    with db.session(write=False) as session:
        rows = session.exec(select(Outbox).where(col(Outbox.kind) == OutboxKind.STAFF_NOTICE)).all()
        return [json.loads(row.payload) for row in rows]


def draft_for(db: Database, phone: str = PHONE) -> BookingDraft | None:
    with db.session(write=False) as session:
        return session.exec(
            select(BookingDraft).where(col(BookingDraft.address) == phone)
        ).one_or_none()


def book_next(booking: BookingService, patient_id: int, profile: ClinicProfile) -> Appointment:
    [slot] = booking.next_free(service=profile.consultation_code, count=1)
    return booking.book(
        patient_id=patient_id, service=profile.consultation_code, start=slot.start, actor="staff:1"
    )


@pytest.fixture
def booking(sqlite_db, profile, clock) -> BookingService:
    return booking_with_planner(sqlite_db, profile, clock)


@pytest.fixture
def inbound(sqlite_db, profile, clock, booking) -> SmsInbound:
    return make_inbound(sqlite_db, profile, clock, booking=booking)


@pytest.fixture
def chat(inbound, clock) -> Conversation:
    return Conversation(inbound, clock)


# --- booking by text ------------------------------------------------------------------------


def test_book_offers_three_times_asks_the_name_and_books(chat, sqlite_db, booking, profile, clock):
    offered = booking.next_free(service=profile.consultation_code, count=3)

    offer = chat.send("BOOK")
    ask = chat.send("2")
    done = chat.send("Ada Lovelace")

    assert "1) " in offer
    assert "2) " in offer
    assert "3) " in offer
    assert "Reply 1, 2 or 3" in offer
    assert "full name" in ask
    assert "you are booked for" in done
    [appointment] = appointments(sqlite_db)
    assert appointment.starts_at == offered[1].start
    assert appointment.service == profile.consultation_code
    patient = patient_by(sqlite_db)
    assert patient is not None
    assert (patient.name, patient.preferred_channel) == ("Ada Lovelace", Channel.SMS)
    assert patient.sms_consent_at == clock.now()
    assert appointment.patient_id == patient.id
    assert appointment.created_by == f"sms:{patient.id}"
    assert appointment.request_key == f"sms:{chat.last_sid}"
    assert draft_for(sqlite_db) is None


def test_book_keywords_forgive_case_and_spacing(chat):
    reply = chat.send("  book ")

    assert "1) " in reply


def test_a_twilio_retry_of_the_name_message_books_once(chat, sqlite_db):
    chat.send("BOOK")
    chat.send("1")
    sid = new_sid()
    first = chat.send("Ada Lovelace", sid=sid)

    again = chat.send("Ada Lovelace", sid=sid)

    assert again == first
    assert len(appointments(sqlite_db)) == 1


def test_a_known_patient_is_booked_without_being_asked_their_name(chat, sqlite_db, clock):
    phone_patient(sqlite_db, clock, name="Grace Hopper")

    chat.send("BOOK")
    reply = chat.send("3")

    assert "you are booked for" in reply
    [appointment] = appointments(sqlite_db)
    assert appointment.patient_id == patient_by(sqlite_db).id
    assert patient_by(sqlite_db).name == "Grace Hopper"


def test_a_name_without_letters_is_asked_for_again(chat, sqlite_db):
    chat.send("BOOK")
    chat.send("1")

    reply = chat.send("12345")

    assert "full name" in reply
    assert appointments(sqlite_db) == []
    assert draft_for(sqlite_db).step == "name"


def test_a_number_outside_the_offer_asks_for_one_of_the_offered_numbers(chat, sqlite_db):
    chat.send("BOOK")

    reply = chat.send("7")

    assert "please reply 1, 2 or 3" in reply
    assert draft_for(sqlite_db).step == "time"


def test_a_time_taken_meanwhile_offers_the_next_free_times(sqlite_db, profile, clock):
    tight = with_capacity(profile, clinician=1, consult_room=1)
    booking = booking_with_planner(sqlite_db, tight, clock)
    chat = Conversation(make_inbound(sqlite_db, tight, clock, booking=booking), clock)
    chat.send("BOOK")
    chat.send("1")
    first_offer = booking.next_free(service=tight.consultation_code, count=1)[0].start
    rival = phone_patient(sqlite_db, clock, phone=OTHER_PHONE, name="Rival")
    booking.book(patient_id=rival, service=tight.consultation_code, start=first_offer)

    reply = chat.send("Ada Lovelace")

    assert "that time was just taken" in reply
    assert "1) " in reply
    assert [a.patient_id for a in appointments(sqlite_db)] == [rival]
    assert draft_for(sqlite_db).step == "time"
    assert "you are booked for" in chat.send("1")


def test_no_free_times_sends_the_clinic_number(sqlite_db, profile, clock):
    closed = profile.model_copy(update={"hours": {}})
    chat = Conversation(make_inbound(sqlite_db, closed, clock), clock)

    reply = chat.send("BOOK")

    assert "no free times" in reply
    assert profile.clinic.phone in reply
    assert draft_for(sqlite_db) is None


def test_a_keyword_in_the_middle_of_booking_starts_over(chat, sqlite_db):
    chat.send("BOOK")

    reply = chat.send("C")

    assert "no upcoming visit" in reply
    assert draft_for(sqlite_db) is None


def test_an_expired_booking_is_forgotten(chat, sqlite_db, clock, profile):
    chat.send("BOOK")
    clock.advance(timedelta(hours=profile.booking.draft_expiry_hours + 1))

    reply = chat.send("1")

    assert reply.startswith(f"{profile.clinic.name}: reply C to confirm")
    assert appointments(sqlite_db) == []


# --- confirm, cancel, reschedule -------------------------------------------------------------


@pytest.mark.parametrize("word", ["C", "c", "CONFIRM", "confirm please", "Yes", "y"])
def test_c_confirm_and_yes_confirm_the_next_appointment(
    word, chat, sqlite_db, booking, profile, clock
):
    patient_id = phone_patient(sqlite_db, clock)
    appointment = book_next(booking, patient_id, profile)

    reply = chat.send(word)

    assert "is confirmed" in reply
    [stored] = appointments(sqlite_db)
    assert stored.id == appointment.id
    assert stored.confirmed_at == clock.now()
    assert "confirmed" in [n["event"] for n in staff_notices(sqlite_db)]


def test_confirming_twice_tells_staff_once(chat, sqlite_db, booking, profile, clock):
    book_next(booking, phone_patient(sqlite_db, clock), profile)

    chat.send("C")
    chat.send("C")

    assert [n["event"] for n in staff_notices(sqlite_db)].count("confirmed") == 1


def test_c_without_an_appointment_offers_to_book(chat):
    reply = chat.send("C")

    assert "no upcoming visit" in reply
    assert "BOOK" in reply


def test_x_cancels_the_next_appointment(chat, sqlite_db, booking, profile, clock):
    patient_id = phone_patient(sqlite_db, clock)
    book_next(booking, patient_id, profile)

    reply = chat.send("X")

    assert "is cancelled" in reply
    assert "less than" not in reply
    [stored] = appointments(sqlite_db)
    assert stored.status == AppointmentStatus.CANCELLED
    assert not stored.late_cancel
    with sqlite_db.session(write=False) as session:
        actors = session.exec(
            select(AuditLog.actor).where(col(AuditLog.action) == "appointment.cancel")
        ).all()
    assert actors == [f"sms:{patient_id}"]


def test_x_inside_the_cutoff_cancels_and_flags_it_late_by_default(
    chat, sqlite_db, booking, profile, clock
):
    appointment = book_next(booking, phone_patient(sqlite_db, clock), profile)
    clock.set(appointment.starts_at - timedelta(hours=3))

    reply = chat.send("X")

    assert "is cancelled" in reply
    assert "less than 24 h away" in reply
    [stored] = appointments(sqlite_db)
    assert stored.status == AppointmentStatus.CANCELLED
    assert stored.late_cancel


def test_x_inside_the_cutoff_is_refused_when_the_policy_refuses(sqlite_db, profile, clock):
    strict = profile.model_copy(
        update={
            "booking": profile.booking.model_copy(update={"late_cancellation_policy": "refuse"})
        }
    )
    booking = booking_with_planner(sqlite_db, strict, clock)
    chat = Conversation(make_inbound(sqlite_db, strict, clock, booking=booking), clock)
    appointment = book_next(booking, phone_patient(sqlite_db, clock), strict)
    clock.set(appointment.starts_at - timedelta(hours=3))

    cancel = chat.send("X")
    change = chat.send("R")

    assert "Please call" in cancel
    assert strict.clinic.phone in cancel
    assert "Please call" in change
    [stored] = appointments(sqlite_db)
    assert stored.status == AppointmentStatus.BOOKED


def test_a_retried_x_cancels_only_one_appointment(chat, sqlite_db, booking, profile, clock):
    patient_id = phone_patient(sqlite_db, clock)
    first = book_next(booking, patient_id, profile)
    # One person cannot be booked twice at once: the second visit starts after the first.
    later = next(
        slot
        for slot in booking.next_free(service=profile.consultation_code, count=20)
        if slot.start >= first.ends_at
    )
    second = booking.book(
        patient_id=patient_id, service=profile.consultation_code, start=later.start, actor="staff:1"
    )
    sid = new_sid()

    reply = chat.send("X", sid=sid)
    again = chat.send("X", sid=sid)

    assert again == reply
    statuses = {a.id: a.status for a in appointments(sqlite_db)}
    assert statuses == {first.id: AppointmentStatus.CANCELLED, second.id: AppointmentStatus.BOOKED}


def test_r_offers_three_times_and_moves_the_appointment(chat, sqlite_db, booking, profile, clock):
    old = book_next(booking, phone_patient(sqlite_db, clock), profile)
    # Times overlapping the visit being moved are not offered: a change means another time.
    offered = booking.next_free(service=old.service, count=3, for_patient=old.patient_id)

    offer = chat.send("R")
    moved = chat.send("3")

    assert "new times" in offer
    assert "3) " in offer
    assert "your visit is now on" in moved
    stored = {a.id: a for a in appointments(sqlite_db)}
    assert stored[old.id].status == AppointmentStatus.CANCELLED
    [new] = [a for a in stored.values() if a.status == AppointmentStatus.BOOKED]
    assert new.starts_at == offered[2].start
    assert new.rescheduled_from_id == old.id
    assert draft_for(sqlite_db) is None


def test_r_without_an_appointment_offers_to_book(chat):
    assert "no upcoming visit" in chat.send("R")


# --- check-ins are someone else's: the seam ---------------------------------------------------


def test_yes_no_and_numbers_answer_an_open_checkin_instead(sqlite_db, profile, clock, booking):
    checkins = FakeCheckins()
    chat = Conversation(make_inbound(sqlite_db, profile, clock, checkin_answer=checkins), clock)
    patient_id = phone_patient(sqlite_db, clock)
    book_next(booking, patient_id, profile)
    open_checkin(sqlite_db, patient_id, clock.now())

    replies = [chat.send(body) for body in ("YES", "n", "7")]

    assert replies == ["Riverside Health: thank you."] * 3
    assert [(pid, i.kind, i.number) for pid, i in checkins.answers] == [
        (patient_id, InboundKind.YES, None),
        (patient_id, InboundKind.NO, None),
        (patient_id, InboundKind.NUMBER, 7),
    ]
    assert checkins.opted_out == [False] * 3
    [appointment] = appointments(sqlite_db)
    assert appointment.confirmed_at is None


def test_during_a_checkin_c_still_confirms_and_book_waits(sqlite_db, profile, clock, booking):
    checkins = FakeCheckins()
    chat = Conversation(make_inbound(sqlite_db, profile, clock, checkin_answer=checkins), clock)
    patient_id = phone_patient(sqlite_db, clock)
    book_next(booking, patient_id, profile)
    open_checkin(sqlite_db, patient_id, clock.now())

    confirm = chat.send("C")
    book = chat.send("BOOK")
    chatter = chat.send("what time is it")

    assert "is confirmed" in confirm
    assert "answer our last question first" in book
    assert "answer our last question first" in chatter
    assert draft_for(sqlite_db).flow == FLOW_CHECKIN
    assert checkins.answers == []


async def test_after_stop_a_yes_to_the_safety_question_still_escalates(any_db, profile, clock):
    w = build_world(any_db, profile, clock)
    chat = Conversation(
        make_inbound(any_db, profile, clock, checkin_answer=w.checkins.answer_sms),
        clock,
        phone=PATIENT_PHONE,
    )
    patient_id = sms_patient(w)
    checkin_id = await open_slot(w, done_session(w, patient_id=patient_id), "D1")
    asked = w.sms.bodies_to(PATIENT_PHONE)[-1]

    stopped = chat.send("STOP")
    reply = chat.send("Y")
    await w.escalation.page_now_for_phone(PATIENT_PHONE)  # what the webhook does next

    assert "trouble with your chest or breathing" in asked
    assert "unsubscribed" in stopped
    assert reply == (
        "Riverside Health: Call 911 now or go to the nearest emergency room. Don't drive yourself."
    )
    (escalation,) = escalations(w)
    assert (escalation.rule, escalation.level) == ("emergency", EscalationLevel.URGENT)
    assert escalation.checkin_id == checkin_id
    assert [t for t in w.telegram.texts_to(STAFF_CHAT) if "URGENT red flag" in t]
    assert len(w.sms.bodies_to(ONCALL)) == 1
    assert patient_by(any_db, PATIENT_PHONE).sms_opted_out_at is not None  # not re-subscribed


async def test_after_stop_a_benign_answer_is_recorded_without_a_reply(any_db, profile, clock):
    w = build_world(any_db, profile, clock)
    chat = Conversation(
        make_inbound(any_db, profile, clock, checkin_answer=w.checkins.answer_sms),
        clock,
        phone=PATIENT_PHONE,
    )
    patient_id = sms_patient(w)
    checkin_id = await open_slot(w, done_session(w, patient_id=patient_id), "D1")

    chat.send("STOP")
    reply = chat.send("N")

    assert reply is None  # no next question to a number that said STOP
    assert stored_answers(w, checkin_id) == {SMS_SIGNS: "no"}
    assert escalations(w) == []
    assert patient_by(any_db, PATIENT_PHONE).sms_opted_out_at is not None


# --- consent: STOP, START, HELP ------------------------------------------------------------------


def test_stop_opts_out_at_once_with_one_confirmation(chat, sqlite_db, booking, profile, clock):
    patient_id = phone_patient(sqlite_db, clock)
    book_next(booking, patient_id, profile)

    first = chat.send("STOP")
    second = chat.send("STOP")
    confirm = chat.send("C")

    assert "unsubscribed" in first
    assert "START" in first
    assert second is None
    assert confirm is None
    patient = patient_by(sqlite_db)
    assert patient.sms_opted_out_at == clock.now()
    assert [n for n in staff_notices(sqlite_db) if "SMS opt-out" in n.get("html", "")]


@pytest.mark.parametrize(
    "word",
    [
        "STOP",
        "stop",
        "  Stop. ",
        "STOPALL",
        "stop all",
        "QUIT",
        "END",
        "REVOKE",
        "OPT OUT",
        "optout",
        "CANCEL",
        "UNSUBSCRIBE",
        "please stop texting me",
        "Don't text me anymore",
        "no more messages",
        "Wrong number",
    ],
)
def test_every_opt_out_word_opts_out(word, chat, sqlite_db, clock):
    phone_patient(sqlite_db, clock)

    reply = chat.send(word)

    assert "unsubscribed" in reply
    assert patient_by(sqlite_db).sms_opted_out_at == clock.now()


def test_stop_in_the_middle_of_booking_drops_the_booking(chat, sqlite_db):
    chat.send("BOOK")
    chat.send("1")

    chat.send("stop")

    assert draft_for(sqlite_db) is None
    assert appointments(sqlite_db) == []


def test_stop_from_an_unknown_number_is_remembered(chat, sqlite_db, clock):
    chat.send("STOP")
    clock.advance(timedelta(days=1))

    with sqlite_db.session() as session:
        patient = create_phone_patient(
            session, phone=PHONE, name="Late Entry", staff_actor="staff:1", now=clock.now()
        )
        opted_out = patient.sms_opted_out_at

    assert opted_out is not None
    assert staff_notices(sqlite_db) == []  # nobody to tell about: they were not a patient yet


def test_start_re_subscribes(chat, sqlite_db, booking, profile, clock):
    book_next(booking, phone_patient(sqlite_db, clock), profile)
    chat.send("STOP")
    clock.advance(timedelta(hours=1))

    reply = chat.send("START")
    confirm = chat.send("C")

    assert "subscribed" in reply
    assert "Msg & data rates may apply" in reply
    patient = patient_by(sqlite_db)
    assert patient.sms_opted_out_at is None
    assert patient.sms_consent_at == clock.now()
    assert "is confirmed" in confirm


def test_yes_from_an_opted_out_number_re_subscribes_like_twilio_does(chat, sqlite_db, clock):
    phone_patient(sqlite_db, clock)
    chat.send("STOP")

    reply = chat.send("YES")

    assert "subscribed to appointment texts again" in reply
    assert patient_by(sqlite_db).sms_opted_out_at is None


def test_an_opted_out_number_answering_an_open_checkin_is_not_re_subscribed(
    sqlite_db, profile, clock, booking
):
    checkins = FakeCheckins()
    chat = Conversation(make_inbound(sqlite_db, profile, clock, checkin_answer=checkins), clock)
    patient_id = phone_patient(sqlite_db, clock)
    open_checkin(sqlite_db, patient_id, clock.now())
    chat.send("STOP")

    replies = [chat.send(body) for body in ("Y", "YES", "n", "4")]

    assert replies == ["Riverside Health: thank you."] * 4  # whatever the check-in answers
    assert [i.kind for _, i in checkins.answers] == [
        InboundKind.YES,
        InboundKind.YES,
        InboundKind.NO,
        InboundKind.NUMBER,
    ]
    assert checkins.opted_out == [True] * 4
    assert patient_by(sqlite_db).sms_opted_out_at is not None
    assert chat.send("C") is None  # still opted out for everything else
    assert "subscribed to appointment texts again" in chat.send("START")


def test_help_names_the_programme_contact_frequency_and_rates(chat, profile):
    reply = chat.send("HELP")

    assert profile.clinic.sms_program in reply
    assert profile.clinic.sms_frequency in reply
    assert profile.clinic.phone in reply
    assert "Msg & data rates may apply" in reply


def test_an_opted_out_number_still_gets_help(chat, sqlite_db, clock):
    phone_patient(sqlite_db, clock)
    chat.send("STOP")

    assert "Msg & data rates may apply" in chat.send("help")
    assert chat.send("BOOK") is None


# --- anything else ------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["2", "hello?", "N", "", "When is my appointment"])
def test_anything_else_gets_the_one_line_menu(body, chat, sqlite_db, profile):
    reply = chat.send(body)

    assert reply.startswith(f"{profile.clinic.name}: reply C to confirm, X to cancel")
    assert appointments(sqlite_db) == []
    assert draft_for(sqlite_db) is None


@pytest.mark.parametrize("sender", ["12345", "RIVERSIDE", "+1", "2025550143"])
def test_senders_that_are_not_phone_numbers_get_no_reply(sender, inbound, sqlite_db, clock):
    reply = inbound.handle(from_number=sender, body="BOOK", message_sid=new_sid(), now=clock.now())

    assert reply is None
    with sqlite_db.session(write=False) as session:
        assert session.exec(select(Outbox)).all() == []


def test_each_handled_message_is_kept_with_its_reply_and_never_dispatched(chat, sqlite_db):
    reply = chat.send("HELP")

    with sqlite_db.session(write=False) as session:
        [marker] = session.exec(
            select(Outbox).where(col(Outbox.kind) == OutboxKind.SMS_REPLY)
        ).all()
    assert marker.dedupe_key == f"sms_in:{chat.last_sid}"
    assert marker.status == OutboxStatus.SENT
    assert json.loads(marker.payload) == {"done": True, "reply": reply}


class FailingOnceBooking(BookingService):
    """A booking service whose first booking fails as if the database went away."""

    failed = False

    def book(self, **kwargs):
        if not self.failed:
            self.failed = True
            raise RuntimeError("database went away")
        return super().book(**kwargs)


def test_a_message_that_failed_midway_is_handled_in_full_when_retried(sqlite_db, profile, clock):
    booking = FailingOnceBooking(db=sqlite_db, profile=profile, clock=clock)
    chat = Conversation(make_inbound(sqlite_db, profile, clock, booking=booking), clock)
    chat.send("BOOK")
    chat.send("1")
    sid = new_sid()

    with pytest.raises(RuntimeError):
        chat.send("Ada Lovelace", sid=sid)
    retried = chat.send("Ada Lovelace", sid=sid)

    assert "you are booked for" in retried
    assert len(appointments(sqlite_db)) == 1


def test_logs_hold_no_bodies_names_or_full_numbers(chat, caplog):
    caplog.set_level(logging.DEBUG)

    chat.send("BOOK")
    chat.send("1")
    chat.send("Zebedee Quintillion")
    chat.send("please stop texting me")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "sms " in logged  # the conversation was logged
    assert PHONE not in logged
    assert PHONE[2:] not in logged
    assert "Zebedee" not in logged
    assert "stop texting" not in logged


# --- both databases -------------------------------------------------------------------------


def test_a_whole_conversation_works_on_both_databases(any_db, profile, clock):
    chat = Conversation(make_inbound(any_db, profile, clock), clock)

    chat.send("BOOK")
    chat.send("1")
    booked = chat.send("Ada Lovelace")
    again = chat.send("Ada Lovelace", sid=chat.last_sid)
    confirmed = chat.send("C")
    stopped = chat.send("STOP")
    started = chat.send("START")
    cancelled = chat.send("X")

    assert again == booked
    assert "you are booked for" in booked
    assert "is confirmed" in confirmed
    assert "unsubscribed" in stopped
    assert "subscribed" in started
    assert "is cancelled" in cancelled
    [appointment] = appointments(any_db)
    assert appointment.status == AppointmentStatus.CANCELLED


def test_the_same_message_posted_at_once_by_several_retries_books_once(any_db, profile, clock):
    service = make_inbound(any_db, profile, clock)
    chat = Conversation(service, clock)
    chat.send("BOOK")
    chat.send("1")
    sid = new_sid()
    replies: list[str | None] = []

    def post() -> None:
        replies.append(
            service.handle(from_number=PHONE, body="Ada Lovelace", message_sid=sid, now=clock.now())
        )

    threads = [threading.Thread(target=post) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(appointments(any_db)) == 1
    answered = [r for r in replies if r is not None]
    assert answered
    assert all("you are booked for" in r for r in answered)
