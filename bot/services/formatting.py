"""Dates and times as patients read them: clinic time, unambiguous, short enough for SMS."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def when_long(moment: datetime, tz: ZoneInfo) -> str:
    """'Tuesday 2 March 2027 at 9:30 AM'."""
    local = moment.astimezone(tz)
    return f"{local:%A} {local.day} {local:%B %Y} at {clock_time(moment, tz)}"


def when_short(moment: datetime, tz: ZoneInfo) -> str:
    """'Tue 2 Mar 9:30 AM' (SMS)."""
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b} {clock_time(moment, tz)}"


def clock_time(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"


def day_label(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b}"
