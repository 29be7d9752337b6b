"""Reading inbound SMS: keywords, opt-outs, numbers and free text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.sms_keywords import (
    MAX_BODY_CHARS,
    OPT_OUT_WORDS,
    Inbound,
    InboundKind,
    parse_inbound,
)

FCC_AND_CLINIC_OPT_OUT_WORDS = [
    "STOP",
    "STOPALL",
    "QUIT",
    "END",
    "REVOKE",
    "OPT OUT",
    "OPTOUT",
    "CANCEL",
    "UNSUBSCRIBE",
]


def variants(word: str) -> list[str]:
    """Return the ways a phone and a person mangle one keyword."""
    return [word, word.lower(), word.title(), f"  {word}  ", f"{word}.", f"{word}!!", f"\n{word}\n"]


@pytest.mark.parametrize(
    "body", [v for word in FCC_AND_CLINIC_OPT_OUT_WORDS for v in variants(word)]
)
def test_every_opt_out_word_opts_out_whatever_its_case_spacing_or_punctuation(body):
    assert parse_inbound(body).kind is InboundKind.OPT_OUT


def test_every_listed_opt_out_word_is_known():
    assert {word.lower() for word in FCC_AND_CLINIC_OPT_OUT_WORDS} <= OPT_OUT_WORDS


@pytest.mark.parametrize(
    "body",
    [
        "opt-out",
        "Opt   out",
        "please stop",
        "STOP please",
        "stop it",
        "Stop texting me",
        "please unsubscribe me",
        "don't text me",
        "Don’t text me anymore",
        "do not contact me",
        "remove me from this list",
        "Take me off your list please",
        "no more texts",
        "I don't want these messages",
        "Stop sending me these",
        "Wrong number",
        "Hi, I moved away, please stop texting me. Thanks!",
    ],
)
def test_plain_language_opt_outs_opt_out(body):
    assert parse_inbound(body).kind is InboundKind.OPT_OUT


@pytest.mark.parametrize(
    "body",
    [
        "the ache did not stop",
        "I need to cancel my appointment",
        "see you at the end of the week",
        "stopped by yesterday",
    ],
)
def test_opt_out_words_inside_ordinary_sentences_are_free_text(body):
    assert parse_inbound(body).kind is InboundKind.TEXT


@pytest.mark.parametrize("body", ["START", "start", " Unstop. "])
def test_start_and_unstop_opt_back_in(body):
    assert parse_inbound(body).kind is InboundKind.OPT_IN


def test_subscribe_is_not_taken_for_an_opt_in_twilio_would_not_honour():
    assert parse_inbound("SUBSCRIBE").kind is InboundKind.TEXT


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("  c. ", InboundKind.CONFIRM),
        ("C", InboundKind.CONFIRM),
        ("Confirm", InboundKind.CONFIRM),
        ("c thanks", InboundKind.CONFIRM),
        ("Y", InboundKind.YES),
        ("yes!", InboundKind.YES),
        ("Yes please", InboundKind.YES),
        ("n", InboundKind.NO),
        ("No thanks", InboundKind.NO),
        ("X", InboundKind.CANCEL_APPOINTMENT),
        (" x ", InboundKind.CANCEL_APPOINTMENT),
        ("R", InboundKind.RESCHEDULE),
        ("reschedule", InboundKind.RESCHEDULE),
        ("BOOK", InboundKind.BOOK),
        ("book now", InboundKind.BOOK),
        ("HELP", InboundKind.HELP),
        ("info?", InboundKind.HELP),
    ],
)
def test_keywords_are_read_forgiving_case_spacing_punctuation_and_politeness(body, kind):
    assert parse_inbound(body).kind is kind


def test_cancel_opts_out_while_x_cancels_the_appointment():
    assert parse_inbound("CANCEL").kind is InboundKind.OPT_OUT
    assert parse_inbound("X").kind is InboundKind.CANCEL_APPOINTMENT


def test_c_confirms_while_y_answers_yes_and_the_caller_decides():
    assert parse_inbound("C").kind is InboundKind.CONFIRM
    assert parse_inbound("YES").kind is InboundKind.YES


@pytest.mark.parametrize("number", range(11))
def test_a_lone_number_from_0_to_10_is_a_number(number):
    assert parse_inbound(f" {number} ") == Inbound(
        InboundKind.NUMBER, number=number, text=str(number)
    )


@pytest.mark.parametrize(("body", "number"), [("7/10", 7), ("10 / 10", 10), ("3.", 3), ("07", 7)])
def test_a_score_out_of_ten_is_a_number(body, number):
    assert parse_inbound(body).number == number


@pytest.mark.parametrize("body", ["11", "100", "-1", "+5", "7.5", "7 or 8"])
def test_numbers_outside_0_to_10_or_not_whole_are_free_text(body):
    assert parse_inbound(body).kind is InboundKind.TEXT


def test_free_text_keeps_what_the_patient_wrote_trimmed():
    assert parse_inbound("  Running 10 minutes late, sorry!  ") == Inbound(
        InboundKind.TEXT, text="Running 10 minutes late, sorry!"
    )


def test_a_5000_character_body_is_bounded():
    # Cut to Twilio's 1,600 characters before any pattern runs, and no pattern nests quantifiers,
    # so the work is linear in a bounded length (no stopwatch: CI machines are loaded).
    bodies = ["a" * 5000, "please " * 715, "stop " * 1000, "7" * 5000, ("x " * 2500)]

    results = [parse_inbound(body) for body in bodies]

    assert all(len(result.text) <= MAX_BODY_CHARS for result in results)
    assert results[0].kind is InboundKind.TEXT


def test_a_long_message_that_asks_to_stop_texting_opts_out():
    body = "Stop texting me. " + "I have said this before. " * 200

    assert parse_inbound(body).kind is InboundKind.OPT_OUT


@given(st.text(max_size=6000))
def test_any_body_parses_without_error_and_only_numbers_carry_a_number(body):
    result = parse_inbound(body)

    assert (result.number is not None) is (result.kind is InboundKind.NUMBER)
    if result.number is not None:
        assert 0 <= result.number <= 10
    assert len(result.text) <= MAX_BODY_CHARS
