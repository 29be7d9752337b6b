"""Calendar files (RFC 5545) for an appointment, built with the icalendar library.

Times are written in the clinic's zone with its VTIMEZONE (built from zoneinfo), so calendar
apps show the clinic's local time on both sides of a DST change. Escaping and line folding are
the library's. One event per file, identified by `uid`: a later file with the same `uid` and a
higher `sequence` replaces it (a moved appointment), and a `cancelled` one removes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone

MIME_TYPE = "text/calendar"
# The VTIMEZONE carries the zone's rules from a year before the visit to a year after it: enough
# for any app to place the event, small enough to stay a short file.
_ZONE_MARGIN = timedelta(days=366)


@dataclass(frozen=True)
class CalendarEvent:
    """One event; `sequence` grows each time the event with this `uid` changes."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    sequence: int = 0
    cancelled: bool = False
    # A reminder alarm this long before the start (none for a cancellation).
    alarm_before: timedelta | None = None


def calendar_file(event: CalendarEvent, *, stamp: datetime, product: str, tz: ZoneInfo) -> bytes:
    """The .ics bytes: METHOD:PUBLISH for a booked event, METHOD:CANCEL for a cancelled one."""
    for moment in (event.start, event.end, stamp):
        if moment.tzinfo is None:
            raise ValueError("calendar times must be aware")
    if event.end <= event.start:
        raise ValueError("an event must end after it starts")
    calendar = Calendar()
    calendar.add("prodid", f"-//{product}//Booking bot//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if event.cancelled else "PUBLISH")
    calendar.add_component(
        Timezone.from_tzinfo(
            tz,
            tzid=tz.key,
            first_date=(event.start.astimezone(tz) - _ZONE_MARGIN).date(),
            last_date=(event.end.astimezone(tz) + _ZONE_MARGIN).date(),
        )
    )
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp.astimezone(UTC))
    vevent.add("dtstart", event.start.astimezone(tz))
    vevent.add("dtend", event.end.astimezone(tz))
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.summary)
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    if event.alarm_before is not None and not event.cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event.summary)
        alarm.add("trigger", -event.alarm_before)
        vevent.add_component(alarm)
    calendar.add_component(vevent)
    return bytes(calendar.to_ical())
