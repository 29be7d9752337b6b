"""The calendar file: RFC 5545 lines, UTC times, escaping and folding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.messaging.ics import CalendarEvent, calendar_file, escape_text, fold

START = datetime(2027, 3, 14, 9, 30, tzinfo=ZoneInfo("America/New_York"))  # the DST day


def event(**changes) -> CalendarEvent:
    values = {
        "uid": "appointment-7@riverside-health.clinic-bot",
        "start": START,
        "end": START + timedelta(minutes=45),
        "summary": "Appointment at Riverside Health",
        "location": "120 Main Street, Suite 300; Springfield",
        "description": "Call +1 555 010 0199\nto change it.",
    }
    values.update(changes)
    return CalendarEvent(**values)


def unfold(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


def test_times_are_written_in_utc():
    lines = unfold(calendar_file(event(), stamp=datetime(2027, 3, 1, tzinfo=UTC), product="X"))
    # 09:30 EDT on 14 March 2027 (clocks went forward at 02:00) is 13:30 UTC.
    assert "DTSTART:20270314T133000Z" in lines
    assert "DTEND:20270314T141500Z" in lines
    assert "DTSTAMP:20270301T000000Z" in lines


def test_the_file_is_a_published_calendar_with_crlf_lines():
    data = calendar_file(event(), stamp=datetime(2027, 3, 1, tzinfo=UTC), product="Riverside")
    assert data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = unfold(data)
    assert "METHOD:PUBLISH" in lines and "UID:appointment-7@riverside-health.clinic-bot" in lines


def test_text_values_are_escaped():
    lines = unfold(calendar_file(event(), stamp=datetime(2027, 3, 1, tzinfo=UTC), product="X"))
    assert "LOCATION:120 Main Street\\, Suite 300\\; Springfield" in lines
    assert "DESCRIPTION:Call +1 555 010 0199\\nto change it." in lines
    assert escape_text("a\\b") == "a\\\\b"


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    summary = "Rendez-vous à la clinique " + "é" * 80 + " 👩🏽‍⚕️"
    data = calendar_file(
        event(summary=summary), stamp=datetime(2027, 3, 1, tzinfo=UTC), product="X"
    )
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no character cut in half
    assert f"SUMMARY:{summary}" in unfold(data)
    assert fold("short") == "short"


def test_an_event_must_end_after_it_starts():
    with pytest.raises(ValueError, match="must end after it starts"):
        calendar_file(event(end=START), stamp=START, product="X")
