"""Free slots: opening hours, closures, blocks, capacity, buffers, notice and horizon; DST-correct.

Pure: the caller passes the calendar, what is already busy and `now`. Every datetime in and out is
aware UTC except wall-clock values (`time`, `date`) which are clinic-local.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ClinicCalendar:
    tz: ZoneInfo
    step_minutes: int
    # weekday (0 = Monday) -> opening ranges in local wall time
    hours: Mapping[int, tuple[tuple[time, time], ...]]
    closed_days: frozenset[date]
    capacities: Mapping[str, int]
    minimum_notice: timedelta
    horizon: timedelta

    @property
    def step(self) -> timedelta:
        return timedelta(minutes=self.step_minutes)

    def units(self, pool: str) -> list[str]:
        return [unit_name(pool, n) for n in range(1, self.capacities[pool] + 1)]


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    duration: timedelta
    buffer: timedelta
    pools: tuple[str, ...]


@dataclass(frozen=True)
class Busy:
    """A resource unit occupied over [start, end) (end includes the buffer, rounded to the grid)."""

    unit: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Block:
    """Closed time; `pool` None closes every resource."""

    start: datetime
    end: datetime
    pool: str | None = None


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    units: tuple[str, ...] = field(default=())


def unit_name(pool: str, number: int) -> str:
    return f"{pool}:{number}"


def pool_of(unit: str) -> str:
    return unit.rsplit(":", 1)[0]


def _floor_to_grid(moment: datetime, step: timedelta) -> datetime:
    return EPOCH + ((moment - EPOCH) // step) * step


def _ceil_to_grid(moment: datetime, step: timedelta) -> datetime:
    floored = _floor_to_grid(moment, step)
    return floored if floored == moment else floored + step


def occupied_span(
    start: datetime, service: ServiceSpec, step: timedelta
) -> tuple[datetime, datetime]:
    """The interval an appointment holds its units for, widened to the claim grid.

    Widening to the UTC grid can only make two appointments conflict that would have fitted with
    minutes to spare (zones whose offset is not a multiple of the step); it can never let two
    overlapping ones through.
    """
    end = start + service.duration + service.buffer
    return _floor_to_grid(start, step), _ceil_to_grid(end, step)


def claim_steps(start: datetime, service: ServiceSpec, step: timedelta) -> list[datetime]:
    """The grid steps (UTC) whose (unit, step) rows an appointment claims in the database."""
    begin, end = occupied_span(start, service, step)
    steps = []
    cursor = begin
    while cursor < end:
        steps.append(cursor)
        cursor += step
    return steps


def local_to_utc(day: date, wall: time, tz: ZoneInfo) -> datetime | None:
    """The first real instant showing `wall` on `day`; None when that wall time does not exist."""
    local = datetime.combine(day, wall, tzinfo=tz).replace(fold=0)
    moment = local.astimezone(UTC)
    back = moment.astimezone(tz)
    if (back.date(), back.time()) != (day, wall):
        return None  # skipped by a spring-forward change
    return moment


def _local_candidates(day: date, calendar: ClinicCalendar) -> Iterable[tuple[datetime, datetime]]:
    """(start, closing) pairs in UTC for every grid wall time inside the day's opening ranges."""
    step = calendar.step_minutes
    for opens, closes in calendar.hours.get(day.weekday(), ()):
        closing = local_to_utc(day, closes, calendar.tz)
        if closing is None:  # closing inside a DST gap: the wall clock jumps past it
            closing = datetime.combine(day, closes, tzinfo=calendar.tz).astimezone(UTC)
        minutes = opens.hour * 60 + opens.minute
        minutes += (-minutes) % step
        end_minutes = closes.hour * 60 + closes.minute
        seen: set[datetime] = set()
        while minutes < end_minutes:
            wall = time(minutes // 60, minutes % 60)
            start = local_to_utc(day, wall, calendar.tz)
            minutes += step
            if start is None or start in seen:
                continue
            seen.add(start)
            yield start, closing


def _minutes(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds()) // 60


class _Occupancy:
    """Occupied claim-grid steps per unit and per blocked pool, as integer sets.

    Working in integer steps (not datetimes) keeps a 60-day query over a busy clinic to a few
    milliseconds; the grid is the same one the database claims use, so the answer matches them.
    """

    def __init__(self, step_minutes: int, busy: Iterable[Busy], blocks: Iterable[Block]) -> None:
        self.step = step_minutes
        self.by_unit: dict[str, set[int]] = defaultdict(set)
        for item in busy:
            self.by_unit[item.unit].update(self.steps(item.start, item.end))
        self.by_pool: dict[str | None, set[int]] = defaultdict(set)
        for block in blocks:
            self.by_pool[block.pool].update(self.steps(block.start, block.end))

    def steps(self, start: datetime, end: datetime) -> range:
        first = _minutes(start) // self.step
        last = -(-_minutes(end) // self.step)  # ceiling: partly covered steps count
        return range(first, last)

    def pick(
        self, pools: tuple[str, ...], units: Mapping[str, list[str]], steps: range
    ) -> tuple[str, ...] | None:
        closed_all = self.by_pool.get(None)
        if closed_all and not closed_all.isdisjoint(steps):
            return None
        chosen: list[str] = []
        for pool in pools:
            closed = self.by_pool.get(pool)
            if closed and not closed.isdisjoint(steps):
                return None
            for unit in units[pool]:
                taken = self.by_unit.get(unit)
                if not taken or taken.isdisjoint(steps):
                    chosen.append(unit)
                    break
            else:
                return None
        return tuple(chosen)


def _day_starts(day: date, calendar: ClinicCalendar) -> Iterable[tuple[datetime, datetime]]:
    """Like _local_candidates, but by plain addition when no UTC offset change falls in a range."""
    tz = calendar.tz
    step = calendar.step
    for opens, closes in calendar.hours.get(day.weekday(), ()):
        first_wall = opens.hour * 60 + opens.minute
        first_wall += (-first_wall) % calendar.step_minutes
        if first_wall >= closes.hour * 60 + closes.minute:
            continue
        begin = datetime.combine(day, time(first_wall // 60, first_wall % 60), tzinfo=tz)
        finish = datetime.combine(day, closes, tzinfo=tz)
        if begin.utcoffset() != finish.utcoffset():
            yield from _local_candidates_for(day, calendar, opens, closes)
            continue
        closing = finish.astimezone(UTC)
        cursor = begin.astimezone(UTC)
        while cursor < closing:
            yield cursor, closing
            cursor += step


def _local_candidates_for(
    day: date, calendar: ClinicCalendar, opens: time, closes: time
) -> Iterable[tuple[datetime, datetime]]:
    single = ClinicCalendar(
        tz=calendar.tz,
        step_minutes=calendar.step_minutes,
        hours={day.weekday(): ((opens, closes),)},
        closed_days=frozenset(),
        capacities=calendar.capacities,
        minimum_notice=calendar.minimum_notice,
        horizon=calendar.horizon,
    )
    yield from _local_candidates(day, single)


def free_slots(
    *,
    calendar: ClinicCalendar,
    service: ServiceSpec,
    first_day: date,
    last_day: date,
    now: datetime,
    busy: Iterable[Busy],
    blocks: Iterable[Block] = (),
) -> list[Slot]:
    """Every bookable start for `service` on clinic-local days first_day..last_day, in order."""
    earliest = now + calendar.minimum_notice
    latest = now + calendar.horizon
    occupancy = _Occupancy(calendar.step_minutes, busy, [b for b in blocks if b.end > earliest])
    units = {pool: calendar.units(pool) for pool in service.pools}
    hold = service.duration + service.buffer
    slots: list[Slot] = []
    day = first_day
    while day <= last_day:
        if day not in calendar.closed_days:
            for start, closing in _day_starts(day, calendar):
                if start < earliest or start > latest:
                    continue
                end = start + service.duration
                if end > closing:
                    continue
                chosen = occupancy.pick(service.pools, units, occupancy.steps(start, start + hold))
                if chosen is not None:
                    slots.append(Slot(start=start, end=end, units=chosen))
        day += timedelta(days=1)
    return slots


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()
