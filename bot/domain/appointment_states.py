"""The appointment state machine: which of Done, No-show and Cancel an appointment allows, and when.

```
            ┌──── Done ────> completed ──┐
  booked ───┤                  ^   │     │ No-show (a correction: staff pressed Done by mistake)
            │   Done (a        │   v     │
            ├── correction) ── no_show <─┘
            │                    ^
            ├──── No-show ───────┘
            └──── Cancel (or a move) ──> cancelled   (final)
```

- Done on a completed appointment and No-show on a no-show are nothing to do (`ALREADY`); Cancel
  on a cancelled one too, but a caller that must cancel something treats it as refused.
- A cancelled appointment takes nothing more; a completed or no-show one cannot be cancelled.
- Done and No-show need the session to have started; Cancel and a move need it not to have.
- A staff button carries the appointment's version: once the status has left `booked`, a button
  made for an older version says what happened instead of acting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.enums import AppointmentStatus

BOOKED = AppointmentStatus.BOOKED
COMPLETED = AppointmentStatus.COMPLETED
NO_SHOW = AppointmentStatus.NO_SHOW
CANCELLED = AppointmentStatus.CANCELLED


class Change(StrEnum):
    DONE = "done"
    NO_SHOW = "no_show"
    CANCEL = "cancel"  # also a move: the old appointment is cancelled


class Verdict(StrEnum):
    APPLY = "apply"  # the status changes to `after`
    ALREADY = "already"  # it already is what the change asks for
    REFUSED = "refused"  # not from this status


# (change, status before) -> status after; a missing pair is refused.
_MOVES: dict[tuple[Change, AppointmentStatus], AppointmentStatus] = {
    (Change.DONE, BOOKED): COMPLETED,
    (Change.DONE, NO_SHOW): COMPLETED,
    (Change.DONE, COMPLETED): COMPLETED,
    (Change.NO_SHOW, BOOKED): NO_SHOW,
    (Change.NO_SHOW, COMPLETED): NO_SHOW,
    (Change.NO_SHOW, NO_SHOW): NO_SHOW,
    (Change.CANCEL, BOOKED): CANCELLED,
    (Change.CANCEL, CANCELLED): CANCELLED,
}


@dataclass(frozen=True)
class Transition:
    change: Change
    before: AppointmentStatus
    after: AppointmentStatus  # == before unless the verdict is APPLY
    verdict: Verdict

    @property
    def corrected(self) -> bool:
        """Done after a No-show, or No-show after a Done: staff correct what was recorded."""
        return self.verdict is Verdict.APPLY and self.before is not BOOKED


def transition(change: Change, status: AppointmentStatus | str) -> Transition:
    """What `change` does to an appointment in `status` (timing is `in_time`'s question)."""
    before = AppointmentStatus(status)
    after = _MOVES.get((change, before))
    if after is None:
        return Transition(change, before, before, Verdict.REFUSED)
    verdict = Verdict.ALREADY if after is before else Verdict.APPLY
    return Transition(change, before, after, verdict)


def in_time(change: Change, *, starts_at: datetime, now: datetime) -> bool:
    """Done and No-show once the session has started; Cancel and moves before it starts."""
    started = now >= starts_at
    return not started if change is Change.CANCEL else started


def button_still_valid(
    status: AppointmentStatus | str, *, made_for: int | None, current: int
) -> bool:
    """Whether a staff button made for version `made_for` may act on the appointment now.

    Changes that leave the session booked (the patient confirmed, a driver was noted) do not spoil
    the button; a cancellation, a move, Done or No-show do. No version (an older button) acts.
    """
    return made_for is None or made_for == current or AppointmentStatus(status) is BOOKED
