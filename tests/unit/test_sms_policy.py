"""SMS content policy: GSM-7, segment maths, and the words an SMS must never carry."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.sms_policy import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    UnsafeSmsText,
    assert_sms_safe,
    forbidden_terms,
    is_gsm7,
    non_gsm7_characters,
    segments,
)

REMINDER = (
    "Riverside Health: your visit is Tue 3 Jun at 10:00. "
    "Reply C to confirm, X to cancel. Call 555-0100."
)

gsm_basic_text = st.text(alphabet=sorted(GSM7_BASIC))
gsm_text = st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION))
any_text = st.text()


def test_plain_english_with_the_euro_and_brackets_is_gsm7():
    assert is_gsm7("Visit [Tue] at 10:00 {room 2}, fee €20 ~ ok? @clinic_name £5 ¿ñ")


@pytest.mark.parametrize("character", ["’", "“", "—", "😀", "ж", "\t", "á"])
def test_curly_quotes_dashes_emoji_and_foreign_letters_are_not_gsm7(character):
    assert is_gsm7(f"Don't forget {character}") is False
    assert non_gsm7_characters(f"a{character}b{character}") == [character]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # 160 septets: each extension character is ESC + itself
        ("€" * 81, 2),
        ("ж" * 70, 1),
        ("ж" * 71, 2),
        ("ж" * 134, 2),
        ("ж" * 135, 3),
        ("😀" * 35, 1),  # 70 UTF-16 code units: every emoji is a surrogate pair
        ("😀" * 36, 2),
    ],
)
def test_segment_boundaries_for_gsm7_and_ucs2(text, count):
    assert segments(text) == count


def test_an_escape_pair_is_never_split_across_parts():
    text = "a" * 152 + "€" + "a" * 152  # 306 septets, yet the € cannot straddle parts 1 and 2

    assert segments(text) == 3


def test_a_surrogate_pair_is_never_split_across_parts():
    text = "ж" * 66 + "😀" + "ж" * 67  # 135 units: the emoji cannot start at unit 67

    assert segments(text) == 3


def test_one_curly_apostrophe_doubles_the_cost_of_a_reminder():
    assert segments(REMINDER) == 1
    assert segments(REMINDER.replace("your", "you’re")) == 2


@given(any_text)
def test_segments_are_never_fewer_than_one(text):
    assert segments(text) >= 1


@given(any_text, any_text)
def test_appending_text_never_lowers_the_segment_count(head, tail):
    assert segments(head + tail) >= segments(head)


@given(gsm_basic_text)
def test_basic_gsm7_text_follows_160_then_153_per_part(text):
    expected = 1 if len(text) <= 160 else math.ceil(len(text) / 153)

    assert segments(text) == expected


@given(st.text(alphabet=st.characters(min_codepoint=0x400, max_codepoint=0x4FF), min_size=1))
def test_cyrillic_text_follows_70_then_67_per_part(text):
    expected = 1 if len(text) <= 70 else math.ceil(len(text) / 67)

    assert segments(text) == expected


@given(gsm_text)
def test_gsm7_text_is_always_reported_as_gsm7(text):
    assert is_gsm7(text)
    assert non_gsm7_characters(text) == []


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Your KETAMINE session", "ketamine"),
        ("Ketamine", "ketamine"),
        ("esketamine", "esketamine"),
        ("Your infusion is at 10", "infusion"),
        ("Infusions resume Monday", "infusion"),
        ("IV at 10", "iv"),
        ("pain", "pain"),
        ("Pains?", "pain"),
        ("a painful day", "pain"),
        ("CRPS clinic", "crps"),
        ("fibromyalgia", "fibromyalgia"),
        ("Depression", "depression"),
        ("neuropathic", "neuropathy"),
        ("Migraines", "migraine"),
        ("Spravato", "spravato"),
        ("ketalar", "ketalar"),
        ("midazolam", "midazolam"),
        ("Ondansetron 4 mg", "ondansetron"),
        ("nausea", "nausea"),
        ("feeling nauseous", "nausea"),
        ("Hallucinations", "hallucination"),
        ("dizziness", "dizziness"),
        ("dizzy", "dizziness"),
        ("blood in urine", "urine"),
        ("self-harm", "self-harm"),
        ("your dose", "dose"),
    ],
)
def test_forbidden_terms_are_found_in_any_case_and_common_variants(text, term):
    assert term in forbidden_terms(text)


@pytest.mark.parametrize(
    "text",
    [
        REMINDER,
        "Holiday in Spain",
        "painting class",  # word boundaries: "painting" is a different word from "pain"
        "Paine Street",
        "campaign",
        "ivory tower",
        "Reply STOP to opt out. Msg & data rates may apply.",
        "Bring a driver and comfortable clothes.",
    ],
)
def test_innocent_words_containing_a_forbidden_stem_pass(text):
    assert forbidden_terms(text) == []


def test_forbidden_terms_are_reported_once_in_order_of_appearance():
    assert forbidden_terms("Pain after the infusion? pain again") == ["pain", "infusion"]


@given(
    gsm_basic_text,
    gsm_basic_text,
    st.sampled_from(["ketamine", "Infusions", "PAIN", "CRPS", "nausea", "Spravato", "migraine"]),
)
def test_a_forbidden_word_between_spaces_is_always_found(head, tail, word):
    assert forbidden_terms(f"{head} {word} {tail}")


def test_a_neutral_one_segment_reminder_is_safe():
    assert_sms_safe(REMINDER)


def test_a_clinical_word_makes_the_text_unsafe():
    with pytest.raises(UnsafeSmsText) as unsafe:
        assert_sms_safe("Reminder: your infusion is tomorrow at 10:00.")

    assert unsafe.value.terms == ["infusion"]
    assert "infusion" in str(unsafe.value)


def test_a_non_gsm7_character_makes_the_text_unsafe_and_is_named():
    with pytest.raises(UnsafeSmsText) as unsafe:
        assert_sms_safe("See you tomorrow – Riverside Health")

    assert unsafe.value.non_gsm7 == ["–"]
    assert unsafe.value.terms == []


def test_a_text_longer_than_allowed_is_unsafe():
    with pytest.raises(UnsafeSmsText) as unsafe:
        assert_sms_safe("a" * 161)

    assert (unsafe.value.segment_count, unsafe.value.max_segments) == (2, 1)


def test_max_segments_allows_longer_texts_when_asked():
    assert_sms_safe("a" * 306, max_segments=2)


def test_unsafe_sms_text_is_a_value_error():
    with pytest.raises(ValueError, match="forbidden words: pain"):
        assert_sms_safe("pain")
