"""Staff operations: the limits, errors and plain records they return (what the views render)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from bot.db.models import Appointment, BookingDraft, Patient, TimeBlock
from bot.domain.enums import AppointmentStatus, EscalationLevel
from bot.domain.errors import ClinicError
from bot.services.availability import HOLDING
from bot.services.outcome_records import PatientReport

# A red flag's staff task carries this key prefix and the escalation id.
ESCALATION_TASK_PREFIX = "escalation:"
LEVEL_ORDER = {str(level): rank for rank, level in enumerate(EscalationLevel)}
# How far back the digest looks for treatment sessions nobody closed.
OPEN_SESSION_LOOKBACK = timedelta(days=7)

STAFF_CHANNEL = "staff"
SERIES_FLOW = "staff_series"
BLOCK_FLOW = "staff_block"
OFFER_FLOW = "staff_offer"
STEP_OPEN = "confirm"
STEP_DONE = "done"
STEP_CANCELLED = "cancelled"
DRAFT_TTL = timedelta(hours=24)
MAX_SERIES = 20
MAX_EXPORT_DAYS = 731
OFFERED_SLOTS = 6
SCREENING_FLAG_CODES = tuple(f"S{n}" for n in range(1, 10))
FLAG_ANSWERS = frozenset({"yes", "not_sure"})
MEDICINES_CODE = "S10"
DRIVER_CODE = "S12"
RECENT_CHECKINS = 5
RECENT_APPOINTMENTS = 5
MATCH_LIMIT = 10
HOLDING_VALUES = tuple(status.value for status in HOLDING)


# --- errors ------------------------------------------------------------------------------


class PatientNotFound(ClinicError):
    """No patient matches what staff typed."""


class AmbiguousPatient(ClinicError):
    """Several patients match; staff pick one from `matches`."""

    def __init__(self, matches: Sequence[PatientMatch]) -> None:
        super().__init__(f"{len(matches)} patients match")
        self.matches = list(matches)


class SeriesDoesNotFit(ClinicError):
    """No run of free times respects the service's gaps inside the booking horizon."""


class NotATreatment(ClinicError):
    """Series are for treatment services, not the consultation."""


class InvalidRequest(ClinicError):
    """Arguments that cannot be acted on (a past date, an empty range...): say why."""


class ApprovalRefused(ClinicError):
    """Approve without an attended consultation and without an override reason (issue 11)."""


class StaleAction(ClinicError):
    """A button whose draft expired, was used up or never existed."""


class BlockNotFound(ClinicError):
    pass


class TaskNotFound(ClinicError):
    pass


# --- records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PatientMatch:
    id: int
    name: str | None
    phone: str | None
    channel: str
    approved: bool


@dataclass(frozen=True)
class ScheduleEntry:
    appointment_id: int
    patient_id: int
    patient_name: str | None
    service: str
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus
    confirmed: bool
    units: tuple[str, ...]
    # Completed because nobody pressed Done or No-show in time (issue 11).
    assumed: bool = False
    # A Yes on its pre-session check nobody has acknowledged yet: held until reviewed.
    held: bool = False
    # The appointment's version when read: a row's Done / No-show buttons carry it, so a
    # button on a changed appointment says what happened instead of acting (issue 11 item 3).
    version: int | None = None

    @property
    def primary_unit(self) -> str:
        return self.units[0] if self.units else "-"


@dataclass(frozen=True)
class BlockView:
    id: int
    starts_at: datetime
    ends_at: datetime
    pool: str | None
    reason: str


@dataclass(frozen=True)
class DaySchedule:
    day: date
    hours: tuple[tuple[time, time], ...]
    closed_reason: str | None
    entries: tuple[ScheduleEntry, ...]
    blocks: tuple[BlockView, ...]

    def by_unit(self) -> list[tuple[str, list[ScheduleEntry]]]:
        """Entries grouped by the unit they use first (chair 1, chair 2...), in unit order."""
        groups: dict[str, list[ScheduleEntry]] = {}
        for entry in self.entries:
            groups.setdefault(entry.primary_unit, []).append(entry)
        return sorted(groups.items(), key=lambda item: unit_sort_key(item[0]))


@dataclass(frozen=True)
class CheckinLine:
    checkin_id: int
    appointment_id: int
    slot: str
    status: str
    at: datetime | None
    pain: int | None


@dataclass(frozen=True)
class PatientCard:
    patient: Patient
    upcoming: tuple[ScheduleEntry, ...]
    recent: tuple[ScheduleEntry, ...]
    status_counts: dict[str, int]
    screening_flags: tuple[tuple[str, str], ...]
    medicines: str | None
    driver: str | None
    checkins: tuple[CheckinLine, ...]
    open_flags: int
    report: PatientReport
    # No screening answer on record (booked by staff or by SMS): never shown as "no flags".
    screened: bool = True


@dataclass(frozen=True)
class Approval:
    patient: PatientMatch
    already: bool


@dataclass(frozen=True)
class SeriesPlan:
    draft_id: int
    patient: PatientMatch
    service: str
    starts: tuple[datetime, ...]
    # Said before booking (issue 11 item 6): open red flags, and never screened.
    open_flags: int = 0
    screened: bool = True


@dataclass(frozen=True)
class SeriesBooking:
    patient: PatientMatch
    service: str
    series_id: str
    booked: tuple[Appointment, ...]
    failed: tuple[tuple[datetime, str], ...]
    already: bool = False
    replanned: SeriesPlan | None = None  # times were taken meanwhile: confirm the new plan


@dataclass(frozen=True)
class BlockOutcome:
    block: BlockView | None
    affected: tuple[ScheduleEntry, ...]
    draft_id: int | None  # set when nothing changed yet: staff must confirm over booked patients
    already: bool = False


@dataclass(frozen=True)
class FlagItem:
    kind: Literal["escalation", "task"]
    id: int
    created_at: datetime
    patient_id: int | None
    patient_name: str | None
    label: str  # escalation level or task kind
    detail: str
    appointment_id: int | None
    deadline_at: datetime | None = None
    acknowledged: bool = False  # an escalation someone has taken (it stays until closed)
    overdue: bool = False

    @property
    def rank(self) -> int:
        """Urgent first, then each lower level; plain tasks last."""
        if self.kind == "task":
            return len(LEVEL_ORDER)
        return LEVEL_ORDER.get(self.label, len(LEVEL_ORDER))

    @property
    def due(self) -> datetime:
        return self.deadline_at or self.created_at


@dataclass(frozen=True)
class TaskClosed:
    task_id: int
    patient_name: str | None
    already: bool
    done_by: str | None
    outcome: str | None = None


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    rows: int
    totals: dict[str, int]
    first_day: date
    last_day: date


@dataclass(frozen=True)
class Digest:
    day: date
    today: DaySchedule
    unconfirmed: tuple[ScheduleEntry, ...]
    flags: tuple[FlagItem, ...]
    # Treatment sessions past their end nobody closed, and those whose attendance was assumed.
    open_sessions: tuple[ScheduleEntry, ...] = ()


@dataclass(frozen=True)
class SlotOffer:
    draft_id: int
    patient: PatientMatch
    existed: bool
    service: str
    slots: tuple[datetime, ...]


@dataclass(frozen=True)
class OfferBooked:
    appointment: Appointment
    patient: PatientMatch
    already: bool


EXPORT_COLUMNS = (
    "appointment_id",
    "patient_id",
    "patient_name",
    "service",
    "service_kind",
    "starts_local",
    "ends_local",
    "status",
    "confirmed",
    "created_by",
    "series_id",
    "late_cancel",
    "cancel_reason",
    "baseline_pain",
    "pain_D1",
    "reduction_D1_pct",
    "pain_D3",
    "reduction_D3_pct",
    "pain_D7",
    "reduction_D7_pct",
    "pain_D14",
    "reduction_D14_pct",
    "latest_pgic",
    "worst_side_effect",
)


def match_of(patient: Patient) -> PatientMatch:
    assert patient.id is not None
    return PatientMatch(
        id=patient.id,
        name=patient.name,
        phone=patient.phone_e164,
        channel=patient.preferred_channel,
        approved=patient.approved_at is not None,
    )


def block_view(block: TimeBlock) -> BlockView:
    assert block.id is not None
    return BlockView(
        id=block.id,
        starts_at=block.starts_at,
        ends_at=block.ends_at,
        pool=block.resource_pool,
        reason=block.reason,
    )


def draft_data(draft: BookingDraft) -> dict[str, Any]:
    data = json.loads(draft.data or "{}")
    return data if isinstance(data, dict) else {}


def unit_sort_key(unit: str) -> tuple[str, int]:
    pool, _, number = unit.rpartition(":")
    return (pool, int(number)) if number.isdigit() else (unit, 0)
