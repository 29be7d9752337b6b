"""Book, reschedule and cancel; the database's unique claims make double booking impossible."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Appointment, Patient, SlotClaim, TimeBlock
from bot.domain.appointment_states import Change, Verdict, in_time, transition
from bot.domain.availability import (
    Block,
    Busy,
    ClinicCalendar,
    ServiceSpec,
    Slot,
    claim_steps,
    free_slots,
    local_day,
    occupied_span,
    pool_of,
)
from bot.domain.clock import Clock
from bot.domain.enums import AppointmentStatus
from bot.domain.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    ClinicError,
    InvalidSlot,
    NotApproved,
    PatientBusy,
    SlotTaken,
    StaleButton,
    TooLateToCancel,
)
from bot.domain.refs import appointment_ref
from bot.profile import ClinicProfile, ServiceKind
from bot.services.audit import audit
from bot.services.calendar import clinic_calendar, service_spec

log = logging.getLogger(__name__)

# Appointments in these states hold their time (a completed one did happen there).
HOLDING = (AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW)
_MAX_ATTEMPTS = 4


class UnknownPatient(ClinicError):
    pass


class AppointmentObserver(Protocol):
    """Told of every change inside its transaction (plans/cancels outbox rows, staff notices)."""

    def booked(self, session: Session, appointment: Appointment, *, now: datetime) -> None: ...

    def cancelled(self, session: Session, appointment: Appointment, *, now: datetime) -> None: ...

    def rescheduled(
        self, session: Session, old: Appointment, new: Appointment, *, now: datetime
    ) -> None: ...


@dataclass(frozen=True)
class CancelResult:
    appointment: Appointment
    late: bool


class _Retry(Exception):
    """A concurrent writer took a unit we chose; compute again with fresh data."""


class BookingService:
    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        clock: Clock,
        observers: Sequence[AppointmentObserver] = (),
    ) -> None:
        self.db = db
        self.profile = profile
        self.clock = clock
        self.observers = list(observers)
        self.calendar: ClinicCalendar = clinic_calendar(profile)

    # --- availability -------------------------------------------------------------------

    def free_slots(
        self,
        *,
        service: str,
        first_day: date,
        last_day: date,
        now: datetime | None = None,
        exclude_appointment_id: int | None = None,
        for_patient: int | None = None,
    ) -> list[Slot]:
        """Free starts for a service over clinic-local days (inclusive).

        `for_patient` also leaves out times that overlap that patient's own bookings, so they
        are never offered a time they would then be refused.
        """
        spec = service_spec(self.profile, service)
        with self.db.session(write=False) as session:
            slots = self._free_slots(
                session,
                spec,
                first_day,
                last_day,
                now or self.clock.now(),
                exclude_appointment_id=exclude_appointment_id,
            )
            if for_patient is None or not slots:
                return slots
            own = session.exec(
                select(Appointment.starts_at, Appointment.ends_at)
                .where(col(Appointment.patient_id) == for_patient)
                .where(col(Appointment.status) == AppointmentStatus.BOOKED)
                .where(col(Appointment.starts_at) < slots[-1].end)
                .where(col(Appointment.ends_at) > slots[0].start)
                .where(col(Appointment.id) != (exclude_appointment_id or -1))
            ).all()
        return [s for s in slots if not any(a < s.end and s.start < b for a, b in own)]

    def next_free(
        self,
        *,
        service: str,
        count: int = 3,
        after: datetime | None = None,
        for_patient: int | None = None,
    ) -> list[Slot]:
        """The first `count` free starts from now (or `after`) within the horizon."""
        now = self.clock.now()
        start_day = local_day(max(now, after or now), self.calendar.tz)
        last_day = local_day(now + self.calendar.horizon, self.calendar.tz)
        found: list[Slot] = []
        day = start_day
        while day <= last_day and len(found) < count:
            chunk_end = min(day + timedelta(days=6), last_day)
            for slot in self.free_slots(
                service=service,
                first_day=day,
                last_day=chunk_end,
                now=now,
                for_patient=for_patient,
            ):
                if after is None or slot.start > after:
                    found.append(slot)
            day = chunk_end + timedelta(days=1)
        return found[:count]

    def bookable_days(
        self, *, service: str, first_day: date, last_day: date, for_patient: int | None = None
    ) -> list[date]:
        tz = self.calendar.tz
        days = {
            local_day(s.start, tz)
            for s in self.free_slots(
                service=service, first_day=first_day, last_day=last_day, for_patient=for_patient
            )
        }
        return sorted(days)

    def _free_slots(
        self,
        session: Session,
        spec: ServiceSpec,
        first_day: date,
        last_day: date,
        now: datetime,
        *,
        exclude_appointment_id: int | None = None,
        ignore_busy: bool = False,
    ) -> list[Slot]:
        tz = self.calendar.tz
        window_start = datetime.combine(first_day - timedelta(days=1), datetime.min.time(), tz)
        window_end = datetime.combine(last_day + timedelta(days=2), datetime.min.time(), tz)
        busy: list[Busy] = []
        if not ignore_busy:
            pools = set(spec.pools)
            rows = session.exec(
                select(
                    Appointment.id,
                    Appointment.resources,
                    Appointment.starts_at,
                    Appointment.held_until,
                )
                .where(col(Appointment.status).in_([s.value for s in HOLDING]))
                .where(col(Appointment.starts_at) < window_end)
                .where(col(Appointment.held_until) > window_start)
            ).all()
            for appointment_id, resources, starts_at, held_until in rows:
                if appointment_id == exclude_appointment_id:
                    continue
                for unit in resources.split(","):
                    if unit and pool_of(unit) in pools:
                        busy.append(Busy(unit=unit, start=starts_at, end=held_until))
        blocks = [
            Block(start=b.starts_at, end=b.ends_at, pool=b.resource_pool)
            for b in session.exec(
                select(TimeBlock)
                .where(col(TimeBlock.removed_at).is_(None))
                .where(col(TimeBlock.starts_at) < window_end)
                .where(col(TimeBlock.ends_at) > window_start)
            )
        ]
        return free_slots(
            calendar=self.calendar,
            service=spec,
            first_day=first_day,
            last_day=last_day,
            now=now,
            busy=busy,
            blocks=blocks,
        )

    def free_in(
        self, session: Session, *, service: str, first_day: date, last_day: date, now: datetime
    ) -> list[Slot]:
        """Free starts inside the caller's transaction (observers deciding who to offer)."""
        return self._free_slots(
            session, service_spec(self.profile, service), first_day, last_day, now
        )

    def time_freed(
        self, session: Session, *, start: datetime, end: datetime, now: datetime
    ) -> None:
        """Time opened other than by a cancellation (a staff block removed): observers that
        care (the waitlist) are told inside the same transaction."""
        for observer in self.observers:
            hook = getattr(observer, "time_freed", None)
            if hook is not None:
                hook(session, start=start, end=end, now=now)

    # --- changes ------------------------------------------------------------------------

    def book(
        self,
        *,
        patient_id: int,
        service: str,
        start: datetime,
        actor: str = "patient",
        request_key: str | None = None,
        series_id: str | None = None,
    ) -> Appointment:
        """Book `start`; the same `request_key` twice is one booking. Raises SlotTaken on a race."""
        return self._with_retries(
            lambda session, now: self._book_in(
                session,
                now,
                patient_id=patient_id,
                service=service,
                start=start,
                actor=actor,
                request_key=request_key,
                series_id=series_id,
            ),
            request_key=request_key,
        )

    def reschedule(
        self,
        *,
        appointment_id: int,
        new_start: datetime,
        actor: str = "patient",
        request_key: str | None = None,
        expected_version: int | None = None,
    ) -> Appointment:
        """Move an appointment; the old time is freed in the same transaction.

        With `expected_version` (the console's form), a visit changed since the form was drawn
        is not moved (StaleButton), checked in the transaction that moves it.
        """

        def attempt(session: Session, now: datetime) -> Appointment:
            old = self._active(session, appointment_id)
            self._check_version(old, expected_version)
            self._check_change_allowed(old, now=now, actor=actor)
            old.status = AppointmentStatus.CANCELLED
            old.cancelled_at = now
            old.cancel_reason = "rescheduled"
            session.execute(delete(SlotClaim).where(col(SlotClaim.appointment_id) == old.id))
            session.flush()
            new = self._book_in(
                session,
                now,
                patient_id=old.patient_id,
                service=old.service,
                start=new_start,
                actor=actor,
                request_key=request_key,
                series_id=old.series_id,
                rescheduled_from=old,
            )
            return new

        return self._with_retries(attempt, request_key=request_key)

    def cancel(
        self,
        *,
        appointment_id: int,
        actor: str = "patient",
        reason: str = "",
        expected_version: int | None = None,
    ) -> CancelResult:
        """Cancel and free the time; inside the cut-off the profile's policy applies to patients.

        With `expected_version` (the console's form), a visit changed since the form was drawn
        is not cancelled (StaleButton), checked in the transaction that cancels it.
        """
        now = self.clock.now()
        with self.db.session() as session:
            appointment = self._active(session, appointment_id)
            self._check_version(appointment, expected_version)
            late = self._check_change_allowed(appointment, now=now, actor=actor)
            appointment.status = AppointmentStatus.CANCELLED
            appointment.cancelled_at = now
            appointment.cancel_reason = (reason or "cancelled")[:255]
            appointment.late_cancel = late
            session.execute(
                delete(SlotClaim).where(col(SlotClaim.appointment_id) == appointment.id)
            )
            audit(
                session,
                at=now,
                actor=actor,
                action="appointment.cancel",
                subject=f"appointment:{appointment.id}",
                detail={"late": late, "reason": appointment.cancel_reason},
            )
            for observer in self.observers:
                observer.cancelled(session, appointment, now=now)
            session.flush()
            return CancelResult(appointment=appointment, late=late)

    def is_late(self, appointment: Appointment, *, now: datetime | None = None) -> bool:
        cutoff = timedelta(hours=self.profile.booking.cancellation_cutoff_hours)
        return appointment.starts_at - (now or self.clock.now()) < cutoff

    # --- internals ----------------------------------------------------------------------

    def _with_retries(self, attempt: object, *, request_key: str | None) -> Appointment:
        assert callable(attempt)
        last_start: datetime | None = None
        for _ in range(_MAX_ATTEMPTS):
            now = self.clock.now()
            try:
                with self.db.session() as session:
                    result = attempt(session, now)
                    assert isinstance(result, Appointment)
                    return result
            except _Retry as retry:
                last_start = retry.args[0] if retry.args else None
                continue
            except IntegrityError:
                # Lost a race on a claim or on the idempotency key: look again with fresh data.
                continue
        if request_key is not None:
            existing = self._by_request_key(request_key)
            if existing is not None:
                return existing
        raise SlotTaken(last_start or now)

    def _by_request_key(self, request_key: str) -> Appointment | None:
        with self.db.session(write=False) as session:
            return session.exec(
                select(Appointment).where(col(Appointment.request_key) == request_key)
            ).one_or_none()

    def _active(self, session: Session, appointment_id: int) -> Appointment:
        appointment = session.get(Appointment, appointment_id)
        if appointment is None:
            raise AppointmentNotFound(f"no appointment {appointment_id}")
        if transition(Change.CANCEL, appointment.status).verdict is not Verdict.APPLY:
            raise AppointmentNotActive(f"appointment {appointment_id} is {appointment.status}")
        return appointment

    @staticmethod
    def _check_version(appointment: Appointment, expected: int | None) -> None:
        """Refuse to act on a visit that changed since the caller saw it (None: no check)."""
        if expected is not None and appointment.version != expected:
            raise StaleButton(
                f"appointment {appointment_ref(appointment.id)} changed since it was shown (version "
                f"{expected}, now {appointment.version})"
            )

    def _check_change_allowed(self, appointment: Appointment, *, now: datetime, actor: str) -> bool:
        """Return whether the change is late; refuse it when the policy says so."""
        if not in_time(Change.CANCEL, starts_at=appointment.starts_at, now=now):
            raise TooLateToCancel("the appointment has already started")
        late = self.is_late(appointment, now=now)
        if (
            late
            and actor.startswith(("patient", "sms"))
            and self.profile.booking.late_cancellation_policy == "refuse"
        ):
            raise TooLateToCancel(
                f"changes less than {self.profile.booking.cancellation_cutoff_hours:g} h "
                "before need a call to the clinic"
            )
        return late

    def _book_in(
        self,
        session: Session,
        now: datetime,
        *,
        patient_id: int,
        service: str,
        start: datetime,
        actor: str,
        request_key: str | None,
        series_id: str | None,
        rescheduled_from: Appointment | None = None,
    ) -> Appointment:
        if start.tzinfo is None:
            raise InvalidSlot("the time must include its zone")
        if request_key is not None:
            existing = session.exec(
                select(Appointment).where(col(Appointment.request_key) == request_key)
            ).one_or_none()
            if existing is not None:
                return existing
        spec = service_spec(self.profile, service)
        patient = session.get(Patient, patient_id)
        if patient is None or patient.erased_at is not None:
            raise UnknownPatient(f"no patient {patient_id}")
        definition = self.profile.service(service)
        if definition.requires_approval and patient.approved_at is None:
            raise NotApproved("only approved patients can book treatment sessions")
        tz = self.calendar.tz
        day = local_day(start, tz)
        slots = self._free_slots(
            session,
            spec,
            day,
            day,
            now,
            exclude_appointment_id=rescheduled_from.id if rescheduled_from else None,
        )
        slot = next((s for s in slots if s.start == start), None)
        if slot is None:
            self._explain_unavailable(session, spec, start, now)
            raise _Retry(start)  # unreachable: _explain_unavailable always raises
        self._check_patient_free(
            session,
            patient_id=patient_id,
            start=start,
            end=slot.end,
            moving=rescheduled_from.id if rescheduled_from else None,
        )
        _, held_until = occupied_span(start, spec, self.calendar.step)
        appointment = Appointment(
            patient_id=patient_id,
            service=service,
            starts_at=start,
            ends_at=slot.end,
            held_until=held_until,
            status=AppointmentStatus.BOOKED,
            resources=",".join(slot.units),
            created_at=now,
            created_by=actor,
            request_key=request_key,
            series_id=series_id,
            rescheduled_from_id=rescheduled_from.id if rescheduled_from else None,
        )
        session.add(appointment)
        session.flush()
        assert appointment.id is not None
        steps = claim_steps(start, spec, self.calendar.step)
        session.add_all(
            SlotClaim(appointment_id=appointment.id, resource_unit=unit, step_start=step)
            for unit in slot.units
            for step in steps
        )
        session.flush()  # a concurrent overlapping booking fails here, on the unique index
        if rescheduled_from is not None:
            audit(
                session,
                at=now,
                actor=actor,
                action="appointment.reschedule",
                subject=f"appointment:{appointment.id}",
                detail={"from": rescheduled_from.id, "start": start.isoformat()},
            )
            for observer in self.observers:
                observer.rescheduled(session, rescheduled_from, appointment, now=now)
        else:
            audit(
                session,
                at=now,
                actor=actor,
                action="appointment.book",
                subject=f"appointment:{appointment.id}",
                detail={"service": service, "start": start.isoformat()},
            )
            for observer in self.observers:
                observer.booked(session, appointment, now=now)
        return appointment

    @staticmethod
    def _check_patient_free(
        session: Session, *, patient_id: int, start: datetime, end: datetime, moving: int | None
    ) -> None:
        """One person cannot be in two places: refuse a time overlapping their other bookings."""
        clash = session.exec(
            select(Appointment.id)
            .where(col(Appointment.patient_id) == patient_id)
            .where(col(Appointment.status) == AppointmentStatus.BOOKED)
            .where(col(Appointment.starts_at) < end)
            .where(col(Appointment.ends_at) > start)
            .where(col(Appointment.id) != (moving or -1))
        ).first()
        if clash is not None:
            raise PatientBusy("you already have an appointment at that time")

    def _explain_unavailable(
        self, session: Session, spec: ServiceSpec, start: datetime, now: datetime
    ) -> None:
        """Raise SlotTaken when only other bookings stand in the way, else InvalidSlot saying why."""
        tz = self.calendar.tz
        day = local_day(start, tz)
        possible = self._free_slots(session, spec, day, day, now, ignore_busy=True)
        if any(s.start == start for s in possible):
            raise SlotTaken(start)
        if start < now:
            raise InvalidSlot("that time is in the past")
        if start < now + self.calendar.minimum_notice:
            raise InvalidSlot("that time is too soon to book")
        if start > now + self.calendar.horizon:
            raise InvalidSlot("that time is too far ahead to book")
        if day in self.calendar.closed_days:
            raise InvalidSlot("the clinic is closed that day")
        raise InvalidSlot("that time is not a bookable slot")

    def services_for(self, patient: Patient | None) -> list[str]:
        """Service codes this patient may book: new patients only the consultation."""
        approved = patient is not None and patient.approved_at is not None
        return [
            code
            for code, s in self.profile.services.items()
            if s.kind is ServiceKind.CONSULTATION or approved
        ]
