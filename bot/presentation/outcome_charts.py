"""The outcomes chart of the web console: pain reduction and responders at each check-in.

Drawn like the pain chart (bot/presentation/charts.py): matplotlib on the Agg canvas, no pyplot,
one figure at a time, returned as a standalone SVG.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.outcome_figures import SlotStat
from bot.presentation import charts

WIDTH_PX, HEIGHT_PX = 960, 460
REDUCTION = "#1e5ac8"
RESPONDERS = charts.RESPONDER


@dataclass(frozen=True)
class OutcomeChartLabels:
    title: str
    reduction: str
    responders: str
    empty: str


def slot_chart_svg(slots: Sequence[SlotStat], labels: OutcomeChartLabels) -> str:
    """Bars per check-in slot: mean pain reduction (%) and share of responders (%)."""
    with charts._LOCK:
        charts._load_matplotlib()
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import Patch

        dpi = charts.DPI
        figure = Figure(figsize=(WIDTH_PX / dpi, HEIGHT_PX / dpi), dpi=dpi)
        FigureCanvasAgg(figure)
        figure.set_facecolor("white")
        figure.subplots_adjust(left=0.08, right=0.97, top=0.86, bottom=0.24)
        ax = figure.add_subplot()
        ax.set_title(labels.title, loc="left", fontsize=charts.FONT_SIZE + 2, color=charts.INK,
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
        positions = list(range(len(slots)))
        ax.set_xticks(positions)
        ax.set_xticklabels([f"{s.slot}\nn={s.count}" for s in slots])
        width = 0.38
        reduction = [max(0.0, min(s.mean_reduction or 0.0, 100.0)) for s in slots]
        responders = [100 * (s.responder_share or 0.0) for s in slots]
        ax.bar([p - width / 2 for p in positions], reduction, width, color=REDUCTION)
        ax.bar([p + width / 2 for p in positions], responders, width, color=RESPONDERS)
        if not any(s.count for s in slots):
            ax.text(0.5, 0.55, labels.empty, transform=ax.transAxes, ha="center", va="center",
                    fontsize=charts.FONT_SIZE + 2, color=charts.AXIS)  # fmt: skip
        figure.legend(
            handles=[
                Patch(color=REDUCTION, label=labels.reduction),
                Patch(color=RESPONDERS, label=labels.responders),
            ],
            loc="lower left",
            bbox_to_anchor=(0.06, 0.0),
            ncols=2,
            frameon=False,
            fontsize=charts.FONT_SIZE,
            labelcolor=charts.INK,
        )
        out = io.BytesIO()
        figure.savefig(out, format="svg", dpi=dpi, metadata={"Date": None})
        return out.getvalue().decode("utf-8")
