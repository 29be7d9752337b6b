"""Free time for booking: the starts a service has free on given days (the clinic calendar minus
appointments, blocks and the patient's own visits), the next free ones after a clash, the days
with any, and whether one start is still free. `BookingService` (bot/services/booking.py) books."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Appointment, Patient, TimeBlock
from bot.domain.availability import (
    Block,
    Busy,
    ClinicCalendar,
    ServiceSpec,
    Slot,
    free_slots,
    local_day,
    pool_of,
)
from bot.domain.clock import Clock
from bot.domain.enums import AppointmentStatus
from bot.profile import ClinicProfile, ServiceKind
from bot.services.calendar import service_spec


class BookingAvailability:
    """Read-only availability over the clinic calendar and the booked rows.

    The attributes are set by `BookingService.__init__`.
    """

    db: Database
    profile: ClinicProfile
    clock: Clock
    calendar: ClinicCalendar

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

    def services_for(self, patient: Patient | None) -> list[str]:
        """Service codes this patient may book: new patients only the consultation."""
        approved = patient is not None and patient.approved_at is not None
        return [
            code
            for code, s in self.profile.services.items()
            if s.kind is ServiceKind.CONSULTATION or approved
        ]


# Appointments in these states hold their time (a completed one did happen there).
HOLDING = (AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW)
