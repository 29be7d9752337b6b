"""Check-in catalogue, schedule (quiet hours, DST, daily series) and scoring."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.checkins import (
    CheckinCatalog,
    InvalidAnswer,
    PlannedCheckin,
    Question,
    QuestionKind,
    follow_ups,
    in_quiet_hours,
    nudge_due,
    parse_checkin_catalog,
    peg_score,
    pgic_is_responder,
    phq2_total,
    phq9_due_next,
    phq9_total,
    plan_checkins,
    questions_for,
    staff_task_due,
)
from bot.domain.errors import ConfigError
from tests.paths import PROFILE

NY = ZoneInfo("America/New_York")


def raw_profile() -> dict[str, Any]:
    with PROFILE.open("rb") as f:
        return tomllib.load(f)


RAW = raw_profile()
CATALOG = parse_checkin_catalog(RAW)


def parse_changed(change: Callable[[dict[str, Any]], object]) -> CheckinCatalog:
    data = copy.deepcopy(RAW)
    change(data)
    return parse_checkin_catalog(data)


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY)


def due_by_slot(planned: Iterable[PlannedCheckin]) -> dict[str, datetime]:
    return {p.slot: p.due_at_utc for p in planned}


# -- the catalogue -------------------------------------------------------------------------------


def test_default_profile_codes_fit_callback_data():
    for question in CATALOG.questions.values():
        assert len(question.code) <= 8
        assert all(len(option.code) <= 8 for option in question.options)
    planned = plan_checkins(session_end=local(2026, 6, 10, 13), tz=NY, catalog=CATALOG, months=3)
    assert all(len(p.slot) <= 8 for p in planned)


def test_phq9_holds_nine_items_starting_with_the_phq2():
    assert CATALOG.sets["phq9"][:2] == CATALOG.sets["phq2"]
    assert len(CATALOG.sets["phq9"]) == 9


def test_bad_question_kind_names_its_path():
    def change(data):
        data["checkins"]["questions"][3]["kind"] = "stars"

    with pytest.raises(
        ConfigError, match=r"^checkins\.questions\[3\]\.kind: must be one of yes_no"
    ):
        parse_changed(change)


def test_too_long_question_code_is_refused():
    def change(data):
        data["checkins"]["questions"][0]["code"] = "SAFETYONE"

    with pytest.raises(ConfigError, match=r"^checkins\.questions\[0\]\.code: must be 1-8"):
        parse_changed(change)


def test_duplicate_question_code_is_refused():
    def change(data):
        data["checkins"]["questions"][1]["code"] = "SAFE1"

    with pytest.raises(ConfigError, match=r"^checkins\.questions\[1\]\.code: duplicate"):
        parse_changed(change)


def test_set_naming_an_unknown_question_is_refused():
    def change(data):
        data["checkins"]["sets"]["pain"] = ["PAINNOW", "PAINX"]

    with pytest.raises(ConfigError, match=r"^checkins\.sets\.pain\[1\]: unknown question 'PAINX'"):
        parse_changed(change)


def test_slot_asking_period_questions_needs_a_period():
    def change(data):
        del data["checkins"]["slots"][2]["period"]

    with pytest.raises(ConfigError, match=r"^checkins\.slots\[2\]\.period: required"):
        parse_changed(change)


def test_misspelt_setting_is_refused_not_ignored():
    def change(data):
        data["checkins"]["slots"][1]["dya"] = 2

    with pytest.raises(ConfigError, match=r"^checkins\.slots\[1\]\.dya: unknown setting"):
        parse_changed(change)


def test_bad_red_flag_level_names_its_path():
    def change(data):
        data["red_flags"]["rules"][2]["level"] = "soonish"

    with pytest.raises(ConfigError, match=r"^red_flags\.rules\[2\]\.level: must be one of urgent"):
        parse_changed(change)


def test_red_flag_reply_must_exist():
    def change(data):
        data["red_flags"]["rules"][0]["reply"] = "call_us"

    with pytest.raises(ConfigError, match=r"^red_flags\.rules\[0\]\.reply: must be one of"):
        parse_changed(change)


def test_follow_up_to_an_unknown_question_is_refused():
    def change(data):
        data["checkins"]["questions"][3]["follow_up"]["ask"] = ["CS1", "CS99"]

    with pytest.raises(ConfigError, match=r"^checkins\.questions\[3\]\.follow_up\.ask\[1\]"):
        parse_changed(change)


@pytest.mark.parametrize("value", ["9pm", "24:00", "7:30"])
def test_bad_clock_time_names_its_path(value: str) -> None:
    def change(data: dict[str, Any]) -> None:
        data["checkins"]["quiet_start"] = value

    with pytest.raises(ConfigError, match=r'^checkins\.quiet_start: must be a clock time "HH:MM"'):
        parse_changed(change)


def test_evening_window_that_ends_before_it_starts_is_refused():
    def change(data):
        data["checkins"]["slots"][0]["until_minutes"] = 200

    with pytest.raises(ConfigError, match=r"^checkins\.slots\[0\]\.until_minutes: must be at"):
        parse_changed(change)


def test_evening_mode_must_be_known_and_the_old_latest_time_is_refused():
    def bad_mode(data):
        data["checkins"]["slots"][0]["mode"] = "never"

    def old_latest(data):
        data["checkins"]["slots"][0]["latest"] = "20:30"

    with pytest.raises(ConfigError, match=r"^checkins\.slots\[0\]\.mode: must be one of"):
        parse_changed(bad_mode)
    with pytest.raises(ConfigError, match=r"^checkins\.slots\[0\]\.latest: unknown setting"):
        parse_changed(old_latest)


def test_discharge_mode_needs_a_next_morning_check_in_with_the_same_questions():
    def no_morning_safety(data):
        data["checkins"]["slots"][0]["mode"] = "discharge"
        data["checkins"]["slots"][1]["sets"] = ["pain"]

    with pytest.raises(ConfigError, match=r"^checkins\.slots\[0\]\.mode: .*day-1 check-in"):
        parse_changed(no_morning_safety)


def test_missing_outcomes_table_is_named():
    with pytest.raises(ConfigError, match=r"^checkins\.outcomes: required"):
        parse_changed(lambda data: data["checkins"].pop("outcomes"))


def test_other_profile_tables_are_left_alone():
    catalog = parse_changed(lambda data: data.update(clinic={"name": "Riverside"}))
    assert catalog.red_flags == CATALOG.red_flags


def test_free_text_question_is_accepted_but_cannot_raise_a_flag():
    def add_note(data: dict[str, Any]) -> None:
        data["checkins"]["questions"].append(
            {"code": "NOTE", "kind": "free_text", "text": "Anything else for your care team?"}
        )

    catalog = parse_changed(add_note)
    assert catalog.questions["NOTE"].kind is QuestionKind.FREE_TEXT
    assert catalog.questions["NOTE"].options == ()

    def flag_note(data):
        add_note(data)
        data["red_flags"]["rules"][0]["questions"] = ["NOTE"]

    with pytest.raises(ConfigError, match=r"^red_flags\.rules\[0\]: free-text question 'NOTE'"):
        parse_changed(flag_note)


# -- schedule --------------------------------------------------------------------------------------


def test_afternoon_session_gets_the_full_schedule_in_clinic_time():
    planned = plan_checkins(session_end=local(2026, 6, 10, 13), tz=NY, catalog=CATALOG, weeks=2)
    assert [(p.slot, p.due_at_utc.astimezone(NY)) for p in planned] == [
        ("E", local(2026, 6, 10, 17)),
        ("D1", local(2026, 6, 11, 9)),
        ("D3", local(2026, 6, 13, 9)),
        ("D7", local(2026, 6, 17, 9)),
        ("D14", local(2026, 6, 24, 9)),
        ("W21", local(2026, 7, 1, 9)),
        ("W28", local(2026, 7, 8, 9)),
    ]
    assert all(p.due_at_utc.tzinfo is UTC for p in planned)


def test_weekly_count_defaults_to_the_profile_and_monthly_follow():
    planned = plan_checkins(session_end=local(2026, 6, 10, 13), tz=NY, catalog=CATALOG, months=2)
    slots = [p.slot for p in planned]
    weekly = [s for s in slots if s.startswith("W")]
    assert len(weekly) == CATALOG.weekly.count
    assert slots[-2:] == ["M84", "M112"]  # 56 (last weekly) + 28, + 56


def test_evening_check_in_after_a_late_session_is_sent_at_night_four_hours_later():
    planned = plan_checkins(session_end=local(2026, 6, 10, 19), tz=NY, catalog=CATALOG)
    evening = next(p for p in planned if p.slot == "E")
    assert evening.due_at_utc == local(2026, 6, 10, 23)  # inside quiet hours: still sent
    assert evening.any_hour is True
    assert evening.not_after == local(2026, 6, 11, 1)  # 6 h after the end: never later
    assert due_by_slot(planned)["D1"] == local(2026, 6, 11, 9)


def test_evening_check_in_of_a_half_past_five_end_is_not_pulled_back():
    due = due_by_slot(plan_checkins(session_end=local(2026, 6, 10, 17, 30), tz=NY, catalog=CATALOG))
    assert due["E"] == local(2026, 6, 10, 21, 30)


def test_evening_check_in_after_a_night_session_is_sent_not_dropped():
    planned = plan_checkins(session_end=local(2026, 6, 10, 23, 30), tz=NY, catalog=CATALOG)
    assert [p.slot for p in planned][:2] == ["E", "D1"]
    assert due_by_slot(planned)["E"] == local(2026, 6, 11, 3, 30)


def test_only_the_evening_check_in_may_go_at_any_hour():
    planned = plan_checkins(session_end=local(2026, 6, 10, 13), tz=NY, catalog=CATALOG)
    assert [p.slot for p in planned if p.any_hour] == ["E"]
    assert all(p.not_after is None for p in planned if p.slot != "E")


def test_discharge_mode_asks_two_hours_after_discharge_and_again_next_morning():
    def discharge(data):
        data["checkins"]["slots"][0]["mode"] = "discharge"

    catalog = parse_changed(discharge)
    planned = plan_checkins(
        session_end=local(2026, 6, 10, 17),
        discharged_at=local(2026, 6, 10, 17, 20),
        tz=NY,
        catalog=catalog,
    )
    due = due_by_slot(planned)
    assert due["E"] == local(2026, 6, 10, 19, 20)
    assert due["D1"] == local(2026, 6, 11, 9)
    assert set(catalog.sets["safety"]) <= {
        q.code for q in questions_for("D1", catalog, phq9_due=False)
    }


def test_morning_check_in_set_inside_quiet_hours_moves_to_the_end_of_quiet_hours():
    def early(data):
        data["checkins"]["slots"][1]["at"] = "06:30"

    catalog = parse_changed(early)
    due = due_by_slot(plan_checkins(session_end=local(2026, 6, 10, 13), tz=NY, catalog=catalog))
    assert due["D1"] == local(2026, 6, 11, 8)


def test_day_one_is_nine_local_on_the_november_dst_day():
    due = due_by_slot(plan_checkins(session_end=local(2026, 10, 31, 14), tz=NY, catalog=CATALOG))
    assert due["D1"] == datetime(2026, 11, 1, 14, tzinfo=UTC)  # 09:00 EST
    assert due["D3"] == datetime(2026, 11, 3, 14, tzinfo=UTC)
    assert due["E"] == datetime(2026, 10, 31, 22, tzinfo=UTC)  # 18:00 EDT


def test_day_one_is_nine_local_on_the_march_dst_day():
    due = due_by_slot(plan_checkins(session_end=local(2027, 3, 13, 14), tz=NY, catalog=CATALOG))
    assert due["D1"] == datetime(2027, 3, 14, 13, tzinfo=UTC)  # 09:00 EDT
    assert due["D7"] == datetime(2027, 3, 20, 13, tzinfo=UTC)


def test_evening_on_the_november_dst_day_is_four_real_hours_later():
    due = due_by_slot(plan_checkins(session_end=local(2026, 11, 1, 16), tz=NY, catalog=CATALOG))
    assert due["E"] == datetime(2026, 11, 2, 1, tzinfo=UTC)  # 20:00 EST
    assert due["E"] - local(2026, 11, 1, 16) == timedelta(hours=4)


def test_evening_after_a_late_session_on_the_march_dst_day_is_four_real_hours_later():
    due = due_by_slot(plan_checkins(session_end=local(2027, 3, 14, 17, 45), tz=NY, catalog=CATALOG))
    assert due["E"] == datetime(2027, 3, 15, 1, 45, tzinfo=UTC)  # 21:45 EDT


def test_next_day_session_replaces_evening_and_day_one():
    planned = plan_checkins(
        session_end=local(2026, 6, 10, 13),
        tz=NY,
        catalog=CATALOG,
        next_session_start=local(2026, 6, 11, 13),
    )
    assert [p.slot for p in planned][:2] == ["D3", "D7"]


def test_next_session_before_day_one_replaces_evening_and_day_one():
    planned = plan_checkins(
        session_end=local(2026, 6, 10, 13),
        tz=NY,
        catalog=CATALOG,
        next_session_start=local(2026, 6, 11, 8, 30),
    )
    assert "E" not in due_by_slot(planned)
    assert "D1" not in due_by_slot(planned)


def test_next_session_two_days_later_keeps_evening_and_day_one():
    planned = plan_checkins(
        session_end=local(2026, 6, 10, 13),
        tz=NY,
        catalog=CATALOG,
        next_session_start=local(2026, 6, 12, 9),
    )
    assert [p.slot for p in planned][:2] == ["E", "D1"]


def test_next_session_must_follow_the_session():
    with pytest.raises(ValueError, match="next_session_start"):
        plan_checkins(
            session_end=local(2026, 6, 10, 13),
            tz=NY,
            catalog=CATALOG,
            next_session_start=local(2026, 6, 10, 12),
        )


def test_naive_session_end_is_refused():
    naive = datetime(2026, 6, 10, 13)  # noqa: DTZ001 - naive on purpose
    with pytest.raises(ValueError, match="aware"):
        plan_checkins(session_end=naive, tz=NY, catalog=CATALOG)


def test_nudge_waits_four_hours_and_skips_the_night():
    assert nudge_due(sent_at=local(2026, 6, 11, 9), tz=NY, catalog=CATALOG) == local(
        2026, 6, 11, 13
    )
    assert nudge_due(sent_at=local(2026, 6, 10, 20, 30), tz=NY, catalog=CATALOG) == local(
        2026, 6, 11, 8
    )


def test_staff_task_follows_the_nudge_even_at_night():
    nudged = local(2026, 6, 10, 19)
    assert staff_task_due(nudged_at=nudged, catalog=CATALOG) == local(2026, 6, 10, 23)


ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "UTC"]


@settings(max_examples=300, deadline=None)
@given(
    end=st.datetimes(
        # hypothesis takes naive bounds and attaches the zone itself
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001
        max_value=datetime(2028, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    zone=st.sampled_from(ZONES),
    gap_hours=st.none() | st.integers(min_value=1, max_value=24 * 20),
    weeks=st.integers(min_value=0, max_value=8),
    months=st.integers(min_value=0, max_value=3),
)
def test_planned_check_ins_are_never_quiet_but_the_evening_and_always_after_the_session(
    end, zone, gap_hours, weeks, months
):
    tz = ZoneInfo(zone)
    next_start = None if gap_hours is None else end + timedelta(hours=gap_hours)
    planned = plan_checkins(
        session_end=end,
        tz=tz,
        catalog=CATALOG,
        weeks=weeks,
        months=months,
        next_session_start=next_start,
    )
    for p in planned:
        assert p.due_at_utc > end
        assert p.any_hour or not in_quiet_hours(p.due_at_utc, tz=tz, quiet=CATALOG.quiet)
        assert p.not_after is None or p.due_at_utc < p.not_after
    assert [p.due_at_utc for p in planned] == sorted(p.due_at_utc for p in planned)
    assert len({p.slot for p in planned}) == len(planned)


# -- questions -------------------------------------------------------------------------------------


def codes(questions: Iterable[Question]) -> list[str]:
    return [q.code for q in questions]


def test_evening_asks_the_safety_screen_first_then_the_panel_since_treatment():
    questions = questions_for("E", CATALOG, phq9_due=False)
    assert codes(questions)[:4] == ["SAFE1", "SAFE2", "SAFE3", "SAFE4"]
    nausea = questions[4]
    assert nausea.code == "SE_NAU"
    assert nausea.text == "Since your treatment: nausea at its worst?"


def test_safety_screen_comes_first_even_when_listed_later():
    def late_safety(data):
        data["checkins"]["slots"][1]["sets"] = ["pain", "safety"]

    catalog = parse_changed(late_safety)
    assert codes(questions_for("D1", catalog, phq9_due=False))[:5] == [
        "SAFE1",
        "SAFE2",
        "SAFE3",
        "SAFE4",
        "PAINNOW",
    ]


def test_day_seven_asks_about_the_last_seven_days_and_the_phq2():
    questions = questions_for("D7", CATALOG, phq9_due=False)
    by_code = {q.code: q for q in questions}
    assert by_code["SE_DIZ"].text == "In the last 7 days: dizziness at its worst?"
    assert "SAFE1" not in by_code
    assert codes(questions)[-2:] == ["PHQ1", "PHQ2"]
    assert {"PAINNOW", "PAINAVG", "PAINWST", "PEG_PAIN", "PEG_ENJ", "PEG_ACT", "PGIC"} <= set(
        by_code
    )


def test_phq9_replaces_the_phq2_when_due():
    questions = codes(questions_for("D14", CATALOG, phq9_due=True))
    assert questions[-9:] == [f"PHQ{n}" for n in range(1, 10)]
    assert questions.count("PHQ1") == 1


def test_phq9_is_added_to_a_weekly_check_in_when_due():
    assert codes(questions_for("W21", CATALOG, phq9_due=False)) == [
        "PAINNOW",
        "PAINAVG",
        "PAINWST",
        "PGIC",
    ]
    assert codes(questions_for("W21", CATALOG, phq9_due=True))[-9:] == [
        f"PHQ{n}" for n in range(1, 10)
    ]


def test_unknown_slot_is_refused():
    with pytest.raises(ValueError, match="unknown check-in slot"):
        questions_for("X9", CATALOG, phq9_due=False)


def test_slot_days():
    assert [CATALOG.slot_day(s) for s in ("E", "D1", "D3", "D14", "W28", "M84")] == [
        0,
        1,
        3,
        14,
        28,
        84,
    ]


def test_vomiting_asks_about_fluids_next_with_the_slot_period():
    asked = follow_ups("SE_VOM", "mild", slot="D1", catalog=CATALOG)
    assert codes(asked) == ["SE_FLUID"]
    assert follow_ups("SE_VOM", "none", slot="D1", catalog=CATALOG) == []


def test_follow_ups_skip_questions_already_answered():
    asked = follow_ups("PHQ9", "1", slot="D7", catalog=CATALOG, answered={"CS1": "no"})
    assert codes(asked) == ["CS2", "CS6"]


# -- scoring ---------------------------------------------------------------------------------------


def test_peg_score_is_the_mean_of_its_three_items():
    answers = {"PEG_PAIN": "6", "PEG_ENJ": "5", "PEG_ACT": "7"}
    assert peg_score(answers, CATALOG) == pytest.approx(6.0)
    assert peg_score({"PEG_PAIN": "6"}, CATALOG) is None


def test_phq2_of_three_asks_the_phq9_next_time():
    assert phq2_total({"PHQ1": "1", "PHQ2": "2"}, CATALOG) == 3
    assert phq9_due_next({"PHQ1": "1", "PHQ2": "2"}, CATALOG) is True
    assert phq9_due_next({"PHQ1": "1", "PHQ2": "1"}, CATALOG) is False
    assert phq9_due_next({"PHQ1": "3"}, CATALOG) is False


def test_phq9_total_needs_all_nine_items():
    answers = {f"PHQ{n}": "1" for n in range(1, 10)}
    assert phq9_total(answers, CATALOG) == 9
    del answers["PHQ9"]
    assert phq9_total(answers, CATALOG) is None


def test_pgic_responders_are_much_or_very_much_improved():
    assert [pgic_is_responder(str(n), CATALOG) for n in range(1, 8)] == [
        True,
        True,
        False,
        False,
        False,
        False,
        False,
    ]


def test_an_answer_outside_the_options_is_invalid():
    with pytest.raises(InvalidAnswer):
        phq2_total({"PHQ1": "4", "PHQ2": "0"}, CATALOG)
    with pytest.raises(InvalidAnswer):
        peg_score({"PEG_PAIN": "11", "PEG_ENJ": "5", "PEG_ACT": "7"}, CATALOG)


def test_quiet_hours_contain_nine_pm_but_not_eight_am():
    assert CATALOG.quiet.contains(time(21, 0))
    assert CATALOG.quiet.contains(time(7, 59))
    assert not CATALOG.quiet.contains(time(8, 0))
    assert not CATALOG.quiet.contains(time(20, 59))
