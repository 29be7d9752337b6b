"""Outcomes (CLINICAL.md section 5) on a small example computed by hand."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.checkins import parse_checkin_catalog
from bot.domain.enums import AppointmentStatus
from bot.domain.outcomes import (
    CheckinRecord,
    PainReport,
    PatientOutcome,
    Response,
    SeriesRecord,
    SessionRecord,
    baseline_pain,
    moderate_side_effect_share,
    no_show_rate,
    pain_course,
    patient_outcome,
    percent_reduction,
    pgic_responder_share,
    relief_duration_days,
    series_completion_rate,
    series_relief,
)
from tests.paths import PROFILE

with PROFILE.open("rb") as _f:
    CATALOG = parse_checkin_catalog(tomllib.load(_f))
NY = ZoneInfo("America/New_York")
DONE = AppointmentStatus.COMPLETED


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


# Baseline: 8 and 6 before the first session -> 7.0; the 3 given after it does not count.
REPORTS = [PainReport(at(5, 20), 8), PainReport(at(5, 28), 6), PainReport(at(6, 4), 3)]

# A three-session series, 1-3 June; the last ends 3 June 15:00.
SESSIONS = [
    SessionRecord(1, at(6, 1, 10), at(6, 1, 14), DONE, "s1"),
    SessionRecord(2, at(6, 2, 10), at(6, 2, 14), DONE, "s1"),
    SessionRecord(3, at(6, 3, 11), at(6, 3, 15), DONE, "s1"),
    SessionRecord(4, at(7, 20, 10), at(7, 20, 14), AppointmentStatus.NO_SHOW),
    SessionRecord(5, at(7, 22, 10), at(7, 22, 14), AppointmentStatus.CANCELLED),
]

PHQ9_ITEMS = {"PHQ1": "1", "PHQ2": "1", "PHQ3": "1", "PHQ4": "0", "PHQ5": "0"}
PHQ9_ITEMS |= {"PHQ6": "1", "PHQ7": "0", "PHQ8": "0", "PHQ9": "0"}

# Average pain after session 3 and its reduction from 7:
#   D1 3 -> 57.1% substantial, D3 4 -> 42.9% responder, D7 5 -> 28.6% (one dip, relief holds),
#   D14 4 -> 42.9% responder, W21 6 -> 14.3%, W28 6 -> 14.3%: two in a row -> lost at W21,
#   24 June, 21 days after 3 June.
CHECKINS = [
    CheckinRecord(1, "D3", at(6, 4, 10), {"SE_NAU": "mild"}),
    CheckinRecord(3, "D1", at(6, 4, 9, 5), {"PAINAVG": "3", "SE_NAU": "mod", "SE_BLOOD": "yes"}),
    CheckinRecord(3, "D3", at(6, 6, 9, 10), {"PAINAVG": "4", "SE_NAU": "none"}),
    CheckinRecord(
        3,
        "D7",
        at(6, 10),
        {"PAINAVG": "5", "PEG_PAIN": "5", "PEG_ENJ": "6", "PEG_ACT": "4", "PGIC": "2"}
        | {"PHQ1": "1", "PHQ2": "2"},
    ),
    CheckinRecord(
        3,
        "D14",
        at(6, 17),
        {"PAINAVG": "4", "PEG_PAIN": "4", "PEG_ENJ": "4", "PEG_ACT": "4"} | PHQ9_ITEMS,
    ),
    CheckinRecord(3, "W21", at(6, 24), {"PAINAVG": "6", "PGIC": "3"}),
    CheckinRecord(3, "W28", at(7, 1), {"PAINAVG": "6", "PGIC": "4"}),
]


def test_baseline_is_the_mean_of_average_pain_before_the_first_session():
    assert baseline_pain(REPORTS, first_session_start=at(6, 1, 10)) == pytest.approx(7.0)
    assert baseline_pain(REPORTS, first_session_start=at(5, 1)) is None


def test_percent_reduction_from_baseline():
    assert percent_reduction(baseline=7.0, pain=3) == pytest.approx(400 / 7)
    assert percent_reduction(baseline=4.0, pain=5) == pytest.approx(-25.0)
    assert percent_reduction(baseline=0.0, pain=0) is None
    assert percent_reduction(baseline=None, pain=3) is None


def test_pain_course_shows_reduction_and_response_at_each_check_in():
    course = pain_course(CHECKINS, baseline=7.0, catalog=CATALOG)
    assert [(p.slot, p.pain) for p in course] == [
        ("D1", 3),
        ("D3", 4),
        ("D7", 5),
        ("D14", 4),
        ("W21", 6),
        ("W28", 6),
    ]
    assert [round(p.reduction_pct or 0, 1) for p in course] == [57.1, 42.9, 28.6, 42.9, 14.3, 14.3]
    assert [p.response for p in course] == [
        Response.SUBSTANTIAL,
        Response.RESPONDER,
        Response.NONE,
        Response.RESPONDER,
        Response.NONE,
        Response.NONE,
    ]


def test_responder_threshold_comes_from_the_profile():
    strict = replace(CATALOG, outcomes=replace(CATALOG.outcomes, responder_pct=45.0))
    course = pain_course(CHECKINS, baseline=7.0, catalog=strict)
    assert course[1].response is Response.NONE


def test_relief_lasts_until_the_first_of_two_check_ins_below_the_responder_threshold():
    course = pain_course(CHECKINS, baseline=7.0, catalog=CATALOG)
    days = relief_duration_days(
        last_session_end=at(6, 3, 15), course=course, tz=NY, catalog=CATALOG
    )
    assert days == 21


def test_relief_not_yet_lost_has_no_duration():
    course = pain_course(CHECKINS[:-1], baseline=7.0, catalog=CATALOG)
    days = relief_duration_days(
        last_session_end=at(6, 3, 15), course=course, tz=NY, catalog=CATALOG
    )
    assert days is None


def test_a_booster_starts_a_new_relief_period():
    booster = SessionRecord(6, at(6, 20, 10), at(6, 20, 14), DONE)
    course = pain_course(CHECKINS, baseline=7.0, catalog=CATALOG)
    reliefs = series_relief([*SESSIONS, booster], course, tz=NY, catalog=CATALOG)
    assert [(r.series_id, r.relief_days) for r in reliefs] == [("s1", None), (None, 4)]


def test_patient_outcome_on_the_hand_computed_example():
    outcome = patient_outcome(
        pain_reports=REPORTS, sessions=SESSIONS, checkins=CHECKINS, tz=NY, catalog=CATALOG
    )
    assert outcome.baseline_pain == pytest.approx(7.0)
    assert len(outcome.pain_course) == 6
    assert [(r.series_id, r.last_session_end, r.relief_days) for r in outcome.relief] == [
        ("s1", at(6, 3, 15), 21)
    ]
    assert outcome.pgic_responder is False  # latest PGIC: no change
    assert outcome.peg_change == pytest.approx(-1.0)  # PEG 5.0 at D7 -> 4.0 at D14
    assert [(p.slot, p.phq2, p.phq9) for p in outcome.phq] == [("D7", 3, None), ("D14", 2, 4)]
    assert outcome.sessions_completed == 3
    assert outcome.sessions_no_show == 1
    # Session 1 worst Mild, session 3 worst Moderate, session 2 unanswered.
    assert outcome.sessions_with_moderate_side_effect == 1
    assert outcome.sessions_with_side_effect_answers == 2


def test_share_of_sessions_with_a_moderate_or_worse_side_effect():
    assert moderate_side_effect_share(SESSIONS, CHECKINS, CATALOG) == pytest.approx(0.5)
    assert moderate_side_effect_share(SESSIONS, [], CATALOG) is None


def test_no_show_rate_leaves_out_cancellations():
    assert no_show_rate(SESSIONS) == pytest.approx(0.25)
    assert no_show_rate([]) is None


def test_series_completion_rate():
    series = [SeriesRecord("s1", 3, 3), SeriesRecord("s2", 6, 2)]
    assert series_completion_rate(series) == pytest.approx(0.5)


def test_pgic_responder_share_counts_patients_asked():
    def patient(responder: bool | None) -> PatientOutcome:
        return PatientOutcome(None, (), (), responder, None, (), 0, 0, 0, 0)

    share = pgic_responder_share([patient(True), patient(False), patient(None)])
    assert share == pytest.approx(0.5)
