"""A denial turned round by a later clause still counts; a true negation stays quiet (issue 10).

"please help me i dont want to hurt myself but i think i will" was dropped by the negation rule:
the turn ("but i think i will") holds no crisis word of its own. bot/domain/crisis_turn.py reads
the clauses after a negated match for an elliptical affirmation by the patient.
"""

from __future__ import annotations

import pytest

from bot.domain.crisis import CLAUSE, NEGATIONS, CrisisKind, CrisisTier, normalise
from bot.domain.crisis_turn import turned_round
from tests.unit.crisis_reading import MATCHER, read_as


@pytest.mark.parametrize(
    "sentence",
    [
        "please help me i dont want to hurt myself but i think i will",
        "i dont want to kill myself but im gonna",
        "i wont hurt myself, but i want to",
        "im not going to kill myself. i think i will though",
        "i dont want to die yet i feel like i might",
        "i promised i wouldnt cut myself again but part of me really wants to",
        "i dont want to hurt myself but i cant promise anything",
        "no quiero hacerme daño pero creo que lo voy a hacer",
        "no quiero matarme aunque creo que si",
    ],
)
def test_a_denial_turned_round_by_a_later_clause_pages(sentence):
    read_as(sentence, CrisisTier.STRONG, kind=CrisisKind.SELF_HARM)


@pytest.mark.parametrize(
    "sentence",
    [
        "i dont want to hurt myself and i wont",
        "i dont want to hurt myself, and i dont think i will",
        "no chest pain but my knee hurts",
        "not suicidal but i need to talk to someone",
        "i would never hurt myself but i understand why people do",
        "no quiero hacerme daño pero no lo voy a hacer",
        "i wont hurt myself but i might cancel my appointment",
    ],
)
def test_a_true_negation_with_a_contrast_stays_quiet(sentence):
    assert MATCHER.assess(sentence) is None


def test_only_the_next_two_clauses_are_read():
    words = normalise("i dont want to hurt myself. ok. fine. i think i will")
    last = words.index("myself") + 1
    assert not turned_round(words, last, frozenset(NEGATIONS), CLAUSE)
    near = normalise("i dont want to hurt myself. i think i will")
    assert turned_round(near, near.index("myself") + 1, frozenset(NEGATIONS), CLAUSE)


@pytest.mark.parametrize(
    "sentence",
    [
        "i dont want to die but i might do it anyway",
        "im not suicidal, well maybe i am",
        "i dont want to hurt myself but im doing it anyway",
    ],
)
def test_a_denial_taken_back_with_do_it_or_i_am_pages(sentence):
    read_as(sentence, CrisisTier.STRONG)


@pytest.mark.parametrize(
    "sentence",
    [
        "i wont hurt myself, i promise ill try",
        "not suicidal, im doing well",
        "i would never kill myself, i promise i wont",
    ],
)
def test_a_promise_or_a_reassurance_after_a_denial_stays_quiet(sentence):
    assert MATCHER.assess(sentence) is None
