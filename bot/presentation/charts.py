"""The pain chart: a patient's pain over time with session days and baseline, drawn by matplotlib.

PNG for Telegram (staff `/patient`), SVG for the web console. matplotlib is imported on first use,
not at start-up (importing it costs far more than the bot's own modules), and only through its
object-oriented API on the Agg canvas: no pyplot, so no global figure registry or GUI backend.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_SCORE = 10
WIDTH_PX, HEIGHT_PX, DPI = 960, 560, 120
# Big type for a picture Telegram shows about 360 points wide on a phone.
FONT_SIZE = 13

INK = "#282828"
GRID = "#e1e1e1"
AXIS = "#787878"
PAIN = "#c81e2d"
SESSION_BAND = "#cde1fa"
SESSION_MARK = "#1e5ac8"
BASELINE = "#7d8996"  # a blue-grey: no anti-aliased black text makes it
RESPONDER = "#148c3c"

# Where the plot sits in the figure (shares of its width): room for y labels and date labels.
_LEFT, _RIGHT = 0.075, 0.95
# A session day is drawn at least this wide, so it stays visible on a chart of two years.
_MIN_BAND_PX = 5
# Matplotlib has known races between threads drawing at once (its FAQ: serialise access).
_LOCK = threading.Lock()
_loaded = False


@dataclass(frozen=True)
class ChartLabels:
    """The words on the chart (from bot/texts), already filled in."""

    pain: str
    session_day: str
    baseline: str
    responder: str
    empty: str


@dataclass(frozen=True)
class PainChart:
    """What the chart shows: average-pain answers, session days and the patient's baseline."""

    points: Sequence[tuple[datetime, float]]
    sessions: Sequence[datetime]
    baseline: float | None
    responder_pct: float
    title: str
    labels: ChartLabels


def pain_chart_png(chart: PainChart, *, tz: ZoneInfo) -> bytes:
    """The chart as a PNG (WIDTH_PX x HEIGHT_PX) for a Telegram photo."""
    return _render(chart, tz=tz, fmt="png")


def pain_chart_svg(chart: PainChart, *, tz: ZoneInfo) -> str:
    """The chart as a standalone SVG document (text drawn as paths: no font needed to view it)."""
    return _render(chart, tz=tz, fmt="svg").decode("utf-8")


def _render(chart: PainChart, *, tz: ZoneInfo, fmt: str) -> bytes:
    with _LOCK:
        _load_matplotlib()
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
        FigureCanvasAgg(figure)  # Agg, chosen per figure: never a GUI backend
        _draw(figure, chart, tz=tz)
        out = io.BytesIO()
        # No creation date or software version written into the file.
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(out, format=fmt, dpi=DPI, metadata=metadata)
        return out.getvalue()


def _load_matplotlib() -> None:
    """Import matplotlib once, with a writable folder for its font cache."""
    global _loaded
    if _loaded:
        return
    if "MPLCONFIGDIR" not in os.environ and not _default_dirs_writable():
        # matplotlib would otherwise rebuild its font cache in a new temporary folder at every
        # start (and warn); a stable folder keeps the cache from one start to the next.
        os.environ["MPLCONFIGDIR"] = str(_fallback_dir())
    import matplotlib

    matplotlib.use("Agg")
    _loaded = True


def _fallback_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / f"clinic-bot-matplotlib-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        if folder.stat().st_uid == os.getuid() and os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    # Someone else's folder (or none possible): a private one for this process.
    return Path(tempfile.mkdtemp(prefix="clinic-bot-matplotlib-"))


def _default_dirs_writable() -> bool:
    """Whether matplotlib's own config and cache folders (XDG, else under HOME) are writable."""
    try:
        home = Path.home()
    except RuntimeError:  # no HOME and no passwd entry
        return False
    for variable, fallback in (("XDG_CONFIG_HOME", ".config"), ("XDG_CACHE_HOME", ".cache")):
        folder = Path(os.environ.get(variable) or home / fallback) / "matplotlib"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        if not os.access(folder, os.W_OK):
            return False
    return True


def _draw(figure: Figure, chart: PainChart, *, tz: ZoneInfo) -> None:
    from matplotlib import dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    figure.set_facecolor("white")
    figure.subplots_adjust(left=_LEFT, right=_RIGHT, top=0.88, bottom=0.27)
    ax = figure.add_subplot()
    ax.set_title(chart.title, loc="left", fontsize=FONT_SIZE + 2, color=INK, fontweight="bold")
    ax.set_ylim(0, MAX_SCORE)
    ax.set_yticks(range(0, MAX_SCORE + 1, 2))
    ax.grid(axis="y", color=GRID, linewidth=1)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=FONT_SIZE, colors=INK)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(AXIS)

    points = sorted((m, _clip(s)) for m, s in chart.points if math.isfinite(s))
    moments = [m for m, _ in points] + list(chart.sessions)
    start, end = _span(moments, tz=tz)
    ax.set_xlim(_num(start), _num(end))
    if moments:
        locator = mdates.AutoDateLocator(tz=tz, minticks=2, maxticks=7)  # type: ignore[no-untyped-call]
        formatter = mdates.ConciseDateFormatter(  # type: ignore[no-untyped-call]
            locator,
            tz=tz,
            # "%-d" (day without a leading zero) is glibc's and macOS's; the bot runs on Linux.
            formats=["%Y", "%b", "%-d %b", "%H:%M", "%H:%M", "%S"],
            zero_formats=["", "%Y", "%-d %b", "%-d %b", "%H:%M", "%H:%M"],
            offset_formats=["", "%Y", "%Y", "%Y", "%-d %b %Y", "%-d %b %Y"],
        )
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(formatter)
    else:
        ax.set_xticks([])
        ax.text(
            0.5,
            0.5,
            chart.labels.empty,
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=FONT_SIZE + 2,
            color=AXIS,
        )

    plot_px = figure.get_figwidth() * figure.dpi * (_RIGHT - _LEFT)
    day_px = plot_px / max((end - start).total_seconds() / 86400, 1.0)
    for session in chart.sessions:
        day = session.astimezone(tz).date()
        band_start = datetime.combine(day, time.min, tz)
        band_end = datetime.combine(day + timedelta(days=1), time.min, tz)
        if day_px < _MIN_BAND_PX:
            widen = timedelta(days=(_MIN_BAND_PX / day_px - 1) / 2)
            band_start, band_end = band_start - widen, band_end + widen
        ax.axvspan(_num(band_start), _num(band_end), color=SESSION_BAND, linewidth=0, zorder=0.5)
        ax.plot(
            [_num(session)],
            [0],
            marker="^",
            markersize=10,
            color=SESSION_MARK,
            transform=ax.get_xaxis_transform(),
            clip_on=False,
            zorder=3,
        )

    handles: list[Line2D | Patch] = [
        Line2D([], [], color=PAIN, linewidth=2.5, marker="o", markersize=7,
               markerfacecolor="white", markeredgewidth=2, label=chart.labels.pain),
        Patch(facecolor=SESSION_BAND, edgecolor=SESSION_MARK, label=chart.labels.session_day),
    ]  # fmt: skip
    if chart.baseline is not None and math.isfinite(chart.baseline):
        baseline = _clip(chart.baseline)
        ax.axhline(baseline, color=BASELINE, linestyle=(0, (6, 4)), linewidth=2, zorder=1)
        handles.append(
            Line2D([], [], color=BASELINE, linestyle=(0, (6, 4)), linewidth=2,
                   label=chart.labels.baseline)
        )  # fmt: skip
        if baseline > 0 and 0 < chart.responder_pct < 100:
            target = baseline * (1 - chart.responder_pct / 100)
            ax.axhline(target, color=RESPONDER, linestyle=(0, (2, 3)), linewidth=2, zorder=1)
            handles.append(
                Line2D([], [], color=RESPONDER, linestyle=(0, (2, 3)), linewidth=2,
                       label=chart.labels.responder)
            )  # fmt: skip

    if points:
        # Many answers: a thinner line and smaller (then no) dots, so the course stays readable.
        crowded = len(points) > 60
        ax.plot(
            [_num(m) for m, _ in points],
            [s for _, s in points],
            color=PAIN,
            linewidth=1.5 if crowded else 2.5,
            marker="o" if len(points) <= 200 else "",
            markersize=3 if crowded else 7,
            markerfacecolor="white",
            markeredgewidth=2,
            zorder=4,
            clip_on=False,
        )

    figure.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.06, 0.0),
        ncols=2,
        frameon=False,
        fontsize=FONT_SIZE,
        handlelength=2.4,
        columnspacing=1.6,
        labelcolor=INK,
    )


def _num(moment: datetime) -> float:
    """A moment as matplotlib's date number (days since its epoch, from UTC)."""
    from matplotlib import dates as mdates

    return float(mdates.date2num(moment))  # type: ignore[no-untyped-call]


def _clip(score: float) -> float:
    return max(0.0, min(float(score), float(MAX_SCORE)))


def _span(moments: Sequence[datetime], *, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """From noon the day before the first moment to noon the day after the last one.

    Dots never sit on the frame, and date ticks (at midnights) never sit on its edges, where
    their labels would be cut.
    """
    if moments:
        first = min(moments).astimezone(tz).date()
        last = max(moments).astimezone(tz).date()
    else:
        first = last = date(2000, 1, 1)
    first = max(first, date.min + timedelta(days=1))
    last = min(last, date.max - timedelta(days=2))
    start = datetime.combine(first - timedelta(days=1), time(12), tz)
    end = datetime.combine(last + timedelta(days=1), time(12), tz)
    return start, end
