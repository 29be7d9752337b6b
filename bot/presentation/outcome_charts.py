"""The outcome charts of the web console: pain reduction and responders at each check-in, pain
reduction over time by start-month cohort, and the worst side effect answered at each check-in.

Drawn like the pain chart (bot/presentation/charts.py): matplotlib on the Agg canvas, no pyplot,
one figure at a time, returned as a standalone SVG.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.presentation import charts
from bot.presentation.outcome_views import CohortStat, SideEffectStat, SlotStat

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_PX, HEIGHT_PX = 960, 460
REDUCTION = "#1e5ac8"
RESPONDERS = charts.RESPONDER
# One colour per cohort line, oldest to newest (told apart by marker too, for colour blindness).
COHORT_COLOURS = ("#7d8996", "#b07aa1", "#f28e2b", "#59a14f", "#1e5ac8", "#c81e2d")
COHORT_MARKERS = ("o", "s", "^", "D", "v", "P")
# Side-effect severities, mildest to worst: from pale to dark red.
SEVERITY_COLOURS = ("#d9e6d3", "#f6d58e", "#f09a4a", "#d2452f", "#8c1020", "#4a0610")


@dataclass(frozen=True)
class OutcomeChartLabels:
    title: str
    reduction: str
    responders: str
    empty: str


@dataclass(frozen=True)
class ChartText:
    """The words of a chart: its title and what it says when there is nothing to draw."""

    title: str
    empty: str


def slot_chart_svg(slots: Sequence[SlotStat], labels: OutcomeChartLabels) -> str:
    """Bars per check-in slot: mean pain reduction (%) and share of responders (%)."""
    legend = (labels.reduction, labels.responders)
    with _figure(labels.title, slots, legend=legend) as (figure, ax):
        from matplotlib.patches import Patch

        positions = list(range(len(slots)))
        width = 0.38
        reduction = [max(0.0, min(s.mean_reduction or 0.0, 100.0)) for s in slots]
        responders = [100 * (s.responder_share or 0.0) for s in slots]
        ax.bar([p - width / 2 for p in positions], reduction, width, color=REDUCTION)
        ax.bar([p + width / 2 for p in positions], responders, width, color=RESPONDERS)
        if not any(s.count for s in slots):
            _empty(ax, labels.empty)
        _legend(
            figure,
            [
                Patch(color=REDUCTION, label=legend[0]),
                Patch(color=RESPONDERS, label=legend[1]),
            ],
        )
        return _svg(figure)


def cohort_chart_svg(cohorts: Sequence[CohortStat], text: ChartText) -> str:
    """One line per start-month cohort: mean pain reduction (%) at each check-in slot."""
    slots = cohorts[0].slots if cohorts else ()
    names = [f"{c.label} (n={c.patients})" for c in cohorts]
    with _figure(text.title, slots, legend=names, counts=False) as (figure, ax):
        ax.set_ylim(-20, 100)
        ax.set_yticks(range(-20, 101, 20))
        ax.set_yticklabels([f"{v}%" for v in range(-20, 101, 20)])
        ax.axhline(0, color=charts.AXIS, linewidth=1)
        drawn = []
        for index, cohort in enumerate(cohorts):
            values = [
                math.nan if s.mean_reduction is None else max(-20.0, min(s.mean_reduction, 100.0))
                for s in cohort.slots
            ]
            if all(math.isnan(v) for v in values):
                continue
            (line,) = ax.plot(
                range(len(values)),
                values,
                color=COHORT_COLOURS[index % len(COHORT_COLOURS)],
                marker=COHORT_MARKERS[index % len(COHORT_MARKERS)],
                linewidth=2.2,
                markersize=7,
                label=names[index],
            )
            drawn.append(line)
        if not drawn:
            _empty(ax, text.empty)
        else:
            _legend(figure, drawn)
        return _svg(figure)


def side_effect_chart_svg(stats: Sequence[SideEffectStat], text: ChartText) -> str:
    """Stacked bars per check-in slot: the share of answers whose worst side effect was each
    severity, mildest at the bottom."""
    severities = [label for label, _ in stats[0].by_severity] if stats else []
    with _figure(text.title, stats, legend=severities) as (figure, ax):
        from matplotlib.patches import Patch

        positions = list(range(len(stats)))
        bottoms = [0.0] * len(stats)
        for level, label in enumerate(severities):
            shares = [100 * s.by_severity[level][1] / s.count if s.count else 0.0 for s in stats]
            ax.bar(positions, shares, 0.6, bottom=bottoms, color=SEVERITY_COLOURS[
                min(level, len(SEVERITY_COLOURS) - 1)], label=label)  # fmt: skip
            bottoms = [b + v for b, v in zip(bottoms, shares, strict=True)]
        if not any(s.count for s in stats):
            _empty(ax, text.empty)
        _legend(
            figure,
            [
                Patch(color=SEVERITY_COLOURS[min(i, len(SEVERITY_COLOURS) - 1)], label=label)
                for i, label in enumerate(severities)
            ],
        )
        return _svg(figure)


@contextmanager
def _figure(
    title: str, slots: Sequence[Any], *, legend: Sequence[str], counts: bool = True
) -> Iterator[tuple[Figure, Axes]]:
    """A 0-100% chart with one tick per check-in slot ("D1", with "n=12" under it when
    `counts`) and room below for a legend of these entries, under the chart lock."""
    with charts._LOCK:
        charts._load_matplotlib()
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        dpi = charts.DPI
        figure = Figure(figsize=(WIDTH_PX / dpi, HEIGHT_PX / dpi), dpi=dpi)
        FigureCanvasAgg(figure)
        figure.set_facecolor("white")
        rows = max(1, math.ceil(len(legend) / _legend_columns(legend)))
        bottom = (0.15 if counts else 0.09) + 0.075 * rows + 0.02
        figure.subplots_adjust(left=0.08, right=0.97, top=0.86, bottom=bottom)
        ax = figure.add_subplot()
        ax.set_title(title, loc="left", fontsize=charts.FONT_SIZE + 2, color=charts.INK,
                     fontweight="bold")  # fmt: skip
        ax.set_ylim(0, 100)
        ax.set_yticks(range(0, 101, 20))
        ax.set_yticklabels([f"{v}%" for v in range(0, 101, 20)])
        ax.grid(axis="y", color=charts.GRID, linewidth=1)
        ax.set_axisbelow(True)
        ax.tick_params(labelsize=charts.FONT_SIZE, colors=charts.INK)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color(charts.AXIS)
        ax.set_xticks(list(range(len(slots))))
        ax.set_xticklabels([f"{s.slot}\nn={s.count}" if counts else s.slot for s in slots])
        yield figure, ax


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.55, text, transform=ax.transAxes, ha="center", va="center",
            fontsize=charts.FONT_SIZE + 2, color=charts.AXIS)  # fmt: skip


def _legend(figure: Figure, handles: Sequence[Any]) -> None:
    figure.legend(
        handles=list(handles),
        loc="lower left",
        bbox_to_anchor=(0.06, 0.0),
        ncols=_legend_columns([h.get_label() for h in handles]),
        frameon=False,
        fontsize=charts.FONT_SIZE,
        labelcolor=charts.INK,
    )


def _legend_columns(labels: Sequence[str]) -> int:
    """As many entries on a row as fit the chart's width (about 70 characters with markers)."""
    widest = max((len(label) for label in labels), default=0) + 6
    return max(1, min(len(labels), 70 // widest))


def _svg(figure: Figure) -> str:
    out = io.BytesIO()
    figure.savefig(out, format="svg", dpi=charts.DPI, metadata={"Date": None})
    return out.getvalue().decode("utf-8")
