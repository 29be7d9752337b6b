"""A patient confirms they are coming, and whether their driver is arranged (reminder buttons, SMS C)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Appointment, Patient, StaffTask
from bot.domain.clock import Clock
from bot.domain.enums import AppointmentStatus
from bot.domain.errors import AppointmentNotActive, AppointmentNotFound
from bot.services.audit import audit
from bot.services.planner import staff_notice


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    ALREADY = "already"
    DRIVER_NOTED = "driver_noted"
    DRIVER_MISSING = "driver_missing"


@dataclass(frozen=True)
class ConfirmationResult:
    outcome: Outcome
    appointment: Appointment


class ConfirmationService:
    def __init__(self, *, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def confirm(self, *, appointment_id: int, patient_id: int, actor: str) -> ConfirmationResult:
        """Record that the patient will come; staff see it. Confirming twice changes nothing."""
        now = self.clock.now()
        with self.db.session() as session:
            appointment = self._own_active(session, appointment_id, patient_id, now=now)
            if not record_confirmation(session, appointment, actor=actor, now=now):
                return ConfirmationResult(Outcome.ALREADY, appointment)
            return ConfirmationResult(Outcome.CONFIRMED, appointment)

    def driver(
        self, *, appointment_id: int, patient_id: int, arranged: bool, actor: str
    ) -> ConfirmationResult:
        """Driver arranged: noted. Not arranged: a front-desk task and a staff notice."""
        now = self.clock.now()
        with self.db.session() as session:
            appointment = self._own_active(session, appointment_id, patient_id, now=now)
            if arranged:
                record_driver(session, appointment, actor=actor, now=now)
                return ConfirmationResult(Outcome.DRIVER_NOTED, appointment)
            key = f"driver_missing:{appointment_id}"
            task = session.exec(
                select(StaffTask).where(col(StaffTask.dedupe_key) == key)
            ).one_or_none()
            if task is None:
                task = StaffTask(
                    kind="driver_missing",
                    patient_id=patient_id,
                    appointment_id=appointment_id,
                    detail="driver not arranged",
                    created_at=now,
                    dedupe_key=key,
                )
                session.add(task)
                session.flush()
                staff_notice(
                    session,
                    appointment=appointment,
                    event="driver_missing",
                    now=now,
                    extra={"task_id": task.id},
                    key=f"staff:{key}",
                )
                audit(
                    session,
                    at=now,
                    actor=actor,
                    action="appointment.driver_missing",
                    subject=f"appointment:{appointment_id}",
                )
            return ConfirmationResult(Outcome.DRIVER_MISSING, appointment)

    def answer_reminder(
        self, *, appointment_id: int, telegram_user_id: int, action: str
    ) -> ConfirmationResult:
        """A reminder button: "ok" confirms, "dy" driver arranged, "dn" no driver yet."""
        patient_id = self.patient_for_telegram(telegram_user_id)
        if patient_id is None:
            raise AppointmentNotFound("no patient for this Telegram user")
        actor = f"patient:{patient_id}"
        if action == "ok":
            return self.confirm(appointment_id=appointment_id, patient_id=patient_id, actor=actor)
        return self.driver(
            appointment_id=appointment_id,
            patient_id=patient_id,
            arranged=action == "dy",
            actor=actor,
        )

    def patient_for_telegram(self, telegram_user_id: int) -> int | None:
        with self.db.session(write=False) as session:
            patient = session.exec(
                select(Patient).where(col(Patient.telegram_user_id) == telegram_user_id)
            ).one_or_none()
            return patient.id if patient is not None else None

    @staticmethod
    def _own_active(
        session: Session, appointment_id: int, patient_id: int, *, now: datetime
    ) -> Appointment:
        appointment = session.get(Appointment, appointment_id)
        # Someone else's appointment id is reported exactly like a missing one.
        if appointment is None or appointment.patient_id != patient_id:
            raise AppointmentNotFound(f"no appointment {appointment_id} for this patient")
        if appointment.status != AppointmentStatus.BOOKED:
            raise AppointmentNotActive(f"appointment {appointment_id} is {appointment.status}")
        if appointment.starts_at <= now:
            # An old reminder's button pressed after the visit: nothing left to confirm.
            raise AppointmentNotActive(f"appointment {appointment_id} has already started")
        return appointment


def record_driver(session: Session, appointment: Appointment, *, actor: str, now: datetime) -> bool:
    """Note that the patient's ride home is arranged (button or SMS D); False if it was."""
    if appointment.driver_confirmed_at is not None:
        return False
    appointment.driver_confirmed_at = now
    audit(
        session,
        at=now,
        actor=actor,
        action="appointment.driver_confirmed",
        subject=f"appointment:{appointment.id}",
    )
    return True


def record_confirmation(
    session: Session, appointment: Appointment, *, actor: str, now: datetime
) -> bool:
    """Mark the appointment confirmed, audit it and tell staff once; False if it already was."""
    if appointment.confirmed_at is not None:
        return False
    appointment.confirmed_at = now
    audit(
        session,
        at=now,
        actor=actor,
        action="appointment.confirm",
        subject=f"appointment:{appointment.id}",
    )
    # One key for every channel (button, SMS C): staff hear of a confirmation once.
    staff_notice(
        session,
        appointment=appointment,
        event="confirmed",
        now=now,
        key=f"staff:confirmed:{appointment.id}",
    )
    return True
