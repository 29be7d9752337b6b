"""Issue 11 item 4: a series has one check-in schedule, spaced, outside sessions, capped a week."""

from __future__ import annotations

import itertools
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.db.engine import Database
from bot.db.models import Appointment, Outbox
from bot.domain.clock import FixedClock
from bot.domain.enums import OutboxKind, OutboxStatus
from bot.profile import ClinicProfile
from tests.checkin_helpers import SESSION_START, World, add_appointment, build_world
from tests.outbox_helpers import telegram_patient

NY = ZoneInfo("America/New_York")


@pytest.fixture(name="w")
def world_fixture(sqlite_db: Database, profile: ClinicProfile, clock: FixedClock) -> World:
    return build_world(sqlite_db, profile, clock)


def daily_series(w: World, count: int = 5) -> list[int]:
    patient_id = telegram_patient(w.db, now=w.clock.now())
    return [
        add_appointment(w, patient_id, start=SESSION_START + timedelta(days=day), series_id="S5")
        for day in range(count)  # Mon 1 - Fri 5 March, 09:00-13:00
    ]


def attend_all(w: World, ids: list[int]) -> None:
    for appointment_id in ids:
        with w.db.session(write=False) as session:
            appointment = session.get(Appointment, appointment_id)
            assert appointment is not None
            w.clock.set(appointment.ends_at)
        w.aftercare.mark_done(appointment_id=appointment_id, actor="staff:1")


def planned_checkins(w: World) -> list[Outbox]:
    with w.db.session(write=False) as session:
        return list(
            session.exec(
                select(Outbox)
                .where(col(Outbox.kind) == OutboxKind.CHECKIN)
                .where(col(Outbox.status) == OutboxStatus.PENDING)
                .order_by(col(Outbox.due_at))
            ).all()
        )


def sessions(w: World, ids: list[int]):
    with w.db.session(write=False) as session:
        return [
            (a.starts_at, a.ends_at)
            for a in (session.get(Appointment, i) for i in ids)
            if a is not None
        ]


def test_a_five_session_daily_series_plans_one_schedule_not_forty_seven(w: World) -> None:
    ids = daily_series(w)
    attend_all(w, ids)

    rows = [r for r in planned_checkins(w) if ":checkin:P:" not in r.dedupe_key]

    assert {r.appointment_id for r in rows} == {ids[-1]}  # the last session's schedule
    assert len(rows) == 11
    for row, following in itertools.pairwise(rows):
        assert following.due_at - row.due_at >= timedelta(hours=4)
    for row in rows:
        assert not any(start <= row.due_at < end for start, end in sessions(w, ids))


def test_check_ins_are_capped_per_week_and_spaced_by_the_profile(
    sqlite_db: Database, profile: ClinicProfile, clock: FixedClock
) -> None:
    checkins = dict(profile.checkins)
    checkins.update(max_per_week=2)
    w = build_world(sqlite_db, profile.model_copy(update={"checkins": checkins}), clock)
    ids = daily_series(w, count=1)
    attend_all(w, ids)

    rows = planned_checkins(w)
    weeks: dict[object, int] = {}
    for row in rows:
        local = row.due_at.astimezone(NY).date()
        week = local - timedelta(days=local.weekday())
        weeks[week] = weeks.get(week, 0) + 1
    assert max(weeks.values()) <= 2
    first_week = [r for r in rows if r.due_at.astimezone(NY).date().isocalendar()[1] == 9]
    assert [r.dedupe_key.split(":")[2] for r in first_week] == ["E", "D1"]  # D3 gave way


def test_a_check_in_due_while_another_session_runs_waits_for_its_end(w: World) -> None:
    patient_id = telegram_patient(w.db, now=w.clock.now())
    first = add_appointment(w, patient_id, start=SESSION_START, series_id="S2")
    # A session on Thursday 09:00-13:00 (not the same series): D3 at 09:00 would be in the chair.
    add_appointment(w, patient_id, start=SESSION_START + timedelta(days=3), service="iv_infusion")
    attend_all(w, [first])
    d3 = next(r for r in planned_checkins(w) if ":checkin:D3:" in r.dedupe_key)
    assert d3.due_at.astimezone(NY).strftime("%a %H:%M") == "Thu 13:00"
