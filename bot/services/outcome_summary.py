"""The outcome figures (CLINICAL.md section 5): one patient's outcome over a range of sessions, and
the clinic summary over every patient's cached history.

Each patient's part of a summary is kept with their history (`CachedHistory`), so a summary
recomputes only the patients whose rows changed. `OutcomesReport` (outcomes_report.py) loads the
histories and calls these.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.enums import AppointmentStatus
from bot.domain.outcomes import (
    CheckinRecord,
    PainPoint,
    PatientOutcome,
    SeriesRecord,
    SeriesRelief,
    SessionRecord,
    baseline_pain,
    latest_pgic_responder,
    no_show_rate,
    pain_course,
    peg_change,
    pgic_responder_share,
    phq_trend,
    series_completion_rate,
    series_relief,
    side_effect_sessions,
    worst_side_effect,
)
from bot.presentation.outcome_views import ClinicSummary
from bot.services.outcome_groups import cohort_stats, side_effect_stats, slot_stat
from bot.services.outcome_loading import OutcomeLoading
from bot.services.outcome_records import ALL_SLOTS, REPORT_SLOTS, WEEKLY, DayFilter, PatientHistory


@dataclass
class CachedHistory:
    """A patient's loaded history, valid while their rows still have this fingerprint."""

    fingerprint: tuple[int, ...]
    history: PatientHistory
    # (first_day, last_day) -> the patient's part of the summary (None: not treated in range)
    parts: dict[tuple[date | None, date | None], _Part | None] = field(default_factory=dict)
    spans: list[_SeriesSpan] | None = None


@dataclass(frozen=True)
class _Part:
    """One patient's outcome over a range, with its pain points already grouped by slot."""

    outcome: PatientOutcome
    slots: dict[str, list[PainPoint]]
    side_effects: dict[str, list[int]]  # slot group -> worst severity score per check-in


@dataclass(frozen=True)
class _SeriesSpan:
    series_id: str
    first: datetime
    last: datetime
    planned: int
    completed: int


class OutcomeSummary(OutcomeLoading):
    """Per-patient outcomes and the clinic summary, over loaded histories."""

    def _baseline(self, history: PatientHistory) -> float | None:
        first = history.first_session_start
        if first is None:
            return None
        return baseline_pain(history.pain_reports, first_session_start=first)

    def _outcome(
        self,
        history: PatientHistory,
        *,
        sessions: Sequence[SessionRecord],
        checkins: Sequence[CheckinRecord],
    ) -> PatientOutcome:
        """Section 5 for `sessions`, with the baseline taken before the first session ever."""
        catalog = self.catalog
        baseline = self._baseline(history)
        course = pain_course(checkins, baseline=baseline, catalog=catalog)
        full_course = (
            course
            if len(checkins) == len(history.checkins)
            else pain_course(history.checkins, baseline=baseline, catalog=catalog)
        )
        ids = {s.appointment_id for s in sessions}
        relief = [
            r
            for r in series_relief(history.sessions, full_course, tz=self.tz, catalog=catalog)
            if _relief_session_in(r, sessions, ids)
        ]
        moderate, answered = side_effect_sessions(sessions, checkins, catalog)
        return PatientOutcome(
            baseline_pain=baseline,
            pain_course=tuple(course),
            relief=tuple(relief),
            pgic_responder=latest_pgic_responder(checkins, catalog),
            peg_change=peg_change(checkins, catalog),
            phq=tuple(phq_trend(checkins, catalog)),
            sessions_completed=sum(1 for s in sessions if s.status == AppointmentStatus.COMPLETED),
            sessions_no_show=sum(1 for s in sessions if s.status == AppointmentStatus.NO_SHOW),
            sessions_with_moderate_side_effect=moderate,
            sessions_with_side_effect_answers=answered,
        )

    # --- the clinic ---------------------------------------------------------------------

    def _summarise(
        self,
        entries: Sequence[CachedHistory],
        due: Sequence[SessionRecord],
        *,
        now: datetime,
        first_day: date | None,
        last_day: date | None,
    ) -> ClinicSummary:
        catalog = self.catalog
        in_range = self._day_filter(first_day, last_day)
        outcomes: list[PatientOutcome] = []
        baselines: list[float] = []
        by_slot: dict[str, list[PainPoint]] = defaultdict(list)
        cohorts: dict[tuple[int, int], list[Mapping[str, Sequence[PainPoint]]]] = defaultdict(list)
        side_effects: dict[str, list[int]] = defaultdict(list)
        reliefs: list[SeriesRelief] = []
        phq_high = phq_count = 0
        peg_changes: list[float] = []
        for entry in entries:
            part = self._part(entry, in_range, (first_day, last_day))
            if part is None:
                continue
            outcome = part.outcome
            outcomes.append(outcome)
            if outcome.baseline_pain is not None:
                baselines.append(outcome.baseline_pain)
            for group, points in part.slots.items():
                by_slot[group].extend(points)
            for group, scores in part.side_effects.items():
                side_effects[group].extend(scores)
            started = entry.history.first_session_start
            if started is not None:
                month = started.astimezone(self.tz)
                cohorts[(month.year, month.month)].append(part.slots)
            reliefs.extend(outcome.relief)
            if outcome.peg_change is not None:
                peg_changes.append(outcome.peg_change)
            if outcome.phq:
                phq_count += 1
                phq_high += outcome.phq[-1].phq2 >= catalog.phq9_when_phq2_at_least
        series = self._series(entries, now=now, in_range=in_range)
        statuses = [s.status for s in due]
        no_shows = statuses.count(AppointmentStatus.NO_SHOW)
        return ClinicSummary(
            first_day=first_day,
            last_day=last_day,
            patients_treated=len(outcomes),
            patients_with_baseline=len(baselines),
            mean_baseline=statistics.fmean(baselines) if baselines else None,
            slots=tuple(slot_stat(slot, by_slot.get(slot, [])) for slot in ALL_SLOTS),
            relief_days=tuple(r.relief_days for r in reliefs if r.relief_days is not None),
            relief_ongoing=sum(1 for r in reliefs if r.relief_days is None),
            pgic_share=pgic_responder_share(outcomes),
            pgic_count=sum(1 for o in outcomes if o.pgic_responder is not None),
            mean_peg_change=statistics.fmean(peg_changes) if peg_changes else None,
            peg_count=len(peg_changes),
            phq2_high=phq_high,
            phq_count=phq_count,
            moderate_sessions=sum(o.sessions_with_moderate_side_effect for o in outcomes),
            side_effect_sessions=sum(o.sessions_with_side_effect_answers for o in outcomes),
            series_completion=series_completion_rate(series),
            series_count=len(series),
            no_show_rate=no_show_rate(due),
            no_shows=no_shows,
            due_appointments=no_shows + statuses.count(AppointmentStatus.COMPLETED),
            cohorts=cohort_stats(cohorts, ALL_SLOTS),
            side_effects=side_effect_stats(side_effects, ALL_SLOTS, catalog),
        )

    def _part(
        self,
        entry: CachedHistory,
        in_range: DayFilter,
        key: tuple[date | None, date | None],
    ) -> _Part | None:
        """The patient's outcome over sessions in range (None: no completed session there)."""
        if key in entry.parts:
            return entry.parts[key]
        history = entry.history
        sessions = [s for s in history.sessions if in_range(s.starts_at)]
        part: _Part | None = None
        if any(s.status == AppointmentStatus.COMPLETED for s in sessions):
            ids = {s.appointment_id for s in sessions}
            checkins = [c for c in history.checkins if c.appointment_id in ids]
            outcome = self._outcome(history, sessions=sessions, checkins=checkins)
            slots: dict[str, list[PainPoint]] = defaultdict(list)
            for point in outcome.pain_course:
                slots[self._slot_group(point.slot)].append(point)
            side_effects: dict[str, list[int]] = defaultdict(list)
            for checkin in checkins:
                worst = worst_side_effect(checkin.answers, self.catalog)
                if worst is not None:
                    side_effects[self._slot_group(checkin.slot)].append(worst)
            part = _Part(outcome, dict(slots), dict(side_effects))
        entry.parts[key] = part
        return part

    def _series(
        self, entries: Sequence[CachedHistory], *, now: datetime, in_range: DayFilter
    ) -> list[SeriesRecord]:
        """Series that should be over by now (their last planned session has started)."""
        records: list[SeriesRecord] = []
        for entry in entries:
            if entry.spans is None:
                entry.spans = _series_spans(entry.history.sessions)
            records.extend(
                SeriesRecord(span.series_id, span.planned, span.completed)
                for span in entry.spans
                if span.last < now and in_range(span.first)
            )
        return records

    def _slot_group(self, slot: str) -> str:
        if slot in REPORT_SLOTS:
            return slot
        for prefix in (self.catalog.weekly.prefix, self.catalog.monthly.prefix):
            if slot.startswith(prefix) and slot[len(prefix) :].isdigit():
                return WEEKLY
        return slot


def _relief_session_in(
    relief: SeriesRelief, sessions: Sequence[SessionRecord], ids: set[int]
) -> bool:
    """Whether a relief period belongs to a series (or session) among `sessions`."""
    return any(
        s.appointment_id in ids and s.ends_at == relief.last_session_end
        for s in sessions
        if s.status == AppointmentStatus.COMPLETED
    )


def _series_spans(sessions: Iterable[SessionRecord]) -> list[_SeriesSpan]:
    by_series: dict[str, list[SessionRecord]] = defaultdict(list)
    for session in sessions:
        if session.series_id is not None:
            by_series[session.series_id].append(session)
    return [
        _SeriesSpan(
            series_id=series_id,
            first=min(s.starts_at for s in members),
            last=max(s.starts_at for s in members),
            planned=len(members),
            completed=sum(1 for s in members if s.status == AppointmentStatus.COMPLETED),
        )
        for series_id, members in by_series.items()
    ]
