"""Typed text that says a button's label counts as that button (issue 11, item 9)."""

from __future__ import annotations

import pytest

from bot.domain.sms_keywords import InboundKind, parse_inbound
from bot.domain.typed_answers import matching_label, normalise

YES_NO_UNSURE = ["Yes", "No", "Not sure"]
SCORES = [str(n) for n in range(11)]
SEVERITY = ["None", "Mild", "Moderate", "Severe", "Very severe"]


@pytest.mark.parametrize(
    ("typed", "index"),
    [("yes", 0), (" YES! ", 0), ("No 👍", 1), ("not   SURE", 2), ("👉 no", 1), ("Yes.", 0)],
)
def test_case_spacing_punctuation_and_emoji_are_ignored(typed, index):
    assert matching_label(typed, YES_NO_UNSURE) == index


@pytest.mark.parametrize(("typed", "index"), [("6", 6), ("06", 6), ("six", 6), ("Ten", 10)])
def test_numbers_match_as_digits_or_words(typed, index):
    assert matching_label(typed, SCORES) == index


@pytest.mark.parametrize("typed", ["yes and no", "maybe", "", "🙂", "11", "not sure yet", "y"])
def test_anything_that_is_not_one_whole_label_matches_nothing(typed):
    assert matching_label(typed, YES_NO_UNSURE + SCORES) is None


def test_severity_none_is_the_word_not_the_number_zero():
    assert matching_label("none", SEVERITY) == 0
    assert matching_label("0", SEVERITY) is None
    assert matching_label("very severe", SEVERITY) == 4


def test_a_label_with_a_comma_is_also_pressed_by_its_first_words():
    labels = ["Yes, text me too", "No, just Telegram"]
    assert matching_label("yes", labels) == 0
    assert matching_label("No", labels) == 1
    assert matching_label("yes text me too", labels) == 0


def test_emoji_labels_match_their_words():
    assert normalise("📅 Book a consultation") == "book a consultation"
    assert matching_label("book a consultation", ["📅 Book a consultation", "ℹ️ Help"]) == 0


@pytest.mark.parametrize(("body", "number"), [("six", 6), ("Zero", 0), ("ten!", 10)])
def test_an_sms_number_word_is_a_number(body, number):
    inbound = parse_inbound(body)
    assert (inbound.kind, inbound.number) == (InboundKind.NUMBER, number)
