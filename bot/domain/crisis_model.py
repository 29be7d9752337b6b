"""The learned second stage of crisis reading (issue 10): a linear model over n-grams.

The rule matcher (`bot.domain.crisis`) is precise and explainable but only knows the phrasings
someone wrote down; on sentences written blind it caught far fewer indirect self-harm messages
than on its own corpus. This model reads the same normalised words (misspellings, shorthand and
apostrophes already folded by `normalise`) as two feature blocks:

- words: every word and every pair of neighbouring words inside one clause ("wont be", "be here");
- characters: every run of 2 to 5 characters of each word padded with a space at both ends
  (" wont", "ont ", "here "), so a typo or a new word form still shares most of its pieces.

Each block is binary and scaled to unit length; the score for a class is the logistic of the sum
of the weights of the features present plus a bias. Two classes, each its own one-vs-rest model:
self-harm and medical emergency. The weights are learned from the crisis corpus in tests/data
(`python3 scripts/dev.py bench crisis-train`, deterministic: the same corpus gives the same
weights) and stored in `crisis_model_weights.py`; reading them takes a few ms, scoring a message
well under a millisecond, in pure Python (no numeric library at run time, no download).

The model only ever adds: the matcher asks it when its own phrases found nothing, and a score at
or above `threshold` becomes a SOFT sign (the patient is asked "are you safe right now?" and
staff get a notice), marked `learned`: the message also goes on to the conversation as usual,
since the words are often an ordinary answer. It never removes or lowers a rule match.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from bot.domain.crisis import CLAUSE, MAX_CHARS, CrisisKind, StageHit, normalise

CHAR_SIZES = (2, 3, 4, 5)
WORD_PREFIX = "w:"
CHAR_PREFIX = "c:"
# A message is scored from its first words only: enough for any real message, bounded work.
MAX_WORDS = MAX_CHARS // 4
# Fewer words than this (besides numbers) are never scored.
MIN_WORDS = 3
# The cut-offs, chosen on cross-validation by source over the dev corpus (benchmarks/crisis_train.py):
# at 0.8 the model alone catches about 64% of unseen self-harm and 75% of unseen emergency
# sentences while firing on about 3-4% of the (deliberately hard) negatives. A hit no longer
# swallows the message (the safety check goes out beside the flow's own reply,
# `CrisisMatch.learned`), but a false alarm still asks a patient "are you safe?" about
# "ready to go home" and sends staff a notice: 0.7 would catch about 73% at 5.5%.
# The clinic profile's [crisis] model_threshold sets both (bot/profile.py); this is its default.
DEFAULT_THRESHOLDS = {CrisisKind.EMERGENCY: 0.7, CrisisKind.SELF_HARM: 0.7}


def word_features(words: Sequence[str]) -> set[str]:
    """Words and neighbouring pairs, never across a clause break."""
    found: set[str] = set()
    previous = ""
    for word in words:
        if word == CLAUSE:
            previous = ""
            continue
        found.add(WORD_PREFIX + word)
        if previous:
            found.add(f"{WORD_PREFIX}{previous} {word}")
        previous = word
    return found


def char_features(words: Iterable[str]) -> set[str]:
    """Runs of 2-5 characters of each word, padded with a space at both ends."""
    found: set[str] = set()
    for word in set(words):
        if word == CLAUSE:
            continue
        padded = f" {word} "
        for size in CHAR_SIZES:
            for start in range(len(padded) - size + 1):
                found.add(CHAR_PREFIX + padded[start : start + size])
    return found


def features(words: Sequence[str]) -> list[tuple[str, float]]:
    """The feature vector of normalised words: (name, value), each block of unit length."""
    words = list(words[:MAX_WORDS])
    vector: list[tuple[str, float]] = []
    for block in (word_features(words), char_features(words)):
        if block:
            value = 1.0 / math.sqrt(len(block))
            vector.extend((name, value) for name in sorted(block))
    return vector


@dataclass(frozen=True)
class CrisisModel:
    """Per class: feature weights, a bias and a threshold; `flagged(words)` is the second stage."""

    weights: dict[CrisisKind, dict[str, float]]
    bias: dict[CrisisKind, float]
    thresholds: dict[CrisisKind, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))

    def scores(self, words: Sequence[str]) -> list[StageHit]:
        """Each class's probability for normalised words, emergency first (as KIND_ORDER)."""
        vector = features(words)
        result: list[StageHit] = []
        for kind in (CrisisKind.EMERGENCY, CrisisKind.SELF_HARM):
            table = self.weights.get(kind, {})
            total = self.bias.get(kind, 0.0)
            pushes: list[tuple[float, str]] = []
            for name, value in vector:
                weight = table.get(name)
                if weight is None:
                    continue
                total += weight * value
                if name.startswith(WORD_PREFIX) and weight > 0 and len(name) > 5:
                    pushes.append((weight, name.removeprefix(WORD_PREFIX)))
            top = tuple(name for _, name in sorted(pushes, reverse=True)[:3])
            result.append(StageHit(kind, _logistic(total), top))
        return result

    def with_threshold(self, threshold: float) -> CrisisModel:
        """The same weights, flagging both classes at or above `threshold`."""
        return replace(self, thresholds=dict.fromkeys(self.thresholds, threshold))

    def score_text(self, text: str) -> dict[CrisisKind, float]:
        """Each class's probability for a raw text (benchmarks and tests)."""
        return {found.kind: found.probability for found in self.scores(normalise(text))}

    def flagged(self, words: Sequence[str]) -> list[StageHit]:
        """The classes scored at or above their threshold, emergency first; nothing for fewer
        than MIN_WORDS words (a button label, a command, "ok": too little to read a crisis in,
        and short crisis messages are the rules' own ground: "kms", "cant breathe")."""
        if sum(1 for word in words if word != CLAUSE and not word.isdigit()) < MIN_WORDS:
            return []
        return [
            found
            for found in self.scores(words)
            if found.probability >= self.thresholds.get(found.kind, 1.0)
        ]


def _logistic(total: float) -> float:
    if total >= 0:
        return 1.0 / (1.0 + math.exp(-total))
    exp = math.exp(total)
    return exp / (1.0 + exp)


def parse_weights(table: str) -> CrisisModel:
    """A model from its stored text: a header "bias<TAB>emergency<TAB>self_harm", then one line
    per feature, "name<TAB>emergency weight<TAB>self-harm weight" (0 means absent)."""
    weights: dict[CrisisKind, dict[str, float]] = {kind: {} for kind in CrisisKind}
    bias: dict[CrisisKind, float] = {}
    order = (CrisisKind.EMERGENCY, CrisisKind.SELF_HARM)
    for line in table.splitlines():
        if not line:
            continue
        name, *values = line.split("\t")
        if len(values) != len(order):
            raise ValueError(f"crisis model line {line!r}: expected a name and two weights")
        for kind, value in zip(order, values, strict=True):
            number = float(value)
            if name == "bias":
                bias[kind] = number
            elif number:
                weights[kind][name] = number
    if len(bias) != len(order):
        raise ValueError("crisis model: the bias line is missing")
    return CrisisModel(weights=weights, bias=bias)


@lru_cache(maxsize=1)
def load_model() -> CrisisModel:
    """The stored model (crisis_model_weights.py), read once."""
    from bot.domain.crisis_model_weights import TABLE

    return parse_weights(TABLE)
