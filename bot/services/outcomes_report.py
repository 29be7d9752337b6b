"""Outcomes for staff (CLINICAL.md section 5): rows -> bot.domain.outcomes inputs -> summaries.

`OutcomesReport` answers for one patient, the clinic (histories cached between calls, reloaded
only for patients whose rows changed) and the export's appointments. Its records are in
`outcome_records.py`, the queries in `outcome_loading.py`, the figures in `outcome_summary.py`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.db.engine import Database
from bot.domain.checkins import CheckinCatalog, QuestionKind
from bot.domain.outcomes import pain_course
from bot.presentation.outcome_views import ClinicSummary, PatientReport
from bot.profile import ClinicProfile, ServiceKind
from bot.services.outcome_records import AppointmentOutcome, PatientHistory, catalog_for
from bot.services.outcome_summary import CachedHistory, OutcomeSummary

# SQLite allows 32766 bound parameters; above this many ids, load everything and filter here.
_MAX_IN_LIST = 500


class OutcomesReport(OutcomeSummary):
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
        self._cache: dict[int, CachedHistory] = {}
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
                    self._cache[patient_id] = CachedHistory(
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
