"""Outcome figures from the database on a small clinic computed by hand (CLINICAL.md section 5).

Patient P: screening average pain 8 (20 May) and 6 (28 May) -> baseline 7.0. A three-session
series 1-3 June 2026 (the last ends 3 June 15:00). Average pain after it, and its reduction:
    D1 3 -> 57.1% (substantial)   D3 4 -> 42.9% (responder)   D7 5 -> 28.6% (none)
    D14 4 -> 42.9% (responder)    W21 6 -> 14.3%              W28 6 -> 14.3%
Two in a row below 30% from W21 (24 June): relief lasted 21 days. PGIC at D7 "much improved".
Patient Q: baseline 5 (screening); a planned series of three: one done, one no-show, one
cancelled; D1 after it: pain 5 -> 0% reduction. Q also had a (completed) consultation.
Due appointments, every service: P 3 done, Q 2 done + 1 no-show -> no-show rate 1 / 6.
Series: P's complete, Q's not -> completion 50%.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.db.models import Appointment, CheckIn, CheckInAnswer, Patient, ScreeningAnswer
from bot.domain.enums import AppointmentStatus
from bot.domain.outcomes import Response
from bot.services.outcome_records import SCREENING_PAIN_AVERAGE
from bot.services.outcomes_report import OutcomesReport
from tests.conftest import sqlite_database

NY = ZoneInfo("America/New_York")
DONE = AppointmentStatus.COMPLETED
NOW = datetime(2027, 3, 1, 13, 0, tzinfo=ZoneInfo("UTC"))


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


class Clinic:
    def __init__(self, db) -> None:
        self.db = db

    def patient(self, name: str) -> int:
        with self.db.session() as session:
            patient = Patient(created_at=at(5, 1), name=name)
            session.add(patient)
            session.flush()
            return patient.id

    def screening(self, patient_id: int, answer: str, when: datetime) -> None:
        with self.db.session() as session:
            session.add(
                ScreeningAnswer(
                    patient_id=patient_id,
                    code=SCREENING_PAIN_AVERAGE,
                    answer=answer,
                    answered_at=when,
                )
            )

    def session(
        self,
        patient_id: int,
        start: datetime,
        *,
        status: AppointmentStatus = DONE,
        series: str | None = None,
        service: str = "iv_infusion",
        hours: int = 4,
    ) -> int:
        with self.db.session() as session:
            appointment = Appointment(
                patient_id=patient_id,
                service=service,
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                held_until=start + timedelta(hours=hours),
                status=status,
                created_at=at(5, 1),
                series_id=series,
            )
            session.add(appointment)
            session.flush()
            return appointment.id

    def checkin(
        self, patient_id: int, appointment_id: int, slot: str, when: datetime, **answers: str
    ) -> None:
        with self.db.session() as session:
            checkin = CheckIn(
                patient_id=patient_id, appointment_id=appointment_id, slot=slot, status="done"
            )
            session.add(checkin)
            session.flush()
            session.add_all(
                CheckInAnswer(
                    checkin_id=checkin.id,
                    patient_id=patient_id,
                    question=code,
                    value=value,
                    answered_at=when,
                )
                for code, value in answers.items()
            )


@pytest.fixture
def clinic(tmp_path: Path):
    db = sqlite_database(tmp_path / "outcomes.db")
    built = Clinic(db)
    p = built.patient("P")
    built.screening(p, "8", at(5, 20))
    built.screening(p, "6", at(5, 28))
    built.session(p, at(6, 1, 10), series="s1")
    built.session(p, at(6, 2, 10), series="s1")
    last = built.session(p, at(6, 3, 11), series="s1")
    built.checkin(p, last, "D1", at(6, 4, 9, 5), PAINAVG="3", SE_NAU="mod")
    built.checkin(p, last, "D3", at(6, 6, 9, 10), PAINAVG="4", SE_NAU="none")
    built.checkin(
        p, last, "D7", at(6, 10), PAINAVG="5", PGIC="2", PEG_PAIN="5", PEG_ENJ="6", PEG_ACT="4"
    )
    built.checkin(p, last, "D14", at(6, 17), PAINAVG="4", PEG_PAIN="4", PEG_ENJ="4", PEG_ACT="4")
    built.checkin(p, last, "W21", at(6, 24), PAINAVG="6")
    built.checkin(p, last, "W28", at(7, 1), PAINAVG="6")
    q = built.patient("Q")
    built.screening(q, "5", at(7, 1))
    first_q = built.session(q, at(7, 6, 10), series="s2")
    built.session(q, at(7, 8, 10), status=AppointmentStatus.NO_SHOW, series="s2")
    built.session(q, at(7, 10, 10), status=AppointmentStatus.CANCELLED, series="s2")
    built.checkin(q, first_q, "D1", at(7, 7, 9), PAINAVG="5", SE_NAU="sev")
    built.session(q, at(6, 20, 9), service="consultation", hours=1)
    built.ids = {"p": p, "q": q, "last": last, "first_q": first_q}
    yield built
    db.dispose()


def report(clinic: Clinic, profile) -> OutcomesReport:
    return OutcomesReport(db=clinic.db, profile=profile)


def test_a_patients_baseline_reductions_and_relief_match_the_hand_computation(clinic, profile):
    outcome = report(clinic, profile).patient(clinic.ids["p"]).outcome
    assert outcome.baseline_pain == pytest.approx(7.0)
    course = {p.slot: p for p in outcome.pain_course}
    assert [course[s].pain for s in ("D1", "D3", "D7", "D14", "W21", "W28")] == [3, 4, 5, 4, 6, 6]
    assert course["D1"].reduction_pct == pytest.approx(400 / 7)
    assert course["D3"].reduction_pct == pytest.approx(300 / 7)
    assert course["D7"].reduction_pct == pytest.approx(200 / 7)
    assert course["W21"].reduction_pct == pytest.approx(100 / 7)
    assert [course[s].response for s in ("D1", "D3", "D7", "D14")] == [
        Response.SUBSTANTIAL,
        Response.RESPONDER,
        Response.NONE,
        Response.RESPONDER,
    ]
    assert [r.relief_days for r in outcome.relief] == [21]
    assert outcome.pgic_responder is True
    assert outcome.peg_change == pytest.approx(4 - 5)
    assert (outcome.sessions_completed, outcome.sessions_no_show) == (3, 0)


def test_the_patient_report_carries_every_pain_answer_for_the_chart(clinic, profile):
    patient = report(clinic, profile).patient(clinic.ids["p"])
    assert [r.score for r in patient.pain_reports] == [8, 6, 3, 4, 5, 4, 6, 6]
    assert len(patient.session_starts) == 3


def test_the_clinic_summary_matches_the_hand_computation(clinic, profile):
    summary = report(clinic, profile).clinic(now=NOW)
    assert summary.patients_treated == 2
    assert summary.mean_baseline == pytest.approx((7.0 + 5.0) / 2)
    slots = {s.slot: s for s in summary.slots}
    # D1: P 57.1% and Q 0% -> mean 28.6%, one responder of two, one substantial.
    assert slots["D1"].count == 2
    assert slots["D1"].mean_reduction == pytest.approx((400 / 7 + 0) / 2)
    assert slots["D1"].responder_share == pytest.approx(0.5)
    assert slots["D1"].substantial_share == pytest.approx(0.5)
    assert slots["D7"].responder_share == 0
    assert slots["weekly"].count == 2
    assert slots["weekly"].mean_reduction == pytest.approx(100 / 7)
    assert summary.relief_days == (21,)
    assert summary.relief_ongoing == 1  # Q's single completed session never lost relief on record
    assert summary.pgic_share == 1.0
    assert summary.pgic_count == 1
    assert summary.no_show_rate == pytest.approx(1 / 6)
    assert (summary.no_shows, summary.due_appointments) == (1, 6)
    assert summary.series_completion == pytest.approx(0.5)
    assert summary.series_count == 2
    # P's D1 had Moderate nausea, Q's D1 Severe: 2 of 2 answered sessions.
    assert (summary.moderate_sessions, summary.side_effect_sessions) == (2, 2)


def test_a_date_range_keeps_only_sessions_starting_in_it(clinic, profile):
    summary = report(clinic, profile).clinic(
        now=NOW, first_day=date(2026, 7, 1), last_day=date(2026, 7, 31)
    )
    assert summary.patients_treated == 1
    assert summary.mean_baseline == pytest.approx(5.0)
    assert summary.relief_days == ()
    assert summary.series_count == 1
    assert summary.series_completion == 0


def test_appointment_figures_for_the_export_follow_that_session(clinic, profile):
    figures = report(clinic, profile).for_appointments([(clinic.ids["last"], clinic.ids["p"])])
    row = figures[clinic.ids["last"]]
    assert row.baseline == pytest.approx(7.0)
    assert row.pain == {"D1": 3, "D3": 4, "D7": 5, "D14": 4, "W21": 6, "W28": 6}
    assert row.reduction["D14"] == pytest.approx(300 / 7)
    assert row.pgic == "Much improved"
    assert row.worst_side_effect == "Moderate"


def test_a_patient_with_no_records_has_empty_outcomes(clinic, profile):
    lonely = clinic.patient("R")
    outcome = report(clinic, profile).patient(lonely).outcome
    assert outcome.baseline_pain is None
    assert outcome.pain_course == ()
    assert outcome.pgic_responder is None


def test_an_answer_that_is_no_longer_a_valid_option_is_ignored(clinic, profile):
    p = clinic.ids["p"]
    clinic.checkin(p, clinic.ids["last"], "M56", at(7, 29), PAINAVG="eleven")
    outcome = report(clinic, profile).patient(p).outcome
    assert "M56" not in {point.slot for point in outcome.pain_course}


def test_the_summary_follows_new_answers_and_status_changes_between_calls(clinic, profile):
    outcomes = report(clinic, profile)
    before = outcomes.clinic(now=NOW)
    q, first_q = clinic.ids["q"], clinic.ids["first_q"]
    clinic.checkin(q, first_q, "D3", at(7, 9), PAINAVG="2")
    with clinic.db.session() as session:
        no_show = session.exec(
            select(Appointment).where(col(Appointment.status) == AppointmentStatus.NO_SHOW)
        ).one()
        no_show.status = AppointmentStatus.COMPLETED
    after = outcomes.clinic(now=NOW)
    d3_before = {s.slot: s for s in before.slots}["D3"]
    d3_after = {s.slot: s for s in after.slots}["D3"]
    assert (d3_before.count, d3_after.count) == (1, 2)
    assert after.no_show_rate == 0
    assert before.no_show_rate == pytest.approx(1 / 6)
    assert outcomes.clinic(now=NOW) == after


def test_pain_over_time_by_start_month_cohort(clinic, profile):
    """P's first session was in June 2026, Q's in July: one line each."""
    summary = report(clinic, profile).clinic(now=NOW)
    cohorts = {c.label: c for c in summary.cohorts}
    assert list(cohorts) == ["Jun 2026", "Jul 2026"]
    assert (cohorts["Jun 2026"].patients, cohorts["Jul 2026"].patients) == (1, 1)
    june = {s.slot: s for s in cohorts["Jun 2026"].slots}
    july = {s.slot: s for s in cohorts["Jul 2026"].slots}
    assert june["D1"].mean_reduction == pytest.approx(400 / 7)
    assert june["weekly"].count == 2
    assert june["weekly"].mean_reduction == pytest.approx(100 / 7)
    assert july["D1"].mean_reduction == 0
    assert july["D3"].count == 0
    assert july["D3"].mean_reduction is None


def test_the_worst_side_effect_is_counted_at_each_check_in(clinic, profile):
    """D1: P Moderate, Q Severe; D3: P None; later check-ins asked no side-effect question."""
    summary = report(clinic, profile).clinic(now=NOW)
    by_slot = {s.slot: s for s in summary.side_effects}
    assert [label for label, _ in by_slot["D1"].by_severity] == [
        "None",
        "Mild",
        "Moderate",
        "Severe",
        "Very severe",
    ]
    assert by_slot["D1"].count == 2
    assert dict(by_slot["D1"].by_severity) == {
        "None": 0,
        "Mild": 0,
        "Moderate": 1,
        "Severe": 1,
        "Very severe": 0,
    }
    assert by_slot["D3"].count == 1
    assert dict(by_slot["D3"].by_severity)["None"] == 1
    assert by_slot["D7"].count == 0
    july = report(clinic, profile).clinic(
        now=NOW, first_day=date(2026, 7, 1), last_day=date(2026, 7, 31)
    )
    assert dict({s.slot: s for s in july.side_effects}["D1"].by_severity)["Severe"] == 1
    assert {s.slot: s for s in july.side_effects}["D1"].count == 1
