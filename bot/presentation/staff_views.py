"""What the staff screens show, as plain records: the schedule, patients found, series and blocks
planned, flags, the patient card. The staff use cases (`bot/services/staff_*.py`) fill them from the database; the
staff wording (`staff_messages`, `staff_plan_messages`) renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal, Protocol

from bot.domain.enums import AppointmentStatus, EscalationLevel
from bot.presentation.outcome_views import PatientReport
from bot.presentation.staff_notice_words import NoticePatient

LEVEL_ORDER = {str(level): rank for rank, level in enumerate(EscalationLevel)}


class BookedVisit(Protocol):
    """A booked appointment as the staff wording reads it (a `bot.db.models.Appointment`)."""

    @property
    def id(self) -> int | None: ...

    @property
    def starts_at(self) -> datetime: ...

    @property
    def service(self) -> str: ...


class PatientOnFile(NoticePatient, Protocol):
    """A patient's record as the patient card reads it (a `bot.db.models.Patient`): what a
    staff notice names, and the consents and blocks."""

    @property
    def telegram_consent_at(self) -> datetime | None: ...

    @property
    def sms_consent_at(self) -> datetime | None: ...

    @property
    def sms_opted_out_at(self) -> datetime | None: ...

    @property
    def telegram_blocked_at(self) -> datetime | None: ...

    @property
    def approved_by(self) -> str | None: ...

    @property
    def language(self) -> str | None: ...


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
    booked: tuple[BookedVisit, ...]
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
    appointment: BookedVisit
    patient: PatientMatch
    already: bool


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
    patient: PatientOnFile
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


def unit_sort_key(unit: str) -> tuple[str, int]:
    pool, _, number = unit.rpartition(":")
    return (pool, int(number)) if number.isdigit() else (unit, 0)
