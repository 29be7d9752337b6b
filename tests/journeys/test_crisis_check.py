"""Softer signs of crisis (issue 10): a gentle "are you safe right now?", a staff notice, and
on-call paged only on a "no", a "call me" or no answer in time.

Through the real Telegram handlers (the Bot API double) and the signed Twilio webhook, with a
fake clock for the check's time limit (the profile's `crisis.check_minutes`, 10 by default).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.db.models import AuditLog, CrisisMessage, Outbox
from bot.domain.enums import DraftStep, EscalationLevel, OutboxStatus
from bot.domain.sms_policy import assert_sms_safe
from tests.checkin_helpers import (
    PATIENT_PHONE,
    done_session,
    open_slot,
    sms_patient,
    stored_answers,
)
from tests.crisis_helpers import (
    ONCALL,
    SELF_HARM_REPLY,
    crisis_journey,
    escalations,
    say,
    staff_texts,
)
from tests.crisis_sms_helpers import SELF_HARM as SMS_SELF_HARM
from tests.journey_helpers import (
    ALICE,
    STAFF_CHAT,
    press_first_day,
    press_first_time,
    start_and_consent,
)
from tests.sms_helpers import PHONE

SOFT_WORDS = "honestly i feel completely hopeless, i give up"
CHECK = "Are you safe right now?"
CHECK_MINUTES = 10


def audits(core, action: str) -> list[AuditLog]:
    with core.db.session(write=False) as session:
        return list(session.exec(select(AuditLog).where(col(AuditLog.action) == action)).all())


async def soft_words_sent(journey, clock):
    alice = journey.patient(ALICE, "Alice")
    await start_and_consent(alice)
    replies = await say(journey, alice, SOFT_WORDS)
    return alice, replies


# --- Telegram ----------------------------------------------------------------------------


async def test_soft_words_get_the_safety_check_and_a_staff_notice_but_no_page(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice, replies = await soft_words_sent(journey, clock)
        assert len(replies) == 1
        assert CHECK in replies[0]
        assert "988" in replies[0]
        buttons = [b["text"] for row in alice.last_message().inline_keyboard for b in row]
        assert buttons == ["Yes, I'm safe", "No", "Call me"]
        [escalation] = escalations(journey)
        assert escalation.rule == "crisis_check_self_harm"
        assert escalation.level != EscalationLevel.URGENT
        [notice] = staff_texts(journey)
        assert "Possible crisis" in notice
        assert f"“{SOFT_WORDS}”" in notice
        assert "URGENT" not in notice
        assert sms.bodies_to(ONCALL) == []
        assert len(audits(journey.core, "crisis.check")) == 1


async def test_yes_im_safe_stops_the_page_and_tells_staff(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice, _ = await soft_words_sent(journey, clock)
        await alice.press("Yes, I'm safe")
        await journey.core.escalation.wait_for_pages()
        assert "Thank you" in alice.last_message().text
        assert not alice.last_message().inline_keyboard  # the buttons are gone
        clock.advance(timedelta(minutes=CHECK_MINUTES + 1))
        await journey.dispatch()
        assert sms.bodies_to(ONCALL) == []
        assert any("safe" in t and "F-" in t for t in staff_texts(journey)[1:])
        [answer] = audits(journey.core, "crisis.check_answer")
        assert answer.detail
        assert "safe" in answer.detail
        [escalation] = escalations(journey)
        assert escalation.level != EscalationLevel.URGENT
        assert escalation.closed_at is None


async def test_no_pages_on_call_at_once_with_the_crisis_reply(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice, _ = await soft_words_sent(journey, clock)
        await alice.press("No")
        await journey.core.escalation.wait_for_pages()
        assert alice.last_message().text.startswith(SELF_HARM_REPLY)
        assert len(sms.bodies_to(ONCALL)) == 1
        [escalation] = escalations(journey)
        assert escalation.level == EscalationLevel.URGENT
        assert any("URGENT" in t and "not safe" in t for t in staff_texts(journey))


async def test_call_me_pages_on_call_and_says_they_will_call(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice, _ = await soft_words_sent(journey, clock)
        await alice.press("Call me")
        await journey.core.escalation.wait_for_pages()
        assert "call you" in alice.last_message().text
        assert len(sms.bodies_to(ONCALL)) == 1
        assert escalations(journey)[0].level == EscalationLevel.URGENT
        assert any("asked to be called" in t for t in staff_texts(journey))


async def test_no_answer_in_time_pages_on_call(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        await soft_words_sent(journey, clock)
        clock.advance(timedelta(minutes=CHECK_MINUTES - 1))
        await journey.dispatch()
        assert sms.bodies_to(ONCALL) == []
        clock.advance(timedelta(minutes=1, seconds=1))
        await journey.dispatch()
        assert len(sms.bodies_to(ONCALL)) == 1
        [escalation] = escalations(journey)
        assert escalation.level == EscalationLevel.URGENT
        assert any("URGENT" in t and "No answer" in t for t in staff_texts(journey))
        assert len(audits(journey.core, "crisis.check_unanswered")) == 1


async def test_a_typed_answer_counts_like_the_button(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice, _ = await soft_words_sent(journey, clock)
        [reply] = await say(journey, alice, "im safe")
        assert "Thank you" in reply
        clock.advance(timedelta(minutes=CHECK_MINUTES + 1))
        await journey.dispatch()
        assert sms.bodies_to(ONCALL) == []


async def test_strong_words_after_the_check_page_once_on_the_same_escalation(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice, _ = await soft_words_sent(journey, clock)
        [reply] = await say(journey, alice, "i want to kill myself")
        assert reply.startswith(SELF_HARM_REPLY)
        [escalation] = escalations(journey)
        assert escalation.level == EscalationLevel.URGENT
        assert len(sms.bodies_to(ONCALL)) == 1
        clock.advance(timedelta(minutes=CHECK_MINUTES + 1))
        await journey.dispatch()
        # The check's time limit pages nobody a second time; re-paging is the ladder's.
        assert len(audits(journey.core, "crisis.check_unanswered")) == 0
        with journey.core.db.session(write=False) as session:
            assert len(session.exec(select(CrisisMessage)).all()) == 2


async def test_soft_words_at_the_name_step_keep_the_booking(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        await press_first_day(alice)
        await press_first_time(alice)
        [reply] = await say(journey, alice, "i give up")
        assert CHECK in reply
        draft = journey.draft(ALICE)
        assert draft is not None
        assert draft.step == DraftStep.NAME
        assert sms.bodies_to(ONCALL) == []


async def test_the_check_button_of_a_closed_check_still_pages_on_no(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice, _ = await soft_words_sent(journey, clock)
        message_id = alice.last_message().message_id
        [escalation] = escalations(journey)
        assert escalation.id is not None
        journey.core.escalation.acknowledge(escalation_id=escalation.id, actor="staff:1")
        await journey.core.escalation.wait_for_pages()
        await alice.press_on(message_id, "No")
        await journey.core.escalation.wait_for_pages()
        assert len(sms.bodies_to(ONCALL)) == 1  # a "no" is never left unanswered
        assert len(escalations(journey)) == 2


async def test_safe_pressed_after_the_page_reaches_staff_and_pages_nobody_again(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        alice, _ = await soft_words_sent(journey, clock)
        message_id = alice.last_message().message_id
        clock.advance(timedelta(minutes=CHECK_MINUTES + 1))
        await journey.dispatch()
        assert len(sms.bodies_to(ONCALL)) == 1
        await alice.press_on(message_id, "Yes, I'm safe")
        await journey.core.escalation.wait_for_pages()
        assert "Thank you" in alice.last_message().text
        clock.advance(timedelta(minutes=1, seconds=1))
        await journey.dispatch()
        followups = [t for t in staff_texts(journey) if "More from the patient" in t]
        assert len(followups) == 1
        assert "Yes, I'm safe" in followups[0]
        assert len(sms.bodies_to(ONCALL)) == 1
        assert len(escalations(journey)) == 1


# --- SMS ---------------------------------------------------------------------------------

SMS_WORDS = "i cant see any way forward anymore"


def check_row_status(core) -> list[str]:
    with core.db.session(write=False) as session:
        rows = session.exec(select(Outbox).where(col(Outbox.dedupe_key).endswith(":check"))).all()
    return [row.status for row in rows]


async def test_soft_words_by_text_get_a_neutral_check_and_no_page(line):
    reply = await line.text(SMS_WORDS)
    assert "are you safe right now?" in reply.lower()
    assert "SAFE" in reply
    assert "CALL" in reply
    assert "way forward" not in reply
    assert_sms_safe(reply, max_segments=2)
    [escalation] = line.escalations()
    assert escalation.rule == "crisis_check_self_harm"
    [notice] = line.staff()
    assert "Possible crisis" in notice
    assert f"“{SMS_WORDS}”" in notice
    assert line.oncall() == []


async def test_safe_by_text_stops_the_page(line):
    await line.text(SMS_WORDS)
    reply = await line.text("SAFE")
    assert "thank you" in reply.lower()
    assert_sms_safe(reply, max_segments=2)
    line.core.clock.advance(timedelta(minutes=CHECK_MINUTES + 1))  # type: ignore[attr-defined]
    await line.core.dispatcher.run_due()
    assert line.oncall() == []
    assert check_row_status(line.core) == [OutboxStatus.CANCELLED]


async def test_call_by_text_pages_on_call(line):
    await line.text(SMS_WORDS)
    reply = await line.text("call me")
    assert "call" in reply.lower()
    assert_sms_safe(reply, max_segments=2)
    assert len(line.oncall()) == 1
    assert line.escalations()[0].level == EscalationLevel.URGENT


async def test_no_by_text_pages_on_call_with_the_crisis_reply(line):
    await line.text(SMS_WORDS)
    reply = await line.text("no")
    assert reply == SMS_SELF_HARM
    assert len(line.oncall()) == 1


async def test_no_reply_by_text_pages_after_the_time_limit(line):
    await line.text(SMS_WORDS)
    line.core.clock.advance(timedelta(minutes=CHECK_MINUTES + 1))  # type: ignore[attr-defined]
    await line.core.dispatcher.run_due()
    [page] = line.oncall()
    assert PHONE in page
    assert "way forward" not in page
    [escalation] = line.escalations()
    assert escalation.level == EscalationLevel.URGENT


def test_every_check_text_by_sms_is_neutral_and_fits_two_segments(line):
    for key in ("sms_crisis_check", "sms_crisis_check_safe", "sms_crisis_check_call"):
        assert_sms_safe(line.core.texts.plain(key, clinic="A" * 40), max_segments=2)


async def test_staff_can_take_the_possible_crisis_and_nobody_is_paged(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        await soft_words_sent(journey, clock)
        [escalation] = escalations(journey)
        notice = journey.double.last_message(STAFF_CHAT)
        labels = [b["text"] for row in notice.inline_keyboard for b in row]
        assert labels == ["✅ Acknowledge"]
        assert escalation.id is not None
        journey.core.escalation.acknowledge(escalation_id=escalation.id, actor="staff:1")
        clock.advance(timedelta(minutes=CHECK_MINUTES + 1))
        await journey.dispatch()
        assert sms.bodies_to(ONCALL) == []


async def test_a_yes_by_text_during_a_check_in_answers_the_check_in_not_the_safety_check(
    line,
):
    w = line.world()
    checkin_id = await open_slot(w, done_session(w, patient_id=sms_patient(w)), "D1")
    await line.text("i give up", from_number=PATIENT_PHONE)
    await line.text("N", from_number=PATIENT_PHONE)
    assert list(stored_answers(w, checkin_id).values()) == ["no"]
    assert line.oncall() == []  # "N" answered the question, not "are you safe?"
    reply = await line.text("safe", from_number=PATIENT_PHONE)
    assert "thank you" in reply.lower()
