"""Staff operations: the day's schedule, patient look-up, approval, series, blocks, flags, export.

Every method takes plain values and returns plain records; the words are in
`bot.services.staff_messages`. Actions that need a second tap (a series to confirm, a block over
booked patients, a slot offered to a phone patient) keep their choices in a draft row, so the
buttons carry only its id and work after a restart or on another replica.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, update
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import (
    Appointment,
    BookingDraft,
    CheckIn,
    CheckInAnswer,
    Escalation,
    Outbox,
    Patient,
    ScreeningAnswer,
    StaffTask,
    TimeBlock,
)
from bot.domain.availability import Slot, local_day, local_to_utc
from bot.domain.checkins import CheckinCatalog
from bot.domain.clock import Clock
from bot.domain.enums import (
    AppointmentStatus,
    Channel,
    CloseOutcome,
    EscalationLevel,
    OutboxKind,
    OutboxStatus,
)
from bot.domain.errors import ClinicError, InvalidPhone, NotApproved
from bot.profile import ClinicProfile, ServiceKind
from bot.services.aftercare import session_held
from bot.services.audit import audit
from bot.services.booking import HOLDING, BookingService
from bot.services.escalation import KEY_PREFIX as ESCALATION_KEY_PREFIX
from bot.services.formatting import when_short
from bot.services.outbox import enqueue
from bot.services.outcomes_report import (
    AppointmentOutcome,
    ClinicSummary,
    OutcomesReport,
    PatientReport,
)
from bot.services.patients import patient_by_phone
from bot.services.phones import normalize_phone
from bot.services.planner import plan_series_summary
from bot.services.routing import InvalidPatientName, create_phone_patient
from bot.services.staff_messages import enqueue_patient_notice, render_digest
from bot.texts import Texts

log = logging.getLogger(__name__)
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
        return sorted(groups.items(), key=lambda item: _unit_sort_key(item[0]))


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


def _close_escalation(
    session: Session, escalation: Escalation, *, actor: str, outcome: str, now: datetime
) -> None:
    """Record the outcome; a flag closed before anyone acknowledged it stops paging too."""
    escalation.closed_at = now
    escalation.closed_by = actor[:64]
    escalation.outcome = outcome
    if escalation.acknowledged_at is None:
        escalation.acknowledged_at = now
        escalation.acknowledged_by = actor[:64]
        session.exec(
            update(Outbox)
            .where(
                col(Outbox.kind).in_([OutboxKind.ESCALATION_PAGE, OutboxKind.ESCALATION_DEADLINE])
            )
            .where(col(Outbox.dedupe_key).startswith(f"{ESCALATION_KEY_PREFIX}{escalation.id}:"))
            .where(col(Outbox.status) == OutboxStatus.PENDING)
            .values(status=OutboxStatus.CANCELLED, last_error="closed")
        )


class StaffOps:
    """The use cases behind the staff commands and buttons."""

    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        clock: Clock,
        booking: BookingService,
        texts: Texts,
        catalog: CheckinCatalog | None = None,
    ) -> None:
        self.db = db
        self.profile = profile
        self.clock = clock
        self.booking = booking
        self.texts = texts
        self.tz = profile.tz
        self.outcomes = OutcomesReport(db=db, profile=profile, catalog=catalog)

    # --- time ---------------------------------------------------------------------------

    def today(self) -> date:
        return local_day(self.clock.now(), self.tz)

    def _day_start(self, day: date) -> datetime:
        return datetime.combine(day, time(0), self.tz)

    # --- schedule -----------------------------------------------------------------------

    def schedule(self, *, first_day: date, last_day: date) -> list[DaySchedule]:
        """Appointments (booked, done, no-show) and blocks per clinic day, inclusive."""
        if last_day < first_day:
            raise InvalidRequest("the last day is before the first")
        start, end = self._day_start(first_day), self._day_start(last_day + timedelta(days=1))
        with self.db.session(write=False) as session:
            entries = self._entries(session, start=start, end=end)
            blocks = self._blocks(session, start=start, end=end)
        days: list[DaySchedule] = []
        day = first_day
        while day <= last_day:
            day_start, day_end = self._day_start(day), self._day_start(day + timedelta(days=1))
            days.append(
                DaySchedule(
                    day=day,
                    hours=tuple(self.profile.opening_ranges(day.weekday())),
                    closed_reason=self._closure(day),
                    entries=tuple(e for e in entries if day_start <= e.starts_at < day_end),
                    blocks=tuple(
                        b for b in blocks if b.starts_at < day_end and b.ends_at > day_start
                    ),
                )
            )
            day += timedelta(days=1)
        return days

    def _closure(self, day: date) -> str | None:
        for closure in self.profile.closures:
            if closure.covers(day):
                return closure.reason or "closed"
        return None

    def _entries(
        self,
        session: Session,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        patient_id: int | None = None,
        statuses: Iterable[str] = HOLDING_VALUES,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> list[ScheduleEntry]:
        statement = (
            columns(
                col(Appointment.id),
                col(Appointment.patient_id),
                col(Patient.name),
                col(Appointment.service),
                col(Appointment.starts_at),
                col(Appointment.ends_at),
                col(Appointment.status),
                col(Appointment.confirmed_at),
                col(Appointment.resources),
                col(Appointment.attendance_assumed_at),
                col(Appointment.version),
            )
            .join(Patient, col(Patient.id) == col(Appointment.patient_id))
            .where(col(Appointment.status).in_(list(statuses)))
        )
        if start is not None:
            statement = statement.where(col(Appointment.starts_at) >= start)
        if end is not None:
            statement = statement.where(col(Appointment.starts_at) < end)
        if patient_id is not None:
            statement = statement.where(col(Appointment.patient_id) == patient_id)
        order = col(Appointment.starts_at).desc() if newest_first else col(Appointment.starts_at)
        statement = statement.order_by(order, col(Appointment.id))
        if limit is not None:
            statement = statement.limit(limit)
        entries = []
        for row in session.execute(statement):
            (
                appointment_id,
                pid,
                name,
                service,
                starts,
                ends,
                status,
                confirmed,
                units,
                assumed,
                version,
            ) = row
            assert appointment_id is not None
            entries.append(
                ScheduleEntry(
                    appointment_id=appointment_id,
                    patient_id=pid,
                    patient_name=name,
                    service=service,
                    starts_at=starts,
                    ends_at=ends,
                    status=AppointmentStatus(status),
                    confirmed=confirmed is not None,
                    units=tuple(u for u in units.split(",") if u),
                    assumed=assumed is not None,
                    held=status == AppointmentStatus.BOOKED
                    and session_held(session, appointment_id),
                    version=version,
                )
            )
        return entries

    def _blocks(self, session: Session, *, start: datetime, end: datetime) -> list[BlockView]:
        rows = session.exec(
            select(TimeBlock)
            .where(col(TimeBlock.removed_at).is_(None))
            .where(col(TimeBlock.starts_at) < end)
            .where(col(TimeBlock.ends_at) > start)
            .order_by(col(TimeBlock.starts_at))
        ).all()
        return [_block_view(b) for b in rows]

    # --- patients -----------------------------------------------------------------------

    def find_patients(self, query: str) -> list[PatientMatch]:
        """Patients matching a record number (#12), a phone number or part of a name."""
        text = " ".join(query.split())
        if not text:
            return []
        with self.db.session(write=False) as session:
            alive = select(Patient).where(col(Patient.erased_at).is_(None))
            reference = text.removeprefix("#")
            if reference.isdigit() and len(reference) <= 7 and not text.startswith("+"):
                found = session.exec(alive.where(col(Patient.id) == int(reference))).all()
                if found or text.startswith("#"):
                    return [_match(p) for p in found]
            digits = sum(ch.isdigit() for ch in text)
            if digits >= 7:
                try:
                    phone = normalize_phone(text, region=self.profile.clinic.phone_region)
                except InvalidPhone:
                    phone = None
                if phone is not None:
                    found = session.exec(alive.where(col(Patient.phone_e164) == phone)).all()
                    return [_match(p) for p in found]
            statement = alive
            for word in text.lower().split():
                statement = statement.where(
                    func.lower(col(Patient.name)).contains(word, autoescape=True)
                )
            found = session.exec(
                statement.order_by(col(Patient.name), col(Patient.id)).limit(MATCH_LIMIT + 1)
            ).all()
            exact = [p for p in found if (p.name or "").lower() == text.lower()]
            return [_match(p) for p in (exact if len(exact) == 1 else found)]

    def resolve_patient(self, query: str) -> PatientMatch:
        """Exactly one patient, or PatientNotFound / AmbiguousPatient (with the matches)."""
        matches = self.find_patients(query)
        if not matches:
            raise PatientNotFound(query)
        if len(matches) > 1:
            raise AmbiguousPatient(matches[:MATCH_LIMIT])
        return matches[0]

    def patient_card(self, patient_id: int) -> PatientCard:
        """What staff need about one patient: visits, screening, consent, check-ins, outcomes."""
        now = self.clock.now()
        with self.db.session(write=False) as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.erased_at is not None:
                raise PatientNotFound(str(patient_id))
            upcoming = self._entries(
                session, start=now, patient_id=patient_id, statuses=[AppointmentStatus.BOOKED]
            )
            recent = self._entries(
                session,
                end=now,
                patient_id=patient_id,
                statuses=[s.value for s in AppointmentStatus],
                newest_first=True,
                limit=RECENT_APPOINTMENTS,
            )
            counts = dict(
                session.exec(
                    select(Appointment.status, func.count())
                    .where(col(Appointment.patient_id) == patient_id)
                    .group_by(col(Appointment.status))
                ).all()
            )
            answers = session.exec(
                select(ScreeningAnswer.code, ScreeningAnswer.answer)
                .where(col(ScreeningAnswer.patient_id) == patient_id)
                .order_by(col(ScreeningAnswer.answered_at).desc(), col(ScreeningAnswer.id).desc())
            ).all()
            latest: dict[str, str] = {}
            for code, answer in answers:
                latest.setdefault(code, answer)
            checkins = self._recent_checkins(session, patient_id)
            open_flags = self._open_flag_count(session, patient_id)
        flags = tuple(
            (code, latest[code])
            for code in SCREENING_FLAG_CODES
            if latest.get(code) in FLAG_ANSWERS
        )
        return PatientCard(
            patient=patient,
            upcoming=tuple(upcoming),
            recent=tuple(recent),
            status_counts={str(k): int(v) for k, v in counts.items()},
            screening_flags=flags,
            medicines=latest.get(MEDICINES_CODE),
            driver=latest.get(DRIVER_CODE),
            checkins=checkins,
            screened=any(code in latest for code in SCREENING_FLAG_CODES),
            open_flags=open_flags,
            report=self.outcomes.patient(patient_id),
        )

    def note_access(self, *, actor: str, patient_id: int) -> None:
        """Record that a staff member opened a patient's record (who saw what)."""
        with self.db.session() as session:
            audit(
                session,
                at=self.clock.now(),
                actor=actor,
                action="staff.view_patient",
                subject=f"patient:{patient_id}",
            )

    def _recent_checkins(self, session: Session, patient_id: int) -> tuple[CheckinLine, ...]:
        rows = session.exec(
            select(CheckIn)
            .where(col(CheckIn.patient_id) == patient_id)
            .where(col(CheckIn.sent_at).is_not(None))
            .order_by(col(CheckIn.sent_at).desc(), col(CheckIn.id).desc())
            .limit(RECENT_CHECKINS)
        ).all()
        ids = [c.id for c in rows if c.id is not None]
        pain_code = self.outcomes.catalog.outcomes.pain_question
        pain_question = self.outcomes.catalog.questions[pain_code]
        pains: dict[int, int] = {}
        if ids:
            for checkin_id, value in session.exec(
                select(CheckInAnswer.checkin_id, CheckInAnswer.value)
                .where(col(CheckInAnswer.checkin_id).in_(ids))
                .where(col(CheckInAnswer.question) == pain_code)
            ):
                score = pain_question.score_or_none(value)
                if score is not None:
                    pains[checkin_id] = score
        return tuple(
            CheckinLine(
                checkin_id=c.id,
                appointment_id=c.appointment_id,
                slot=c.slot,
                status=c.status,
                at=c.completed_at or c.sent_at,
                pain=pains.get(c.id),
            )
            for c in rows
            if c.id is not None
        )

    def _open_flag_count(self, session: Session, patient_id: int) -> int:
        escalations = session.exec(
            select(func.count())
            .select_from(Escalation)
            .where(col(Escalation.patient_id) == patient_id)
            .where(col(Escalation.closed_at).is_(None))
        ).one()
        tasks = session.exec(
            select(func.count())
            .select_from(StaffTask)
            .where(col(StaffTask.patient_id) == patient_id)
            .where(col(StaffTask.done_at).is_(None))
            .where(
                or_(
                    col(StaffTask.dedupe_key).is_(None),
                    ~col(StaffTask.dedupe_key).startswith(ESCALATION_TASK_PREFIX),
                )
            )
        ).one()
        return int(escalations) + int(tasks)

    # --- approval -----------------------------------------------------------------------

    def approve(
        self,
        *,
        patient_id: int,
        actor: str,
        reason: str | None = None,
        consultation_id: int | None = None,
    ) -> Approval:
        """Approve for treatment after an attended consultation; the patient is told once.

        Approval is a clinical decision: without a consultation marked Done it needs an explicit
        override with a reason, which is recorded. `consultation_id` is the consultation a button
        was made for: if it was cancelled or moved since, the button says so and does nothing.
        """
        now = self.clock.now()
        reason = (reason or "").strip()[:300] or None
        with self.db.session() as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.erased_at is not None:
                raise PatientNotFound(str(patient_id))
            if patient.approved_at is not None:
                return Approval(patient=_match(patient), already=True)
            if consultation_id is not None:
                self._check_consultation_button(session, patient_id, consultation_id)
            attended = self._attended_consultation(session, patient_id)
            if attended is None and reason is None:
                raise ApprovalRefused(
                    "no consultation marked Done for this patient. Mark it Done after the "
                    "visit, or approve with a reason: /approve #"
                    f"{patient_id} override <reason>"
                )
            patient.approved_at = now
            patient.approved_by = actor[:64]
            audit(
                session,
                at=now,
                actor=actor,
                action="patient.approve",
                subject=f"patient:{patient_id}",
                detail={"consultation": attended, "override": reason},
            )
            enqueue_patient_notice(session, patient=patient, text_key="approved", now=now)
            session.flush()
            return Approval(patient=_match(patient), already=False)

    def _attended_consultation(self, session: Session, patient_id: int) -> int | None:
        consultations = [
            code
            for code, service in self.profile.services.items()
            if service.kind is ServiceKind.CONSULTATION
        ]
        return session.exec(
            select(Appointment.id)
            .where(col(Appointment.patient_id) == patient_id)
            .where(col(Appointment.service).in_(consultations))
            .where(col(Appointment.status) == AppointmentStatus.COMPLETED)
            .order_by(col(Appointment.starts_at).desc())
            .limit(1)
        ).first()

    def _check_consultation_button(
        self, session: Session, patient_id: int, consultation_id: int
    ) -> None:
        """An Approve button made for a consultation that has changed says what happened."""
        appointment = session.get(Appointment, consultation_id)
        if appointment is None or appointment.patient_id != patient_id:
            raise StaleAction("this button is not for this patient")
        if appointment.status == AppointmentStatus.COMPLETED:
            return
        moved_to = session.exec(
            select(Appointment)
            .where(col(Appointment.rescheduled_from_id) == consultation_id)
            .limit(1)
        ).first()
        if moved_to is not None:
            raise ApprovalRefused(
                f"consultation #{consultation_id} was moved to #{moved_to.id} "
                f"({when_short(moved_to.starts_at, self.tz)}, now {moved_to.status}); "
                "nothing was approved"
            )
        if appointment.status == AppointmentStatus.CANCELLED:
            raise ApprovalRefused(
                f"consultation #{consultation_id} was cancelled; nothing was approved"
            )
        if appointment.status == AppointmentStatus.NO_SHOW:
            raise ApprovalRefused(
                f"consultation #{consultation_id} was a no-show; nothing was approved"
            )

    # --- series -------------------------------------------------------------------------

    def plan_series(self, *, patient_id: int, service: str, count: int, actor: str) -> SeriesPlan:
        """The next free times respecting the service's gaps, kept in a draft to confirm."""
        definition = self.profile.service(service)
        if definition.kind is not ServiceKind.TREATMENT:
            raise NotATreatment(service)
        if not 1 <= count <= MAX_SERIES:
            raise InvalidRequest(f"a series has 1 to {MAX_SERIES} sessions")
        with self.db.session(write=False) as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.erased_at is not None:
                raise PatientNotFound(str(patient_id))
            if definition.requires_approval and patient.approved_at is None:
                raise NotApproved("approve the patient for treatment first")
            open_flags = len(
                session.exec(
                    select(Escalation.id)
                    .where(col(Escalation.patient_id) == patient_id)
                    .where(col(Escalation.closed_at).is_(None))
                ).all()
            )
            screened = (
                session.exec(
                    select(ScreeningAnswer.id)
                    .where(col(ScreeningAnswer.patient_id) == patient_id)
                    .limit(1)
                ).first()
                is not None
            )
        starts = self._series_starts(patient_id=patient_id, service=service, count=count)
        now = self.clock.now()
        with self.db.session() as session:
            draft_id = self._new_draft(
                session,
                flow=SERIES_FLOW,
                patient_id=patient_id,
                now=now,
                data={
                    "service": service,
                    "starts": [s.isoformat() for s in starts],
                    "series_id": f"S{uuid.uuid4().hex[:16]}",
                    "by": actor,
                },
            )
        return SeriesPlan(
            draft_id=draft_id,
            patient=_match(patient),
            service=service,
            starts=tuple(starts),
            open_flags=open_flags,
            screened=screened,
        )

    def _series_starts(self, *, patient_id: int, service: str, count: int) -> list[datetime]:
        definition = self.profile.service(service)
        today = self.today()
        last = today + timedelta(days=self.profile.booking.horizon_days)
        slots = self.booking.free_slots(service=service, first_day=today, last_day=last)
        with self.db.session(write=False) as session:
            busy_days = {
                local_day(e.starts_at, self.tz)
                for e in self._entries(
                    session,
                    start=self.clock.now(),
                    patient_id=patient_id,
                    statuses=[AppointmentStatus.BOOKED],
                )
            }
        by_day: dict[date, list[Slot]] = {}
        for slot in slots:
            day = local_day(slot.start, self.tz)
            if day not in busy_days:
                by_day.setdefault(day, []).append(slot)
        days = plan_series_days(
            sorted(by_day),
            count=count,
            min_gap=max(definition.series_min_gap_days, 1),
            max_gap=definition.series_max_gap_days,
        )
        if days is None:
            raise SeriesDoesNotFit(
                f"{count} sessions {definition.series_min_gap_days}-"
                f"{definition.series_max_gap_days} days apart do not fit in the next "
                f"{self.profile.booking.horizon_days} days"
            )
        first = by_day[days[0]][0].start
        wall = first.astimezone(self.tz).time()
        starts = [first]
        for day in days[1:]:
            options = by_day[day]
            # The same time of day as the first session is easiest for the patient to keep.
            same = next((s for s in options if s.start.astimezone(self.tz).time() == wall), None)
            starts.append((same or options[0]).start)
        return starts

    def confirm_series(self, *, draft_id: int, actor: str) -> SeriesBooking:
        """Book every planned session with one series id; a second press books nothing more."""
        now = self.clock.now()
        with self.db.session(write=False) as session:
            draft = self._draft(session, draft_id, flow=SERIES_FLOW, now=now)
            data = _data(draft)
            patient = session.get(Patient, draft.patient_id)
            if patient is None:
                raise StaleAction("the patient no longer exists")
            match = _match(patient)
            series_id = str(data["series_id"])
            service = str(data["service"])
            if draft.step == STEP_DONE:
                earlier = session.exec(
                    select(Appointment)
                    .where(col(Appointment.series_id) == series_id)
                    .order_by(col(Appointment.starts_at))
                ).all()
                return SeriesBooking(match, service, series_id, tuple(earlier), (), already=True)
            if draft.step == STEP_CANCELLED:
                raise StaleAction("this series was cancelled")
        starts = [datetime.fromisoformat(s) for s in data["starts"]]
        if not self._all_free(service, starts):
            replanned = self.plan_series(
                patient_id=match.id, service=service, count=len(starts), actor=actor
            )
            self._close_draft(draft_id, step=STEP_CANCELLED)
            return SeriesBooking(match, service, series_id, (), (), replanned=replanned)
        booked: list[Appointment] = []
        failed: list[tuple[datetime, str]] = []
        for index, start in enumerate(starts):
            try:
                booked.append(
                    self.booking.book(
                        patient_id=match.id,
                        service=service,
                        start=start,
                        actor=actor,
                        request_key=f"series:{series_id}:{index}",
                        series_id=series_id,
                    )
                )
            except ClinicError as exc:
                failed.append((start, str(exc)))
        self._close_draft(draft_id, step=STEP_DONE)
        with self.db.session() as session:
            patient = session.get(Patient, match.id)
            if booked and patient is not None:
                plan_series_summary(
                    session, patient=patient, series_id=series_id, first=booked[0], now=now
                )
            audit(
                session,
                at=now,
                actor=actor,
                action="staff.series",
                subject=f"patient:{match.id}",
                detail={"series": series_id, "booked": len(booked), "failed": len(failed)},
            )
        return SeriesBooking(match, service, series_id, tuple(booked), tuple(failed))

    def _all_free(self, service: str, starts: Sequence[datetime]) -> bool:
        if not starts:
            return False
        days = [local_day(s, self.tz) for s in starts]
        free = {
            s.start
            for s in self.booking.free_slots(
                service=service, first_day=min(days), last_day=max(days)
            )
        }
        return all(s in free for s in starts)

    def cancel_draft(self, *, draft_id: int, actor: str) -> None:
        """Drop a pending series, block or offer: nothing is booked or closed."""
        now = self.clock.now()
        with self.db.session() as session:
            draft = session.get(BookingDraft, draft_id)
            if draft is None or draft.channel != STAFF_CHANNEL:
                raise StaleAction("nothing to cancel")
            if draft.step == STEP_DONE:
                raise StaleAction("already done")
            draft.step = STEP_CANCELLED
            draft.updated_at = now
            audit(
                session,
                at=now,
                actor=actor,
                action=f"{draft.flow}.cancel",
                subject=f"draft:{draft_id}",
            )

    # --- blocks -------------------------------------------------------------------------

    def block_time(
        self,
        *,
        day: date,
        start: time,
        end: time,
        reason: str,
        actor: str,
        pool: str | None = None,
    ) -> BlockOutcome:
        """Close time; over booked patients nothing changes until staff confirm (a draft)."""
        starts_at, ends_at = self._block_span(day, start, end, pool)
        now = self.clock.now()
        with self.db.session() as session:
            existing = self._same_block(session, starts_at, ends_at, pool)
            if existing is not None:
                return BlockOutcome(block=existing, affected=(), draft_id=None, already=True)
            affected = self._affected(session, starts_at, ends_at, pool)
            if affected:
                draft_id = self._new_draft(
                    session,
                    flow=BLOCK_FLOW,
                    patient_id=None,
                    now=now,
                    data={
                        "start": starts_at.isoformat(),
                        "end": ends_at.isoformat(),
                        "pool": pool,
                        "reason": reason,
                    },
                )
                return BlockOutcome(block=None, affected=tuple(affected), draft_id=draft_id)
            block = self._add_block(session, starts_at, ends_at, pool, reason, actor, now)
            return BlockOutcome(block=block, affected=(), draft_id=None)

    def confirm_block(self, *, draft_id: int, actor: str) -> BlockOutcome:
        """Close the time over booked patients; they stay booked and are listed for staff."""
        now = self.clock.now()
        with self.db.session() as session:
            draft = self._draft(session, draft_id, flow=BLOCK_FLOW, now=now)
            data = _data(draft)
            starts_at = datetime.fromisoformat(data["start"])
            ends_at = datetime.fromisoformat(data["end"])
            pool = data.get("pool")
            affected = self._affected(session, starts_at, ends_at, pool)
            existing = self._same_block(session, starts_at, ends_at, pool)
            if draft.step == STEP_DONE or existing is not None:
                return BlockOutcome(existing, tuple(affected), None, already=True)
            if draft.step == STEP_CANCELLED:
                raise StaleAction("this block was cancelled")
            if ends_at <= now:
                raise InvalidRequest("that time has passed")
            block = self._add_block(
                session, starts_at, ends_at, pool, str(data.get("reason", "")), actor, now
            )
            draft.step = STEP_DONE
            draft.updated_at = now
            return BlockOutcome(block=block, affected=tuple(affected), draft_id=None)

    def _block_span(
        self, day: date, start: time, end: time, pool: str | None
    ) -> tuple[datetime, datetime]:
        if pool is not None and pool not in self.profile.resources:
            raise InvalidRequest(
                f"unknown resource {pool!r}; use one of {', '.join(sorted(self.profile.resources))}"
            )
        if end <= start:
            raise InvalidRequest("the block ends before it starts")
        starts_at = local_to_utc(day, start, self.tz)
        ends_at = local_to_utc(day, end, self.tz)
        if starts_at is None or ends_at is None:
            raise InvalidRequest("that time does not exist on that day (clock change)")
        if day < self.today() or ends_at <= self.clock.now():
            raise InvalidRequest("that time is in the past")
        return starts_at, ends_at

    def _same_block(
        self, session: Session, starts_at: datetime, ends_at: datetime, pool: str | None
    ) -> BlockView | None:
        statement = (
            select(TimeBlock)
            .where(col(TimeBlock.removed_at).is_(None))
            .where(col(TimeBlock.starts_at) == starts_at)
            .where(col(TimeBlock.ends_at) == ends_at)
        )
        statement = statement.where(
            col(TimeBlock.resource_pool).is_(None)
            if pool is None
            else col(TimeBlock.resource_pool) == pool
        )
        found = session.exec(statement).first()
        return _block_view(found) if found is not None else None

    def _affected(
        self, session: Session, starts_at: datetime, ends_at: datetime, pool: str | None
    ) -> list[ScheduleEntry]:
        # Appointments start at most a day before they end; a day's margin finds every overlap.
        entries = self._entries(
            session,
            start=starts_at - timedelta(days=1),
            end=ends_at,
            statuses=[AppointmentStatus.BOOKED],
        )
        return [
            e
            for e in entries
            if e.starts_at < ends_at
            and e.ends_at > starts_at
            and (pool is None or any(u.rsplit(":", 1)[0] == pool for u in e.units))
        ]

    def _add_block(
        self,
        session: Session,
        starts_at: datetime,
        ends_at: datetime,
        pool: str | None,
        reason: str,
        actor: str,
        now: datetime,
    ) -> BlockView:
        block = TimeBlock(
            starts_at=starts_at,
            ends_at=ends_at,
            resource_pool=pool,
            reason=reason[:255],
            created_by=actor[:64],
            created_at=now,
        )
        session.add(block)
        session.flush()
        audit(
            session,
            at=now,
            actor=actor,
            action="staff.block",
            subject=f"block:{block.id}",
            detail={"start": starts_at.isoformat(), "end": ends_at.isoformat(), "pool": pool},
        )
        return _block_view(block)

    def upcoming_blocks(self) -> list[BlockView]:
        now = self.clock.now()
        with self.db.session(write=False) as session:
            return self._blocks(session, start=now, end=now + timedelta(days=3660))

    def unblock(self, *, block_id: int, actor: str) -> BlockView:
        """Reopen blocked time (the block is kept, marked removed)."""
        now = self.clock.now()
        with self.db.session() as session:
            block = session.get(TimeBlock, block_id)
            if block is None or block.removed_at is not None:
                raise BlockNotFound(str(block_id))
            block.removed_at = now
            audit(session, at=now, actor=actor, action="staff.unblock", subject=f"block:{block_id}")
            session.flush()
            # Waiting patients hear of the reopened time (issue 15 item 2).
            self.booking.time_freed(session, start=block.starts_at, end=block.ends_at, now=now)
            return _block_view(block)

    # --- flags and tasks ----------------------------------------------------------------

    def open_flags(self) -> list[FlagItem]:
        """Open red flags and staff tasks, once each, by level (urgent first) then deadline.

        A red flag's own task is not listed again: the flag is the item, open until closed.
        """
        now = self.clock.now()
        with self.db.session(write=False) as session:
            escalations = session.exec(
                select(Escalation, Patient.name)
                .join(Patient, col(Patient.id) == col(Escalation.patient_id))
                .where(col(Escalation.closed_at).is_(None))
            ).all()
            tasks = session.exec(
                select(StaffTask, Patient.name)
                .join(Patient, col(Patient.id) == col(StaffTask.patient_id), isouter=True)
                .where(col(StaffTask.done_at).is_(None))
                .where(
                    or_(
                        col(StaffTask.dedupe_key).is_(None),
                        ~col(StaffTask.dedupe_key).startswith(ESCALATION_TASK_PREFIX),
                    )
                )
            ).all()
        items = [
            FlagItem(
                kind="escalation",
                id=e.id or 0,
                created_at=e.created_at,
                patient_id=e.patient_id,
                patient_name=name,
                label=e.level,
                detail=e.detail or e.rule,
                appointment_id=None,
                deadline_at=e.deadline_at,
                acknowledged=e.acknowledged_at is not None,
                overdue=e.acknowledged_at is None
                and e.deadline_at is not None
                and e.deadline_at <= now,
            )
            for e, name in escalations
        ] + [
            FlagItem(
                kind="task",
                id=t.id or 0,
                created_at=t.created_at,
                patient_id=t.patient_id,
                patient_name=name,
                label=t.kind,
                detail=t.detail,
                appointment_id=t.appointment_id,
            )
            for t, name in tasks
        ]
        return sorted(items, key=lambda i: (i.rank, i.due, i.created_at, i.kind, i.id))

    def close_task(
        self, *, task_id: int, actor: str, outcome: CloseOutcome = CloseOutcome.CALLED
    ) -> TaskClosed:
        """Close a staff task with what was done; a second press changes nothing.

        A red flag's task closes its flag too (and the other way round, in `close_flag`).
        """
        now = self.clock.now()
        with self.db.session() as session:
            task = session.get(StaffTask, task_id)
            if task is None:
                raise TaskNotFound(str(task_id))
            patient = session.get(Patient, task.patient_id) if task.patient_id else None
            name = patient.name if patient is not None else None
            if task.done_at is not None:
                return TaskClosed(
                    task_id, name, already=True, done_by=task.done_by, outcome=task.outcome
                )
            task.done_at = now
            task.done_by = actor[:64]
            task.outcome = outcome
            key = task.dedupe_key or ""
            if (
                key.startswith(ESCALATION_TASK_PREFIX)
                and key[len(ESCALATION_TASK_PREFIX) :].isdigit()
            ):
                escalation = session.get(Escalation, int(key[len(ESCALATION_TASK_PREFIX) :]))
                if escalation is not None:
                    _close_escalation(session, escalation, actor=actor, outcome=outcome, now=now)
            audit(
                session,
                at=now,
                actor=actor,
                action="staff.task_done",
                subject=f"task:{task_id}",
                detail={"outcome": str(outcome)},
            )
            return TaskClosed(task_id, name, already=False, done_by=task.done_by, outcome=outcome)

    def close_flag(self, *, escalation_id: int, actor: str, outcome: CloseOutcome) -> TaskClosed:
        """Close a red flag with what was done (it stops paging if nobody had taken it)."""
        now = self.clock.now()
        with self.db.session() as session:
            escalation = session.get(Escalation, escalation_id)
            if escalation is None:
                raise TaskNotFound(str(escalation_id))
            patient = session.get(Patient, escalation.patient_id)
            name = patient.name if patient is not None else None
            if escalation.closed_at is not None:
                return TaskClosed(
                    escalation_id,
                    name,
                    already=True,
                    done_by=escalation.closed_by,
                    outcome=escalation.outcome,
                )
            _close_escalation(session, escalation, actor=actor, outcome=outcome, now=now)
            task = session.exec(
                select(StaffTask).where(
                    col(StaffTask.dedupe_key) == f"{ESCALATION_TASK_PREFIX}{escalation_id}"
                )
            ).one_or_none()
            if task is not None and task.done_at is None:
                task.done_at, task.done_by, task.outcome = now, actor[:64], outcome
            audit(
                session,
                at=now,
                actor=actor,
                action="staff.flag_closed",
                subject=f"escalation:{escalation_id}",
                detail={"outcome": str(outcome)},
            )
            return TaskClosed(escalation_id, name, already=False, done_by=actor, outcome=outcome)

    # --- export -------------------------------------------------------------------------

    def export_csv(self, *, first_day: date, last_day: date, actor: str) -> Export:
        """Appointments starting on [first_day, last_day] with their outcomes, as CSV."""
        if last_day < first_day:
            raise InvalidRequest("the last day is before the first")
        if (last_day - first_day).days >= MAX_EXPORT_DAYS:
            raise InvalidRequest(f"export at most {MAX_EXPORT_DAYS} days at a time")
        start, end = self._day_start(first_day), self._day_start(last_day + timedelta(days=1))
        now = self.clock.now()
        with self.db.session(write=False) as session:
            rows = session.exec(
                select(Appointment, Patient.name)
                .join(Patient, col(Patient.id) == col(Appointment.patient_id))
                .where(col(Appointment.starts_at) >= start)
                .where(col(Appointment.starts_at) < end)
                .order_by(col(Appointment.starts_at), col(Appointment.id))
            ).all()
        outcomes = self.outcomes.for_appointments((a.id or 0, a.patient_id) for a, _ in rows)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        totals: Counter[str] = Counter()
        for appointment, name in rows:
            assert appointment.id is not None
            totals[appointment.status] += 1
            outcome = outcomes.get(appointment.id)
            service = self.profile.services.get(appointment.service)
            writer.writerow(
                [
                    appointment.id,
                    appointment.patient_id,
                    _cell(name or ""),
                    appointment.service,
                    service.kind.value if service else "",
                    _local(appointment.starts_at, self.tz),
                    _local(appointment.ends_at, self.tz),
                    appointment.status,
                    "yes" if appointment.confirmed_at else "no",
                    appointment.created_by,
                    appointment.series_id or "",
                    "yes" if appointment.late_cancel else "no",
                    _cell(appointment.cancel_reason or ""),
                    _number(outcome.baseline if outcome else None),
                    *_slot_cells(outcome),
                    outcome.pgic if outcome and outcome.pgic else "",
                    outcome.worst_side_effect if outcome and outcome.worst_side_effect else "",
                ]
            )
        with self.db.session() as session:
            audit(
                session,
                at=now,
                actor=actor,
                action="staff.export",
                subject=f"{first_day.isoformat()}..{last_day.isoformat()}",
                detail={"rows": len(rows)},
            )
        # A byte-order mark lets spreadsheet programs read the names as UTF-8.
        content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
        return Export(
            filename=f"appointments_{first_day.isoformat()}_{last_day.isoformat()}.csv",
            content=content,
            rows=len(rows),
            totals=dict(totals),
            first_day=first_day,
            last_day=last_day,
        )

    # --- outcomes -----------------------------------------------------------------------

    def clinic_outcomes(
        self, *, first_day: date | None = None, last_day: date | None = None
    ) -> ClinicSummary:
        if first_day is not None and last_day is not None and last_day < first_day:
            raise InvalidRequest("the last day is before the first")
        return self.outcomes.clinic(now=self.clock.now(), first_day=first_day, last_day=last_day)

    # --- daily digest -------------------------------------------------------------------

    def digest(self, *, day: date) -> Digest:
        """Today's appointments, who has not confirmed (today and tomorrow), open flags."""
        today, tomorrow = self.schedule(first_day=day, last_day=day + timedelta(days=1))
        now = self.clock.now()
        unconfirmed = tuple(
            e
            for e in (*today.entries, *tomorrow.entries)
            if e.status == AppointmentStatus.BOOKED and not e.confirmed and e.starts_at > now
        )
        return Digest(
            day=day,
            today=today,
            unconfirmed=unconfirmed,
            # Overdue flags lead the digest; then by level and deadline as in /flags.
            flags=tuple(sorted(self.open_flags(), key=lambda i: not i.overdue)),
            open_sessions=tuple(self.open_sessions()),
        )

    def open_sessions(self) -> list[ScheduleEntry]:
        """Treatment sessions of the last week nobody closed after both prompts, or assumed."""
        now = self.clock.now()
        rules = self.profile.session_end
        asked_twice = timedelta(minutes=rules.prompt_after_minutes + rules.repeat_after_minutes)
        treatments = set(self.treatment_codes())
        with self.db.session(write=False) as session:
            entries = self._entries(
                session,
                start=now - OPEN_SESSION_LOOKBACK,
                end=now,
                statuses=(AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED),
            )
        return [
            e
            for e in entries
            if e.service in treatments
            and (
                e.assumed
                or (e.status == AppointmentStatus.BOOKED and e.ends_at + asked_twice <= now)
            )
        ]

    def treatment_codes(self) -> list[str]:
        return [
            code
            for code, service in self.profile.services.items()
            if service.kind is ServiceKind.TREATMENT
        ]

    def queue_daily_digest(self, *, now: datetime | None = None) -> bool:
        """Queue today's digest for the staff chat once the clinic opens; once a day at most.

        Safe to call often and from several replicas: the outbox key is the day. Returns whether
        a digest was queued now.
        """
        moment = now or self.clock.now()
        day = local_day(moment, self.tz)
        hours = self.profile.opening_ranges(day.weekday())
        if not hours or self._closure(day) is not None:
            return False
        opening = local_to_utc(day, hours[0][0], self.tz) or self._day_start(day)
        closing = local_to_utc(day, hours[-1][1], self.tz) or self._day_start(day + timedelta(1))
        if not opening <= moment < closing:
            return False
        html = render_digest(self.texts, self.profile, self.digest(day=day))
        with self.db.session() as session:
            queued = enqueue(
                session,
                kind=OutboxKind.STAFF_NOTICE,
                channel=Channel.STAFF,
                due_at=moment,
                dedupe_key=f"staff:digest:{day.isoformat()}",
                now=moment,
                payload={"event": "message", "html": html},
            )
        if queued:
            log.info("daily digest for %s queued", day.isoformat())
        return queued

    # --- phone-only patients ------------------------------------------------------------

    def set_driver_phone(self, *, patient_id: int, phone: str | None, actor: str) -> str | None:
        """Store the driver's phone (E.164) texted at Done, or clear it; audited, unlogged."""
        number = normalize_phone(phone, region=self.profile.clinic.phone_region) if phone else None
        now = self.clock.now()
        with self.db.session() as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.erased_at is not None:
                raise PatientNotFound(str(patient_id))
            patient.driver_phone = number
            audit(
                session,
                at=now,
                actor=actor,
                action="patient.driver_phone",
                subject=f"patient:{patient_id}",
                detail={"stored": number is not None},
            )
        return number

    def new_phone_patient(self, *, phone: str, name: str, actor: str) -> SlotOffer:
        """Create (or find) a patient without Telegram and offer consultation times."""
        now = self.clock.now()
        region = self.profile.clinic.phone_region
        with self.db.session() as session:
            existed = patient_by_phone(session, normalize_phone(phone, region=region)) is not None
            try:
                patient = create_phone_patient(
                    session,
                    phone=phone,
                    name=name,
                    staff_actor=actor,
                    now=now,
                    region=region,
                )
            except InvalidPatientName as exc:
                raise InvalidRequest(str(exc)) from None
            assert patient.id is not None
            patient_id = patient.id
        return self.offer_consultation(patient_id=patient_id, existed=existed)

    def offer_consultation(self, *, patient_id: int, existed: bool = True) -> SlotOffer:
        """The next free consultation times, kept in a draft for the slot buttons."""
        service = self.profile.consultation_code
        slots = self.booking.next_free(service=service, count=OFFERED_SLOTS)
        now = self.clock.now()
        with self.db.session() as session:
            patient = session.get(Patient, patient_id)
            if patient is None:
                raise PatientNotFound(str(patient_id))
            draft_id = self._new_draft(
                session,
                flow=OFFER_FLOW,
                patient_id=patient_id,
                now=now,
                data={"service": service, "starts": [s.start.isoformat() for s in slots]},
            )
            match = _match(patient)
        return SlotOffer(
            draft_id=draft_id,
            patient=match,
            existed=existed,
            service=service,
            slots=tuple(s.start for s in slots),
        )

    def book_offer(self, *, draft_id: int, index: int, actor: str) -> OfferBooked:
        """Book the offered time a staff member picked; the patient is told by SMS (outbox)."""
        now = self.clock.now()
        with self.db.session(write=False) as session:
            draft = self._draft(session, draft_id, flow=OFFER_FLOW, now=now)
            data = _data(draft)
            patient = session.get(Patient, draft.patient_id)
            if patient is None:
                raise StaleAction("the patient no longer exists")
            if draft.step == STEP_DONE:
                booked = session.get(Appointment, int(data.get("appointment_id", 0)))
                if booked is not None:
                    return OfferBooked(booked, _match(patient), already=True)
            if draft.step == STEP_CANCELLED:
                raise StaleAction("this offer was cancelled")
        starts = [datetime.fromisoformat(s) for s in data["starts"]]
        if not 0 <= index < len(starts):
            raise StaleAction("that time is not on offer")
        appointment = self.booking.book(
            patient_id=patient.id or 0,
            service=str(data["service"]),
            start=starts[index],
            actor=actor,
            request_key=f"offer:{draft_id}",
        )
        with self.db.session() as session:
            stored = session.get(BookingDraft, draft_id)
            if stored is not None:
                stored.step = STEP_DONE
                stored.data = json.dumps({**data, "appointment_id": appointment.id})
                stored.updated_at = now
        return OfferBooked(appointment, _match(patient), already=False)

    def offer_patient(self, draft_id: int) -> int:
        """The patient an offer of times was made for (to offer fresh times)."""
        with self.db.session(write=False) as session:
            draft = session.get(BookingDraft, draft_id)
        if draft is None or draft.flow != OFFER_FLOW or draft.patient_id is None:
            raise StaleAction("unknown offer")
        return draft.patient_id

    # --- drafts -------------------------------------------------------------------------

    def _new_draft(
        self,
        session: Session,
        *,
        flow: str,
        patient_id: int | None,
        now: datetime,
        data: dict[str, Any],
    ) -> int:
        draft = BookingDraft(
            channel=STAFF_CHANNEL,
            address=f"{flow}:{uuid.uuid4().hex[:24]}",
            patient_id=patient_id,
            flow=flow,
            step=STEP_OPEN,
            data=json.dumps(data),
            updated_at=now,
            expires_at=now + DRAFT_TTL,
        )
        session.add(draft)
        session.flush()
        assert draft.id is not None
        return draft.id

    @staticmethod
    def _draft(session: Session, draft_id: int, *, flow: str, now: datetime) -> BookingDraft:
        draft = session.get(BookingDraft, draft_id)
        if draft is None or draft.channel != STAFF_CHANNEL or draft.flow != flow:
            raise StaleAction("unknown action")
        expired = draft.expires_at is not None and draft.expires_at <= now
        if expired and draft.step == STEP_OPEN:
            raise StaleAction("this expired; run the command again")
        return draft

    def _close_draft(self, draft_id: int, *, step: str) -> None:
        with self.db.session() as session:
            draft = session.get(BookingDraft, draft_id)
            if draft is not None:
                draft.step = step
                draft.updated_at = self.clock.now()


def plan_series_days(
    days: Sequence[date], *, count: int, min_gap: int, max_gap: int
) -> list[date] | None:
    """The earliest `count` days from `days` with consecutive gaps in [min_gap, max_gap].

    A depth-first search that remembers dead ends, so it stays linear in days x sessions even
    when the earliest start leads nowhere and a later one fits.
    """
    if count <= 0:
        return []
    available = sorted(set(days))
    index = {day: i for i, day in enumerate(available)}
    dead: set[tuple[int, date]] = set()

    def extend(position: int, day: date) -> list[date] | None:
        if position == count - 1:
            return [day]
        if (position, day) in dead:
            return None
        start = index[day] + 1
        for following in available[start:]:
            gap = (following - day).days
            if gap > max_gap:
                break
            if gap < min_gap:
                continue
            rest = extend(position + 1, following)
            if rest is not None:
                return [day, *rest]
        dead.add((position, day))
        return None

    for first in available:
        found = extend(0, first)
        if found is not None:
            return found
    return None


def _match(patient: Patient) -> PatientMatch:
    assert patient.id is not None
    return PatientMatch(
        id=patient.id,
        name=patient.name,
        phone=patient.phone_e164,
        channel=patient.preferred_channel,
        approved=patient.approved_at is not None,
    )


def _block_view(block: TimeBlock) -> BlockView:
    assert block.id is not None
    return BlockView(
        id=block.id,
        starts_at=block.starts_at,
        ends_at=block.ends_at,
        pool=block.resource_pool,
        reason=block.reason,
    )


def _data(draft: BookingDraft) -> dict[str, Any]:
    data = json.loads(draft.data or "{}")
    return data if isinstance(data, dict) else {}


def _unit_sort_key(unit: str) -> tuple[str, int]:
    pool, _, number = unit.rpartition(":")
    return (pool, int(number)) if number.isdigit() else (unit, 0)


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _slot_cells(outcome: AppointmentOutcome | None) -> list[str]:
    cells: list[str] = []
    for slot in ("D1", "D3", "D7", "D14"):
        pain = outcome.pain.get(slot) if outcome else None
        reduction = outcome.reduction.get(slot) if outcome else None
        cells += ["" if pain is None else str(pain), _number(reduction)]
    return cells


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas: a name typed as =HYPERLINK(...) stays text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
