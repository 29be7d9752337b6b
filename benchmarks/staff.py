"""Issue 6 benchmark: /week and /outcomes on a clinic with two years of history.

20,000 appointments (consultations, six-session infusion series, boosters; history and the
coming weeks) and 60,000 check-in answers. Each command is timed twice: the service plus its
rendering, and the whole handler through the Telegram double (PTB, HTML checks, 4096 splits).

Run: python -m benchmarks.staff   (PostgreSQL from CLINIC_TEST_POSTGRES_URL when reachable)
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, select
from telegram.ext import ApplicationBuilder

from benchmarks.common import postgres_db, sqlite_db, summary, timings
from bot.app import build_core
from bot.core import Core
from bot.db.engine import Database
from bot.db.models import Appointment, CheckIn, CheckInAnswer, Patient, ScreeningAnswer
from bot.domain.clock import FixedClock
from bot.domain.enums import AppointmentStatus
from bot.presentation import staff_messages as views
from bot.presentation import staff_report_messages as report_views
from bot.sandbox.telegram_double import FakeBotApi
from bot.services.outcome_records import SCREENING_PAIN_AVERAGE
from bot.services.staff_ops import StaffOps
from bot.settings import parse_settings
from handlers import staff as staff_handlers

NOW = datetime(2027, 3, 1, 13, tzinfo=UTC)  # Monday 8:00 AM in New York
APPOINTMENTS = 20_000
ANSWERS = 60_000
PATIENTS = 1_500
STAFF = 7001
RUNS = 25
HISTORY_DAYS = 730
FUTURE_DAYS = 30
SEVERITY = ("none", "none", "mild", "mod", "sev")


def _rows(model: Any, rows: list[dict[str, Any]], db: Database) -> None:
    with db.session() as session:
        for start in range(0, len(rows), 5_000):
            session.execute(insert(model), rows[start : start + 5_000])


def seed(db: Database, *, rng: random.Random) -> dict[str, int]:
    """Patients, 20,000 appointments over two years plus a month ahead, 60,000 answers."""
    start = NOW - timedelta(days=HISTORY_DAYS)
    patients = [
        {"id": n, "created_at": start, "name": f"Patient {n:04d}", "preferred_channel": "telegram"}
        for n in range(1, PATIENTS + 1)
    ]
    _rows(Patient, patients, db)
    appointments: list[dict[str, Any]] = []
    span_minutes = (HISTORY_DAYS + FUTURE_DAYS) * 24 * 60
    next_id = 1
    while len(appointments) < APPOINTMENTS:
        patient = rng.randint(1, PATIENTS)
        first = start + timedelta(minutes=rng.randrange(0, span_minutes, 15))
        first = first.replace(hour=rng.choice((13, 14, 15, 16, 17, 18, 19)), minute=0)
        # A consultation, then usually a series of six infusions two days apart.
        plan = [("consultation", first, None, 45)]
        if rng.random() < 0.8:
            series = f"S{next_id}"
            plan += [
                ("iv_infusion", first + timedelta(days=7 + 2 * k), series, 240) for k in range(6)
            ]
        for service, starts, series_id, minutes in plan:
            if len(appointments) >= APPOINTMENTS:
                break
            if starts < NOW:
                status = rng.choices(
                    (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW, "cancelled"),
                    weights=(86, 5, 9),
                )[0]
            else:
                status = AppointmentStatus.BOOKED
            appointments.append(
                {
                    "id": next_id,
                    "patient_id": patient,
                    "service": service,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(minutes=minutes),
                    "held_until": starts + timedelta(minutes=minutes + 30),
                    "status": str(status),
                    "resources": f"infusion_chair:{rng.randint(1, 3)}"
                    if service != "consultation"
                    else f"clinician:{rng.randint(1, 2)},consult_room:1",
                    "created_at": starts - timedelta(days=10),
                    "created_by": "patient",
                    "series_id": series_id,
                    "confirmed_at": starts - timedelta(days=1) if rng.random() < 0.7 else None,
                    "completed_at": starts + timedelta(minutes=minutes)
                    if status == AppointmentStatus.COMPLETED
                    else None,
                }
            )
            next_id += 1
    _rows(Appointment, appointments, db)
    screening = [
        {
            "patient_id": a["patient_id"],
            "appointment_id": a["id"],
            "code": SCREENING_PAIN_AVERAGE,
            "answer": str(rng.randint(5, 9)),
            "answered_at": a["starts_at"] - timedelta(days=2),
        }
        for a in appointments
        if a["service"] == "consultation"
    ]
    _rows(ScreeningAnswer, screening, db)
    treated = [
        a
        for a in appointments
        if a["service"] == "iv_infusion" and a["status"] == AppointmentStatus.COMPLETED
    ]
    checkins: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    checkin_id = 1
    slots = (("D1", 1, 3), ("D3", 3, 2), ("D7", 7, 3), ("D14", 14, 2))
    while len(answers) < ANSWERS and checkin_id <= len(treated) * len(slots):
        session = treated[(checkin_id - 1) // len(slots)]
        slot, day, size = slots[(checkin_id - 1) % len(slots)]
        at = session["ends_at"] + timedelta(days=day, hours=-5)
        checkins.append(
            {
                "id": checkin_id,
                "patient_id": session["patient_id"],
                "appointment_id": session["id"],
                "slot": slot,
                "status": "done",
                "sent_at": at,
                "completed_at": at,
                "questions": "[]",
            }
        )
        codes = ["PAINAVG", "SE_NAU", "PGIC" if day >= 7 else "SE_DIZ"][:size]
        for code in codes:
            value = (
                str(rng.randint(1, 8))
                if code == "PAINAVG"
                else str(rng.randint(1, 5))
                if code == "PGIC"
                else rng.choice(SEVERITY)
            )
            answers.append(
                {
                    "checkin_id": checkin_id,
                    "patient_id": session["patient_id"],
                    "question": code,
                    "value": value,
                    "answered_at": at,
                }
            )
        checkin_id += 1
    _rows(CheckIn, checkins, db)
    _rows(CheckInAnswer, answers[:ANSWERS], db)
    return {"appointments": len(appointments), "answers": min(len(answers), ANSWERS)}


def core_for(db: Database, folder: Path) -> Core:
    settings = parse_settings(
        {"STAFF_USER_IDS": str(STAFF), "DATABASE_URL": f"sqlite:///{folder / 'unused.db'}"}
    )
    return build_core(settings, clock=FixedClock(NOW), db=db, migrate_db=False)


def bench_services(core: Core, *, rng: random.Random) -> None:
    ops = StaffOps(
        db=core.db, profile=core.profile, clock=core.clock, booking=core.booking, texts=core.texts
    )
    today = ops.today()

    def week() -> None:
        days = ops.schedule(first_day=today, last_day=today + timedelta(days=6))
        text = views.render_schedule(core.texts, core.profile, days, title_key="staff_title_week")
        views.split_message(text)

    def outcomes(service: StaffOps = ops) -> None:
        summary_ = service.clinic_outcomes()
        report_views.render_outcomes(core.texts, summary_, service.outcomes.catalog)

    def cold() -> None:
        outcomes(
            StaffOps(
                db=core.db,
                profile=core.profile,
                clock=core.clock,
                booking=core.booking,
                texts=core.texts,
            )
        )

    print(f"  /week service+render:     {summary(timings(week, runs=RUNS))}")
    print(
        f"  /outcomes, first call (every patient loaded): {summary(timings(cold, runs=5, warmup=1))}"
    )
    print(f"  /outcomes service+render: {summary(timings(outcomes, runs=RUNS))}")
    samples = []
    for _ in range(RUNS):
        touch(core.db, rng=rng)
        started = time.perf_counter()
        outcomes()
        samples.append((time.perf_counter() - started) * 1000)
    print(f"  /outcomes after a new answer and a status change: {summary(samples)}")


def touch(db: Database, *, rng: random.Random) -> None:
    """What a clinic day does between two /outcomes: an answer arrives, a session is marked."""
    with db.session() as session:
        checkin = session.get(CheckIn, rng.randint(1, 20_000))
        appointment = session.get(Appointment, rng.randint(1, 15_000))
        assert checkin is not None
        assert appointment is not None
        question = "PAINAVG" if rng.random() < 0.5 else "SE_DIZ"
        exists = session.exec(
            select(CheckInAnswer)
            .where(col(CheckInAnswer.checkin_id) == checkin.id)
            .where(col(CheckInAnswer.question) == question)
        ).first()
        if exists is None:
            session.add(
                CheckInAnswer(
                    checkin_id=checkin.id or 0,
                    patient_id=checkin.patient_id,
                    question=question,
                    value="3" if question == "PAINAVG" else "mild",
                    answered_at=NOW,
                )
            )
        appointment.status = (
            AppointmentStatus.NO_SHOW
            if appointment.status == AppointmentStatus.COMPLETED
            else AppointmentStatus.COMPLETED
        )


def bench_handlers(core: Core) -> None:
    async def run() -> None:
        double = FakeBotApi(clock=core.clock)
        application = (
            ApplicationBuilder()
            .token("123:BENCH")
            .request(double)
            .get_updates_request(double)
            .build()
        )
        staff_handlers.register(application, core)
        await application.initialize()
        double.attach(application)
        staff = double.user(STAFF, first_name="Sam")
        for command in ("/week", "/outcomes"):
            samples = []
            for n in range(RUNS + 3):
                started = time.perf_counter()
                await staff.send_command(command)
                if n >= 3:
                    samples.append((time.perf_counter() - started) * 1000)
            print(f"  {command} whole handler:  {summary(samples)}")
        week = [m for m in double.chat_log(STAFF) if m.from_bot and "7 days" in m.text]
        print(f"  (/week answer: {len(week[-1].text)} characters in its first message)")
        await application.shutdown()

    asyncio.run(run())


def main() -> None:
    for name, factory in (("SQLite", sqlite_db), ("PostgreSQL", postgres_db)):
        print(name)
        with factory() as db, tempfile.TemporaryDirectory() as folder:
            if db is None:
                continue
            started = time.perf_counter()
            counts = seed(db, rng=random.Random(6))
            print(
                f"  seeded {counts['appointments']:,} appointments and {counts['answers']:,} "
                f"check-in answers in {time.perf_counter() - started:.1f} s"
            )
            core = core_for(db, Path(folder))
            bench_services(core, rng=random.Random(7))
            bench_handlers(core)


if __name__ == "__main__":
    main()
