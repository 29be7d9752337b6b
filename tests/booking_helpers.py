"""Small builders shared by booking tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.db.engine import Database
from bot.db.models import Patient
from bot.domain.clock import FixedClock
from bot.profile import ClinicProfile
from bot.services.booking import BookingService


def with_capacity(profile: ClinicProfile, **capacities: int) -> ClinicProfile:
    return profile.model_copy(update={"resources": {**profile.resources, **capacities}})


def add_patient(db: Database, *, now: datetime, approved: bool = False, name: str = "Pat") -> int:
    with db.session() as session:
        patient = Patient(created_at=now, name=name, approved_at=now if approved else None)
        session.add(patient)
        session.flush()
        assert patient.id is not None
        return patient.id


def first_free(service: BookingService, code: str, *, clock: FixedClock) -> datetime:
    today = clock.now().date()
    slots = service.free_slots(service=code, first_day=today, last_day=today + timedelta(days=14))
    assert slots, "the test profile should have free time in the next two weeks"
    return slots[0].start


def days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=n) for n in range(count)]
