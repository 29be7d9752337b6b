"""The pain chart: a PNG for Telegram and an SVG for the console, with the pain line, session days
and baseline, for any history (none, one answer, years of them, nonsense values)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy
from PIL import Image

from bot.presentation.charts import (
    BASELINE,
    DPI,
    HEIGHT_PX,
    PAIN,
    RESPONDER,
    SESSION_BAND,
    SESSION_MARK,
    WIDTH_PX,
    ChartLabels,
    PainChart,
    pain_chart_png,
    pain_chart_svg,
)
from tests.paths import ROOT

NY = ZoneInfo("America/New_York")
START = datetime(2027, 3, 1, 10, tzinfo=NY)
LABELS = ChartLabels(
    pain="Average pain",
    session_day="Session day",
    baseline="Baseline 7.0",
    responder="−30% (responder)",
    empty="No pain answers yet",
)


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
        "title": "#12 Average pain (0-10)",
        "labels": LABELS,
    }
    values.update(changes)
    return PainChart(**values)


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def picture(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()  # reads every chunk: a broken PNG fails here
    return image.convert("RGB")


def colours(png: bytes) -> set[tuple[int, int, int]]:
    return {colour for _, colour in picture(png).getcolors(maxcolors=1_000_000)}


def drawn_words(svg: str) -> str:
    """Matplotlib writes each text it draws as paths, preceded by a comment holding the text."""
    return "\n".join(
        line.strip().removeprefix("<!--").removesuffix("-->").strip()
        for line in svg.splitlines()
        if line.strip().startswith("<!--")
    )


def test_a_pain_chart_shows_the_line_session_days_baseline_and_responder_line():
    png = pain_chart_png(chart(), tz=NY)
    assert picture(png).size == (WIDTH_PX, HEIGHT_PX)
    assert {rgb(c) for c in (PAIN, SESSION_BAND, SESSION_MARK, BASELINE, RESPONDER)} <= colours(png)
    assert len(png) < 200_000


def test_the_chart_is_large_enough_to_read_on_a_phone_and_small_enough_for_telegram():
    # Telegram photos: width + height <= 10,000 and a ratio of at most 20.
    assert WIDTH_PX >= 720
    assert WIDTH_PX + HEIGHT_PX <= 10_000
    assert 1 <= WIDTH_PX / HEIGHT_PX <= 2
    assert DPI >= 100


def test_a_chart_without_a_baseline_draws_no_baseline_lines():
    drawn = colours(pain_chart_png(chart(baseline=None), tz=NY))
    assert rgb(PAIN) in drawn
    assert rgb(BASELINE) not in drawn
    assert rgb(RESPONDER) not in drawn


def test_a_patient_without_answers_still_gets_a_readable_empty_chart():
    empty = chart(points=[], sessions=[], baseline=None)
    assert picture(pain_chart_png(empty, tz=NY)).size == (WIDTH_PX, HEIGHT_PX)
    assert "No pain answers yet" in drawn_words(pain_chart_svg(empty, tz=NY))


def test_a_single_answer_makes_a_chart_with_its_day_on_the_axis():
    single = chart(points=[(START, 5)], sessions=[])
    assert picture(pain_chart_png(single, tz=NY)).size == (WIDTH_PX, HEIGHT_PX)
    words = drawn_words(pain_chart_svg(single, tz=NY))
    assert "1 Mar" in words
    assert "No pain answers yet" not in words


def test_the_pain_line_runs_higher_for_worse_pain():
    """Pain 9 then 1: the red pixels on the left sit above those on the right (y grows down)."""
    png = pain_chart_png(
        chart(points=[(START, 9), (START + timedelta(days=10), 1)], sessions=[], baseline=None),
        tz=NY,
    )
    pixels = numpy.asarray(picture(png))
    above_legend = pixels[: HEIGHT_PX * 3 // 4]
    ys, xs = numpy.nonzero((above_legend == rgb(PAIN)).all(axis=2))
    red = list(zip(xs.tolist(), ys.tolist(), strict=True))
    middle = (min(x for x, _ in red) + max(x for x, _ in red)) / 2
    left = [y for x, y in red if x < middle]
    right = [y for x, y in red if x > middle]
    assert max(left) < max(right)
    assert min(left) < min(right)


def test_dates_on_the_axis_are_clinic_days():
    """10 PM in New York on 1 March is 2 March in UTC: the tick still says 1 March."""
    late = datetime(2027, 3, 1, 22, tzinfo=NY)
    words = drawn_words(pain_chart_svg(chart(points=[(late, 5)], sessions=[late]), tz=NY))
    assert "1 Mar" in words
    assert late.astimezone(UTC).day == 2


def test_the_svg_is_a_standalone_document_carrying_the_labels():
    svg = pain_chart_svg(chart(), tz=NY)
    root = ET.fromstring(svg.encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    words = drawn_words(svg)
    for label in ("#12 Average pain (0-10)", "Average pain", "Session day", "Baseline 7.0"):
        assert label in words
    assert "responder" in words


def test_two_years_of_daily_answers_make_a_chart_of_the_same_size():
    points = [(START + timedelta(days=d), (d % 9) + 1) for d in range(730)]
    sessions = [START + timedelta(days=d) for d in range(0, 730, 60)]
    png = pain_chart_png(chart(points=points, sessions=sessions), tz=NY)
    assert picture(png).size == (WIDTH_PX, HEIGHT_PX)
    # Session days stay visible even where a day is narrower than a pixel.
    assert rgb(SESSION_BAND) in colours(png)


def test_nonsense_values_are_kept_inside_the_frame_instead_of_crashing():
    odd = chart(
        points=[
            (START, 1e9),
            (START + timedelta(days=1), -5),
            (START + timedelta(days=2), float("nan")),
            (START + timedelta(days=3), float("inf")),
            (START + timedelta(days=3), 4),  # two answers at the same moment
        ],
        sessions=[START - timedelta(days=400), START + timedelta(days=900)],
        baseline=float("inf"),
        responder_pct=150,
    )
    assert picture(pain_chart_png(odd, tz=NY)).size == (WIDTH_PX, HEIGHT_PX)
    for baseline, pct in ((-3.0, 30.0), (0.0, 30.0), (12.0, 0.0), (float("nan"), 30.0)):
        png = pain_chart_png(chart(baseline=baseline, responder_pct=pct), tz=NY)
        assert picture(png).size == (WIDTH_PX, HEIGHT_PX)


def test_answers_a_century_apart_still_draw():
    far = chart(
        points=[(datetime(1930, 1, 1, tzinfo=UTC), 3), (datetime(2090, 1, 1, tzinfo=UTC), 8)]
    )
    assert picture(pain_chart_png(far, tz=NY)).size == (WIDTH_PX, HEIGHT_PX)


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_starting_the_bot_does_not_import_matplotlib():
    result = run_python(
        "import sys, bot.app, bot.runtime, handlers, bot.presentation.staff_messages, bot.web.app\n"
        "print('matplotlib' in sys.modules)",
        env=dict(os.environ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_a_fresh_machine_without_a_writable_home_keeps_the_font_cache_in_one_place(tmp_path):
    """HOME is not a folder (as for some service accounts): the cache goes to a fixed folder
    under the temporary directory, so it is built once, not at every start."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPL", "XDG_"))}
    env.update(HOME="/dev/null", TMPDIR=str(tmp_path))
    code = (
        "from datetime import datetime, UTC\n"
        "from zoneinfo import ZoneInfo\n"
        "from bot.presentation.charts import ChartLabels, PainChart, pain_chart_png\n"
        "labels = ChartLabels(pain='p', session_day='s', baseline='b', responder='r', empty='e')\n"
        "chart = PainChart(points=[(datetime(2027, 3, 1, tzinfo=UTC), 5)], sessions=[],\n"
        "                  baseline=None, responder_pct=30, title='#1', labels=labels)\n"
        "print(len(pain_chart_png(chart, tz=ZoneInfo('America/New_York'))))\n"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 1000
    assert "temporary cache directory" not in result.stderr
    cache = tmp_path / f"clinic-bot-matplotlib-{os.getuid()}"
    assert list(cache.glob("fontlist-*.json"))
