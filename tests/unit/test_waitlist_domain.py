"""The waitlist's pure rules: which freed times suit a waiting patient, and who is asked first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.domain.waitlist import (
    ALL_DAYS,
    LATEST_WEEKS,
    OfferOrder,
    PartOfDay,
    Preferences,
    date_range,
    in_turn,
    next_choice,
    to_offer,
    toggle_day,
    weekdays_of,
)

NY = ZoneInfo("America/New_York")
TUESDAY_0830 = datetime(2027, 3, 2, 13, 30, tzinfo=UTC)  # 8:30 AM in New York
TUESDAY_1300 = datetime(2027, 3, 2, 18, 0, tzinfo=UTC)  # 1:00 PM


def test_no_preferences_suit_any_time():
    assert Preferences().suits(TUESDAY_0830, NY)
    assert Preferences().suits(TUESDAY_1300, NY)


def test_days_and_part_of_day_are_read_in_clinic_time():
    tuesday_mornings = Preferences(weekdays=frozenset({1}), part=PartOfDay.MORNING)
    assert tuesday_mornings.suits(TUESDAY_0830, NY)
    assert not tuesday_mornings.suits(TUESDAY_1300, NY)
    assert not Preferences(weekdays=frozenset({0})).suits(TUESDAY_0830, NY)
    assert Preferences(part=PartOfDay.AFTERNOON).suits(TUESDAY_1300, NY)
    # 11:30 PM on Monday in New York is already Tuesday in UTC: still a Monday here.
    late_monday = datetime(2027, 3, 2, 4, 30, tzinfo=UTC)
    assert Preferences(weekdays=frozenset({0})).suits(late_monday, NY)


def test_the_date_range_is_inclusive():
    on_the_day = Preferences(earliest=date(2027, 3, 2), latest=date(2027, 3, 2))
    assert on_the_day.suits(TUESDAY_0830, NY)
    assert not Preferences(earliest=date(2027, 3, 3)).suits(TUESDAY_0830, NY)
    assert not Preferences(latest=date(2027, 3, 1)).suits(TUESDAY_0830, NY)


def test_weekday_masks_toggle_and_an_empty_mask_is_every_day():
    assert weekdays_of(0) == ALL_DAYS
    mask = toggle_day(0, 1)
    assert weekdays_of(mask) == {1}
    assert toggle_day(mask, 1) == 0
    assert toggle_day(mask, 9) == mask


def test_choices_cycle_and_date_ranges_follow_weeks():
    assert next_choice(LATEST_WEEKS, 0) == 2
    assert next_choice(LATEST_WEEKS, 8) == 0
    assert next_choice(LATEST_WEEKS, 5) == 0
    today = date(2027, 3, 1)
    assert date_range(today, earliest_weeks=0, latest_weeks=0) == (today, None)
    assert date_range(today, earliest_weeks=1, latest_weeks=2) == (
        date(2027, 3, 8),
        date(2027, 3, 15),
    )


@dataclass
class Entry:
    id: int | None
    joined_at: datetime


def test_patients_are_asked_in_the_order_they_joined():
    first = Entry(2, datetime(2027, 3, 1, 9, tzinfo=UTC))
    second = Entry(1, datetime(2027, 3, 1, 10, tzinfo=UTC))
    tie = Entry(3, datetime(2027, 3, 1, 10, tzinfo=UTC))
    assert in_turn([tie, second, first]) == [first, second, tie]


def test_in_order_asks_one_at_a_time_first_to_accept_asks_everyone():
    entries = [Entry(1, TUESDAY_0830), Entry(2, TUESDAY_1300)]
    assert to_offer(entries, order=OfferOrder.IN_ORDER, already_open=False) == entries[:1]
    assert to_offer(entries, order=OfferOrder.IN_ORDER, already_open=True) == []
    assert to_offer(entries, order=OfferOrder.FIRST_TO_ACCEPT, already_open=True) == entries
    assert to_offer([], order=OfferOrder.FIRST_TO_ACCEPT, already_open=False) == []
