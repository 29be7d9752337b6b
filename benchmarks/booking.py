"""Issue 2 benchmark: 60-day availability with 10,000 appointments, and booking throughput.

Run: python -m benchmarks.booking   (PostgreSQL from CLINIC_TEST_POSTGRES_URL, else the local one)
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta

from benchmarks.common import postgres_db, sqlite_db, summary, timings
from bot.db.engine import Database
from bot.db.models import Appointment, Patient
from bot.domain.availability import occupied_span
from bot.domain.clock import FixedClock
from bot.domain.errors import SlotTaken
from bot.profile import load_profile
from bot.services.booking import BookingService
from bot.services.calendar import service_spec
from bot.services.planner import OutboxPlanner

NOW = datetime(2027, 3, 1, 13, tzinfo=UTC)
TOTAL = 10_000


def seed(db: Database, service: BookingService) -> int:
    """10,000 appointments: the next 60 days booked to about two thirds, the rest history."""
    profile = service.profile
    step = service.calendar.step
    appointments: list[Appointment] = []
    with db.session() as session:
        patient = Patient(created_at=NOW, name="Seed")
        session.add(patient)
        session.flush()
        assert patient.id is not None
        patient_id = patient.id
    future = service.free_slots(
        service="consultation",
        first_day=NOW.date(),
        last_day=(NOW + timedelta(days=60)).date(),
        now=NOW,
    )
    spec = service_spec(profile, "consultation")
    taken: dict[str, list[tuple[datetime, datetime]]] = {}
    for index, slot in enumerate(future):
        if index % 3 == 2:
            continue  # leave a third free so the query has work to do
        _, held = occupied_span(slot.start, spec, step)
        units = slot.units
        if any(any(s < held and slot.start < e for s, e in taken.get(u, [])) for u in units):
            continue
        for unit in units:
            taken.setdefault(unit, []).append((slot.start, held))
        appointments.append(
            Appointment(
                patient_id=patient_id,
                service="consultation",
                starts_at=slot.start,
                ends_at=slot.end,
                held_until=held,
                resources=",".join(units),
                created_at=NOW,
            )
        )
    history_start = NOW - timedelta(days=730)
    n = 0
    while len(appointments) < TOTAL:
        start = history_start + timedelta(hours=n)
        n += 1
        appointments.append(
            Appointment(
                patient_id=patient_id,
                service="iv_infusion",
                starts_at=start,
                ends_at=start + timedelta(hours=4),
                held_until=start + timedelta(hours=4, minutes=30),
                status="completed",
                resources=f"infusion_chair:{n % 3 + 1}",
                created_at=start,
            )
        )
    with db.session() as session:
        session.add_all(appointments)
    return len(appointments)


def availability(db: Database, label: str) -> None:
    profile = load_profile()
    clock = FixedClock(NOW)
    service = BookingService(db=db, profile=profile, clock=clock)
    count = seed(db, service)
    first: date = NOW.date()
    last = (NOW + timedelta(days=60)).date()
    slots = service.free_slots(service="consultation", first_day=first, last_day=last)
    samples = timings(
        lambda: service.free_slots(service="consultation", first_day=first, last_day=last), runs=60
    )
    print(
        f"  {label}: 60-day availability with {count:,} appointments ({len(slots)} free slots): "
        f"{summary(samples)}"
    )


def booking_throughput(db: Database, label: str, *, threads: int) -> None:
    profile = load_profile()
    clock = FixedClock(NOW)
    service = BookingService(
        db=db, profile=profile, clock=clock, observers=[OutboxPlanner(profile=profile)]
    )
    with db.session() as session:
        # One patient per booking: a person cannot hold two overlapping appointments.
        patients = [Patient(created_at=NOW, name=f"P{n}") for n in range(threads * 100)]
        session.add_all(patients)
        session.flush()
        ids = [p.id for p in patients]
    slots = service.free_slots(
        service="consultation", first_day=NOW.date(), last_day=(NOW + timedelta(days=60)).date()
    )
    per_thread = min(100, len(slots) // threads)
    booked = [0]
    lock = threading.Lock()

    def worker(index: int) -> None:
        mine = slots[index::threads][:per_thread]
        done = 0
        for number, slot in enumerate(mine):
            try:
                patient_id = ids[index * 100 + number]
                service.book(patient_id=patient_id, service="consultation", start=slot.start)
                done += 1
            except SlotTaken:
                pass  # counted: the benchmark books consecutive, overlapping slots
        with lock:
            booked[0] += done

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    attempts = per_thread * threads
    print(
        f"  {label}: booking throughput, {threads} thread(s): {attempts} attempts at consecutive "
        f"slots ({booked[0]} booked, the rest refused as taken) in {elapsed:.2f} s = "
        f"{attempts / elapsed:.0f} attempts/s, {booked[0] / elapsed:.0f} bookings/s "
        "(each booking with its reminders and staff notice)"
    )


def main() -> None:
    print("Availability (issue 2 target: median < 20 ms)")
    with sqlite_db() as db:
        availability(db, "SQLite")
    with postgres_db() as pg:
        if pg is not None:
            availability(pg, "PostgreSQL")
    print("Booking throughput")
    for threads in (1, 4):
        with sqlite_db() as db:
            booking_throughput(db, "SQLite", threads=threads)
        with postgres_db() as pg:
            if pg is not None:
                booking_throughput(pg, "PostgreSQL", threads=threads)


if __name__ == "__main__":
    main()
