"""The pain chart is a valid PNG showing the pain line, session days and baseline."""

from __future__ import annotations

import struct
import zlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.charts import (
    BASELINE,
    PAIN,
    RESPONDER,
    SESSION_BAND,
    SESSION_MARK,
    Canvas,
    PainChart,
    decode_png_size,
    encode_png,
    pain_chart_png,
)

NY = ZoneInfo("America/New_York")
START = datetime(2027, 3, 1, 10, tzinfo=NY)


def decode(data: bytes) -> tuple[int, int, list[bytes]]:
    """Read back an 8-bit RGB, unfiltered PNG (what encode_png writes): width, height, rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        chunks.setdefault(kind, b"")
        chunks[kind] += body
        position += 12 + length
    width, height, depth, color, *_ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, color) == (8, 2)
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = width * 3 + 1
    rows = [raw[y * stride : (y + 1) * stride] for y in range(height)]
    assert all(row[0] == 0 for row in rows)
    return width, height, [row[1:] for row in rows]


def colours(data: bytes) -> set[tuple[int, int, int]]:
    _, _, rows = decode(data)
    return {tuple(row[i : i + 3]) for row in rows for i in range(0, len(row), 3)}


def chart(**changes) -> PainChart:
    values = {
        "points": [
            (START - timedelta(days=3), 7.5),
            (START + timedelta(days=1), 4),
            (START + timedelta(days=8), 3),
            (START + timedelta(days=21), 6),
        ],
        "sessions": [START, START + timedelta(days=2), START + timedelta(days=4)],
        "baseline": 7.0,
        "responder_pct": 30,
        "title": "#12 AVERAGE PAIN, 0-10",
    }
    values.update(changes)
    return PainChart(**values)


def test_the_encoder_writes_exactly_the_pixels_drawn():
    canvas = Canvas(5, 3)
    canvas.put(1, 1, (10, 20, 30))
    canvas.put(4, 2, PAIN)
    _, _, rows = decode(canvas.png())
    assert rows[1][3:6] == bytes((10, 20, 30))
    assert rows[2][12:15] == bytes(PAIN)
    assert rows[0] == bytes((255, 255, 255)) * 5


def test_the_encoder_refuses_pixel_data_of_the_wrong_size():
    with pytest.raises(ValueError, match="does not match the size"):
        encode_png(2, 2, b"\x00" * 5)


def test_a_pain_chart_shows_the_line_session_days_baseline_and_responder_line():
    png = pain_chart_png(chart(), tz=NY)
    assert decode_png_size(png) == (720, 400)
    assert {PAIN, SESSION_BAND, SESSION_MARK, BASELINE, RESPONDER} <= colours(png)


def test_a_chart_without_a_baseline_draws_no_baseline_lines():
    drawn = colours(pain_chart_png(chart(baseline=None), tz=NY))
    assert PAIN in drawn
    assert BASELINE not in drawn
    assert RESPONDER not in drawn


def test_a_patient_without_answers_still_gets_a_readable_empty_chart():
    drawn = colours(pain_chart_png(chart(points=[], sessions=[], baseline=None), tz=NY))
    assert PAIN in drawn  # the legend's sample line
    width, height, _ = decode(pain_chart_png(chart(points=[], sessions=[]), tz=NY))
    assert (width, height) == (720, 400)


def test_the_pain_line_runs_higher_for_worse_pain():
    """The first point (7.5) is drawn above the second (4): screen y grows downwards."""
    png = pain_chart_png(chart(sessions=[], baseline=None), tz=NY)
    width, _, rows = decode(png)
    heights = []
    for x in range(56, width - 24):
        ys = [y for y, row in enumerate(rows[:-84]) if tuple(row[x * 3 : x * 3 + 3]) == PAIN]
        if ys:
            heights.append((x, min(ys)))
    first_x, first_y = heights[0]
    middle = [y for x, y in heights if first_x + 60 < x < first_x + 120]
    assert middle and first_y < min(middle)


def test_two_years_of_answers_make_a_chart_of_the_same_size():
    points = [(START + timedelta(days=d), (d % 9) + 1) for d in range(0, 730, 7)]
    png = pain_chart_png(chart(points=points), tz=NY)
    assert decode_png_size(png) == (720, 400)
    assert len(png) < 60_000
