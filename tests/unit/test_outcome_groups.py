"""Outcomes in groups: start-month cohorts (bot/services/outcome_groups.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.outcomes import PainPoint, Response
from bot.services.outcome_groups import EARLIER, cohort_stats


def point(slot: str, reduction: float) -> PainPoint:
    return PainPoint(
        slot=slot,
        at=datetime(2027, 1, 1, tzinfo=UTC),
        pain=3,
        reduction_pct=reduction,
        response=Response.RESPONDER if reduction >= 30 else Response.NONE,
    )


def test_the_recent_months_keep_their_line_and_older_ones_share_one():
    cohorts = {(2026, month): [{"D1": [point("D1", 10.0 * month)]}] for month in range(1, 9)}
    stats = cohort_stats(cohorts, ("D1", "D3"), limit=5)
    assert [c.label for c in stats] == [
        EARLIER,
        "Apr 2026",
        "May 2026",
        "Jun 2026",
        "Jul 2026",
        "Aug 2026",
    ]
    earlier = stats[0]
    assert earlier.patients == 3
    assert earlier.slots[0].mean_reduction == pytest.approx(20.0)  # 10, 20, 30
    assert earlier.slots[0].responder_share == pytest.approx(1 / 3)
    assert stats[-1].slots[0].mean_reduction == pytest.approx(80.0)
    assert stats[-1].slots[1].count == 0
    assert stats[-1].slots[1].mean_reduction is None


def test_no_patients_no_cohorts():
    assert cohort_stats({}, ("D1",)) == ()
