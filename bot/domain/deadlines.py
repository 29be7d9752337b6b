"""When each red-flag level must be answered, and who owns it (CLINICAL.md section 4a).

Pure rules over the clinic's opening hours: `deadline_for` says by when a flag raised `now` must
be taken, whose it is, and whether it goes to the on-call clinician at once because its deadline
falls outside opening hours. `opening` gives a local date's opening ranges (empty when closed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.enums import EscalationLevel

Opening = Callable[[date], Sequence[tuple[time, time]]]
CALLBACK_WITHIN = timedelta(hours=1)
# How far ahead to look for the next opening (a long holiday closure still ends within this).
SEARCH_DAYS = 21
# Levels whose deadline starts the ladder (staff chat, on-call SMS, call, backup) when missed.
PAGED_AT_DEADLINE = frozenset({EscalationLevel.CALLBACK_1H, EscalationLevel.SAME_DAY})
# Levels that stay a staff task: past the deadline they lead the daily digest, nobody is paged.
TASK_LEVELS = frozenset({EscalationLevel.BUSINESS_DAY, EscalationLevel.NEXT_BUSINESS_DAY})


class Owner(StrEnum):
    """Who must act on an escalation now."""

    STAFF = "staff"  # the staff chat during opening hours
    ONCALL = "oncall"  # the on-call clinician's phone
    BACKUP = "backup"  # the backup phone, once on-call did not answer


@dataclass(frozen=True)
class Deadline:
    at: datetime  # aware UTC
    owner: Owner
    page_now: bool  # start the ladder at once (urgent, or the deadline is outside opening hours)


def _ranges(day: date, opening: Opening, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    spans = []
    for opens, closes in opening(day):
        start = datetime.combine(day, opens, tzinfo=tz).astimezone(UTC)
        end = datetime.combine(day, closes, tzinfo=tz).astimezone(UTC)
        if end > start:
            spans.append((start, end))
    return spans


def is_open(moment: datetime, *, opening: Opening, tz: ZoneInfo) -> bool:
    """Whether `moment` falls inside an opening range (the closing minute is outside)."""
    day = moment.astimezone(tz).date()
    return any(start <= moment < end for start, end in _ranges(day, opening, tz))


def end_of_clinic_day(moment: datetime, *, opening: Opening, tz: ZoneInfo) -> datetime | None:
    """The last closing time of `moment`'s clinic day, when the clinic is open at `moment`."""
    if not is_open(moment, opening=opening, tz=tz):
        return None
    spans = _ranges(moment.astimezone(tz).date(), opening, tz)
    return max(end for _, end in spans)


def next_opening(moment: datetime, *, opening: Opening, tz: ZoneInfo) -> datetime | None:
    """The first opening on a later clinic day than `moment`'s (the next business day)."""
    day = moment.astimezone(tz).date()
    for offset in range(1, SEARCH_DAYS + 1):
        spans = _ranges(day + timedelta(days=offset), opening, tz)
        if spans:
            return min(start for start, _ in spans)
    return None


def deadline_for(
    level: EscalationLevel, *, now: datetime, opening: Opening, tz: ZoneInfo
) -> Deadline:
    """By when a flag of `level` raised at `now` must be taken, and by whom."""
    if level is EscalationLevel.URGENT:
        return Deadline(now, Owner.ONCALL, page_now=True)
    if level is EscalationLevel.CALLBACK_1H:
        at = now + CALLBACK_WITHIN
        # The callback must happen while someone is at the desk; otherwise on-call takes it now.
        if is_open(now, opening=opening, tz=tz) and is_open(
            at - timedelta(seconds=1), opening=opening, tz=tz
        ):
            return Deadline(at, Owner.STAFF, page_now=False)
        return Deadline(now, Owner.ONCALL, page_now=True)
    if level is EscalationLevel.SAME_DAY:
        end = end_of_clinic_day(now, opening=opening, tz=tz)
        if end is not None:
            return Deadline(end, Owner.STAFF, page_now=False)
        return Deadline(now, Owner.ONCALL, page_now=True)
    first = next_opening(now, opening=opening, tz=tz)
    if level is EscalationLevel.BUSINESS_DAY:
        # "Within one business day": by the end of the next clinic day.
        if first is not None:
            end = end_of_clinic_day(first, opening=opening, tz=tz)
            return Deadline(end or first, Owner.STAFF, page_now=False)
    elif first is not None:
        return Deadline(first, Owner.STAFF, page_now=False)
    # A profile with no opening hours at all: nobody would ever see the task.
    return Deadline(now, Owner.ONCALL, page_now=True)
