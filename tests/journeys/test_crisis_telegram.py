"""Crisis words typed on Telegram, in every state, through the real Application and handlers.

The reply comes first and at once; staff see the patient's words quoted; on-call is paged by a
neutral SMS; the conversation is left where it was; a flood pages once.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.db.models import CheckIn, CrisisMessage, Patient
from bot.domain.enums import DraftStep, EscalationLevel
from bot.domain.sms_policy import assert_sms_safe
from tests.aftercare_helpers import MONDAY_9AM, past_session, patient_id_of
from tests.crisis_helpers import (
    ONCALL,
    SELF_HARM_REPLY,
    crisis_journey,
    escalations,
    say,
    staff_texts,
)
from tests.journey_helpers import (
    ALICE,
    BOB,
    STAFF_CHAT,
    press_first_day,
    press_first_time,
    start_and_consent,
)

EMERGENCY_REPLY = "Call 911 now or go to the nearest emergency room. Don't drive yourself."


async def test_self_harm_words_with_no_booking_get_988_first_and_page_on_call(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        replies = await say(journey, alice, "i dont want to be here anymore")
        assert len(replies) == 1  # the crisis reply, and no menu or "use the buttons" after it
        assert replies[0].startswith(SELF_HARM_REPLY)
        assert "alerted" in replies[0]
        [escalation] = escalations(journey)
        assert escalation.level == EscalationLevel.URGENT
        assert escalation.rule == "crisis_self_harm"
        [alert] = staff_texts(journey)
        assert "URGENT" in alert
        assert "“i dont want to be here anymore”" in alert
        assert f"Patient was told: “{SELF_HARM_REPLY}" in alert
        [page] = sms.bodies_to(ONCALL)
        assert "here anymore" not in page
        assert_sms_safe(page, max_segments=2)
        sends = [c.params.get("chat_id") for c in journey.double.calls if c.method == "sendMessage"]
        assert sends.index(ALICE, len(sends) - 2) < sends.index(STAFF_CHAT)  # the patient first


async def test_emergency_words_get_911_first(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        replies = await say(journey, alice, "I have chest pain and can't breathe")
        assert replies[0].startswith(EMERGENCY_REPLY)
        assert escalations(journey)[0].rule == "crisis_emergency"
        assert "“I have chest pain and can't breathe”" in staff_texts(journey)[0]
        assert len(sms.bodies_to(ONCALL)) == 1


async def test_words_of_both_classes_get_both_replies_emergency_first(database, clock):
    async with crisis_journey(database, clock) as (journey, _sms):
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        [reply] = await say(journey, alice, "i took all my pills and now i cant breathe")
        assert reply.index(EMERGENCY_REPLY) < reply.index(SELF_HARM_REPLY)


async def test_crisis_words_at_the_name_step_are_not_taken_as_a_name(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        await press_first_day(alice)
        await press_first_time(alice)
        assert journey.draft(ALICE).step == DraftStep.NAME
        [reply] = await say(journey, alice, "i want to kill myself")
        assert reply.startswith(SELF_HARM_REPLY)
        draft = journey.draft(ALICE)
        assert draft is not None
        assert draft.step == DraftStep.NAME
        assert "kill" not in draft.data
        assert len(sms.bodies_to(ONCALL)) == 1
        await alice.send_text("Alice Smith")  # and it carries on from where it was
        assert journey.draft(ALICE).step == DraftStep.PHONE


async def test_crisis_words_in_the_middle_of_a_check_in_leave_it_open(database, clock):
    clock.set(MONDAY_9AM - timedelta(days=2))
    async with crisis_journey(database, clock) as (journey, sms):
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        pid = patient_id_of(journey, ALICE)
        appointment_id = past_session(journey, pid, start=MONDAY_9AM)
        clock.set(MONDAY_9AM + timedelta(hours=4))
        journey.core.aftercare.mark_done(appointment_id=appointment_id, actor="staff:1")
        clock.set(MONDAY_9AM + timedelta(days=1))
        await journey.dispatch()
        [reply] = await say(journey, alice, "my chest really hurts and my left arm is numb")
        assert reply.startswith(EMERGENCY_REPLY)
        assert len(sms.bodies_to(ONCALL)) == 1
        with journey.core.db.session(write=False) as session:
            d1 = session.exec(select(CheckIn).where(col(CheckIn.slot) == "D1")).one()
        assert (d1.status, d1.position) == ("open", 0)


async def test_a_stranger_who_never_sent_start_still_reaches_staff(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        bob = journey.patient(BOB, "Bob")
        [reply] = await say(journey, bob, "thinking about ending it all tonight")
        assert reply.startswith(SELF_HARM_REPLY)
        [alert] = staff_texts(journey)
        assert "Telegram user Bob" in alert
        assert str(BOB) in alert
        assert len(sms.bodies_to(ONCALL)) == 1
        with journey.core.db.session(write=False) as session:
            patient = session.exec(
                select(Patient).where(col(Patient.telegram_user_id) == BOB)
            ).one()
        assert patient.telegram_consent_at is None  # nothing else will be sent to them
        assert patient.created_by == "crisis"


async def test_a_negation_does_not_page_and_gets_the_usual_answer(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        replies = await say(journey, alice, "no chest pain, not suicidal, just tired")
        assert replies
        assert not any("988" in r or "911 now" in r for r in replies)
        assert escalations(journey) == []
        assert sms.sent == []


async def test_the_staff_alert_quotes_html_escaped_and_capped(database, clock):
    async with crisis_journey(database, clock) as (journey, _sms):
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        words = "<b>i want to die</b> & " + "x" * 3000
        await say(journey, alice, words)
        [alert] = staff_texts(journey)
        assert "<b>i want to die</b> &" in alert  # shown as typed, not as markup
        assert len(alert) < 1200


async def test_a_flood_pages_once_and_staff_get_one_follow_up_line(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        flood = ["i cant breathe", "help", "cant breath", "please i cant breathe", "chest pain"]
        replies = []
        for text in flood:
            replies += await say(journey, alice, text)
        # Every crisis message was answered; "help" alone is not crisis words.
        assert sum(r.startswith(EMERGENCY_REPLY) for r in replies) == 4
        assert len(escalations(journey)) == 1
        assert len(sms.bodies_to(ONCALL)) == 1
        assert len([t for t in staff_texts(journey) if "URGENT" in t]) == 1
        clock.advance(timedelta(seconds=61))
        await journey.dispatch()
        followups = [t for t in staff_texts(journey) if "More from the patient" in t]
        assert len(followups) == 1
        assert "3 message(s)" in followups[0]
        assert "“chest pain”" in followups[0]
        with journey.core.db.session(write=False) as session:
            kept = session.exec(select(CrisisMessage)).all()
        assert len(kept) == 4
        assert all(m.shown_at is not None for m in kept)
        assert len(sms.bodies_to(ONCALL)) == 1  # the follow-ups never paged again


async def test_crisis_words_after_the_alert_was_acknowledged_page_again(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await say(journey, alice, "i want to die")
        [first] = escalations(journey)
        assert first.id is not None
        journey.core.escalation.acknowledge(escalation_id=first.id, actor="staff:1")
        clock.advance(timedelta(minutes=5))
        await say(journey, alice, "i still want to die")
        assert len(escalations(journey)) == 2
        assert len(sms.bodies_to(ONCALL)) == 2


async def test_a_caption_is_read_like_a_message(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        update = journey.double.make_update(user_id=ALICE, text="x")
        message = update["message"]
        message.pop("text")
        message.pop("entities", None)
        message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 1, "height": 1}]
        message["caption"] = "my face is drooping"
        await journey.double.deliver(update)
        await journey.core.escalation.wait_for_pages()
        assert alice.last_message().text.startswith(EMERGENCY_REPLY)
        assert len(sms.bodies_to(ONCALL)) == 1
