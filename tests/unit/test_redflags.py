"""Every row of CLINICAL.md section 4: the answer, the fixed reply, and how fast staff act."""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterable, Mapping

import pytest

from bot.domain.checkin_parsing import parse_checkin_catalog
from bot.domain.checkins import InvalidAnswer, Question
from bot.domain.enums import EscalationLevel
from bot.domain.redflags import AnswerVerdict, RedFlag, evaluate, evaluate_answer
from tests.paths import PROFILE

with PROFILE.open("rb") as _f:
    CATALOG = parse_checkin_catalog(tomllib.load(_f))

EMERGENCY = "Call 911 now or go to the nearest emergency room. Don't drive yourself."
CLINICIAN_TODAY = "A clinician will contact you today. If it gets worse, call 911."
INFORMED = "We've let your care team know."
REVIEW = "Thanks, your care team will review this."


def flags_for(
    answers: Mapping[str, str],
    *,
    slot: str = "D1",
    baseline: float | None = None,
    previous: Mapping[str, str] | None = None,
) -> list[RedFlag]:
    return evaluate(
        slot=slot, answers=answers, baseline_pain=baseline, previous=previous, catalog=CATALOG
    )


def one_answer(
    code: str,
    value: str,
    *,
    slot: str = "D1",
    answers: Mapping[str, str] | None = None,
    baseline: float | None = None,
    previous: Mapping[str, str] | None = None,
    raised: Collection[str] = (),
) -> AnswerVerdict:
    return evaluate_answer(
        code,
        value,
        slot=slot,
        answers=answers or {},
        baseline_pain=baseline,
        previous=previous,
        catalog=CATALOG,
        raised=raised,
    )


def rules(flags: Iterable[RedFlag]) -> list[str]:
    return [flag.rule for flag in flags]


def codes(questions: Iterable[Question]) -> list[str]:
    return [q.code for q in questions]


# -- row 1: Yes to safety 1-3 ----------------------------------------------------------------------


@pytest.mark.parametrize("code", ["SAFE1", "SAFE2", "SAFE3"])
def test_yes_to_safety_one_to_three_pages_on_call_at_once(code):
    verdict = one_answer(code, "yes", slot="E")
    [flag] = verdict.flags
    assert flag.level is EscalationLevel.URGENT
    assert flag.reply_text == EMERGENCY
    assert flag.questions == (code,)
    assert verdict.ends_checkin is True
    assert verdict.ask_next == ()


def test_no_on_the_safety_screen_raises_nothing():
    answers = {"SAFE1": "no", "SAFE2": "no", "SAFE3": "no", "SAFE4": "no"}
    assert flags_for(answers, slot="E") == []


def test_staff_summary_names_the_question_and_answer_only():
    [flag] = one_answer("SAFE1", "yes", slot="E").flags
    assert flag.staff_summary == (
        "Emergency symptom on the safety screen (E): "
        "SAFE1 chest pain, breathing, fainting or seizure: Yes"
    )


# -- row 2: self-harm, C-SSRS ----------------------------------------------------------------------


def test_yes_to_safety_four_shows_crisis_lines_and_asks_the_c_ssrs():
    verdict = one_answer("SAFE4", "yes", slot="E", answers={"SAFE1": "no"})
    [flag] = verdict.flags
    assert flag.rule == "suicidal"
    assert flag.level is EscalationLevel.SAME_DAY
    assert "988" in flag.reply_text
    assert "911" in flag.reply_text
    assert codes(verdict.ask_next) == ["CS1", "CS2", "CS6"]
    assert verdict.ends_checkin is False


def test_phq9_item_nine_of_one_or_more_asks_the_c_ssrs():
    verdict = one_answer("PHQ9", "1", slot="D14")
    assert rules(verdict.flags) == ["suicidal"]
    assert codes(verdict.ask_next) == ["CS1", "CS2", "CS6"]


def test_phq9_item_nine_of_zero_asks_nothing():
    verdict = one_answer("PHQ9", "0", slot="D14")
    assert verdict.flags == ()
    assert verdict.ask_next == ()


def test_thoughts_of_killing_oneself_ask_method_intent_and_plan():
    verdict = one_answer("CS2", "yes", slot="E", answers={"SAFE4": "yes", "CS1": "yes"})
    assert verdict.flags == ()
    assert codes(verdict.ask_next) == ["CS3", "CS4", "CS5"]


@pytest.mark.parametrize("code", ["CS4", "CS5", "CS6"])
def test_intent_plan_or_preparation_pages_on_call_at_once(code):
    verdict = one_answer(code, "yes", slot="E", answers={"SAFE4": "yes"}, raised={"suicidal"})
    [flag] = verdict.flags
    assert flag.rule == "suicide_plan"
    assert flag.level is EscalationLevel.URGENT
    assert "988" in flag.reply_text
    assert "911" in flag.reply_text
    assert verdict.ends_checkin is True


def test_wish_to_be_dead_or_method_alone_stays_a_same_day_call():
    answers = {"SAFE4": "yes", "CS1": "yes", "CS2": "yes", "CS3": "yes", "CS4": "no"}
    answers |= {"CS5": "no", "CS6": "no"}
    [flag] = flags_for(answers, slot="E")
    assert flag.rule == "suicidal"
    assert flag.level is EscalationLevel.SAME_DAY


def test_a_rule_already_raised_in_this_check_in_is_not_raised_again():
    verdict = one_answer("PHQ9", "2", slot="D14", raised={"suicidal"})
    assert verdict.flags == ()


# -- row 3: severe side effect, fluids, dissociation at D1 ----------------------------------------


@pytest.mark.parametrize("value", ["sev", "vsev"])
def test_severe_side_effect_asks_for_a_callback_within_the_hour(value):
    [flag] = one_answer("SE_HEAD", value, slot="E").flags
    assert flag.rule == "severe_se"
    assert flag.level is EscalationLevel.CALLBACK_1H
    assert flag.reply_text == CLINICIAN_TODAY


def test_moderate_side_effect_on_the_evening_raises_nothing():
    assert one_answer("SE_HEAD", "mod", slot="E").flags == ()


def test_vomiting_asks_about_fluids_and_no_fluids_down_asks_for_a_callback():
    assert codes(one_answer("SE_VOM", "mild", slot="E").ask_next) == ["SE_FLUID"]
    [flag] = one_answer("SE_FLUID", "yes", slot="E", answers={"SE_VOM": "mild"}).flags
    assert flag.rule == "no_fluids"
    assert flag.level is EscalationLevel.CALLBACK_1H
    assert flag.reply_text == CLINICIAN_TODAY


@pytest.mark.parametrize("code", ["SE_UNRL", "SE_HALL", "SE_CONF"])
def test_dissociation_still_present_at_day_one_asks_for_a_callback(code):
    [flag] = one_answer(code, "mild", slot="D1").flags
    assert flag.rule == "dissoc_d1"
    assert flag.level is EscalationLevel.CALLBACK_1H


def test_dissociation_on_the_evening_is_expected_and_raises_nothing():
    assert one_answer("SE_HALL", "mild", slot="E").flags == ()


# -- row 4: bladder, new or worse ------------------------------------------------------------------


def test_new_blood_in_urine_asks_for_review_within_a_business_day():
    [flag] = one_answer("SE_BLOOD", "yes", slot="D3", previous={"SE_BLOOD": "no"}).flags
    assert flag.rule == "bladder"
    assert flag.level is EscalationLevel.BUSINESS_DAY
    assert flag.reply_text == INFORMED


def test_blood_in_urine_already_reported_is_not_raised_again():
    assert one_answer("SE_BLOOD", "yes", slot="D3", previous={"SE_BLOOD": "yes"}).flags == ()


def test_painful_or_urgent_urination_raises_when_new_or_worse_only():
    assert rules(one_answer("SE_URIN", "mild", slot="D1").flags) == ["bladder"]
    assert one_answer("SE_URIN", "mild", slot="D3", previous={"SE_URIN": "mild"}).flags == ()
    [flag] = one_answer("SE_URIN", "mod", slot="D7", previous={"SE_URIN": "mild"}).flags
    assert flag.rule == "bladder"
    assert flag.staff_summary.endswith("SE_URIN pain passing urine or urgency: Moderate (was Mild)")


def test_an_earlier_answer_no_longer_valid_counts_as_no_answer():
    [flag] = one_answer("SE_BLOOD", "yes", slot="D3", previous={"SE_BLOOD": "maybe"}).flags
    assert flag.rule == "bladder"


# -- row 5: liver or rash with fever ---------------------------------------------------------------


@pytest.mark.parametrize("code", ["SE_LIVER", "SE_RASH"])
def test_liver_signs_or_rash_with_fever_ask_for_a_same_day_review(code):
    [flag] = one_answer(code, "yes", slot="D7").flags
    assert flag.rule == "liver"
    assert flag.level is EscalationLevel.SAME_DAY
    assert flag.reply_text == INFORMED


# -- row 6: next business day ----------------------------------------------------------------------


def test_moderate_side_effect_still_present_at_day_three_is_reviewed_next_business_day():
    [flag] = one_answer("SE_NAU", "mod", slot="D3").flags
    assert flag.rule == "moderate_d3"
    assert flag.level is EscalationLevel.NEXT_BUSINESS_DAY
    assert flag.reply_text == REVIEW


def test_moderate_side_effect_on_day_one_raises_nothing():
    assert one_answer("SE_NAU", "mod", slot="D1").flags == ()


def test_phq2_of_three_is_raised_when_its_second_item_arrives():
    assert one_answer("PHQ1", "1", slot="D7").flags == ()
    [flag] = one_answer("PHQ2", "2", slot="D7", answers={"PHQ1": "1"}).flags
    assert flag.rule == "phq2_high"
    assert flag.level is EscalationLevel.NEXT_BUSINESS_DAY
    assert flag.reply_text == REVIEW
    assert flag.questions == ("PHQ1", "PHQ2")
    assert flag.staff_summary == "PHQ-2 positive (D7): PHQ1 + PHQ2 total 3"


def test_phq2_of_two_raises_nothing():
    assert flags_for({"PHQ1": "1", "PHQ2": "1"}, slot="D7") == []


@pytest.mark.parametrize(("value", "raised"), [("5", False), ("6", True), ("7", True)])
def test_pgic_much_or_very_much_worse_is_reviewed(value, raised):
    flags = one_answer("PGIC", value, slot="D7").flags
    assert rules(flags) == (["pgic_worse"] if raised else [])


def test_pain_two_points_above_baseline_is_reviewed():
    [flag] = one_answer("PAINAVG", "7", slot="D3", baseline=5.0).flags
    assert flag.rule == "pain_up"
    assert flag.level is EscalationLevel.NEXT_BUSINESS_DAY
    assert flag.staff_summary == (
        "Pain 2 or more points above baseline (D3): "
        "PAINAVG average pain, last 24 h: 7 (baseline 5.0)"
    )


def test_pain_one_point_above_baseline_or_without_baseline_raises_nothing():
    assert one_answer("PAINAVG", "6", slot="D3", baseline=5.0).flags == ()
    assert one_answer("PAINAVG", "10", slot="D3", baseline=None).flags == ()


# -- whole check-ins -------------------------------------------------------------------------------


def test_a_whole_check_in_lists_each_rule_once_most_urgent_first():
    answers = {
        "SAFE1": "no",
        "SAFE2": "yes",
        "SAFE3": "yes",
        "SAFE4": "no",
        "SE_NAU": "sev",
        "SE_VOM": "vsev",
        "SE_LIVER": "yes",
        "PAINAVG": "9",
    }
    flags = flags_for(answers, slot="D1", baseline=6.0, previous={})
    assert rules(flags) == ["emergency", "severe_se", "liver", "pain_up"]
    assert flags[0].questions == ("SAFE2", "SAFE3")
    assert flags[1].questions == ("SE_NAU", "SE_VOM")


def test_unknown_question_codes_are_ignored():
    assert flags_for({"OLDQ": "yes"}) == []
    assert one_answer("OLDQ", "yes") == AnswerVerdict(flags=(), ask_next=())


def test_an_answer_outside_the_options_is_refused():
    with pytest.raises(InvalidAnswer):
        one_answer("SAFE1", "maybe", slot="E")
