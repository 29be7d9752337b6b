"""Issue 14 benchmark: drawing the pain chart with matplotlib, and what importing it costs.

Render time of the PNG (Telegram) and the SVG (console) for a typical history (20 answers, one
six-session series) and a large one (500 answers, four series). The first-import cost is measured
in fresh processes: with an empty font cache (a new machine: matplotlib builds its font list) and
with the cache in place (every later start), plus the first chart a fresh process draws.

Run: python -m benchmarks charts
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.common import summary, timings
from bot.presentation.charts import ChartLabels, PainChart, pain_chart_png, pain_chart_svg

NY = ZoneInfo("America/New_York")
START = datetime(2027, 3, 1, 10, tzinfo=NY)
ROOT = Path(__file__).resolve().parent.parent
LABELS = ChartLabels(
    pain="Average pain",
    session_day="Session day",
    baseline="Baseline 7.0",
    responder="−30% (responder)",
    empty="No pain answers yet",
)

IMPORT = (
    "import time\n"
    "started = time.perf_counter()\n"
    "import matplotlib.figure, matplotlib.backends.backend_agg\n"
    "print((time.perf_counter() - started) * 1000)\n"
)
FIRST_CHART = (
    "import time\n"
    "from benchmarks.charts import history\n"
    "from bot.presentation.charts import pain_chart_png\n"
    "chart = history(20, series=1)\n"
    "started = time.perf_counter()\n"
    "pain_chart_png(chart, tz=__import__('zoneinfo').ZoneInfo('America/New_York'))\n"
    "print((time.perf_counter() - started) * 1000)\n"
)


def history(answers: int, *, series: int) -> PainChart:
    """Answers every few days (a random walk around 6) and `series` six-session series."""
    rnd = random.Random(answers)
    sessions = [
        START + timedelta(days=120 * s + day) for s in range(series) for day in (0, 2, 4, 7, 9, 11)
    ]
    points, score, moment = [], 7.0, START - timedelta(days=3)
    for _ in range(answers):
        score = max(0.0, min(10.0, score + rnd.uniform(-1.2, 1.1)))
        points.append((moment, round(score)))
        moment += timedelta(days=rnd.choice((1, 1, 2, 3, 7)))
    return PainChart(
        points=points,
        sessions=sessions,
        baseline=7.0,
        responder_pct=30,
        title="#12 Average pain (0-10)",
        labels=LABELS,
    )


def fresh_process_ms(code: str, config_dir: str) -> float:
    env = dict(os.environ, MPLCONFIGDIR=config_dir)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    for answers, series in ((20, 1), (500, 4)):
        chart = history(answers, series=series)
        png = pain_chart_png(chart, tz=NY)
        svg = pain_chart_svg(chart, tz=NY)
        print(f"{answers} answers, {series * 6} sessions:")
        png_ms = timings(lambda chart=chart: pain_chart_png(chart, tz=NY), runs=20)
        svg_ms = timings(lambda chart=chart: pain_chart_svg(chart, tz=NY), runs=20)
        print(f"  PNG {len(png) / 1024:.0f} KiB: {summary(png_ms)}")
        print(f"  SVG {len(svg) / 1024:.0f} KiB: {summary(svg_ms)}")

    with tempfile.TemporaryDirectory() as config_dir:
        cold = fresh_process_ms(IMPORT, config_dir)
        warm = sorted(fresh_process_ms(IMPORT, config_dir) for _ in range(5))
        first = sorted(fresh_process_ms(FIRST_CHART, config_dir) for _ in range(5))
    print("importing matplotlib (figure + Agg) in a fresh process:")
    print(f"  empty font cache (first start on a machine): {cold:.0f} ms")
    print(f"  font cache in place: median {warm[2]:.0f} ms (min {warm[0]:.0f}, max {warm[-1]:.0f})")
    print(
        f"  first chart in a fresh process (import + first draw, 20 answers): "
        f"median {first[2]:.0f} ms (min {first[0]:.0f}, max {first[-1]:.0f})"
    )


if __name__ == "__main__":
    main()
