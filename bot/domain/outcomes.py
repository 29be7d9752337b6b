"""Outcomes the clinic sees (CLINICAL.md section 5): pain response, relief, PGIC, PEG, PHQ, rates.

Inputs are plain records the services build from their rows; thresholds come from the profile
(`CheckinCatalog.outcomes`). Staff only: nothing here is ever shown to a patient.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.domain.checkins import (
    CheckinCatalog,
    QuestionKind,
    peg_score,
    pgic_is_responder,
    phq2_total,
    phq9_total,
)
from bot.domain.enums import AppointmentStatus


class Response(StrEnum):
    NONE = "none"
    RESPONDER = "responder"  # >= responder_pct (IMMPACT: moderately important)
    SUBSTANTIAL = "substantial"  # >= substantial_pct


@dataclass(frozen=True)
class PainReport:
    """One "average pain" answer (screening or check-in), 0-10."""

    at: datetime
    score: float


@dataclass(frozen=True)
class SessionRecord:
    """A treatment session (consultations are not passed in)."""

    appointment_id: int
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus
    series_id: str | None = None  # None: a single session, e.g. a booster


@dataclass(frozen=True)
class CheckinRecord:
    """An answered check-in: the session it follows, its slot and its answers by question code."""

    appointment_id: int
    slot: str
    answered_at: datetime
    answers: Mapping[str, str]


@dataclass(frozen=True)
class SeriesRecord:
    series_id: str
    planned_sessions: int
    completed_sessions: int


@dataclass(frozen=True)
class PainPoint:
    slot: str
    at: datetime
    pain: int
    reduction_pct: float | None  # None without a (non-zero) baseline
    response: Response | None


@dataclass(frozen=True)
class PhqPoint:
    slot: str
    at: datetime
    phq2: int
    phq9: int | None  # when the full PHQ-9 was asked


@dataclass(frozen=True)
class SeriesRelief:
    series_id: str | None
    last_session_end: datetime
    relief_days: int | None  # None: relief not lost (yet), or no baseline


@dataclass(frozen=True)
class PatientOutcome:
    baseline_pain: float | None
    pain_course: tuple[PainPoint, ...]
    relief: tuple[SeriesRelief, ...]
    pgic_responder: bool | None  # the latest PGIC answer
    peg_change: float | None  # latest minus first PEG score; negative is better
    phq: tuple[PhqPoint, ...]
    sessions_completed: int
    sessions_no_show: int
    sessions_with_moderate_side_effect: int
    sessions_with_side_effect_answers: int


def baseline_pain(reports: Iterable[PainReport], *, first_session_start: datetime) -> float | None:
    """Mean of the average-pain answers given before the first treatment session."""
    before = [r.score for r in reports if r.at < first_session_start]
    return sum(before) / len(before) if before else None


def percent_reduction(*, baseline: float | None, pain: float) -> float | None:
    """Reduction from baseline in percent (negative when worse); None without a baseline."""
    if baseline is None or baseline <= 0:
        return None
    return (baseline - pain) / baseline * 100


def response_for(reduction_pct: float, catalog: CheckinCatalog) -> Response:
    settings = catalog.outcomes
    if reduction_pct >= settings.substantial_pct:
        return Response.SUBSTANTIAL
    if reduction_pct >= settings.responder_pct:
        return Response.RESPONDER
    return Response.NONE


def pain_course(
    checkins: Iterable[CheckinRecord], *, baseline: float | None, catalog: CheckinCatalog
) -> list[PainPoint]:
    """Average pain and its reduction at every check-in that asked it (D1, D3, D7, D14, weekly)."""
    code = catalog.outcomes.pain_question
    question = catalog.questions[code]
    points: list[PainPoint] = []
    for checkin in _in_time_order(checkins):
        if code not in checkin.answers:
            continue
        pain = question.score(checkin.answers[code])
        reduction = percent_reduction(baseline=baseline, pain=pain)
        response = None if reduction is None else response_for(reduction, catalog)
        points.append(PainPoint(checkin.slot, checkin.answered_at, pain, reduction, response))
    return points


def relief_duration_days(
    *,
    last_session_end: datetime,
    course: Sequence[PainPoint],
    tz: ZoneInfo,
    catalog: CheckinCatalog,
    until: datetime | None = None,
) -> int | None:
    """Days of relief after the last session of a series.

    Relief is lost when two consecutive check-ins fall below the responder threshold; the
    duration counts clinic calendar days from the session to the first of those two. Only
    check-ins after the session (and before `until`, the next session) count. None when relief
    is not lost yet or the course has no reductions (no baseline).
    """
    after = [
        p
        for p in course
        if p.at > last_session_end
        and (until is None or p.at < until)
        and p.reduction_pct is not None
    ]
    threshold = catalog.outcomes.responder_pct
    below = [p.reduction_pct is not None and p.reduction_pct < threshold for p in after]
    for i, (first, second) in enumerate(pairwise(below)):
        if first and second:
            return (after[i].at.astimezone(tz).date() - last_session_end.astimezone(tz).date()).days
    return None


def series_relief(
    sessions: Iterable[SessionRecord],
    course: Sequence[PainPoint],
    *,
    tz: ZoneInfo,
    catalog: CheckinCatalog,
) -> list[SeriesRelief]:
    """Duration of relief after each series (or single session), until the next session starts."""
    done = sorted(
        (s for s in sessions if s.status == AppointmentStatus.COMPLETED), key=lambda s: s.starts_at
    )
    last_by_series: dict[str | int, SessionRecord] = {}
    for session in done:
        last_by_series[session.series_id or session.appointment_id] = session
    reliefs: list[SeriesRelief] = []
    for last in sorted(last_by_series.values(), key=lambda s: s.ends_at):
        following = [s.starts_at for s in done if s.starts_at >= last.ends_at]
        days = relief_duration_days(
            last_session_end=last.ends_at,
            course=course,
            tz=tz,
            catalog=catalog,
            until=min(following, default=None),
        )
        reliefs.append(SeriesRelief(last.series_id, last.ends_at, days))
    return reliefs


def latest_pgic_responder(
    checkins: Iterable[CheckinRecord], catalog: CheckinCatalog
) -> bool | None:
    """Whether the latest PGIC answer is much or very much improved; None if never asked."""
    code = catalog.outcomes.pgic_question
    answered = [c for c in _in_time_order(checkins) if code in c.answers]
    return pgic_is_responder(answered[-1].answers[code], catalog) if answered else None


def peg_change(checkins: Iterable[CheckinRecord], catalog: CheckinCatalog) -> float | None:
    """Latest minus first PEG score; None with fewer than two complete PEGs."""
    scores = [
        s for c in _in_time_order(checkins) if (s := peg_score(c.answers, catalog)) is not None
    ]
    return scores[-1] - scores[0] if len(scores) >= 2 else None


def phq_trend(checkins: Iterable[CheckinRecord], catalog: CheckinCatalog) -> list[PhqPoint]:
    """PHQ-2 total at every check-in that asked it, with the PHQ-9 total where asked."""
    points: list[PhqPoint] = []
    for checkin in _in_time_order(checkins):
        phq2 = phq2_total(checkin.answers, catalog)
        if phq2 is not None:
            phq9 = phq9_total(checkin.answers, catalog)
            points.append(PhqPoint(checkin.slot, checkin.answered_at, phq2, phq9))
    return points


def worst_side_effect(answers: Mapping[str, str], catalog: CheckinCatalog) -> int | None:
    """Highest severity score among the side-effect answers; None if none were answered."""
    settings = catalog.outcomes
    scores = [
        q.score(answers[q.code])
        for q in catalog.set_questions(settings.side_effect_set)
        if q.kind is QuestionKind.SEVERITY and q.code in answers
    ]
    return max(scores, default=None)


def side_effect_sessions(
    sessions: Iterable[SessionRecord], checkins: Iterable[CheckinRecord], catalog: CheckinCatalog
) -> tuple[int, int]:
    """(completed sessions with a Moderate-or-worse side effect, those with side-effect answers)."""
    worst: dict[int, int] = {}
    for checkin in checkins:
        score = worst_side_effect(checkin.answers, catalog)
        if score is not None:
            worst[checkin.appointment_id] = max(score, worst.get(checkin.appointment_id, score))
    completed = [s for s in sessions if s.status == AppointmentStatus.COMPLETED]
    answered = [worst[s.appointment_id] for s in completed if s.appointment_id in worst]
    moderate = sum(1 for score in answered if score >= catalog.outcomes.moderate_score)
    return moderate, len(answered)


def moderate_side_effect_share(
    sessions: Iterable[SessionRecord], checkins: Iterable[CheckinRecord], catalog: CheckinCatalog
) -> float | None:
    """Share of completed sessions (with side-effect answers) that had a Moderate-or-worse one."""
    moderate, answered = side_effect_sessions(sessions, checkins, catalog)
    return _share(moderate, answered)


def series_completion_rate(series: Iterable[SeriesRecord]) -> float | None:
    """Share of series with every planned session completed (pass series that should be over)."""
    items = list(series)
    return _share(sum(1 for s in items if s.completed_sessions >= s.planned_sessions), len(items))


def no_show_rate(sessions: Iterable[SessionRecord]) -> float | None:
    """No-shows among sessions that were due (completed or no-show; cancellations excluded)."""
    statuses = [s.status for s in sessions]
    no_shows = statuses.count(AppointmentStatus.NO_SHOW)
    return _share(no_shows, no_shows + statuses.count(AppointmentStatus.COMPLETED))


def pgic_responder_share(patients: Iterable[PatientOutcome]) -> float | None:
    """Share of patients whose latest PGIC is much or very much improved (among those asked)."""
    answers = [p.pgic_responder for p in patients if p.pgic_responder is not None]
    return _share(sum(answers), len(answers))


def patient_outcome(
    *,
    pain_reports: Iterable[PainReport],
    sessions: Sequence[SessionRecord],
    checkins: Sequence[CheckinRecord],
    tz: ZoneInfo,
    catalog: CheckinCatalog,
) -> PatientOutcome:
    """Everything section 5 lists for one patient, from their records."""
    completed = [s for s in sessions if s.status == AppointmentStatus.COMPLETED]
    first_start = min((s.starts_at for s in completed), default=None)
    baseline = (
        None
        if first_start is None
        else baseline_pain(pain_reports, first_session_start=first_start)
    )
    course = pain_course(checkins, baseline=baseline, catalog=catalog)
    moderate, answered = side_effect_sessions(sessions, checkins, catalog)
    return PatientOutcome(
        baseline_pain=baseline,
        pain_course=tuple(course),
        relief=tuple(series_relief(sessions, course, tz=tz, catalog=catalog)),
        pgic_responder=latest_pgic_responder(checkins, catalog),
        peg_change=peg_change(checkins, catalog),
        phq=tuple(phq_trend(checkins, catalog)),
        sessions_completed=len(completed),
        sessions_no_show=sum(1 for s in sessions if s.status == AppointmentStatus.NO_SHOW),
        sessions_with_moderate_side_effect=moderate,
        sessions_with_side_effect_answers=answered,
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _in_time_order(checkins: Iterable[CheckinRecord]) -> list[CheckinRecord]:
    return sorted(checkins, key=lambda c: c.answered_at)
