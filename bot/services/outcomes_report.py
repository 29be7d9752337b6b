"""Outcomes for staff (CLINICAL.md section 5): rows -> bot.domain.outcomes inputs -> summaries.

A handful of column-only queries load everything a report needs (no ORM objects, no per-patient
queries), so the clinic summary stays fast on years of history.
"""

from __future__ import annotations

import statistics
import threading
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlalchemy import select as columns
from sqlmodel import Session, col

from bot.db.engine import Database
from bot.db.models import Appointment, CheckIn, CheckInAnswer, ScreeningAnswer
from bot.domain.checkins import CheckinCatalog, QuestionKind, parse_checkin_catalog
from bot.domain.enums import AppointmentStatus
from bot.domain.outcomes import (
    CheckinRecord,
    PainPoint,
    PainReport,
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
from bot.profile import ClinicProfile, ServiceKind
from bot.services.outcome_groups import (
    CohortStat,
    SideEffectStat,
    SlotStat,
    cohort_stats,
    side_effect_stats,
    slot_stat,
)

# The screening question "pain on average over the last week" as the booking flow stores it.
SCREENING_PAIN_AVERAGE = "S11_avg"
REPORT_SLOTS = ("D1", "D3", "D7", "D14")
WEEKLY = "weekly"
ALL_SLOTS = (*REPORT_SLOTS, WEEKLY)
RESCHEDULED = "rescheduled"
# SQLite allows 32766 bound parameters; above this many ids, load everything and filter here.
_MAX_IN_LIST = 500


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


@dataclass
class _Entry:
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
            loaded = self._load(session, patient_ids=[patient_id])
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
            fingerprints = self._fingerprints(session)
            for gone in set(self._cache) - set(fingerprints):
                del self._cache[gone]
            stale = [
                patient_id
                for patient_id, fingerprint in fingerprints.items()
                if (entry := self._cache.get(patient_id)) is None
                or entry.fingerprint != fingerprint
            ]
            if stale:
                loaded = self._load(
                    session, patient_ids=stale if len(stale) <= _MAX_IN_LIST else None
                )
                for patient_id in stale:
                    self._cache[patient_id] = _Entry(
                        fingerprints[patient_id],
                        loaded.get(patient_id) or PatientHistory(patient_id),
                    )
            due = self._due(session, now=now, first_day=first_day, last_day=last_day)
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
            loaded = self._load(
                session, patient_ids=patient_ids if len(patient_ids) <= _MAX_IN_LIST else None
            )
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

    # --- loading ------------------------------------------------------------------------

    def _fingerprints(self, session: Session) -> dict[int, tuple[int, ...]]:
        """Per patient, numbers that change whenever a row the outcomes read changes.

        Answers and screening rows are only ever added (count and max id cover them).
        Appointments also change status: the id-weighted sum of status codes catches that.
        """
        status_code = case(
            (col(Appointment.status) == AppointmentStatus.COMPLETED, 1),
            (col(Appointment.status) == AppointmentStatus.NO_SHOW, 2),
            (col(Appointment.status) == AppointmentStatus.CANCELLED, 3),
            else_=0,
        )
        prints: dict[int, list[int]] = defaultdict(lambda: [0] * 7)
        appointments = columns(
            col(Appointment.patient_id),
            func.count(),
            func.max(col(Appointment.id)),
            func.sum(status_code * col(Appointment.id)),
        ).group_by(col(Appointment.patient_id))
        connection = session.connection()
        for patient_id, number, last, statuses in connection.execute(appointments):
            prints[patient_id][0:3] = [number, last or 0, statuses or 0]
        answers = columns(
            col(CheckInAnswer.patient_id), func.count(), func.max(col(CheckInAnswer.id))
        ).group_by(col(CheckInAnswer.patient_id))
        for patient_id, number, last in connection.execute(answers):
            prints[patient_id][3:5] = [number, last or 0]
        screening = (
            columns(
                col(ScreeningAnswer.patient_id), func.count(), func.max(col(ScreeningAnswer.id))
            )
            .where(col(ScreeningAnswer.code) == SCREENING_PAIN_AVERAGE)
            .group_by(col(ScreeningAnswer.patient_id))
        )
        for patient_id, number, last in connection.execute(screening):
            prints[patient_id][5:7] = [number, last or 0]
        return {patient_id: tuple(values) for patient_id, values in prints.items()}

    def _due(
        self, session: Session, *, now: datetime, first_day: date | None, last_day: date | None
    ) -> list[SessionRecord]:
        """Appointments of every service that were due, as records for the no-show rate.

        Counted by status in the database; one shared record per appointment stands in for
        the row (the rate reads only the status).
        """
        in_range = self._day_filter(first_day, last_day)
        statement = columns(col(Appointment.status), func.count()).where(
            col(Appointment.starts_at) < now
        )
        if in_range.start is not None:
            statement = statement.where(col(Appointment.starts_at) >= in_range.start)
        if in_range.end is not None:
            statement = statement.where(col(Appointment.starts_at) < in_range.end)
        due: list[SessionRecord] = []
        grouped = statement.group_by(col(Appointment.status))
        for status, number in session.connection().execute(grouped):
            record = SessionRecord(0, now, now, AppointmentStatus(status))
            due.extend([record] * int(number))
        return due

    def _load(
        self, session: Session, *, patient_ids: Collection[int] | None
    ) -> dict[int, PatientHistory]:
        histories: dict[int, PatientHistory] = {}

        def history(patient_id: int) -> PatientHistory:
            found = histories.get(patient_id)
            if found is None:
                found = histories[patient_id] = PatientHistory(patient_id)
            return found

        wanted = set(patient_ids) if patient_ids is not None else None
        appointments = columns(
            col(Appointment.id),
            col(Appointment.patient_id),
            col(Appointment.starts_at),
            col(Appointment.ends_at),
            col(Appointment.status),
            col(Appointment.series_id),
            col(Appointment.cancel_reason),
        ).where(col(Appointment.service).in_(self.treatments))
        if wanted is not None:
            appointments = appointments.where(col(Appointment.patient_id).in_(wanted))
        connection = session.connection()  # plain rows: no ORM bookkeeping for 10^4-10^5 rows
        for row in connection.execute(appointments):
            appointment_id, patient_id, starts, ends, status, series_id, reason = row
            assert appointment_id is not None
            # A rescheduled appointment lives on as its replacement: count that one only.
            if not (status == AppointmentStatus.CANCELLED and reason == RESCHEDULED):
                history(patient_id).sessions.append(
                    SessionRecord(
                        appointment_id, starts, ends, AppointmentStatus(status), series_id
                    )
                )

        answers_by_checkin: dict[int, dict[str, str]] = defaultdict(dict)
        answers = columns(
            col(CheckInAnswer.checkin_id), col(CheckInAnswer.question), col(CheckInAnswer.value)
        ).where(col(CheckInAnswer.question).in_(self._questions))
        if wanted is not None:
            answers = answers.where(col(CheckInAnswer.patient_id).in_(wanted))
        questions = self.catalog.questions
        # Few distinct (question, value) pairs: check each once, not once per answer.
        valid: dict[tuple[str, str], bool] = {}
        for checkin_id, question, value in connection.execute(answers):
            pair = (question, value)
            ok = valid.get(pair)
            if ok is None:
                known = questions.get(question)
                ok = valid[pair] = known is not None and known.score_or_none(value) is not None
            if ok:
                answers_by_checkin[checkin_id][question] = value

        checkins = (
            columns(
                col(CheckIn.id),
                col(CheckIn.patient_id),
                col(CheckIn.appointment_id),
                col(CheckIn.slot),
                func.max(col(CheckInAnswer.answered_at)),
            )
            .join(CheckInAnswer, col(CheckInAnswer.checkin_id) == col(CheckIn.id))
            .group_by(col(CheckIn.id), col(CheckIn.patient_id), col(CheckIn.appointment_id))
            .group_by(col(CheckIn.slot))
        )
        if wanted is not None:
            checkins = checkins.where(col(CheckIn.patient_id).in_(wanted))
        pain_code = self.catalog.outcomes.pain_question
        pain_question = questions[pain_code]
        for found, owner_id, appointment_id, slot, answered_at in connection.execute(checkins):
            given = answers_by_checkin.get(found or 0)
            if not given or answered_at is None:
                continue
            owner = history(owner_id)
            owner.checkins.append(CheckinRecord(appointment_id, slot, answered_at, given))
            if pain_code in given:
                owner.pain_reports.append(
                    PainReport(answered_at, pain_question.score(given[pain_code]))
                )

        screening = columns(
            col(ScreeningAnswer.patient_id),
            col(ScreeningAnswer.answer),
            col(ScreeningAnswer.answered_at),
        ).where(col(ScreeningAnswer.code) == SCREENING_PAIN_AVERAGE)
        if wanted is not None:
            screening = screening.where(col(ScreeningAnswer.patient_id).in_(wanted))
        for patient_id, answer, answered_at in connection.execute(screening):
            score = _score_0_10(answer)
            if score is not None:
                history(patient_id).pain_reports.append(PainReport(answered_at, score))
        if wanted is not None:
            return {k: v for k, v in histories.items() if k in wanted}
        return histories

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
        entry: _Entry,
        in_range: _DayFilter,
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
        self, entries: Sequence[_Entry], *, now: datetime, in_range: _DayFilter
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

    def _day_filter(self, first_day: date | None, last_day: date | None) -> _DayFilter:
        return _DayFilter(self.tz, first_day, last_day)


class _DayFilter:
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


def _score_0_10(answer: str) -> float | None:
    try:
        score = float(answer)
    except ValueError:
        return None
    return score if 0 <= score <= 10 else None
