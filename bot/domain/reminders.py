"""Which reminders an appointment gets and when (CLINICAL.md section 2). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.enums import OutboxKind

_KIND_BY_HOURS = {
    72.0: OutboxKind.REMINDER_72H,
    24.0: OutboxKind.REMINDER_24H,
    2.0: OutboxKind.REMINDER_2H,
}

# Until how many hours before the start each reminder is still worth sending: after downtime a
# 72 h reminder that could not go out by 48 h before is dropped (the 24 h one follows), a 24 h one
# by 6 h before (the 2 h one follows), a 2 h one until the start.
USEFUL_UNTIL_HOURS = {
    OutboxKind.REMINDER_72H: 48.0,
    OutboxKind.REMINDER_24H: 6.0,
    OutboxKind.REMINDER_2H: 0.0,
}
# A patient has had a chance to confirm once a reminder asking them to was sent this long ago;
# before that they do not go on the staff call list.
CONFIRM_GRACE = timedelta(hours=2)

# SMS may only be sent between these clinic-local times, except safety messages (CLINICAL.md 6).
SMS_WINDOW = (time(8, 0), time(21, 0))


@dataclass(frozen=True)
class PlannedReminder:
    kind: OutboxKind
    due_at: datetime
    offset_hours: float
    useful_until: datetime


@dataclass(frozen=True)
class FastingTimes:
    light_meal_until: datetime
    clear_liquids_until: datetime


def reminder_kind(offset_hours: float) -> OutboxKind:
    """The outbox kind for an offset; offsets other than 72/24/2 h map to the nearest of them."""
    if offset_hours in _KIND_BY_HOURS:
        return _KIND_BY_HOURS[offset_hours]
    nearest = min(_KIND_BY_HOURS, key=lambda h: abs(h - offset_hours))
    return _KIND_BY_HOURS[nearest]


def useful_until(kind: OutboxKind, *, offset_hours: float, starts_at: datetime) -> datetime:
    """When a reminder stops being worth sending (never later than the start)."""
    hours = USEFUL_UNTIL_HOURS.get(kind, 0.0)
    if hours >= offset_hours:  # a clinic's own offset nearer the start than the usual window
        hours = 0.0
    return starts_at.astimezone(UTC) - timedelta(hours=hours)


def plan_reminders(
    *, starts_at: datetime, booked_at: datetime, offsets_hours: list[float]
) -> list[PlannedReminder]:
    """Reminders at real-hour offsets before the start; one already past at booking is not planned.

    "24 h before" is 24 real hours (UTC arithmetic), so across a DST change the wall-clock time of
    the reminder differs from the appointment's by an hour: that is intended.
    """
    # Arithmetic on aware datetimes sharing a zone is wall-clock arithmetic in Python: go via UTC.
    starts_at = starts_at.astimezone(UTC)
    planned: list[PlannedReminder] = []
    seen: set[OutboxKind] = set()
    for hours in sorted(offsets_hours, reverse=True):
        due = starts_at - timedelta(hours=hours)
        kind = reminder_kind(hours)
        if due <= booked_at or kind in seen:
            continue
        seen.add(kind)
        planned.append(
            PlannedReminder(
                kind=kind,
                due_at=due,
                offset_hours=hours,
                useful_until=useful_until(kind, offset_hours=hours, starts_at=starts_at),
            )
        )
    return planned


def fasting_times(
    starts_at: datetime, *, light_meal_hours: float, clear_liquids_hours: float
) -> FastingTimes:
    starts_at = starts_at.astimezone(UTC)
    return FastingTimes(
        light_meal_until=starts_at - timedelta(hours=light_meal_hours),
        clear_liquids_until=starts_at - timedelta(hours=clear_liquids_hours),
    )


def next_sms_window(moment: datetime, tz: ZoneInfo) -> datetime:
    """`moment` if SMS may be sent then, else the next 08:00 clinic time (aware UTC)."""
    local = moment.astimezone(tz)
    opens, closes = SMS_WINDOW
    if opens <= local.time() < closes:
        return moment
    day = local.date() if local.time() < opens else local.date() + timedelta(days=1)
    return datetime.combine(day, opens, tzinfo=tz).astimezone(moment.tzinfo)


def backoff(attempts: int, *, retry_after: float | None = None) -> timedelta:
    """Wait before retry number `attempts` (1-based): 30 s doubling, capped at 30 min."""
    delay = min(30 * 2 ** max(attempts - 1, 0), 1800)
    if retry_after is not None:
        delay = max(delay, int(retry_after) + 1)
    return timedelta(seconds=delay)
