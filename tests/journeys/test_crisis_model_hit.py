"""A soft sign found by the learned model alone never swallows the message (issue 10).

The model reads indirect language the rules miss, and with it everyday words ("ready to go home",
"i want to cancel everything"). Its hit is a safety check and a staff notice BESIDE the normal
reply: the name, the check-in answer or the keyword is taken as usual, so the patient never has
to send it again. The safety check goes out first (the crisis reply always comes before anything
else, CLINICAL.md 4b), then the flow's own reply. A rule hit, strong or soft, still takes the
message: the reply first and nothing taken as an answer.

Through the real Telegram handlers (the Bot API double) and the signed Twilio webhook; the
model is a double that flags the given texts (tests/crisis_helpers.py), so these tests do not
lean on the stored weights.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.db.models import BookingDraft
from bot.domain.enums import DraftStep, EscalationLevel
from bot.domain.sms_policy import assert_sms_safe
from tests.aftercare_helpers import MONDAY_9AM, past_session, patient_id_of
from tests.checkin_helpers import (
    PATIENT_PHONE,
    done_session,
    open_slot,
    sms_patient,
    stored_answers,
)
from tests.crisis_helpers import ONCALL, crisis_journey, escalations, model_flags, say, staff_texts
from tests.journey_helpers import ALICE, press_first_day, press_first_time, start_and_consent
from tests.sms_helpers import PHONE

CHECK = "Are you safe right now?"
SMS_CHECK = "are you safe right now?"


# --- Telegram ----------------------------------------------------------------------------


async def test_a_model_hit_at_the_name_step_is_taken_as_the_name_beside_the_check(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        model_flags(journey.core, "Alice Smith")
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        await press_first_day(alice)
        await press_first_time(alice)
        replies = await say(journey, alice, "Alice Smith")
        assert len(replies) >= 2
        assert CHECK in replies[0]
        assert not any(CHECK in reply for reply in replies[1:])
        draft = journey.draft(ALICE)
        assert draft is not None
        assert draft.step == DraftStep.PHONE
        [escalation] = escalations(journey)
        assert escalation.rule == "crisis_check_self_harm"
        assert escalation.level != EscalationLevel.URGENT
        [notice] = staff_texts(journey)
        assert "Possible crisis" in notice
        assert "Alice Smith" in notice
        assert sms.bodies_to(ONCALL) == []


async def test_a_model_hit_on_a_typed_check_in_answer_answers_it_beside_the_check(database, clock):
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
        before = len(journey.bot_messages(ALICE))
        model_flags(journey.core, "6")
        replies = await say(journey, alice, "6")
        assert CHECK in replies[0]
        assert len(replies) >= 2
        assert replies[1] != journey.bot_messages(ALICE)[before - 1].text  # moved on
        [escalation] = escalations(journey)
        assert escalation.rule == "crisis_check_self_harm"
        assert sms.bodies_to(ONCALL) == []


async def test_a_model_hit_with_no_flow_gets_the_usual_answer_beside_the_check(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        model_flags(journey.core, "i want to cancel everything")
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        replies = await say(journey, alice, "i want to cancel everything")
        assert len(replies) >= 2
        assert CHECK in replies[0]
        assert len(staff_texts(journey)) == 1
        assert sms.bodies_to(ONCALL) == []


async def test_a_rule_soft_hit_still_takes_the_name_step(database, clock):
    async with crisis_journey(database, clock) as (journey, sms):
        model_flags(journey.core, "honestly i feel completely hopeless, i give up")
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        await press_first_day(alice)
        await press_first_time(alice)
        [reply] = await say(journey, alice, "honestly i feel completely hopeless, i give up")
        assert CHECK in reply
        assert journey.draft(ALICE).step == DraftStep.NAME
        assert sms.bodies_to(ONCALL) == []


# --- SMS ---------------------------------------------------------------------------------


async def test_a_model_hit_at_the_name_step_by_text_books_beside_the_check(line):
    model_flags(line.core, "Ada Lovelace")
    await line.text("BOOK")
    await line.text("1")
    reply = await line.text("Ada Lovelace")
    assert SMS_CHECK in reply.lower()
    assert "you are booked" in reply
    assert reply.lower().index(SMS_CHECK) < reply.index("you are booked")
    with line.core.db.session(write=False) as session:
        drafts = session.exec(select(BookingDraft).where(col(BookingDraft.address) == PHONE))
        assert drafts.all() == []
    [escalation] = line.escalations()
    assert escalation.rule == "crisis_check_self_harm"
    [notice] = line.staff()
    assert "Possible crisis" in notice
    assert line.oncall() == []


async def test_a_model_hit_on_a_check_in_answer_by_text_answers_it_beside_the_check(line):
    w = line.world()
    checkin_id = await open_slot(w, done_session(w, patient_id=sms_patient(w)), "D1")
    model_flags(line.core, "N")
    reply = await line.text("N", from_number=PATIENT_PHONE)
    assert SMS_CHECK in reply.lower()
    assert list(stored_answers(w, checkin_id).values()) == ["no"]
    assert [e.rule for e in line.escalations()] == ["crisis_check_self_harm"]
    assert line.oncall() == []


async def test_a_model_hit_with_no_flow_by_text_gets_the_menu_beside_the_check(line):
    model_flags(line.core, "i want to cancel everything")
    reply = await line.text("i want to cancel everything")
    assert SMS_CHECK in reply.lower()
    assert "reply C to confirm" in reply
    for part in reply.split("\n"):
        assert_sms_safe(part, max_segments=2)
    assert line.oncall() == []


async def test_a_rule_soft_hit_by_text_still_takes_the_name_step(line):
    await line.text("BOOK")
    await line.text("1")
    reply = await line.text("i cant see any way forward anymore")
    assert SMS_CHECK in reply.lower()
    assert "booked" not in reply
    with line.core.db.session(write=False) as session:
        draft = session.exec(select(BookingDraft).where(col(BookingDraft.address) == PHONE)).one()
    assert draft.step == DraftStep.NAME
