"""One check-in schedule per patient (issue 11 item 4): spacing, sessions and a weekly cap.

Pure rules, standard library only. The aftercare service plans a session's check-ins, then asks
`merge_schedule` how they fit with what the patient already has planned: no two check-ins
within `min_gap` of each other, none while a session is running, at most `per_week` in a clinic
week (Monday to Sunday). Protected check-ins (the evening safety question, pre-session checks)
are never dropped for spacing or the cap: an unprotected one near them gives way instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Planned:
    """A check-in already planned for the patient (an outbox row not yet sent)."""

    row_id: int
    due: datetime
    protected: bool


@dataclass(frozen=True)
class Candidate:
    slot: str
    due: datetime
    protected: bool


@dataclass(frozen=True)
class Merged:
    keep: tuple[Candidate, ...]  # with their (possibly moved) due times, in time order
    dropped: tuple[str, ...]  # candidate slots left out
    cancel: tuple[int, ...]  # planned rows that give way to a protected candidate


def _week(moment: datetime, tz: ZoneInfo) -> date:
    local = moment.astimezone(tz).date()
    return local - timedelta(days=local.weekday())


def merge_schedule(
    candidates: Sequence[Candidate],
    planned: Sequence[Planned],
    sessions: Sequence[tuple[datetime, datetime]],
    *,
    min_gap: timedelta,
    per_week: int,
    tz: ZoneInfo,
) -> Merged:
    """Fit `candidates` into the patient's schedule (see the module docstring)."""
    taken: list[tuple[datetime, bool, int | None]] = [
        (p.due, p.protected, p.row_id) for p in planned
    ]
    keep: list[Candidate] = []
    dropped: list[str] = []
    cancel: list[int] = []
    for candidate in sorted(candidates, key=lambda c: c.due):
        due = candidate.due
        for start, end in sessions:
            if start <= due < end:
                due = end  # asked once the session is over, never in the chair
        near = [t for t in taken if abs(t[0] - due) < min_gap]
        if near and not candidate.protected:
            dropped.append(candidate.slot)
            continue
        for moment, protected, row_id in near:
            if not protected and row_id is not None:
                cancel.append(row_id)
                taken.remove((moment, protected, row_id))
        week = _week(due, tz)
        in_week = sum(1 for t in taken if _week(t[0], tz) == week)
        if in_week >= per_week and not candidate.protected:
            dropped.append(candidate.slot)
            continue
        kept = Candidate(candidate.slot, due, candidate.protected)
        keep.append(kept)
        taken.append((due, candidate.protected, None))
    return Merged(tuple(sorted(keep, key=lambda c: c.due)), tuple(dropped), tuple(cancel))
