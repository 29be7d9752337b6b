"""Staff operations, what every topic shares: the clinic day, the schedule, the drafts."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Appointment, BookingDraft, Patient, TimeBlock
from bot.domain.availability import local_day
from bot.domain.checkins import CheckinCatalog
from bot.domain.clock import Clock
from bot.domain.enums import AppointmentStatus
from bot.presentation.staff_views import BlockView, DaySchedule, ScheduleEntry
from bot.profile import ClinicProfile
from bot.services.aftercare import session_held
from bot.services.booking import BookingService
from bot.services.outcomes_report import OutcomesReport
from bot.services.staff_records import (
    DRAFT_TTL,
    HOLDING_VALUES,
    STAFF_CHANNEL,
    STEP_OPEN,
    InvalidRequest,
    StaleAction,
    block_view,
)
from bot.texts import Texts


class StaffOpsBase:
    """What every topic of the staff operations shares: the services, the clinic day, the
    schedule it reads from, and the drafts that hold a second tap's choices."""

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
        return [block_view(b) for b in rows]

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
