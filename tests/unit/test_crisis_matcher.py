"""Crisis language in free text (CLINICAL.md 4b): the matcher against a corpus of patient words."""

from __future__ import annotations

import bisect
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.crisis import (
    CLAUSE,
    EMERGENCY_PHRASES,
    IDIOMS,
    SELF_HARM_PHRASES,
    SOFT_EMERGENCY_PHRASES,
    SOFT_SELF_HARM_PHRASES,
    BadPhrase,
    CheckAnswer,
    CrisisKind,
    CrisisMatcher,
    CrisisTier,
    check_negation,
    compile_phrase,
    normalise,
    parse_check_answer,
)
from bot.profile import load_profile
from bot.services.crisis import bot_texts_to_ignore
from bot.texts import Texts
from tests.paths import DATA


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


POSITIVE = [
    tuple(part.strip() for part in line.split("|", 1)) for line in _lines("crisis_positive.txt")
]
NEGATIVE = _lines("crisis_negative.txt")
SOFT = [tuple(part.strip() for part in line.split("|", 1)) for line in _lines("crisis_soft.txt")]
PROFILE = load_profile()
MATCHER = CrisisMatcher(quoted=bot_texts_to_ignore(PROFILE, Texts(PROFILE.texts)))


def test_the_corpus_has_at_least_a_hundred_sentences_each_way():
    assert len(POSITIVE) >= 100
    assert len(NEGATIVE) >= 100
    assert {kind for kind, _ in POSITIVE} == {"self_harm", "emergency"}


@pytest.mark.parametrize(("kind", "sentence"), POSITIVE, ids=[s for _, s in POSITIVE])
def test_crisis_sentence_is_caught_with_its_class(kind, sentence):
    found = MATCHER.match(sentence)
    assert found is not None, sentence
    assert found.kind is CrisisKind(kind)
    assert found.phrase
    assessed = MATCHER.assess(sentence)
    assert assessed is not None
    assert assessed.tier is CrisisTier.STRONG


@pytest.mark.parametrize("sentence", NEGATIVE, ids=NEGATIVE)
def test_everyday_or_negated_sentence_does_not_fire(sentence):
    assert MATCHER.match(sentence) is None
    assert MATCHER.assess(sentence) is None  # not even the "are you safe?" check


@pytest.mark.parametrize(("kind", "sentence"), SOFT, ids=[s for _, s in SOFT])
def test_a_softer_sign_is_caught_at_least_softly_with_its_class(kind, sentence):
    found = MATCHER.assess(sentence)
    assert found is not None, sentence
    assert found.kind is CrisisKind(kind)
    assert found.phrase


def test_the_soft_corpus_is_mostly_soft_and_never_read_by_match_alone():
    tiers = [MATCHER.assess(sentence) for _, sentence in SOFT]
    soft = [found for found in tiers if found is not None and found.tier is CrisisTier.SOFT]
    assert len(SOFT) >= 50
    assert len(soft) >= 0.8 * len(SOFT)
    # match() is the strong tier only: a soft sign never reaches a caller that pages on it.
    assert all(MATCHER.match(s) is None for (_, s), f in zip(SOFT, tiers, strict=True) if f in soft)


@pytest.mark.parametrize(
    ("sentence", "tier"),
    [
        ("i had suicidal thoughts after my last infusion", CrisisTier.SOFT),  # recent: asked
        ("i had suicidal thoughts after my last infusion, doing well now", None),
        ("i tried to overdose last week", CrisisTier.STRONG),  # a recent attempt still pages
        ("I had suicidal thoughts years ago, I'm fine now", None),
        ("history of suicide attempts", None),  # distant: not even asked
        ("chest felt tight but it went away", CrisisTier.SOFT),  # may come back: asked
        ("chest feels tight and it's not going away", CrisisTier.STRONG),
        ("this pain is killing me", None),
        ("I'd die for a coffee", None),
        ("my brother died by suicide", None),
        ("my brother died by suicide and i want to die too", CrisisTier.STRONG),
        ("I'm going to end it with my boyfriend", None),
        ("im going to end it", CrisisTier.STRONG),
    ],
)
def test_past_settled_and_idiomatic_words_are_soft_or_nothing(sentence, tier):
    found = MATCHER.assess(sentence)
    assert (found.tier if found is not None else None) is tier, sentence


@pytest.mark.parametrize(
    ("sentence", "tier"),
    [
        ("bp 220/130 and a headache", CrisisTier.STRONG),
        ("blood pressure is 185 over 122", CrisisTier.STRONG),
        ("my bp is 185/100", CrisisTier.SOFT),
        ("pressure 150/112", CrisisTier.SOFT),
        ("bp 130/85 at the pharmacy", None),
        ("bp 12/8", None),
        ("room 220/130", None),
        ("my heart rate is 165 and i feel awful", CrisisTier.SOFT),
        ("pulse 150 on the treadmill", None),  # exercise
        ("resting heart rate 70", None),
    ],
)
def test_a_typed_blood_pressure_or_pulse_is_read_by_its_level(sentence, tier):
    found = MATCHER.assess(sentence)
    assert (found.tier if found is not None else None) is tier, sentence
    if tier is not None:
        assert found is not None
        assert found.kind is CrisisKind.EMERGENCY


def test_a_message_with_both_classes_names_both_emergency_first():
    found = MATCHER.match("i took all my pills and now i cant breathe")
    assert found is not None
    assert found.kinds == (CrisisKind.EMERGENCY, CrisisKind.SELF_HARM)


def test_the_match_names_the_words_that_fired():
    found = MATCHER.match("Honestly I've been thinking about ending it all lately")
    assert found is not None
    assert found.phrase == "ending it all"


def test_a_pasted_bot_question_does_not_fire_but_words_after_it_do():
    question = PROFILE.checkins["questions"][0]["text"]
    assert MATCHER.match(question) is None
    found = MATCHER.match(f"{question} yes and now i cant breathe")
    assert found is not None
    assert found.kind is CrisisKind.EMERGENCY


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("my son says he wants to kill himself", CrisisKind.SELF_HARM),
        ("she said she'd shoot herself", CrisisKind.SELF_HARM),
        ("me quiero matar", CrisisKind.SELF_HARM),
        ("thinking about sewerslide", CrisisKind.SELF_HARM),
        ("i want to k*ll myself", CrisisKind.SELF_HARM),
        ("su1c1dal again", CrisisKind.SELF_HARM),
        ("my wife fell and isnt responding", CrisisKind.EMERGENCY),
        ("mi esposo no puede respirar", CrisisKind.EMERGENCY),
        ("the right side of my body went numb", CrisisKind.EMERGENCY),
    ],
)
def test_other_persons_spanish_and_disguised_spellings_are_caught(sentence, kind):
    found = MATCHER.match(sentence)
    assert found is not None
    assert found.kind is kind


def test_a_question_about_what_to_do_is_not_a_report_but_a_doubt_still_fires():
    assert MATCHER.match("who do i call if i have trouble breathing after the injection") is None
    assert MATCHER.match("do i call 911 if i get chest pain at home") is None
    assert MATCHER.match("what are the signs of a stroke") is None
    found = MATCHER.match("i dont know if this is serious my chest is crushing")
    assert found is not None
    assert found.kind is CrisisKind.EMERGENCY


def test_a_screening_question_reported_with_a_no_does_not_fire_but_with_a_yes_does():
    assert MATCHER.match("my therapist asked about suicide and i said no") is None
    assert MATCHER.match("my therapist asked about suicide and i said yes") is not None


def test_waking_and_responding_fire_only_when_said_of_someone_else():
    assert MATCHER.match("i couldnt wake up this morning so i missed my call") is None
    assert MATCHER.match("sorry i didnt respond sooner") is None
    found = MATCHER.match("my husband wont wake up")
    assert found is not None
    assert found.kind is CrisisKind.EMERGENCY


def test_an_underscore_joins_words_into_one_alternative():
    phrase = compile_phrase("cant .. keep_going|go_on $")
    assert phrase.pattern.search(" ".join(normalise("i just cant keep going")))
    assert phrase.pattern.search(" ".join(normalise("i cant go on")))
    assert not phrase.pattern.search(" ".join(normalise("i cant keep the appointment going")))
    with pytest.raises(BadPhrase):
        compile_phrase("keep_go*|x_ab*")


def test_the_anchor_index_never_skips_a_phrase_that_matches():
    """The matcher only tries phrases whose anchor word is in the text: that must be safe."""
    sentences = [normalise(sentence) for sentence in [s for _, s in POSITIVE + SOFT] + NEGATIVE]
    present = [{word for word in words if word != CLAUSE} for words in sentences]
    # One text of all sentences (each ends with a clause mark), and where each one starts.
    starts = []
    offset = 0
    for words in sentences:
        starts.append(offset)
        offset += len(" ".join(words)) + 1
    text = " ".join(" ".join(words) for words in sentences)
    every = [*SELF_HARM_PHRASES, *EMERGENCY_PHRASES, *IDIOMS]
    for source in [*every, *SOFT_SELF_HARM_PHRASES, *SOFT_EMERGENCY_PHRASES]:
        phrase = compile_phrase(source)
        for found in phrase.pattern.finditer(text):
            words = present[bisect.bisect_right(starts, found.start()) - 1]
            assert any(
                any(w.startswith(anchor) for w in words) if prefix else anchor in words
                for anchor, prefix in phrase.anchors
            ), (source, found.group())


def test_normalising_reads_apostrophes_repeats_and_misspellings():
    assert normalise("I CAN'T BREATHHHH!!") == ["i", "cant", "breath", "|"]
    assert normalise("cant breathe") == normalise("can’t breath") == normalise("can not breathe")
    assert normalise("im suicidel") == ["im", "suicidal", "|"]
    assert normalise("no chest pain but cant breathe") == [
        "no",
        "chest",
        "pain",
        "|",
        "cant",
        "breath",
        "|",
    ]


def test_the_clinic_adds_phrases_and_negations():
    plain = CrisisMatcher()
    assert plain.match("i am going to take the car into the lake") is None
    added = CrisisMatcher(
        extra_self_harm=["drive* ... into the lake"],
        extra_emergency=["heart ... racing"],
        extra_negations=["nah"],
    )
    found = added.match("i am going to drive the car into the lake")
    assert found is not None
    assert found.kind is CrisisKind.SELF_HARM
    assert added.match("my heart is racing") is not None
    assert added.match("nah chest pain") is None


@pytest.mark.parametrize(
    "phrase",
    ["", "...", ".. chest", "chest ...", "chest ... ... pain", "ch*", "chest <b>", "a b", "x" * 0],
)
def test_a_phrase_the_matcher_cannot_use_is_refused(phrase):
    with pytest.raises(BadPhrase):
        compile_phrase(phrase)


def test_a_negation_must_be_one_word():
    assert check_negation("Nah") == "nah"
    with pytest.raises(BadPhrase):
        check_negation("not at all")


SEPARATORS = st.sampled_from([" ", "  ", "\n", " , ", "... ", " - ", "!! "])


@settings(max_examples=200, deadline=None)
@given(
    sentence=st.sampled_from(POSITIVE),
    upper=st.lists(st.booleans(), min_size=80, max_size=80),
    punctuation=st.sampled_from(["", ".", "!", "!!!", "?", " :(", " pls"]),
    drop_apostrophes=st.booleans(),
)
def test_case_apostrophes_and_trailing_punctuation_never_hide_a_crisis(
    sentence, upper, punctuation, drop_apostrophes
):
    kind, text = sentence
    if drop_apostrophes:
        text = text.replace("'", "").replace("’", "")
    cased = "".join(ch.upper() if upper[i % 80] else ch.lower() for i, ch in enumerate(text))
    found = MATCHER.match(cased + punctuation)
    assert found is not None
    assert found.kind is CrisisKind(kind)


@settings(max_examples=200, deadline=None)
@given(
    sentence=st.sampled_from(NEGATIVE),
    upper=st.booleans(),
    trailing=st.sampled_from(["", ".", "!!", " lol", " thanks"]),
)
def test_case_and_trailing_punctuation_never_turn_a_negative_into_a_page(sentence, upper, trailing):
    text = sentence.upper() if upper else sentence.lower()
    assert MATCHER.match(text + trailing) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable + "’‘“”éñ🙂", max_size=300))
def test_any_text_is_read_without_error(text):
    found = MATCHER.match(text)
    assert found is None or found.kind in CrisisKind


def test_the_profile_adds_phrases_and_refuses_one_it_cannot_use():
    from bot.domain.errors import ConfigError
    from bot.profile import default_profile_text, parse_profile

    text = default_profile_text().replace("emergency = []", 'emergency = ["heart ... racing"]')
    profile = parse_profile(text)
    assert profile.crisis.emergency == ["heart ... racing"]
    bad = default_profile_text().replace("self_harm = []", 'self_harm = ["ch* ... x"]')
    with pytest.raises(ConfigError, match=r"crisis\.self_harm"):
        parse_profile(bad)
    bad_negation = default_profile_text().replace("negations = []", 'negations = ["not at all"]')
    with pytest.raises(ConfigError, match=r"crisis\.negations"):
        parse_profile(bad_negation)


@pytest.mark.parametrize(
    ("text", "yes_no", "answer"),
    [
        ("SAFE", False, CheckAnswer.SAFE),
        ("I'm safe", False, CheckAnswer.SAFE),
        ("yes im ok thanks", False, CheckAnswer.SAFE),
        ("ok", True, None),  # too vague to stand down a check
        ("yes", True, CheckAnswer.SAFE),
        ("yes", False, None),  # a check-in question may be waiting for it
        ("No", True, CheckAnswer.NOT_SAFE),
        ("no", False, None),
        ("not safe", False, CheckAnswer.NOT_SAFE),
        ("I don't feel safe", False, CheckAnswer.NOT_SAFE),
        ("CALL", False, CheckAnswer.CALL),
        ("please call me asap", False, CheckAnswer.CALL),
        ("call me tomorrow about my appointment", False, None),
        ("im safe but i want to die", False, None),  # a message: read for crisis words
    ],
)
def test_a_short_answer_to_the_safety_check_is_read(text, yes_no, answer):
    assert parse_check_answer(text, yes_no=yes_no) is answer
