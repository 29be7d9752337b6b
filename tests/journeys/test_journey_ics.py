"""The calendar file, read back with the icalendar library: clinic-time events with the clinic's
VTIMEZONE, an alarm, updates under one UID, cancellations, escaping and folding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.messaging.ics import CalendarEvent, calendar_file

NY = ZoneInfo("America/New_York")
START = datetime(2027, 3, 14, 9, 30, tzinfo=NY)  # the morning clocks went forward (02:00)
STAMP = datetime(2027, 3, 1, tzinfo=UTC)


def event(**changes) -> CalendarEvent:
    values = {
        "uid": "appointment-7@riverside-health.clinic-bot",
        "start": START,
        "end": START + timedelta(minutes=45),
        "summary": "Appointment at Riverside Health",
        "location": "120 Main Street, Suite 300; Springfield",
        "description": "Call +1 555 010 0199\nto change it.",
        "alarm_before": timedelta(hours=72),
    }
    values.update(changes)
    return CalendarEvent(**values)


def parsed(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def only_event(calendar: Calendar):
    [vevent] = calendar.walk("VEVENT")
    return vevent


def unfold(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


def offset_by_the_files_own_zone(data: bytes, wall_clock: datetime) -> timedelta:
    """The UTC offset the file's VTIMEZONE (not the system's zone data) gives `wall_clock`'s
    date and time, whatever zone it was written in."""
    [vtimezone] = parsed(data).walk("VTIMEZONE")
    offset = wall_clock.replace(tzinfo=vtimezone.to_tz(lookup_tzid=False)).utcoffset()
    assert offset is not None
    return offset


def test_a_booking_is_a_published_event_in_clinic_time_with_the_clinics_zone():
    data = calendar_file(event(), stamp=STAMP, product="Riverside Health", tz=NY)
    calendar = parsed(data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    vevent = only_event(calendar)
    assert str(vevent["UID"]) == "appointment-7@riverside-health.clinic-bot"
    assert int(vevent["SEQUENCE"]) == 0
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent.decoded("DTSTART") == START
    assert vevent.decoded("DTEND") == START + timedelta(minutes=45)
    assert vevent.decoded("DTSTAMP") == STAMP
    # Written as the clinic's wall-clock time with its zone, not as UTC.
    assert "DTSTART;TZID=America/New_York:20270314T093000" in unfold(data)
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["America/New_York"]


def test_the_vtimezone_alone_puts_visits_either_side_of_a_dst_change_at_the_right_hour():
    for start, hours in (
        (datetime(2027, 3, 13, 9, 30, tzinfo=NY), -5),  # the day before clocks go forward: EST
        (datetime(2027, 3, 14, 9, 30, tzinfo=NY), -4),  # that morning: EDT
        (datetime(2027, 11, 6, 9, 30, tzinfo=NY), -4),  # the day before clocks go back: EDT
        (datetime(2027, 11, 7, 9, 30, tzinfo=NY), -5),  # that morning: EST
    ):
        data = calendar_file(event(start=start, end=start + timedelta(hours=1)), stamp=STAMP, product="X", tz=NY)  # fmt: skip
        assert offset_by_the_files_own_zone(data, start) == timedelta(hours=hours), start


def test_a_london_clinic_gets_its_own_zone():
    london = ZoneInfo("Europe/London")
    start = datetime(2027, 3, 29, 9, 0, tzinfo=london)  # the day after BST began
    data = calendar_file(event(start=start, end=start + timedelta(hours=1)), stamp=STAMP, product="X", tz=london)  # fmt: skip
    assert "DTSTART;TZID=Europe/London:20270329T090000" in unfold(data)
    assert offset_by_the_files_own_zone(data, start) == timedelta(hours=1)
    assert offset_by_the_files_own_zone(data, start - timedelta(days=2)) == timedelta(0)


def test_a_utc_start_is_written_in_the_clinics_zone():
    start = START.astimezone(UTC)
    data = calendar_file(event(start=start, end=start + timedelta(minutes=45)), stamp=STAMP, product="X", tz=NY)  # fmt: skip
    assert "DTSTART;TZID=America/New_York:20270314T093000" in unfold(data)


def test_an_alarm_rings_before_the_visit():
    [alarm] = only_event(parsed(calendar_file(event(), stamp=STAMP, product="X", tz=NY))).walk(
        "VALARM"
    )
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(hours=-72)
    assert str(alarm["DESCRIPTION"]) == "Appointment at Riverside Health"


def test_without_an_alarm_offset_there_is_no_alarm():
    data = calendar_file(event(alarm_before=None), stamp=STAMP, product="X", tz=NY)
    assert only_event(parsed(data)).walk("VALARM") == []


def test_a_moved_visit_keeps_its_uid_with_a_higher_sequence_and_the_new_time():
    first = only_event(parsed(calendar_file(event(), stamp=STAMP, product="X", tz=NY)))
    later = START + timedelta(days=2, hours=1)
    moved = only_event(
        parsed(
            calendar_file(
                event(start=later, end=later + timedelta(minutes=45), sequence=1),
                stamp=STAMP + timedelta(days=1),
                product="X",
                tz=NY,
            )
        )
    )
    assert str(moved["UID"]) == str(first["UID"])
    assert int(moved["SEQUENCE"]) > int(first["SEQUENCE"])
    assert moved.decoded("DTSTART") == later


def test_a_cancellation_is_a_cancel_method_with_a_cancelled_event_and_no_alarm():
    data = calendar_file(event(sequence=2, cancelled=True), stamp=STAMP, product="X", tz=NY)
    calendar = parsed(data)
    assert str(calendar["METHOD"]) == "CANCEL"
    vevent = only_event(calendar)
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) == 2
    assert str(vevent["UID"]) == "appointment-7@riverside-health.clinic-bot"
    assert vevent.walk("VALARM") == []


def test_text_values_are_escaped_and_read_back_unchanged():
    data = calendar_file(event(), stamp=STAMP, product="Riverside, Health; Inc", tz=NY)
    lines = unfold(data)
    assert "LOCATION:120 Main Street\\, Suite 300\\; Springfield" in lines
    assert "DESCRIPTION:Call +1 555 010 0199\\nto change it." in lines
    vevent = only_event(parsed(data))
    assert str(vevent["LOCATION"]) == "120 Main Street, Suite 300; Springfield"
    assert str(vevent["DESCRIPTION"]) == "Call +1 555 010 0199\nto change it."


def test_the_file_has_crlf_lines_folded_at_75_octets_without_splitting_characters():
    summary = "Rendez-vous à la clinique " + "é" * 80 + " 👩🏽‍⚕️"
    data = calendar_file(event(summary=summary), stamp=STAMP, product="X", tz=NY)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no character cut in half
    assert str(only_event(parsed(data))["SUMMARY"]) == summary


def test_an_event_must_end_after_it_starts_and_have_aware_times():
    with pytest.raises(ValueError, match="must end after it starts"):
        calendar_file(event(end=START), stamp=STAMP, product="X", tz=NY)
    naive = START.replace(tzinfo=None)
    with pytest.raises(ValueError, match="must be aware"):
        calendar_file(event(start=naive, end=naive + timedelta(hours=1)), stamp=STAMP, product="X", tz=NY)  # fmt: skip
