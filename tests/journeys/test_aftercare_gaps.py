"""Issue 11: nothing falls through between booking and aftercare (real handlers on the double)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import col, select

from bot.db.models import CheckIn, CheckInAnswer
from tests.aftercare_helpers import MONDAY_9AM, past_session, patient_id_of
from tests.journey_helpers import ALICE, Journey, open_journey, start_and_consent


def answers_of(journey: Journey, patient_id: int) -> dict[str, str]:
    with journey.core.db.session(write=False) as session:
        rows = session.exec(
            select(CheckInAnswer).where(col(CheckInAnswer.patient_id) == patient_id)
        ).all()
        return {row.question: row.value for row in rows}


async def test_typed_yes_no_and_six_answer_an_open_check_in(database, clock):
    clock.set(MONDAY_9AM - timedelta(days=2))
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        pid = patient_id_of(journey, ALICE)
        appointment_id = past_session(journey, pid, start=MONDAY_9AM)
        clock.set(MONDAY_9AM + timedelta(hours=4))
        journey.core.aftercare.mark_done(appointment_id=appointment_id, actor="staff:1")
        # D1 asks the safety screen, the side-effect panel and pain 0-10.
        clock.set(MONDAY_9AM + timedelta(days=1))
        await journey.dispatch()
        with journey.core.db.session(write=False) as session:
            d1 = session.exec(select(CheckIn).where(col(CheckIn.slot) == "D1")).one()
        assert d1.status == "open"
        for typed in ["no", "No", "NO ", "no 🙂"]:  # the four safety questions
            await alice.send_text(typed)
        assert "Please answer" not in alice.last_message().text
        side_effects = [code for code in _codes(journey, "D1") if code.startswith("SE_")]
        for code in side_effects:
            kind_yes_no = code in {"SE_BLOOD", "SE_LIVER", "SE_RASH", "SE_FLUID"}
            await alice.send_text("No" if kind_yes_no else "none")
        await alice.send_text("6")
        await alice.send_text("five")
        await alice.send_text("Seven")
        answers = answers_of(journey, pid)
        assert [answers[c] for c in ("SAFE1", "SAFE2", "SAFE3", "SAFE4")] == ["no"] * 4
        assert (answers["PAINNOW"], answers["PAINAVG"], answers["PAINWST"]) == ("6", "5", "7")
        assert alice.last_message().text.startswith("Thank you. Your answers are saved")
        with journey.core.db.session(write=False) as session:
            assert session.exec(select(CheckIn).where(col(CheckIn.slot) == "D1")).one().status == (
                "done"
            )


async def test_a_typed_yes_to_a_safety_question_is_a_red_flag_like_the_button(database, clock):
    clock.set(MONDAY_9AM - timedelta(days=2))
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        pid = patient_id_of(journey, ALICE)
        appointment_id = past_session(journey, pid, start=MONDAY_9AM)
        clock.set(MONDAY_9AM + timedelta(hours=4))
        journey.core.aftercare.mark_done(appointment_id=appointment_id, actor="staff:1")
        clock.set(MONDAY_9AM + timedelta(days=1))
        await journey.dispatch()
        await alice.send_text("Yes")
        await journey.core.escalation.wait_for_pages()
        assert "Call 911 now" in alice.last_message().text
        assert answers_of(journey, pid)["SAFE1"] == "yes"


def _codes(journey: Journey, slot: str) -> list[str]:
    with journey.core.db.session(write=False) as session:
        checkin = session.exec(select(CheckIn).where(col(CheckIn.slot) == slot)).one()
        return [str(code) for code in json.loads(checkin.questions)]
