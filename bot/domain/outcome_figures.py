"""Outcome figures for staff (CLINICAL.md section 5): one patient's history and report, the
clinic summary and its per-slot statistics, and the pure helpers that compute them.

Plain values built by `bot.services.outcomes_report` from the database; the staff messages, the
export and the console charts read them."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.enums import AppointmentStatus
from bot.domain.outcomes import (
    CheckinRecord,
    PainPoint,
    PainReport,
    PatientOutcome,
    Response,
    SeriesRelief,
    SessionRecord,
)

REPORT_SLOTS = ("D1", "D3", "D7", "D14")


WEEKLY = "weekly"


RESCHEDULED = "rescheduled"


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
class SlotStat:
    """Pain reduction from baseline at one check-in slot (or all weekly ones), over check-ins."""

    slot: str
    count: int
    mean_reduction: float | None
    responder_share: float | None
    substantial_share: float | None


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


@dataclass(frozen=True)
class SeriesSpan:
    series_id: str
    first: datetime
    last: datetime
    planned: int
    completed: int


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


def relief_session_in(
    relief: SeriesRelief, sessions: Sequence[SessionRecord], ids: set[int]
) -> bool:
    """Whether a relief period belongs to a series (or session) among `sessions`."""
    return any(
        s.appointment_id in ids and s.ends_at == relief.last_session_end
        for s in sessions
        if s.status == AppointmentStatus.COMPLETED
    )


def series_spans(sessions: Iterable[SessionRecord]) -> list[SeriesSpan]:
    by_series: dict[str, list[SessionRecord]] = defaultdict(list)
    for session in sessions:
        if session.series_id is not None:
            by_series[session.series_id].append(session)
    return [
        SeriesSpan(
            series_id=series_id,
            first=min(s.starts_at for s in members),
            last=max(s.starts_at for s in members),
            planned=len(members),
            completed=sum(1 for s in members if s.status == AppointmentStatus.COMPLETED),
        )
        for series_id, members in by_series.items()
    ]


def slot_stat(slot: str, points: Sequence[PainPoint]) -> SlotStat:
    reductions = [p.reduction_pct for p in points if p.reduction_pct is not None]
    responses = [p.response for p in points if p.response is not None]
    count = len(reductions)
    return SlotStat(
        slot=slot,
        count=count,
        mean_reduction=statistics.fmean(reductions) if reductions else None,
        responder_share=(
            sum(r in (Response.RESPONDER, Response.SUBSTANTIAL) for r in responses) / count
            if count
            else None
        ),
        substantial_share=(
            sum(r is Response.SUBSTANTIAL for r in responses) / count if count else None
        ),
    )


def score_0_10(answer: str) -> float | None:
    try:
        score = float(answer)
    except ValueError:
        return None
    return score if 0 <= score <= 10 else None
