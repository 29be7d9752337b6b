"""Crisis words texted to the clinic, through the signed Twilio webhook, from every sender.

Known, unknown and opted-out numbers, in the middle of a booking or a check-in: the TwiML reply
is the fixed SMS-safe crisis reply, staff read the words quoted, on-call gets a neutral page.
"""

from __future__ import annotations

from sqlmodel import col, select

from bot.db.models import AuditLog, BookingDraft, CrisisMessage, Patient
from bot.domain.enums import DraftStep, EscalationLevel
from bot.domain.sms_policy import assert_sms_safe
from tests.checkin_helpers import (
    PATIENT_PHONE,
    done_session,
    open_slot,
    sms_patient,
    stored_answers,
)
from tests.crisis_sms_helpers import SELF_HARM
from tests.sms_helpers import PHONE, phone_patient

EMERGENCY = (
    "Riverside Health: call 911 now or go to the nearest emergency room. Don't drive yourself. "
    "Our on-call team has been alerted."
)


async def test_an_unknown_number_gets_988_and_reaches_staff_and_on_call(line):
    reply = await line.text("i want to kill myself", from_number=PHONE)
    assert reply == SELF_HARM
    [escalation] = line.escalations()
    assert (escalation.level, escalation.rule) == (EscalationLevel.URGENT, "crisis_self_harm")
    [alert] = line.staff()
    assert "“i want to kill myself”" in alert
    assert PHONE in alert
    assert "no patient record before" in alert
    [page] = line.oncall()
    assert "kill" not in page
    assert PHONE in page
    assert_sms_safe(page, max_segments=2)
    # The reply went back before anything else was sent.
    assert line.timeline.events[0] == (f"sms:{PHONE}", SELF_HARM)
    with line.core.db.session(write=False) as session:
        patient = session.exec(select(Patient).where(col(Patient.phone_e164) == PHONE)).one()
    assert patient.created_by == "sms:crisis"
    assert patient.sms_consent_at is None


async def test_an_opted_out_number_still_gets_the_reply_and_pages(line):
    await line.text("STOP")
    reply = await line.text("cant breath chest hurts")
    assert reply == EMERGENCY
    [alert] = line.staff()
    assert "opted out" in alert
    assert "“cant breath chest hurts”" in alert
    assert len(line.oncall()) == 1


async def test_an_opt_out_with_crisis_words_is_honoured_and_still_reaches_staff(line):
    """ "take me off this list, im done": the words get the safety reply and reach staff, and
    the opt-out is honoured at once, not swallowed by the crisis reply (FCC 2024)."""
    phone_patient(line.core.db, line.core.clock)
    reply = await line.text("stop sending me these messages im done", from_number=PHONE)
    assert reply is not None
    assert "Are you safe right now?" in reply
    assert "you are unsubscribed" in reply
    with line.core.db.session(write=False) as session:
        patient = session.exec(select(Patient).where(col(Patient.phone_e164) == PHONE)).one()
    assert patient.sms_opted_out_at is not None
    assert any("im done" in alert for alert in line.staff())


async def test_an_opt_out_with_strong_crisis_words_gets_the_safety_reply_then_the_opt_out(line):
    """Each its own text of one segment (the two together were two segments, one SMS)."""
    phone_patient(line.core.db, line.core.clock)
    reply = await line.text(
        "take me off your texts for good, i have made up my mind to end my life tonight",
        from_number=PHONE,
    )
    assert reply == f"{SELF_HARM}\nYou are unsubscribed: reply START to join again."
    assert len(line.oncall()) == 1
    with line.core.db.session(write=False) as session:
        patient = session.exec(select(Patient).where(col(Patient.phone_e164) == PHONE)).one()
    assert patient.sms_opted_out_at is not None


async def test_crisis_words_at_the_name_step_of_a_booking_by_text_keep_the_booking(line):
    await line.text("BOOK")
    await line.text("1")
    assert "full name" in line.timeline.events[-1][1]
    reply = await line.text("honestly i just want to die")
    assert reply == SELF_HARM
    with line.core.db.session(write=False) as session:
        draft = session.exec(select(BookingDraft).where(col(BookingDraft.address) == PHONE)).one()
    assert draft.step == DraftStep.NAME
    assert "die" not in draft.data
    booked = await line.text("Ada Lovelace")
    assert "you are booked" in booked


async def test_crisis_words_during_an_sms_check_in_leave_the_question_open(line):
    w = line.world()
    checkin_id = await open_slot(w, done_session(w, patient_id=sms_patient(w)), "D1")
    reply = await line.text(
        "my face is drooping and i cant talk properly", from_number=PATIENT_PHONE
    )
    assert reply == EMERGENCY
    assert len(line.oncall()) == 1
    with line.core.db.session(write=False) as session:
        draft = session.exec(
            select(BookingDraft).where(col(BookingDraft.address) == PATIENT_PHONE)
        ).one()
    assert draft.flow == "checkin"
    assert stored_answers(w, checkin_id) == {}
    await line.text("N", from_number=PATIENT_PHONE)  # the check-in carries on
    assert list(stored_answers(w, checkin_id).values()) == ["no"]


async def test_a_known_patient_is_named_in_the_alert(line):
    phone_patient(line.core.db, line.core.clock, name="Ada Byron")  # type: ignore[arg-type]
    await line.text("I've been thinking about ending it all")
    [alert] = line.staff()
    assert "Ada Byron" in alert
    assert "no patient record" not in alert


async def test_a_negation_by_text_gets_the_menu_and_pages_nobody(line):
    reply = await line.text("no chest pain, not suicidal")
    assert reply not in (SELF_HARM, EMERGENCY)
    assert line.escalations() == []
    assert line.oncall() == []


async def test_a_flood_of_texts_pages_once_and_answers_each(line):
    replies = [await line.text(body) for body in ["i cant breathe"] * 3 + ["chest pain"] * 3]
    assert replies == [EMERGENCY] * 6
    assert len(line.escalations()) == 1
    assert len(line.oncall()) == 1
    assert len(line.staff()) == 1  # the alert; the follow-up line waits a minute
    with line.core.db.session(write=False) as session:
        kept = session.exec(select(CrisisMessage)).all()
        follow_ups = session.exec(
            select(AuditLog).where(col(AuditLog.action) == "crisis.follow_up")
        ).all()
    assert len(kept) == 6
    assert len(follow_ups) == 5


async def test_a_twilio_retry_of_the_same_message_is_recorded_once(line):
    sid = "SM" + "ab" * 16
    first = await line.text("i want to die", sid=sid)
    again = await line.text("i want to die", sid=sid)
    assert first == again == SELF_HARM
    with line.core.db.session(write=False) as session:
        assert len(session.exec(select(CrisisMessage)).all()) == 1
    assert len(line.oncall()) == 1


def test_every_crisis_sms_reply_is_neutral_and_fits_two_segments(line):
    for key in ("sms_crisis_self_harm", "sms_crisis_emergency", "sms_crisis_both"):
        text = line.core.texts.plain(key, clinic="A" * 40)
        assert_sms_safe(text, max_segments=2)


async def test_a_question_about_side_effects_gets_the_check_and_pages_nobody(line):
    """Strong words asked about in general are lowered to the safety check (issue 10)."""
    reply = await line.text("is chest tightness a side effect?")
    assert "are you safe right now?" in reply.lower()
    [escalation] = line.escalations()
    assert escalation.rule == "crisis_check_emergency"
    [notice] = line.staff()
    assert "Possible crisis" in notice
    assert "chest tightness" in notice
    assert line.oncall() == []
    urgent = await line.text("is it normal that my chest hurts and i cant breathe right now?")
    assert urgent.startswith(EMERGENCY[:20])
    assert len(line.oncall()) == 1
