"""Availability rules with a fixed clock: hours, DST, closures, capacity, buffers, notice, horizon."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.availability import (
    Block,
    Busy,
    ClinicCalendar,
    ServiceSpec,
    claim_steps,
    free_slots,
    local_to_utc,
)

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def calendar(
    *,
    tz: ZoneInfo = NY,
    hours: dict[int, tuple[tuple[time, time], ...]] | None = None,
    closed: frozenset[date] = frozenset(),
    capacities: dict[str, int] | None = None,
    notice_hours: float = 0,
    horizon_days: int = 60,
    step: int = 60,
) -> ClinicCalendar:
    every_day = ((time(0, 0), time(23, 59)),)
    return ClinicCalendar(
        tz=tz,
        step_minutes=step,
        hours=hours if hours is not None else dict.fromkeys(range(7), every_day),
        closed_days=closed,
        capacities=capacities or {"room": 1},
        minimum_notice=timedelta(hours=notice_hours),
        horizon=timedelta(days=horizon_days),
    )


ONE_HOUR = ServiceSpec(code="c", duration=timedelta(hours=1), buffer=timedelta(0), pools=("room",))


def before(day: date) -> datetime:
    """A `now` two days before `day`, well inside the horizon."""
    return datetime.combine(day - timedelta(days=2), time(0), tzinfo=UTC)


def local_starts(slots, tz=NY):
    return [s.start.astimezone(tz).strftime("%H:%M%z") for s in slots]


def test_spring_forward_day_has_no_slot_at_the_missing_hour():
    day = date(2027, 3, 14)  # 02:00 -> 03:00 in New York
    slots = free_slots(
        calendar=calendar(), service=ONE_HOUR, first_day=day, last_day=day, now=before(day), busy=[]
    )
    starts = local_starts(slots)
    assert "02:00-0500" not in starts
    assert "02:00-0400" not in starts
    assert starts[:3] == ["00:00-0500", "01:00-0500", "03:00-0400"]
    assert len(slots) == 22  # 00:00-22:00 less the missing 02:00


def test_fall_back_day_offers_the_repeated_hour_once():
    day = date(2026, 11, 1)  # 02:00 -> 01:00 in New York
    slots = free_slots(
        calendar=calendar(), service=ONE_HOUR, first_day=day, last_day=day, now=before(day), busy=[]
    )
    starts = local_starts(slots)
    assert starts.count("01:00-0400") == 1
    assert "01:00-0500" not in starts
    assert len({s.start for s in slots}) == len(slots)


def test_an_appointment_spanning_the_change_lasts_its_real_duration():
    day = date(2026, 11, 1)
    slots = free_slots(
        calendar=calendar(), service=ONE_HOUR, first_day=day, last_day=day, now=before(day), busy=[]
    )
    for slot in slots:
        assert slot.end - slot.start == timedelta(hours=1)


def test_local_to_utc_says_none_for_a_time_that_does_not_exist():
    assert local_to_utc(date(2027, 3, 14), time(2, 30), NY) is None
    assert local_to_utc(date(2027, 3, 14), time(3, 0), NY) == datetime(2027, 3, 14, 7, tzinfo=UTC)


def test_a_london_closure_day_has_no_slots_and_the_next_day_does():
    christmas = date(2026, 12, 25)
    cal = calendar(tz=LONDON, closed=frozenset({christmas}))
    closed = free_slots(
        calendar=cal,
        service=ONE_HOUR,
        first_day=christmas,
        last_day=christmas,
        now=before(christmas),
        busy=[],
    )
    boxing_day = christmas + timedelta(days=1)
    open_day = free_slots(
        calendar=cal,
        service=ONE_HOUR,
        first_day=boxing_day,
        last_day=boxing_day,
        now=before(boxing_day),
        busy=[],
    )
    assert closed == []
    assert len(open_day) == 23


def test_london_clocks_going_back_do_not_duplicate_slots():
    day = date(2026, 10, 25)
    slots = free_slots(
        calendar=calendar(tz=LONDON),
        service=ONE_HOUR,
        first_day=day,
        last_day=day,
        now=before(day),
        busy=[],
    )
    assert len({s.start for s in slots}) == len(slots) == 23


def test_slots_respect_opening_hours_and_must_end_by_closing():
    cal = calendar(hours={0: ((time(9, 0), time(12, 0)),)})
    monday = date(2027, 3, 1)
    slots = free_slots(
        calendar=cal,
        service=ONE_HOUR,
        first_day=monday,
        last_day=monday,
        now=before(monday),
        busy=[],
    )
    assert local_starts(slots) == ["09:00-0500", "10:00-0500", "11:00-0500"]


def test_capacity_lets_three_chairs_be_used_at_once_and_not_four():
    cal = calendar(capacities={"chair": 3}, hours={0: ((time(9, 0), time(10, 0)),)})
    chair = ServiceSpec(
        code="iv", duration=timedelta(hours=1), buffer=timedelta(0), pools=("chair",)
    )
    monday = date(2027, 3, 1)
    start = datetime(2027, 3, 1, 14, tzinfo=UTC)
    busy = [Busy(unit=f"chair:{n}", start=start, end=start + timedelta(hours=1)) for n in (1, 2)]
    slots = free_slots(
        calendar=cal,
        service=chair,
        first_day=monday,
        last_day=monday,
        now=before(monday),
        busy=busy,
    )
    assert [s.units for s in slots] == [("chair:3",)]
    busy.append(Busy(unit="chair:3", start=start, end=start + timedelta(hours=1)))
    assert (
        free_slots(
            calendar=cal,
            service=chair,
            first_day=monday,
            last_day=monday,
            now=before(monday),
            busy=busy,
        )
        == []
    )


def test_a_buffer_keeps_the_next_slot_free_for_cleaning():
    cal = calendar(step=15, hours={0: ((time(9, 0), time(11, 0)),)})
    monday = date(2027, 3, 1)
    with_buffer = ServiceSpec(
        code="c", duration=timedelta(minutes=45), buffer=timedelta(minutes=15), pools=("room",)
    )
    booked_at = datetime(2027, 3, 1, 14, tzinfo=UTC)  # 09:00 local
    steps = claim_steps(booked_at, with_buffer, timedelta(minutes=15))
    busy = [Busy(unit="room:1", start=steps[0], end=steps[-1] + timedelta(minutes=15))]
    slots = free_slots(
        calendar=cal,
        service=with_buffer,
        first_day=monday,
        last_day=monday,
        now=before(monday),
        busy=busy,
    )
    assert local_starts(slots)[0] == "10:00-0500"


def test_minimum_notice_and_horizon_bound_the_offer():
    cal = calendar(notice_hours=24, horizon_days=2)
    now = datetime(2027, 3, 1, 12, tzinfo=UTC)
    slots = free_slots(
        calendar=cal,
        service=ONE_HOUR,
        first_day=date(2027, 3, 1),
        last_day=date(2027, 3, 10),
        now=now,
        busy=[],
    )
    assert min(s.start for s in slots) >= now + timedelta(hours=24)
    assert max(s.start for s in slots) <= now + timedelta(days=2)


def test_a_block_closes_time_for_its_pool_only():
    cal = calendar(capacities={"room": 1, "chair": 1}, hours={0: ((time(9, 0), time(11, 0)),)})
    monday = date(2027, 3, 1)
    block = Block(
        start=datetime(2027, 3, 1, 14, tzinfo=UTC),
        end=datetime(2027, 3, 1, 15, tzinfo=UTC),
        pool="room",
    )
    chair = ServiceSpec(
        code="iv", duration=timedelta(hours=1), buffer=timedelta(0), pools=("chair",)
    )
    room = free_slots(
        calendar=cal,
        service=ONE_HOUR,
        first_day=monday,
        last_day=monday,
        now=before(monday),
        busy=[],
        blocks=[block],
    )
    chairs = free_slots(
        calendar=cal,
        service=chair,
        first_day=monday,
        last_day=monday,
        now=before(monday),
        busy=[],
        blocks=[block],
    )
    assert local_starts(room) == ["10:00-0500"]
    assert local_starts(chairs) == ["09:00-0500", "10:00-0500"]
