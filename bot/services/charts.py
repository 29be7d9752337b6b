"""A PNG line chart of a patient's pain over time, drawn with the standard library only.

A tiny raster (lines, dots, dashed lines, a 5x7 bitmap font) and a PNG encoder (zlib + struct):
the chart is a picture staff glance at in Telegram, so it stays small, high-contrast and labelled.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

Color = tuple[int, int, int]

WHITE: Color = (255, 255, 255)
INK: Color = (40, 40, 40)
GRID: Color = (225, 225, 225)
AXIS: Color = (120, 120, 120)
PAIN: Color = (200, 30, 45)
SESSION_BAND: Color = (205, 225, 250)
SESSION_MARK: Color = (30, 90, 200)
BASELINE: Color = (150, 150, 150)
RESPONDER: Color = (20, 140, 60)

MAX_SCORE = 10
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_TICK_STEPS_DAYS = (1, 2, 7, 14, 28, 56, 91, 182, 364, 728)

# 5x7 glyphs, one string of five bits per row; upper case only (labels are drawn upper case).
_GLYPHS: dict[str, str] = {
    "A": "01110 10001 10001 11111 10001 10001 10001",
    "B": "11110 10001 10001 11110 10001 10001 11110",
    "C": "01110 10001 10000 10000 10000 10001 01110",
    "D": "11100 10010 10001 10001 10001 10010 11100",
    "E": "11111 10000 10000 11110 10000 10000 11111",
    "F": "11111 10000 10000 11110 10000 10000 10000",
    "G": "01110 10001 10000 10111 10001 10001 01111",
    "H": "10001 10001 10001 11111 10001 10001 10001",
    "I": "01110 00100 00100 00100 00100 00100 01110",
    "J": "00111 00010 00010 00010 00010 10010 01100",
    "K": "10001 10010 10100 11000 10100 10010 10001",
    "L": "10000 10000 10000 10000 10000 10000 11111",
    "M": "10001 11011 10101 10101 10001 10001 10001",
    "N": "10001 10001 11001 10101 10011 10001 10001",
    "O": "01110 10001 10001 10001 10001 10001 01110",
    "P": "11110 10001 10001 11110 10000 10000 10000",
    "Q": "01110 10001 10001 10001 10101 10010 01101",
    "R": "11110 10001 10001 11110 10100 10010 10001",
    "S": "01111 10000 10000 01110 00001 00001 11110",
    "T": "11111 00100 00100 00100 00100 00100 00100",
    "U": "10001 10001 10001 10001 10001 10001 01110",
    "V": "10001 10001 10001 10001 10001 01010 00100",
    "W": "10001 10001 10001 10101 10101 10101 01010",
    "X": "10001 10001 01010 00100 01010 10001 10001",
    "Y": "10001 10001 01010 00100 00100 00100 00100",
    "Z": "11111 00001 00010 00100 01000 10000 11111",
    "0": "01110 10001 10011 10101 11001 10001 01110",
    "1": "00100 01100 00100 00100 00100 00100 01110",
    "2": "01110 10001 00001 00010 00100 01000 11111",
    "3": "11111 00010 00100 00010 00001 10001 01110",
    "4": "00010 00110 01010 10010 11111 00010 00010",
    "5": "11111 10000 11110 00001 00001 10001 01110",
    "6": "00110 01000 10000 11110 10001 10001 01110",
    "7": "11111 00001 00010 00100 01000 01000 01000",
    "8": "01110 10001 10001 01110 10001 10001 01110",
    "9": "01110 10001 10001 01111 00001 00010 01100",
    " ": "00000 00000 00000 00000 00000 00000 00000",
    ".": "00000 00000 00000 00000 00000 01100 01100",
    ",": "00000 00000 00000 00000 01100 00100 01000",
    ":": "00000 01100 01100 00000 01100 01100 00000",
    "-": "00000 00000 00000 11111 00000 00000 00000",
    "+": "00000 00100 00100 11111 00100 00100 00000",
    "/": "00000 00001 00010 00100 01000 10000 00000",
    "(": "00010 00100 01000 01000 01000 00100 00010",
    ")": "01000 00100 00010 00010 00010 00100 01000",
    "%": "11000 11001 00010 00100 01000 10011 00011",
    "#": "01010 01010 11111 01010 11111 01010 01010",
    "=": "00000 00000 11111 00000 11111 00000 00000",
    "?": "01110 10001 00001 00010 00100 00000 00100",
}
_FONT: dict[str, tuple[tuple[int, ...], ...]] = {
    char: tuple(tuple(int(bit) for bit in row) for row in pattern.split())
    for char, pattern in _GLYPHS.items()
}
GLYPH_W, GLYPH_H = 5, 7


class Canvas:
    """An RGB raster with the few drawing operations a line chart needs."""

    def __init__(self, width: int, height: int, background: Color = WHITE) -> None:
        self.width = width
        self.height = height
        self.pixels = bytearray(bytes(background) * (width * height))

    def put(self, x: int, y: int, color: Color) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            i = (y * self.width + x) * 3
            self.pixels[i : i + 3] = bytes(color)

    def get(self, x: int, y: int) -> Color:
        i = (y * self.width + x) * 3
        return self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]

    def rect(self, x0: int, y0: int, x1: int, y1: int, color: Color) -> None:
        """Fill the rectangle with corners (x0, y0) and (x1, y1), both included."""
        left, right = max(min(x0, x1), 0), min(max(x0, x1), self.width - 1)
        top, bottom = max(min(y0, y1), 0), min(max(y0, y1), self.height - 1)
        if left > right or top > bottom:
            return
        row = bytes(color) * (right - left + 1)
        for y in range(top, bottom + 1):
            i = (y * self.width + left) * 3
            self.pixels[i : i + len(row)] = row

    def line(self, x0: int, y0: int, x1: int, y1: int, color: Color, *, width: int = 1) -> None:
        """Bresenham's line; `width` > 1 thickens it with a square pen."""
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        half = (width - 1) // 2
        while True:
            if width == 1:
                self.put(x0, y0, color)
            else:
                self.rect(x0 - half, y0 - half, x0 - half + width - 1, y0 - half + width - 1, color)
            if x0 == x1 and y0 == y1:
                return
            doubled = 2 * err
            if doubled >= dy:
                err += dy
                x0 += sx
            if doubled <= dx:
                err += dx
                y0 += sy

    def dashed_hline(
        self, y: int, x0: int, x1: int, color: Color, *, dash: int = 8, gap: int = 5, width: int = 2
    ) -> None:
        x = x0
        while x <= x1:
            self.rect(x, y, min(x + dash - 1, x1), y + width - 1, color)
            x += dash + gap

    def disc(self, cx: int, cy: int, radius: int, color: Color) -> None:
        for y in range(-radius, radius + 1):
            for x in range(-radius, radius + 1):
                if x * x + y * y <= radius * radius + radius:
                    self.put(cx + x, cy + y, color)

    def triangle_up(self, cx: int, tip_y: int, size: int, color: Color) -> None:
        for row in range(size):
            self.rect(cx - row, tip_y + row, cx + row, tip_y + row, color)

    def text(self, x: int, y: int, text: str, color: Color, *, scale: int = 2) -> int:
        """Draw `text` (upper-cased) with its top-left at (x, y); return the x after it."""
        for char in text.upper():
            glyph = _FONT.get(char, _FONT["?"])
            for gy, row in enumerate(glyph):
                for gx, bit in enumerate(row):
                    if bit:
                        self.rect(
                            x + gx * scale,
                            y + gy * scale,
                            x + gx * scale + scale - 1,
                            y + gy * scale + scale - 1,
                            color,
                        )
            x += (GLYPH_W + 1) * scale
        return x

    def png(self) -> bytes:
        return encode_png(self.width, self.height, bytes(self.pixels))


def text_width(text: str, *, scale: int = 2) -> int:
    return len(text) * (GLYPH_W + 1) * scale - scale if text else 0


def encode_png(width: int, height: int, rgb: bytes) -> bytes:
    """An 8-bit RGB PNG: each scanline prefixed with filter type 0, deflated into one IDAT."""
    if len(rgb) != width * height * 3:
        raise ValueError("pixel data does not match the size")
    stride = width * 3
    raw = b"".join(b"\x00" + rgb[y * stride : (y + 1) * stride] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def decode_png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (for checks and tests)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


@dataclass(frozen=True)
class PainChart:
    """What the chart shows: average-pain answers, session days and the patient's baseline."""

    points: Sequence[tuple[datetime, float]]
    sessions: Sequence[datetime]
    baseline: float | None
    responder_pct: float
    title: str


@dataclass(frozen=True)
class _Frame:
    left: int
    top: int
    right: int
    bottom: int
    start: datetime
    end: datetime

    def x(self, moment: datetime) -> int:
        span = (self.end - self.start).total_seconds() or 1.0
        share = (moment - self.start).total_seconds() / span
        return self.left + round(share * (self.right - self.left))

    def y(self, score: float) -> int:
        share = max(0.0, min(score, MAX_SCORE)) / MAX_SCORE
        return self.bottom - round(share * (self.bottom - self.top))


def pain_chart_png(chart: PainChart, *, tz: ZoneInfo, width: int = 720, height: int = 400) -> bytes:
    """Draw the chart: pain line with dots, shaded session days, baseline and -30% lines."""
    canvas = Canvas(width, height)
    canvas.text(16, 12, chart.title, INK)
    moments = [m for m, _ in chart.points] + list(chart.sessions)
    frame = _frame(moments, tz=tz, width=width, height=height)
    _grid(canvas, frame)
    if moments:
        _date_ticks(canvas, frame, tz=tz)
    for session in chart.sessions:
        x = frame.x(session)
        canvas.rect(x - 3, frame.top, x + 3, frame.bottom - 1, SESSION_BAND)
        canvas.triangle_up(x, frame.bottom + 2, 7, SESSION_MARK)
    if chart.baseline is not None:
        y = frame.y(chart.baseline)
        canvas.dashed_hline(y, frame.left, frame.right, BASELINE)
        target = chart.baseline * (1 - chart.responder_pct / 100)
        if chart.baseline > 0:
            canvas.dashed_hline(frame.y(target), frame.left, frame.right, RESPONDER, dash=3, gap=4)
    ordered = sorted(chart.points)
    for (m0, s0), (m1, s1) in pairwise(ordered):
        canvas.line(frame.x(m0), frame.y(s0), frame.x(m1), frame.y(s1), PAIN, width=3)
    for moment, score in ordered:
        canvas.disc(frame.x(moment), frame.y(score), 5, PAIN)
        canvas.disc(frame.x(moment), frame.y(score), 2, WHITE)
    if not ordered:
        message = "NO PAIN ANSWERS YET"
        canvas.text(
            (frame.left + frame.right - text_width(message)) // 2,
            (frame.top + frame.bottom) // 2 - GLYPH_H,
            message,
            AXIS,
        )
    _legend(canvas, chart, height=height)
    return canvas.png()


def _frame(moments: Sequence[datetime], *, tz: ZoneInfo, width: int, height: int) -> _Frame:
    if moments:
        first = min(moments).astimezone(tz).date()
        last = max(moments).astimezone(tz).date()
    else:
        first = last = date(2000, 1, 1)
    # Whole days with a day's margin either side, so dots never sit on the frame.
    start = datetime.combine(first - timedelta(days=1), datetime.min.time(), tz)
    end = datetime.combine(last + timedelta(days=2), datetime.min.time(), tz)
    return _Frame(left=56, top=44, right=width - 24, bottom=height - 84, start=start, end=end)


def _grid(canvas: Canvas, frame: _Frame) -> None:
    for score in range(0, MAX_SCORE + 1, 2):
        y = frame.y(score)
        canvas.rect(frame.left, y, frame.right, y, GRID)
        label = str(score)
        canvas.text(frame.left - 10 - text_width(label), y - GLYPH_H, label, INK)
    canvas.rect(frame.left, frame.top, frame.left + 1, frame.bottom, AXIS)
    canvas.rect(frame.left, frame.bottom, frame.right, frame.bottom + 1, AXIS)


def _date_ticks(canvas: Canvas, frame: _Frame, *, tz: ZoneInfo) -> None:
    """Day ticks ("MAR 8") for short spans; month ticks ("MAR 2027") beyond a few months."""
    first = frame.start.astimezone(tz).date()
    days = max((frame.end - frame.start).days, 1)
    width = frame.right - frame.left
    if days > 120:
        _month_ticks(canvas, frame, tz=tz, first=first, room=max(width // 110, 2))
        return
    room = max(width // 90, 2)
    step = next((s for s in _TICK_STEPS_DAYS if days / s <= room), _TICK_STEPS_DAYS[-1])
    day = first + timedelta(days=1)
    if step >= 7:
        day += timedelta(days=(7 - day.weekday()) % 7)  # weekly ticks fall on Mondays
    while _tick(canvas, frame, day, f"{_MONTHS[day.month - 1]} {day.day}", tz=tz):
        day += timedelta(days=step)


def _month_ticks(canvas: Canvas, frame: _Frame, *, tz: ZoneInfo, first: date, room: int) -> None:
    months = max((frame.end - frame.start).days // 30, 1)
    step = next(s for s in (1, 2, 3, 4, 6, 12, 24, 48) if months / s <= room or s == 48)
    index = first.year * 12 + first.month  # the month after `first` (0-based month + 1)
    index += (-index) % step  # keep ticks on the same months year after year
    while True:
        day = date(index // 12, index % 12 + 1, 1)
        if not _tick(canvas, frame, day, f"{_MONTHS[day.month - 1]} {day.year}", tz=tz):
            return
        index += step


def _tick(canvas: Canvas, frame: _Frame, day: date, label: str, *, tz: ZoneInfo) -> bool:
    """Draw one tick and label at local midnight of `day`; False once past the frame."""
    moment = datetime.combine(day, datetime.min.time(), tz)
    if moment >= frame.end:
        return False
    x = frame.x(moment)
    canvas.rect(x, frame.bottom + 2, x, frame.bottom + 6, AXIS)
    left = x - text_width(label) // 2
    if left + text_width(label) < canvas.width - 2:  # a clipped label reads as a wrong date
        canvas.text(left, frame.bottom + 14, label, INK)
    return True


def _legend(canvas: Canvas, chart: PainChart, *, height: int) -> None:
    y = height - 34
    x = 16
    canvas.line(x, y + 7, x + 24, y + 7, PAIN, width=3)
    canvas.disc(x + 12, y + 7, 5, PAIN)
    x = canvas.text(x + 32, y, "PAIN", INK) + 20
    canvas.rect(x, y - 2, x + 8, y + 15, SESSION_BAND)
    canvas.triangle_up(x + 4, y + 8, 7, SESSION_MARK)
    x = canvas.text(x + 16, y, "SESSION DAY", INK) + 20
    if chart.baseline is not None:
        canvas.dashed_hline(y + 6, x, x + 26, BASELINE)
        x = canvas.text(x + 34, y, f"BASELINE {chart.baseline:.1f}", INK) + 20
        canvas.dashed_hline(y + 6, x, x + 26, RESPONDER, dash=3, gap=4)
        canvas.text(x + 34, y, f"-{chart.responder_pct:g}% RESPONDER", INK)
