"""Outcomes in groups, for the clinic summary and the console's charts (CLINICAL.md section 5).

Pain reduction per check-in slot (all patients, or one start-month cohort: the patients whose
first completed session fell in that month), and the worst side effect answered at each slot.
Pure functions over `bot.domain.outcomes` records; `OutcomesReport` gathers their inputs.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence

from bot.domain.checkins import CheckinCatalog, QuestionKind
from bot.domain.outcomes import PainPoint, Response
from bot.presentation.outcome_views import CohortStat, SideEffectStat, SlotStat

# The most recent start months drawn as their own line; older cohorts share one.
MAX_COHORTS = 5
EARLIER = "earlier"
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def slot_stat(slot: str, points: Sequence[PainPoint]) -> SlotStat:
    reductions = [p.reduction_pct for p in points if p.reduction_pct is not None]
    responses = [p.response for p in points if p.response is not None]
    count = len(reductions)
    return SlotStat(
        slot=slot,
        count=count,
        mean_reduction=statistics.fmean(reductions) if reductions else None,
        responder_share=(
            sum(r in (Response.RESPONDER, Response.SUBSTANTIAL) for r in responses) / count
            if count
            else None
        ),
        substantial_share=(
            sum(r is Response.SUBSTANTIAL for r in responses) / count if count else None
        ),
    )


def cohort_stats(
    cohorts: Mapping[tuple[int, int], Sequence[Mapping[str, Sequence[PainPoint]]]],
    slots: Sequence[str],
    *,
    limit: int = MAX_COHORTS,
) -> tuple[CohortStat, ...]:
    """Per start month (year, month) the patients' pain points by slot group -> one line each.

    The `limit` most recent months keep their own line (oldest first); older ones are merged
    into one "earlier" cohort so the chart stays readable over a long range.
    """
    months = sorted(cohorts)
    recent, older = months[-limit:], months[:-limit]
    groups: list[tuple[str, list[Mapping[str, Sequence[PainPoint]]]]] = []
    if older:
        groups.append((EARLIER, [patient for month in older for patient in cohorts[month]]))
    groups += [(f"{_MONTHS[m - 1]} {y}", list(cohorts[(y, m)])) for y, m in recent]
    return tuple(
        CohortStat(
            label=label,
            patients=len(patients),
            slots=tuple(
                slot_stat(slot, [p for patient in patients for p in patient.get(slot, ())])
                for slot in slots
            ),
        )
        for label, patients in groups
    )


def severity_labels(catalog: CheckinCatalog) -> tuple[tuple[int, str], ...]:
    """(score, label) of the side-effect severity scale, mildest first."""
    for question in catalog.set_questions(catalog.outcomes.side_effect_set):
        if question.kind is QuestionKind.SEVERITY:
            return tuple(sorted((o.score, o.label) for o in question.options))
    return ()


def side_effect_stats(
    worst: Mapping[str, Sequence[int]], slots: Sequence[str], catalog: CheckinCatalog
) -> tuple[SideEffectStat, ...]:
    """Per slot group the worst severity score of each check-in -> counts by severity label."""
    scale = severity_labels(catalog)
    return tuple(
        SideEffectStat(
            slot=slot,
            count=len(worst.get(slot, ())),
            by_severity=tuple(
                (label, sum(1 for s in worst.get(slot, ()) if s == score)) for score, label in scale
            ),
        )
        for slot in slots
    )
