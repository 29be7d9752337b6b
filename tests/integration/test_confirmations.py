"""Reminder answers: confirming, driver arranged or not, and someone else's appointment."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.db.models import StaffTask
from bot.domain.enums import OutboxKind
from bot.domain.errors import AppointmentNotFound
from bot.services.confirmations import ConfirmationService, Outcome
from tests.booking_helpers import first_free
from tests.outbox_helpers import booking_with_planner, rows, telegram_patient


def booked(db, profile, clock):
    booking = booking_with_planner(db, profile, clock)
    patient_id = telegram_patient(db, now=clock.now(), approved=True)
    start = first_free(booking, "iv_infusion", clock=clock)
    return patient_id, booking.book(patient_id=patient_id, service="iv_infusion", start=start)


def test_confirming_twice_records_once_and_tells_staff_once(sqlite_db, profile, clock):
    patient_id, appointment = booked(sqlite_db, profile, clock)
    service = ConfirmationService(db=sqlite_db, clock=clock)
    first = service.confirm(appointment_id=appointment.id, patient_id=patient_id, actor="patient")
    second = service.confirm(appointment_id=appointment.id, patient_id=patient_id, actor="patient")
    assert (first.outcome, second.outcome) == (Outcome.CONFIRMED, Outcome.ALREADY)
    notices = [
        r for r in rows(sqlite_db) if r.kind == OutboxKind.STAFF_NOTICE and "confirmed" in r.payload
    ]
    assert len(notices) == 1


def test_no_driver_creates_one_front_desk_task(sqlite_db, profile, clock):
    patient_id, appointment = booked(sqlite_db, profile, clock)
    service = ConfirmationService(db=sqlite_db, clock=clock)
    for _ in range(3):
        result = service.driver(
            appointment_id=appointment.id, patient_id=patient_id, arranged=False, actor="patient"
        )
    assert result.outcome is Outcome.DRIVER_MISSING
    with sqlite_db.session(write=False) as session:
        tasks = session.exec(select(StaffTask)).all()
    assert [t.kind for t in tasks] == ["driver_missing"]


def test_someone_elses_appointment_looks_like_a_missing_one(sqlite_db, profile, clock):
    _, appointment = booked(sqlite_db, profile, clock)
    stranger = telegram_patient(sqlite_db, now=clock.now(), chat_id=999, phone=None)
    service = ConfirmationService(db=sqlite_db, clock=clock)
    with pytest.raises(AppointmentNotFound):
        service.confirm(appointment_id=appointment.id, patient_id=stranger, actor="patient")


def test_an_old_reminder_button_pressed_after_the_visit_confirms_nothing(sqlite_db, profile, clock):
    from datetime import timedelta

    from bot.domain.errors import AppointmentNotActive

    patient_id, appointment = booked(sqlite_db, profile, clock)
    clock.set(appointment.starts_at + timedelta(days=3))
    service = ConfirmationService(db=sqlite_db, clock=clock)
    with pytest.raises(AppointmentNotActive):
        service.confirm(appointment_id=appointment.id, patient_id=patient_id, actor="patient")
    with pytest.raises(AppointmentNotActive):
        service.driver(
            appointment_id=appointment.id, patient_id=patient_id, arranged=True, actor="patient"
        )
