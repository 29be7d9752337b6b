"""Free slots: opening hours, closures, blocks, capacity, buffers, notice and horizon; DST-correct.

Pure: the caller passes the calendar, what is already busy and `now`. Every datetime in and out is
aware UTC except wall-clock values (`time`, `date`) which are clinic-local.
"""

from __future__ import annotations

import bisect
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


def occupied_span(start: datetime, service: ServiceSpec, step: timedelta) -> tuple[datetime, datetime]:
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
    """The first real instant showing `wall` on `day`, or None when that wall time does not exist."""
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


class _UnitIndex:
    """Busy intervals per unit, sorted, for fast overlap tests."""

    def __init__(self, busy: Iterable[Busy], blocks: Iterable[Block]) -> None:
        per_unit: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
        for item in busy:
            per_unit[item.unit].append((item.start, item.end))
        self._starts: dict[str, list[datetime]] = {}
        self._intervals: dict[str, list[tuple[datetime, datetime]]] = {}
        for unit, intervals in per_unit.items():
            intervals.sort()
            self._intervals[unit] = intervals
            self._starts[unit] = [s for s, _ in intervals]
        self._max_len = max(
            (e - s for ivs in self._intervals.values() for s, e in ivs), default=timedelta(0)
        )
        self._blocks = list(blocks)

    def unit_free(self, unit: str, start: datetime, end: datetime) -> bool:
        intervals = self._intervals.get(unit)
        if not intervals:
            return True
        starts = self._starts[unit]
        # Any interval overlapping [start, end) begins before `end` and after start - max length.
        lo = bisect.bisect_right(starts, start - self._max_len)
        hi = bisect.bisect_left(starts, end)
        return all(not (s < end and start < e) for s, e in intervals[max(lo - 1, 0) : hi])

    def blocked(self, pool: str, start: datetime, end: datetime) -> bool:
        return any(
            (b.pool is None or b.pool == pool) and b.start < end and start < b.end
            for b in self._blocks
        )


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
    index = _UnitIndex(busy, [b for b in blocks if b.end > earliest])
    step = calendar.step
    slots: list[Slot] = []
    day = first_day
    while day <= last_day:
        if day not in calendar.closed_days:
            for start, closing in _local_candidates(day, calendar):
                if start < earliest or start > latest:
                    continue
                end = start + service.duration
                if end > closing:
                    continue
                hold_start, hold_end = occupied_span(start, service, step)
                chosen = _pick_units(calendar, service, index, hold_start, hold_end)
                if chosen is not None:
                    slots.append(Slot(start=start, end=end, units=chosen))
        day += timedelta(days=1)
    return slots


def _pick_units(
    calendar: ClinicCalendar,
    service: ServiceSpec,
    index: _UnitIndex,
    start: datetime,
    end: datetime,
) -> tuple[str, ...] | None:
    chosen: list[str] = []
    for pool in service.pools:
        if index.blocked(pool, start, end):
            return None
        unit = next((u for u in calendar.units(pool) if index.unit_free(u, start, end)), None)
        if unit is None:
            return None
        chosen.append(unit)
    return tuple(chosen)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()
