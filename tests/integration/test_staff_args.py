"""Staff command arguments are read forgivingly, and a mistake says what is wrong."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.domain.refs import RefKind
from handlers.staff_args import (
    BadArgument,
    parse_block,
    parse_day,
    parse_id,
    parse_new_patient,
    parse_range,
    parse_series,
    parse_service,
    parse_time,
    parse_time_range,
)

MONDAY = date(2027, 3, 1)
POOLS = ("clinician", "consult_room", "infusion_chair")
TREATMENTS = ["iv_infusion", "nasal_spray", "booster"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["2027-03-05"], date(2027, 3, 5)),
        (["3/5"], date(2027, 3, 5)),
        (["3/5/2028"], date(2028, 3, 5)),
        (["5", "Mar"], date(2027, 3, 5)),
        (["Mar", "5th"], date(2027, 3, 5)),
        (["march", "5", "2028"], date(2028, 3, 5)),
        (["Fri", "5", "March"], date(2027, 3, 5)),
        (["today"], MONDAY),
        (["Tomorrow"], date(2027, 3, 2)),
        (["yesterday"], date(2027, 2, 28)),
        (["fri"], date(2027, 3, 5)),
        (["monday"], MONDAY),
    ],
)
def test_days_are_read_in_many_forms(words, expected):
    assert parse_day(words, today=MONDAY) == expected


def test_slashed_dates_are_day_first_outside_north_america():
    assert parse_day(["3/5"], today=MONDAY, month_first=False) == date(2027, 5, 3)


@pytest.mark.parametrize("words", [["2027-02-30"], ["soon"], ["13/40"], []])
def test_unreadable_or_impossible_dates_are_refused(words):
    with pytest.raises(BadArgument):
        parse_day(words, today=MONDAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9", time(9)),
        ("09:30", time(9, 30)),
        ("9.30", time(9, 30)),
        ("930", time(9, 30)),
        ("14h", time(14)),
        ("2pm", time(14)),
        ("2:30 pm", time(14, 30)),
        ("12pm", time(12)),
        ("12am", time(0)),
    ],
)
def test_times_are_read_in_many_forms(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25", "9:75", "13pm", "noonish"])
def test_impossible_times_are_refused(text):
    with pytest.raises(BadArgument):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9-12", (time(9), time(12))),
        ("9:30-13:00", (time(9, 30), time(13))),
        ("2pm-4pm", (time(14), time(16))),
        ("9 to 1", (time(9), time(13))),
        ("9–12:30", (time(9), time(12, 30))),
    ],
)
def test_time_ranges_are_read_in_many_forms(text, expected):
    assert parse_time_range(text) == expected


def test_a_range_ending_before_it_starts_is_refused():
    with pytest.raises(BadArgument, match="not after"):
        parse_time_range("4pm-2pm")


def test_a_block_takes_a_date_a_range_an_optional_resource_and_a_reason():
    args = parse_block(
        ["5", "Mar", "9", "-", "12", "chair", "pump", "service"], today=MONDAY, pools=POOLS
    )
    assert (args.day, args.start, args.end) == (date(2027, 3, 5), time(9), time(12))
    assert args.pool == "infusion_chair"
    assert args.reason == "pump service"


def test_a_block_without_a_resource_closes_the_whole_clinic():
    args = parse_block(["tomorrow", "12-14", "staff", "training"], today=MONDAY, pools=POOLS)
    assert args.pool is None
    assert args.reason == "staff training"


def test_a_block_without_a_time_range_is_refused():
    with pytest.raises(BadArgument):
        parse_block(["tomorrow", "training"], today=MONDAY, pools=POOLS)


def test_series_arguments_accept_a_short_service_name_and_either_order():
    assert parse_series(["Ana", "Lopez", "iv", "6"], services=TREATMENTS).service == "iv_infusion"
    args = parse_series(["#12", "6", "nasal"], services=TREATMENTS)
    assert (args.patient, args.service, args.count) == ("#12", "nasal_spray", 6)


@pytest.mark.parametrize("words", [["#12", "iv"], ["#12", "iv", "six"], ["#12", "massage", "3"]])
def test_series_arguments_without_a_count_or_a_known_service_are_refused(words):
    with pytest.raises(BadArgument):
        parse_series(words, services=TREATMENTS)


def test_an_ambiguous_service_fragment_is_refused():
    with pytest.raises(BadArgument):
        parse_service("s", ["nasal_spray", "booster_s"])


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["2027-03-01", "2027-03-31"], (date(2027, 3, 1), date(2027, 3, 31))),
        (["1", "Mar", "to", "31", "Mar"], (date(2027, 3, 1), date(2027, 3, 31))),
        (["2027-03-01..2027-03-31"], (date(2027, 3, 1), date(2027, 3, 31))),
        (["today"], (MONDAY, MONDAY)),
    ],
)
def test_date_ranges_are_read_in_many_forms(words, expected):
    assert parse_range(words, today=MONDAY) == expected


def test_a_range_backwards_is_refused():
    with pytest.raises(BadArgument, match="before"):
        parse_range(["2027-03-31", "2027-03-01"], today=MONDAY)


def test_a_new_patient_phone_may_be_typed_with_spaces():
    assert parse_new_patient(["+1", "(617)", "555-0177", "Carla", "Diaz"]) == (
        "+1(617)555-0177",
        "Carla Diaz",
    )


@pytest.mark.parametrize("words", [["Carla"], ["+16175550177"], []])
def test_a_new_patient_needs_a_phone_and_a_name(words):
    with pytest.raises(BadArgument):
        parse_new_patient(words)


def test_identifiers_are_read_with_their_prefix_a_hash_or_bare():
    assert parse_id(["B-12"], RefKind.BLOCK) == 12
    assert parse_id(["#12"], RefKind.BLOCK) == 12
    assert parse_id(["12"], RefKind.BLOCK) == 12
    with pytest.raises(BadArgument, match="not a block of closed time such as B-12"):
        parse_id(["twelve"], RefKind.BLOCK)
    with pytest.raises(BadArgument, match="A-12 is an appointment; this needs a block"):
        parse_id(["A-12"], RefKind.BLOCK)
