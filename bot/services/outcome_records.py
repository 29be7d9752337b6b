"""The outcome reports' records (CLINICAL.md section 5): what a patient's history, report and the
clinic summary hold, the check-in slots they group by, and the clinic-day range filter.

Plain data: `outcome_loading` fills the histories, `outcome_summary` and `outcomes_report` read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.checkin_parsing import parse_checkin_catalog
from bot.domain.checkins import CheckinCatalog
from bot.domain.enums import AppointmentStatus
from bot.domain.outcomes import (
    CheckinRecord,
    PainReport,
    SessionRecord,
)
from bot.profile import ClinicProfile

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
