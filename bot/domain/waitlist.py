"""The waitlist's rules: which freed times suit a waiting patient, and who is asked first.

Pure: standard library only. Times are compared in the clinic's zone (a "morning" is a start
before noon there); dates are clinic-local dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

NOON_HOUR = 12
ALL_DAYS = frozenset(range(7))
# How the "earliest" and "latest" choices step, in weeks from the day the patient joins.
EARLIEST_WEEKS = (0, 1, 2, 4)
LATEST_WEEKS = (0, 2, 4, 8)  # 0: no latest date (the booking horizon)


class PartOfDay(StrEnum):
    ANY = "a"
    MORNING = "m"
    AFTERNOON = "e"


class OfferStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    GONE = "gone"  # the time was taken by someone else (or closed) before this answer


class OfferOrder(StrEnum):
    IN_ORDER = "in_order"  # one at a time, in the order they joined
    FIRST_TO_ACCEPT = "first_to_accept"  # everyone who matches at once


@dataclass(frozen=True)
class Preferences:
    """When a waiting patient could come: weekdays (0 = Monday), part of day, a date range."""

    weekdays: frozenset[int] = ALL_DAYS
    part: PartOfDay = PartOfDay.ANY
    earliest: date | None = None
    latest: date | None = None

    def suits(self, start: datetime, tz: ZoneInfo) -> bool:
        """Whether a slot starting at `start` fits these preferences (in clinic time)."""
        local = start.astimezone(tz)
        day = local.date()
        if self.weekdays and local.weekday() not in self.weekdays:
            return False
        if self.part is PartOfDay.MORNING and local.hour >= NOON_HOUR:
            return False
        if self.part is PartOfDay.AFTERNOON and local.hour < NOON_HOUR:
            return False
        if self.earliest is not None and day < self.earliest:
            return False
        return self.latest is None or day <= self.latest


def weekdays_mask(days: Iterable[int]) -> int:
    """Weekdays as a bit mask (bit 0 = Monday); 0 means every day."""
    mask = 0
    for day in days:
        if 0 <= day <= 6:
            mask |= 1 << day
    return mask


def weekdays_of(mask: int) -> frozenset[int]:
    """The weekdays in a mask; an empty mask (or one with no valid bits) means every day."""
    days = frozenset(day for day in range(7) if mask & (1 << day))
    return days or ALL_DAYS


def toggle_day(mask: int, day: int) -> int:
    return mask ^ (1 << day) if 0 <= day <= 6 else mask


def next_choice(choices: Sequence[int], current: int) -> int:
    """The choice after `current` (wrapping), for a button that cycles through options."""
    if current not in choices:
        return choices[0]
    return choices[(choices.index(current) + 1) % len(choices)]


def date_range(today: date, *, earliest_weeks: int, latest_weeks: int) -> tuple[date, date | None]:
    """Earliest and latest dates from week counts chosen on the day the patient joins."""
    earliest = today + timedelta(weeks=earliest_weeks)
    if latest_weeks <= 0:
        return earliest, None
    return earliest, max(earliest, today + timedelta(weeks=latest_weeks))


class Waiting(Protocol):
    """A waitlist entry as the rules see it."""

    @property
    def id(self) -> int | None: ...

    @property
    def joined_at(self) -> datetime: ...


W = TypeVar("W", bound=Waiting)


def in_turn(entries: Iterable[W]) -> list[W]:
    """Entries in the order they are offered a time: who joined first (ties by id)."""
    return sorted(entries, key=lambda e: (e.joined_at, e.id or 0))


def to_offer(
    candidates: Sequence[W],
    *,
    order: OfferOrder,
    already_open: bool,
) -> list[W]:
    """Who gets an offer now from matching `candidates` (already in turn order).

    In order: the first one, unless an offer for this time is still open (then nobody yet).
    First to accept: all of them at once.
    """
    if not candidates:
        return []
    if order is OfferOrder.FIRST_TO_ACCEPT:
        return list(candidates)
    return [] if already_open else [candidates[0]]
