"""The booking service: rules, idempotency, audit, and no double booking even under races."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import col, select

from bot.db.engine import Database
from bot.db.models import Appointment, AuditLog, SlotClaim
from bot.domain.clock import FixedClock
from bot.domain.enums import AppointmentStatus
from bot.domain.errors import (
    AppointmentNotActive,
    InvalidSlot,
    NotApproved,
    PatientBusy,
    SlotTaken,
    TooLateToCancel,
    UnknownService,
)
from bot.profile import ClinicProfile
from bot.services.booking import BookingService
from tests.booking_helpers import add_patient, first_free, with_capacity


def make_service(db: Database, profile: ClinicProfile, clock: FixedClock) -> BookingService:
    return BookingService(db=db, profile=profile, clock=clock)


def active_count(db: Database) -> int:
    with db.session(write=False) as session:
        return session.exec(
            select(func.count()).select_from(Appointment).where(col(Appointment.status) == "booked")
        ).one()


def test_booking_a_free_slot_creates_one_appointment_and_an_audit_entry(any_db, profile, clock):
    service = make_service(any_db, profile, clock)
    patient = add_patient(any_db, now=clock.now())
    start = first_free(service, "consultation", clock=clock)
    appointment = service.book(patient_id=patient, service="consultation", start=start)
    assert appointment.starts_at == start
    assert appointment.ends_at - start == timedelta(minutes=45)
    assert appointment.status == AppointmentStatus.BOOKED
    with any_db.session(write=False) as session:
        actions = session.exec(select(AuditLog.action)).all()
        claims = session.exec(select(func.count()).select_from(SlotClaim)).one()
    assert actions == ["appointment.book"]
    assert claims == 2 * 4  # clinician + room, 45 min + 15 min buffer on a 15-min grid


def test_the_same_request_twice_is_one_booking(sqlite_db, profile, clock):
    service = make_service(sqlite_db, profile, clock)
    patient = add_patient(sqlite_db, now=clock.now())
    start = first_free(service, "consultation", clock=clock)
    first = service.book(patient_id=patient, service="consultation", start=start, request_key="d1")
    second = service.book(patient_id=patient, service="consultation", start=start, request_key="d1")
    assert first.id == second.id
    assert active_count(sqlite_db) == 1


def test_a_taken_slot_raises_slot_taken(sqlite_db, profile, clock):
    single = with_capacity(profile, clinician=1, consult_room=1)
    service = make_service(sqlite_db, single, clock)
    start = first_free(service, "consultation", clock=clock)
    service.book(
        patient_id=add_patient(sqlite_db, now=clock.now()), service="consultation", start=start
    )
    with pytest.raises(SlotTaken):
        service.book(
            patient_id=add_patient(sqlite_db, now=clock.now()), service="consultation", start=start
        )


def test_a_new_patient_cannot_book_a_treatment(sqlite_db, profile, clock):
    service = make_service(sqlite_db, profile, clock)
    patient = add_patient(sqlite_db, now=clock.now())
    start = first_free(service, "iv_infusion", clock=clock)
    with pytest.raises(NotApproved):
        service.book(patient_id=patient, service="iv_infusion", start=start)


def test_an_approved_patient_can_book_a_treatment(sqlite_db, profile, clock):
    service = make_service(sqlite_db, profile, clock)
    patient = add_patient(sqlite_db, now=clock.now(), approved=True)
    start = first_free(service, "iv_infusion", clock=clock)
    appointment = service.book(patient_id=patient, service="iv_infusion", start=start)
    assert appointment.resources == "infusion_chair:1"


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        (datetime(2027, 2, 28, 15, tzinfo=UTC), "past"),
        (datetime(2027, 3, 1, 15, tzinfo=UTC), "too soon"),
        (datetime(2027, 6, 1, 15, tzinfo=UTC), "too far"),
        (datetime(2027, 3, 7, 15, tzinfo=UTC), "not a bookable"),  # a Sunday
        (datetime(2027, 3, 2, 15, 7, tzinfo=UTC), "not a bookable"),  # off the grid
        (datetime(2027, 3, 2, 3, tzinfo=UTC), "not a bookable"),  # night
    ],
)
def test_a_bad_time_gets_a_named_reason_and_writes_nothing(
    sqlite_db, profile, clock, start, reason
):
    service = make_service(sqlite_db, profile, clock)
    patient = add_patient(sqlite_db, now=clock.now())
    with pytest.raises(InvalidSlot, match=reason):
        service.book(patient_id=patient, service="consultation", start=start)
    assert active_count(sqlite_db) == 0


def test_an_unknown_service_is_named(sqlite_db, profile, clock):
    service = make_service(sqlite_db, profile, clock)
    with pytest.raises(UnknownService, match="massage"):
        service.book(patient_id=1, service="massage", start=clock.now() + timedelta(days=2))


def test_rescheduling_frees_the_old_time_in_the_same_transaction(sqlite_db, profile, clock):
    single = with_capacity(profile, clinician=1, consult_room=1)
    service = make_service(sqlite_db, single, clock)
    patient = add_patient(sqlite_db, now=clock.now())
    start = first_free(service, "consultation", clock=clock)
    old = service.book(patient_id=patient, service="consultation", start=start)
    later = start + timedelta(days=1)
    new = service.reschedule(appointment_id=old.id, new_start=later)
    assert new.rescheduled_from_id == old.id
    other = add_patient(sqlite_db, now=clock.now())
    assert service.book(patient_id=other, service="consultation", start=start).starts_at == start


def test_rescheduling_by_fifteen_minutes_can_overlap_its_own_old_time(sqlite_db, profile, clock):
    single = with_capacity(profile, clinician=1, consult_room=1)
    service = make_service(sqlite_db, single, clock)
    start = first_free(service, "consultation", clock=clock)
    old = service.book(
        patient_id=add_patient(sqlite_db, now=clock.now()), service="consultation", start=start
    )
    new = service.reschedule(appointment_id=old.id, new_start=start + timedelta(minutes=15))
    assert new.starts_at == start + timedelta(minutes=15)


def test_cancelling_frees_the_slot_and_cannot_happen_twice(sqlite_db, profile, clock):
    single = with_capacity(profile, clinician=1, consult_room=1)
    service = make_service(sqlite_db, single, clock)
    start = first_free(service, "consultation", clock=clock)
    appointment = service.book(
        patient_id=add_patient(sqlite_db, now=clock.now()), service="consultation", start=start
    )
    result = service.cancel(appointment_id=appointment.id)
    assert result.appointment.status == AppointmentStatus.CANCELLED
    with pytest.raises(AppointmentNotActive):
        service.cancel(appointment_id=appointment.id)
    assert any(
        s.start == start
        for s in service.free_slots(
            service="consultation",
            first_day=start.date(),
            last_day=start.date() + timedelta(days=1),
        )
    )


def test_cancelling_inside_the_cutoff_is_flagged_late(sqlite_db, profile, clock):
    service = make_service(sqlite_db, profile, clock)
    start = first_free(service, "consultation", clock=clock)
    appointment = service.book(
        patient_id=add_patient(sqlite_db, now=clock.now()), service="consultation", start=start
    )
    clock.set(start - timedelta(hours=2))
    assert service.cancel(appointment_id=appointment.id).late is True


def test_cancelling_inside_the_cutoff_is_refused_when_the_policy_says_so(sqlite_db, profile, clock):
    strict = profile.model_copy(
        update={
            "booking": profile.booking.model_copy(update={"late_cancellation_policy": "refuse"})
        }
    )
    service = make_service(sqlite_db, strict, clock)
    start = first_free(service, "consultation", clock=clock)
    appointment = service.book(
        patient_id=add_patient(sqlite_db, now=clock.now()), service="consultation", start=start
    )
    clock.set(start - timedelta(hours=2))
    with pytest.raises(TooLateToCancel):
        service.cancel(appointment_id=appointment.id)
    assert service.cancel(appointment_id=appointment.id, actor="staff:1").late is True


def race(
    db: Database, service: BookingService, start: datetime, *, attempts: int = 20
) -> list[object]:
    patients = [add_patient(db, now=service.clock.now(), name=f"P{n}") for n in range(attempts)]
    barrier = threading.Barrier(attempts)
    results: list[object] = []
    lock = threading.Lock()

    def attempt(patient_id: int) -> None:
        barrier.wait()
        try:
            outcome: object = service.book(
                patient_id=patient_id, service="consultation", start=start
            )
        except Exception as exc:  # collected and asserted below
            outcome = exc
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(p,)) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_concurrent_attempts_at_one_slot_make_exactly_one_booking(any_db, profile, clock):
    single = with_capacity(profile, clinician=1, consult_room=1)
    service = make_service(any_db, single, clock)
    start = first_free(service, "consultation", clock=clock)
    results = race(any_db, service, start)
    booked = [r for r in results if isinstance(r, Appointment)]
    taken = [r for r in results if isinstance(r, SlotTaken)]
    assert len(booked) == 1
    assert len(taken) == 19
    assert active_count(any_db) == 1


def test_with_two_rooms_twenty_attempts_make_exactly_two_bookings(any_db, profile, clock):
    service = make_service(any_db, profile, clock)  # 2 clinicians, 2 rooms
    start = first_free(service, "consultation", clock=clock)
    results = race(any_db, service, start)
    booked = [r for r in results if isinstance(r, Appointment)]
    assert len(booked) == 2
    assert sorted(b.resources for b in booked) == [
        "clinician:1,consult_room:1",
        "clinician:2,consult_room:2",
    ]


operations = st.lists(
    st.tuples(
        st.sampled_from(["book", "reschedule", "cancel"]),
        st.integers(min_value=0, max_value=200),  # which free slot
        st.sampled_from(["consultation", "iv_infusion", "nasal_spray"]),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_random_changes_never_leave_two_appointments_overlapping_on_a_unit(
    tmp_path_factory, profile, ops
):
    from tests.conftest import sqlite_database

    db = sqlite_database(tmp_path_factory.mktemp("prop") / "p.db")
    clock = FixedClock(datetime(2027, 3, 1, 13, tzinfo=UTC))
    service = make_service(db, profile, clock)
    patient = add_patient(db, now=clock.now(), approved=True)
    first_day = clock.now().date()
    mine: list[int] = []
    for op, pick, code in ops:
        slots = service.free_slots(
            service=code, first_day=first_day, last_day=first_day + timedelta(days=3)
        )
        try:
            if op == "book" and slots:
                mine.append(
                    service.book(
                        patient_id=patient, service=code, start=slots[pick % len(slots)].start
                    ).id
                )
            elif op == "reschedule" and mine:
                appointment_id = mine.pop(pick % len(mine))
                with db.session(write=False) as session:
                    current = session.get(Appointment, appointment_id)
                same = service.free_slots(
                    service=current.service,
                    first_day=first_day,
                    last_day=first_day + timedelta(days=3),
                )
                if same:
                    mine.append(
                        service.reschedule(
                            appointment_id=appointment_id, new_start=same[pick % len(same)].start
                        ).id
                    )
                else:
                    mine.append(appointment_id)
            elif op == "cancel" and mine:
                service.cancel(appointment_id=mine.pop(pick % len(mine)), actor="staff:1")
        except (SlotTaken, PatientBusy):
            pass  # refusals are fine: the property is about what was accepted
    with db.session(write=False) as session:
        active = session.exec(select(Appointment).where(col(Appointment.status) == "booked")).all()
    held = [(unit, a.starts_at, a.held_until) for a in active for unit in a.resources.split(",")]
    for i, (unit, start, end) in enumerate(held):
        for other_unit, other_start, other_end in held[i + 1 :]:
            assert not (unit == other_unit and start < other_end and other_start < end)
    db.dispose()


def test_a_patient_cannot_hold_two_appointments_at_the_same_time(sqlite_db, profile, clock):
    service = make_service(sqlite_db, profile, clock)
    patient = add_patient(sqlite_db, now=clock.now(), approved=True)
    start = first_free(service, "consultation", clock=clock)
    service.book(patient_id=patient, service="consultation", start=start)
    with pytest.raises(PatientBusy):
        service.book(patient_id=patient, service="iv_infusion", start=start)
    assert active_count(sqlite_db) == 1


def test_free_times_for_a_patient_leave_out_their_own_bookings(sqlite_db, profile, clock):
    service = make_service(sqlite_db, profile, clock)
    patient = add_patient(sqlite_db, now=clock.now(), approved=True)
    start = first_free(service, "consultation", clock=clock)
    booked = service.book(patient_id=patient, service="consultation", start=start)
    day = start.date()
    for_anyone = service.free_slots(service="iv_infusion", first_day=day, last_day=day)
    for_her = service.free_slots(
        service="iv_infusion", first_day=day, last_day=day, for_patient=patient
    )
    assert any(s.start < booked.ends_at and booked.starts_at < s.end for s in for_anyone)
    assert not any(s.start < booked.ends_at and booked.starts_at < s.end for s in for_her)
    assert service.next_free(service="iv_infusion", count=1, for_patient=patient)[0].start >= (
        booked.ends_at
    )
