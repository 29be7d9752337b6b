"""The outcome figures as the staff see them (CLINICAL.md section 5): the clinic summary and its
per-slot, per-cohort and side-effect groups, and one patient's report, as plain records. `bot/services/outcome_summary.py`
and `outcome_groups.py` compute them; the staff wording and the console's charts show them.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.enums import AppointmentStatus
from bot.domain.outcomes import PainPoint, PainReport, PatientOutcome, SessionRecord


@dataclass(frozen=True)
class SlotStat:
    """Pain reduction from baseline at one check-in slot (or all weekly ones), over check-ins."""

    slot: str
    count: int
    mean_reduction: float | None
    responder_share: float | None
    substantial_share: float | None


@dataclass(frozen=True)
class CohortStat:
    """Pain reduction by slot for the patients who started treatment in one month."""

    label: str  # "Mar 2027", or "earlier" for the older months together
    patients: int
    slots: tuple[SlotStat, ...]


@dataclass(frozen=True)
class SideEffectStat:
    """At one slot: check-ins with side-effect answers, by their worst answer (mildest first)."""

    slot: str
    count: int
    by_severity: tuple[tuple[str, int], ...]


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
