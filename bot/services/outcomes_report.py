"""Outcomes for staff (CLINICAL.md section 5): rows -> bot.domain.outcomes inputs -> summaries.

A handful of column-only queries load everything a report needs (no ORM objects, no per-patient
queries), so the clinic summary stays fast on years of history.
"""

from __future__ import annotations

import statistics
import threading
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.db.engine import Database
from bot.domain.checkin_parsing import parse_checkin_catalog
from bot.domain.checkins import CheckinCatalog, QuestionKind
from bot.domain.enums import AppointmentStatus
from bot.domain.outcome_figures import (
    REPORT_SLOTS,
    WEEKLY,
    AppointmentOutcome,
    ClinicSummary,
    DayFilter,
    PatientHistory,
    PatientReport,
    SeriesSpan,
    relief_session_in,
    series_spans,
    slot_stat,
)
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
)
from bot.profile import ClinicProfile, ServiceKind
from bot.services.outcome_rows import due_sessions, load_histories, row_fingerprints

# SQLite allows 32766 bound parameters; above this many ids, load everything and filter here.
_MAX_IN_LIST = 500


def catalog_for(profile: ClinicProfile) -> CheckinCatalog:
    """The check-in catalogue (questions, thresholds) from the profile's own tables."""
    return parse_checkin_catalog({"checkins": profile.checkins, "red_flags": profile.red_flags})


@dataclass
class _Entry:
    """A patient's loaded history, valid while their rows still have this fingerprint."""

    fingerprint: tuple[int, ...]
    history: PatientHistory
    # (first_day, last_day) -> the patient's part of the summary (None: not treated in range)
    parts: dict[tuple[date | None, date | None], _Part | None] = field(default_factory=dict)
    spans: list[SeriesSpan] | None = None


@dataclass(frozen=True)
class _Part:
    """One patient's outcome over a range, with its pain points already grouped by slot."""

    outcome: PatientOutcome
    slots: dict[str, list[PainPoint]]


class OutcomesReport:
    """Per-patient outcomes, the clinic summary and per-appointment figures for the export."""

    def __init__(
        self, *, db: Database, profile: ClinicProfile, catalog: CheckinCatalog | None = None
    ) -> None:
        self.db = db
        self.profile = profile
        self.catalog = catalog or catalog_for(profile)
        self.tz: ZoneInfo = profile.tz
        self.treatments = [
            code for code, s in profile.services.items() if s.kind is ServiceKind.TREATMENT
        ]
        outcomes = self.catalog.outcomes
        wanted = {outcomes.pain_question, outcomes.pgic_question}
        for name in ("peg", "phq2", "phq9"):
            wanted.update(self.catalog.sets.get(name, ()))
        wanted.update(
            q.code
            for q in self.catalog.set_questions(outcomes.side_effect_set)
            if q.kind is QuestionKind.SEVERITY
        )
        self._questions = sorted(wanted)
        self._cache: dict[int, _Entry] = {}
        # Handlers may compute in a worker thread; one computation at a time keeps the cache whole.
        self._lock = threading.Lock()

    # --- public -------------------------------------------------------------------------

    def patient(self, patient_id: int) -> PatientReport:
        """Everything section 5 lists for one patient."""
        with self.db.session(write=False) as session:
            loaded = self._load(session, [patient_id])
        history = loaded.get(patient_id) or PatientHistory(patient_id)
        return self._report(history)

    def clinic(
        self, *, now: datetime, first_day: date | None = None, last_day: date | None = None
    ) -> ClinicSummary:
        """The clinic summary over sessions starting in [first_day, last_day] (default: all).

        Patient histories are kept between calls and reloaded only for patients whose rows
        changed since (a grouped fingerprint query tells which), so a busy clinic day costs a
        few patients' worth of work, not two years of it. The database stays the truth: every
        call checks the fingerprints first, on every replica.
        """
        with self._lock, self.db.session(write=False) as session:
            # Fingerprints first: data read after them is at least as new, never older.
            fingerprints = row_fingerprints(session)
            for gone in set(self._cache) - set(fingerprints):
                del self._cache[gone]
            stale = [
                patient_id
                for patient_id, fingerprint in fingerprints.items()
                if (entry := self._cache.get(patient_id)) is None
                or entry.fingerprint != fingerprint
            ]
            if stale:
                loaded = self._load(session, stale if len(stale) <= _MAX_IN_LIST else None)
                for patient_id in stale:
                    self._cache[patient_id] = _Entry(
                        fingerprints[patient_id],
                        loaded.get(patient_id) or PatientHistory(patient_id),
                    )
            due = due_sessions(session, now=now, in_range=self._day_filter(first_day, last_day))
        return self._summarise(
            list(self._cache.values()), due, now=now, first_day=first_day, last_day=last_day
        )

    def for_appointments(
        self, appointments: Iterable[tuple[int, int]]
    ) -> dict[int, AppointmentOutcome]:
        """Outcome columns for (appointment id, patient id) pairs, keyed by appointment id."""
        pairs = list(appointments)
        patient_ids = sorted({p for _, p in pairs})
        if not pairs:
            return {}
        with self.db.session(write=False) as session:
            loaded = self._load(session, patient_ids if len(patient_ids) <= _MAX_IN_LIST else None)
        result: dict[int, AppointmentOutcome] = {}
        baselines: dict[int, float | None] = {}
        for appointment_id, patient_id in pairs:
            history = loaded.get(patient_id)
            if history is None:
                result[appointment_id] = AppointmentOutcome(None, {}, {}, None, None)
                continue
            if patient_id not in baselines:
                baselines[patient_id] = self._baseline(history)
            result[appointment_id] = self._appointment_outcome(
                history, appointment_id, baselines[patient_id]
            )
        return result

    def _load(
        self, session: Session, patient_ids: Collection[int] | None
    ) -> dict[int, PatientHistory]:
        return load_histories(
            session,
            patient_ids=patient_ids,
            treatments=self.treatments,
            questions_asked=self._questions,
            catalog=self.catalog,
        )

    # --- per patient --------------------------------------------------------------------

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
            if relief_session_in(r, sessions, ids)
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

    def _report(self, history: PatientHistory) -> PatientReport:
        outcome = self._outcome(history, sessions=history.sessions, checkins=history.checkins)
        return PatientReport(
            patient_id=history.patient_id,
            outcome=outcome,
            pain_reports=tuple(sorted(history.pain_reports, key=lambda r: r.at)),
            sessions=tuple(sorted(history.sessions, key=lambda s: s.starts_at)),
        )

    def _appointment_outcome(
        self, history: PatientHistory, appointment_id: int, baseline: float | None
    ) -> AppointmentOutcome:
        catalog = self.catalog
        own = [c for c in history.checkins if c.appointment_id == appointment_id]
        course = pain_course(own, baseline=baseline, catalog=catalog)
        pain = {p.slot: p.pain for p in course}
        reduction = {p.slot: p.reduction_pct for p in course if p.reduction_pct is not None}
        pgic_code = catalog.outcomes.pgic_question
        pgic_answers = [
            c for c in sorted(own, key=lambda c: c.answered_at) if pgic_code in c.answers
        ]
        pgic = (
            catalog.questions[pgic_code].option(pgic_answers[-1].answers[pgic_code]).label
            if pgic_answers
            else None
        )
        worst: tuple[int, str] | None = None
        for checkin in own:
            for question in catalog.set_questions(catalog.outcomes.side_effect_set):
                value = checkin.answers.get(question.code)
                if question.kind is not QuestionKind.SEVERITY or value is None:
                    continue
                option = question.option(value)
                if worst is None or option.score > worst[0]:
                    worst = (option.score, option.label)
        return AppointmentOutcome(
            baseline=baseline,
            pain=pain,
            reduction=reduction,
            pgic=pgic,
            worst_side_effect=worst[1] if worst else None,
        )

    # --- the clinic ---------------------------------------------------------------------

    def _summarise(
        self,
        entries: Sequence[_Entry],
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
            slots=tuple(slot_stat(slot, by_slot.get(slot, [])) for slot in (*REPORT_SLOTS, WEEKLY)),
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
        )

    def _part(
        self,
        entry: _Entry,
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
            part = _Part(outcome, dict(slots))
        entry.parts[key] = part
        return part

    def _series(
        self, entries: Sequence[_Entry], *, now: datetime, in_range: DayFilter
    ) -> list[SeriesRecord]:
        """Series that should be over by now (their last planned session has started)."""
        records: list[SeriesRecord] = []
        for entry in entries:
            if entry.spans is None:
                entry.spans = series_spans(entry.history.sessions)
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

    def _day_filter(self, first_day: date | None, last_day: date | None) -> DayFilter:
        return DayFilter(self.tz, first_day, last_day)
