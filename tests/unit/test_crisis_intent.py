"""Round 23 of the crisis matcher (issue 10): signs read over a whole message, answers given
after a question, and where the new families stop.

The sentences of each family are in tests/data (crisis_positive.txt, crisis_soft.txt,
crisis_negative.txt); these tests pin the edges: the reason that keeps an ordinary message quiet,
and the words that keep a real crisis paged next to a lowering rule.
"""

from __future__ import annotations

import pytest

from bot.domain.crisis import CLAUSE, NEGATIONS, CrisisKind, CrisisTier, normalise
from bot.domain.crisis_intent import answered_no_later, message_sign
from tests.unit.crisis_reading import MATCHER, read_as


def _sign(text: str) -> tuple[str, str] | None:
    return message_sign(normalise(text), CLAUSE, frozenset(NEGATIONS))


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("got it all prepared. the letter, the pills", "self_harm"),
        (
            "please cancel every session i have left, i wont need them. thank you for everything",
            "self_harm",
        ),
        ("theres a rifle in the garage and i keep picturing turning it on myself", "self_harm"),
        ("i dont want to but i think i will", "self_harm"),
        ("no se donde estoy, llevo horas asi y empeora", "emergency"),
        ("worst headache, my neck is stiff and i have a fever", "emergency"),
    ],
)
def test_a_sign_split_by_punctuation_is_read_over_the_whole_message(sentence, kind):
    sign = _sign(sentence)
    assert sign is not None
    assert sign[0] == kind
    read_as(sentence, CrisisTier.STRONG, kind=CrisisKind(kind))
    assert MATCHER.match(sentence) is not None  # the strong tier pages on it too


@pytest.mark.parametrize(
    "sentence",
    [
        "cancel all my appointments, i wont need them because im moving to denver",
        "i have everything ready for my session, the pills and a note for my driver",
        "i dont want to do the infusion but i think i will",
        "can i use the spray on myself at home",
        "im still confused about the billing",  # no lost day or place, nothing lasting
    ],
)
def test_an_ordinary_message_with_a_reason_or_the_treatment_is_no_sign(sentence):
    assert _sign(sentence) is None


def test_still_confused_alone_stays_a_callback_not_a_page():
    read_as("hes still confused since this morning", CrisisTier.SOFT)


def test_the_answer_no_only_cancels_words_that_were_asked():
    asked = normalise("a la pregunta de si tengo dolor de pecho la respuesta es no")
    assert MATCHER.assess("a la pregunta de si tengo dolor de pecho la respuesta es no") is None
    said = "i have chest pain and the answer is no i havent called anyone"
    read_as(said, CrisisTier.STRONG)
    assert answered_no_later(asked, asked.index("pecho") + 1, CLAUSE)


@pytest.mark.parametrize(
    "sentence",
    [
        "we were watching a movie and my husband collapsed and isnt breathing",
        "in the movie i was watching i suddenly got crushing chest pain",
        "my brother had a seizure once at another clinic and now hes not waking up",
        "my husband had a seizure, is that normal",  # no sign it is the past: paged
        "can ketamine make me suicidal because i want to kill myself right now",
        "i feel like a burden to everyone, they would be better off without me",
    ],
)
def test_a_crisis_next_to_fiction_a_relative_or_a_question_still_pages(sentence):
    read_as(sentence, CrisisTier.STRONG)


@pytest.mark.parametrize(
    "sentence",
    [
        "the show last night had a seizure scene",
        "in the film the character says she doesnt want to be here anymore",
        "my brother had an allergic reaction to penicillin once, does that run in families",
        "i feel like such a burden asking my son for rides again",
        "will ketamine make me feel suicidal?",
        "my wife says i was talking nonsense after the session but im back to normal now",
    ],
)
def test_fiction_a_relatives_past_a_ride_or_a_question_is_asked_not_paged(sentence):
    read_as(sentence, CrisisTier.SOFT)
    assert MATCHER.match(sentence) is None
