"""Issue 9 item 4: the appointment state machine (Done, No-show, Cancel) as a pure rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.appointment_states import (
    Change,
    Verdict,
    button_still_valid,
    in_time,
    transition,
)
from bot.domain.enums import AppointmentStatus

BOOKED = AppointmentStatus.BOOKED
COMPLETED = AppointmentStatus.COMPLETED
NO_SHOW = AppointmentStatus.NO_SHOW
CANCELLED = AppointmentStatus.CANCELLED

TABLE = [
    (Change.DONE, BOOKED, Verdict.APPLY, COMPLETED, False),
    (Change.DONE, NO_SHOW, Verdict.APPLY, COMPLETED, True),
    (Change.DONE, COMPLETED, Verdict.ALREADY, COMPLETED, False),
    (Change.DONE, CANCELLED, Verdict.REFUSED, CANCELLED, False),
    (Change.NO_SHOW, BOOKED, Verdict.APPLY, NO_SHOW, False),
    (Change.NO_SHOW, COMPLETED, Verdict.APPLY, NO_SHOW, True),
    (Change.NO_SHOW, NO_SHOW, Verdict.ALREADY, NO_SHOW, False),
    (Change.NO_SHOW, CANCELLED, Verdict.REFUSED, CANCELLED, False),
    (Change.CANCEL, BOOKED, Verdict.APPLY, CANCELLED, False),
    (Change.CANCEL, CANCELLED, Verdict.ALREADY, CANCELLED, False),
    (Change.CANCEL, COMPLETED, Verdict.REFUSED, COMPLETED, False),
    (Change.CANCEL, NO_SHOW, Verdict.REFUSED, NO_SHOW, False),
]


@pytest.mark.parametrize(("change", "before", "verdict", "after", "corrected"), TABLE)
def test_each_change_from_each_status(change, before, verdict, after, corrected):
    step = transition(change, before)
    assert (step.verdict, step.after, step.corrected) == (verdict, after, corrected)
    assert step.before is before
    assert step.change is change


def test_the_table_covers_every_change_from_every_status():
    assert {(c, s) for c, s, *_ in TABLE} == {(c, s) for c in Change for s in AppointmentStatus}


def test_a_stored_status_string_is_read():
    assert transition(Change.DONE, "no_show").after is COMPLETED
    with pytest.raises(ValueError, match="'lost'"):
        transition(Change.DONE, "lost")


def test_done_and_no_show_wait_for_the_start_cancel_must_come_before_it():
    start = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
    before, at, after = start - timedelta(seconds=1), start, start + timedelta(minutes=5)
    for change in (Change.DONE, Change.NO_SHOW):
        assert not in_time(change, starts_at=start, now=before)
        assert in_time(change, starts_at=start, now=at)
        assert in_time(change, starts_at=start, now=after)
    assert in_time(Change.CANCEL, starts_at=start, now=before)
    assert not in_time(Change.CANCEL, starts_at=start, now=at)
    assert not in_time(Change.CANCEL, starts_at=start, now=after)


def test_an_older_button_acts_only_while_the_session_is_still_booked():
    assert button_still_valid(COMPLETED, made_for=None, current=4)  # buttons without a version
    assert button_still_valid(COMPLETED, made_for=4, current=4)
    assert button_still_valid(BOOKED, made_for=2, current=4)  # confirmed since: still fine
    for status in (COMPLETED, NO_SHOW, CANCELLED):
        assert not button_still_valid(status, made_for=2, current=4)
