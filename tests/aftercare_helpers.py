"""Aftercare history written straight into a journey's database: past sessions and patient ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from bot.db.models import Appointment, Patient
from bot.domain.enums import AppointmentStatus
from tests.journey_helpers import Journey

# Monday 1 March 2027, 9:00 AM in New York.
MONDAY_9AM = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)


def patient_id_of(journey: Journey, user_id: int) -> int:
    with journey.core.db.session(write=False) as session:
        patient = session.exec(
            select(Patient).where(col(Patient.telegram_user_id) == user_id)
        ).one()
        assert patient.id is not None
        return patient.id


def past_session(
    journey: Journey, patient_id: int, *, start: datetime, service: str = "iv_infusion"
) -> int:
    """A treatment session written straight into the book (history, not a booking)."""
    duration = journey.core.profile.services[service].duration
    with journey.core.db.session() as session:
        appointment = Appointment(
            patient_id=patient_id,
            service=service,
            starts_at=start,
            ends_at=start + duration,
            held_until=start + duration + timedelta(minutes=30),
            status=AppointmentStatus.BOOKED,
            resources="infusion_chair:1",
            created_at=start - timedelta(days=3),
            created_by="staff:1",
        )
        session.add(appointment)
        session.flush()
        assert appointment.id is not None
        return appointment.id
