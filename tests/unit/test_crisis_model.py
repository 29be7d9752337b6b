"""The learned second stage of crisis reading (issue 10): what it adds to the rules, and what not.

The stored weights are deterministic (bot/domain/crisis_model_weights.py, written by
`python -m benchmarks.crisis_train` from the dev corpus); these tests read them as the bot does.
"""

from __future__ import annotations

import math

import pytest

from benchmarks.crisis_train import (
    DATA,
    HOLDOUT_GLOB,
    TRAIN_FILES,
    Sentence,
    corpus_digest,
    folds,
    read_file,
    residues,
    train_table,
)
from bot.domain.crisis import CLAUSE, MAX_CHARS, CrisisKind, CrisisMatcher, CrisisTier, normalise
from bot.domain.crisis_model import (
    CHAR_PREFIX,
    MAX_WORDS,
    WORD_PREFIX,
    features,
    load_model,
    parse_weights,
    word_features,
)
from bot.domain.crisis_model_weights import CORPUS_SHA256
from bot.profile import load_profile
from bot.services.crisis import build_matcher
from bot.texts import Texts
from tests.paths import ROOT

PROFILE = load_profile()
TEXTS = Texts(PROFILE.texts)
WITH_MODEL = build_matcher(PROFILE, TEXTS)
RULES = build_matcher(PROFILE, TEXTS, second_stage=False)


def _holdout() -> list[Sentence]:
    return [row for path in sorted(DATA.glob(HOLDOUT_GLOB)) for row in read_file(path)]


def test_the_stored_weights_were_learned_from_the_current_corpus_and_code():
    # Changing a training file, the rules or the model's features means retraining:
    #   python -m benchmarks.crisis_train
    assert corpus_digest() == CORPUS_SHA256


def test_the_holdout_files_are_never_training_files():
    holdout = {path.name for path in DATA.glob(HOLDOUT_GLOB)}
    assert len(holdout) == 3
    assert holdout.isdisjoint(TRAIN_FILES)


def test_training_is_deterministic():
    rows = [row for name in TRAIN_FILES for row in read_file(DATA / name)][::12]
    words = residues(RULES, rows)
    assert train_table(words, rows) == train_table(words, rows)


def test_folds_never_split_a_source():
    rows = [row for name in TRAIN_FILES for row in read_file(DATA / name)]
    fold_of: dict[str, set[int]] = {}
    for row, fold in zip(rows, folds(rows), strict=True):
        fold_of.setdefault(row.group, set()).add(fold)
    assert all(len(found) == 1 for found in fold_of.values())
    assert len({fold for found in fold_of.values() for fold in found}) == 5


@pytest.mark.parametrize(
    "sentence",
    [
        "i keep thinking everyone would cope fine if i just wasnt around",
        "i feel like the world would be lighter without me in it",
        "everyone would be fine without me around",
        "i want to put an end to myself",
    ],
)
def test_indirect_self_harm_the_rules_miss_gets_the_soft_check(sentence):
    assert RULES.assess(sentence) is None
    found = WITH_MODEL.assess(sentence)
    assert found is not None
    assert found.tier is CrisisTier.SOFT
    assert found.kind is CrisisKind.SELF_HARM
    assert found.phrase.startswith("model ")


def test_the_clinic_sets_the_models_threshold_in_its_profile():
    sentence = "i feel like the world would be lighter without me in it"
    score = max(load_model().score_text(sentence).values())
    assert PROFILE.crisis.model_threshold == 0.7
    assert 0.7 <= score < 0.99
    strict = PROFILE.model_copy(
        update={"crisis": PROFILE.crisis.model_copy(update={"model_threshold": 0.99})}
    )
    assert WITH_MODEL.assess(sentence) is not None
    assert build_matcher(strict, TEXTS).assess(sentence) is None


def test_the_model_never_pages_on_its_own():
    # match() is the strong tier (a page): the model is never asked there.
    assert WITH_MODEL.match("i feel like the world would be lighter without me in it") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "I want to kill myself",
        "i have chest pain and cant breathe",
        "i took all my pills",
        "i feel suicidal",
    ],
)
def test_a_strong_rule_hit_stays_strong(sentence):
    rules = RULES.assess(sentence)
    both = WITH_MODEL.assess(sentence)
    assert rules is not None
    assert rules.tier is CrisisTier.STRONG
    assert both == rules


def test_the_model_never_changes_what_the_rules_found_on_the_dev_corpus():
    rows = [row for name in ("crisis_positive.txt", "crisis_soft.txt") for row in _file(name)]
    for row in rows[::5]:
        rules = RULES.assess(row.text)
        if rules is not None:
            assert WITH_MODEL.assess(row.text) == rules, row.text


def _file(name: str) -> list[Sentence]:
    return read_file(DATA / name)


@pytest.mark.parametrize(
    "sentence",
    [
        "im not suicidal",
        "i dont want to die, i want to get better",
        "i would never hurt myself",
        "no chest pain, no trouble breathing",
        "Have you had any thoughts of harming yourself since your last visit?",
        "Don't text me anymore",
        "ok",
        "/done",
    ],
)
def test_what_the_rules_set_aside_is_not_raised_again(sentence):
    assert WITH_MODEL.assess(sentence) is None


def test_what_the_model_reads_has_set_aside_clauses_blanked():
    residue = RULES.residue("im not suicidal but i gave my cat away")
    assert "suicidal" not in residue
    assert residue[-4:] == ["gave", "my", "cat", "away"] or "gave" in residue


def test_on_the_holdout_the_model_adds_recall_and_few_false_alarms():
    rows = _holdout()
    self_harm = [row for row in rows if row.label == "self_harm"]
    negatives = [row for row in rows if row.negative_file]

    def caught(matcher: CrisisMatcher, chosen: list[Sentence]) -> float:
        return sum(matcher.assess(row.text) is not None for row in chosen) / len(chosen)

    # Measured 2026-12-05: rules 84% -> 94%; negatives fired 5.3% -> 7.5%.
    assert caught(WITH_MODEL, self_harm) >= caught(RULES, self_harm) + 0.05
    assert caught(WITH_MODEL, self_harm) >= 0.90
    assert caught(WITH_MODEL, negatives) <= 0.10


def test_everyday_dev_negatives_stay_quiet():
    rows = _file("crisis_negative.txt") + _file("crisis_negative_everyday.txt")
    fired = [row.text for row in rows if WITH_MODEL.assess(row.text) is not None]
    # In-sample (trained on): 18 of 1,413 on 2026-12-05, e.g. "im finally ready to live again";
    # 49 of 1,702 after round 24 added crisis_more_*.txt (839 more crisis sentences widen what the
    # model reads as self-harm: "i dont want to cook tonight"), while cross-validated on these
    # same files the model fired less (7.3% -> 6.9%). A model hit only asks "are you safe?".
    assert len(fired) <= len(rows) // 30, fired


def test_each_feature_block_has_unit_length_and_pairs_stay_in_a_clause():
    vector = features(normalise("no chest pain. i cant breathe"))
    words = [value for name, value in vector if name.startswith(WORD_PREFIX)]
    chars = [value for name, value in vector if name.startswith(CHAR_PREFIX)]
    assert math.isclose(sum(v * v for v in words), 1.0)
    assert math.isclose(sum(v * v for v in chars), 1.0)
    assert f"{WORD_PREFIX}pain i" not in word_features(normalise("no chest pain. i cant breathe"))
    assert word_features([CLAUSE]) == set()


def test_a_broken_weights_table_is_refused():
    with pytest.raises(ValueError, match="bias"):
        parse_weights("w:die\t0\t1.5\n")
    with pytest.raises(ValueError, match="two weights"):
        parse_weights("bias\t0\t0\nw:die\t1.5\n")
    model = parse_weights("bias\t-2\t-2\nw:die\t0\t9\n")
    assert model.score_text("die")[CrisisKind.SELF_HARM] > 0.9
    assert model.score_text("die")[CrisisKind.EMERGENCY] < 0.2


def test_the_work_per_message_is_bounded_whatever_is_posted():
    # No wall-clock bound here (a loaded machine fails those): the work is bounded instead.
    # Seconds are measured by `python3 scripts/dev.py bench crisis-recall` (p50/p95 per message).
    longest = ("i cant go on like this, nobody would notice if i was gone " * 400)[:100_000]
    words = normalise(longest)
    assert len(words) <= MAX_CHARS  # normalise reads at most MAX_CHARS characters
    scored = features(words)
    # Words and pairs, then at most four character n-grams (2 to 5) per padded character.
    assert len(scored) <= 2 * MAX_WORDS + 4 * (MAX_CHARS + 2 * MAX_WORDS)
    assert len(features(words * 10)) == len(scored)


def test_weights_module_is_generated_not_hand_edited():
    source = (ROOT / "bot/domain/crisis_model_weights.py").read_text()
    assert "Generated by" in source
