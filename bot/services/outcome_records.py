"""The outcome reports' records (CLINICAL.md section 5): what a patient's history, report and the
clinic summary hold, the check-in slots they group by, and the clinic-day range filter.

Plain data: `outcome_loading` fills the histories, `outcome_summary` and `outcomes_report` read them.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.checkin_parsing import parse_checkin_catalog
from bot.domain.checkins import CheckinCatalog
from bot.domain.enums import AppointmentStatus
from bot.domain.outcomes import (
    CheckinRecord,
    PainPoint,
    PainReport,
    PatientOutcome,
    SessionRecord,
)
from bot.profile import ClinicProfile
from bot.services.outcome_groups import CohortStat, SideEffectStat, SlotStat

# The screening question "pain on average over the last week" as the booking flow stores it.
SCREENING_PAIN_AVERAGE = "S11_avg"
REPORT_SLOTS = ("D1", "D3", "D7", "D14")
WEEKLY = "weekly"
ALL_SLOTS = (*REPORT_SLOTS, WEEKLY)
RESCHEDULED = "rescheduled"


def catalog_for(profile: ClinicProfile) -> CheckinCatalog:
    """The check-in catalogue (questions, thresholds) from the profile's own tables."""
    return parse_checkin_catalog({"checkins": profile.checkins, "red_flags": profile.red_flags})


@dataclass
class PatientHistory:
    """One patient's records, as the outcome functions take them."""

    patient_id: int
    pain_reports: list[PainReport] = field(default_factory=list)
    sessions: list[SessionRecord] = field(default_factory=list)
    checkins: list[CheckinRecord] = field(default_factory=list)

    @property
    def first_session_start(self) -> datetime | None:
        return min(
            (s.starts_at for s in self.sessions if s.status == AppointmentStatus.COMPLETED),
            default=None,
        )


@dataclass(frozen=True)
class PatientReport:
    patient_id: int
    outcome: PatientOutcome
    pain_reports: tuple[PainReport, ...]  # every average-pain answer (screening and check-ins)
    sessions: tuple[SessionRecord, ...]

    @property
    def latest(self) -> PainPoint | None:
        return self.outcome.pain_course[-1] if self.outcome.pain_course else None

    @property
    def session_starts(self) -> list[datetime]:
        return [s.starts_at for s in self.sessions if s.status == AppointmentStatus.COMPLETED]


@dataclass(frozen=True)
class ClinicSummary:
    first_day: date | None
    last_day: date | None
    patients_treated: int
    patients_with_baseline: int
    mean_baseline: float | None
    slots: tuple[SlotStat, ...]
    relief_days: tuple[int, ...]  # per series whose relief was lost
    relief_ongoing: int  # series whose relief has not been lost (or not yet known)
    pgic_share: float | None
    pgic_count: int
    mean_peg_change: float | None
    peg_count: int
    phq2_high: int  # patients whose latest PHQ-2 reaches the PHQ-9 threshold
    phq_count: int
    moderate_sessions: int
    side_effect_sessions: int
    series_completion: float | None
    series_count: int
    no_show_rate: float | None
    no_shows: int
    due_appointments: int
    # Pain reduction by slot per start-month cohort, and the worst side effect per slot.
    cohorts: tuple[CohortStat, ...] = ()
    side_effects: tuple[SideEffectStat, ...] = ()

    @property
    def median_relief_days(self) -> float | None:
        return statistics.median(self.relief_days) if self.relief_days else None

    @property
    def moderate_share(self) -> float | None:
        if not self.side_effect_sessions:
            return None
        return self.moderate_sessions / self.side_effect_sessions


@dataclass(frozen=True)
class AppointmentOutcome:
    """What the export shows next to one appointment: pain at each slot after it."""

    baseline: float | None
    pain: Mapping[str, int]  # slot -> average pain
    reduction: Mapping[str, float]  # slot -> % reduction from baseline
    pgic: str | None  # label of the latest PGIC answer after this session
    worst_side_effect: str | None  # label of the worst severity answered after this session


class DayFilter:
    """Whether an instant falls on a clinic day inside an optional inclusive range."""

    def __init__(self, tz: ZoneInfo, first_day: date | None, last_day: date | None) -> None:
        self.start = (
            datetime.combine(first_day, datetime.min.time(), tz) if first_day is not None else None
        )
        self.end = (
            datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tz)
            if last_day is not None
            else None
        )

    def __call__(self, moment: datetime) -> bool:
        if self.start is not None and moment < self.start:
            return False
        return self.end is None or moment < self.end


def score_0_10(answer: str) -> float | None:
    try:
        score = float(answer)
    except ValueError:
        return None
    return score if 0 <= score <= 10 else None
