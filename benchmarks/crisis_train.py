"""Issue 10: train, cross-validate and store the learned second stage of crisis reading.

    python -m benchmarks.crisis_train            # cross-validate, then write the weights
    python -m benchmarks.crisis_train --check    # fail if the stored weights are not current
    python -m benchmarks.crisis_train --cv-only  # the figures only

The model (bot/domain/crisis_model.py) is a one-vs-rest logistic regression per class over the
word and character n-grams of the normalised text. Training reads the dev corpus only:
tests/data/crisis_positive.txt, crisis_soft.txt and crisis_more_positive.txt (labelled
"self_harm | ..." / "emergency | ...") and crisis_negative.txt, crisis_negative_everyday.txt and
crisis_more_negative.txt (everything there is "none"). The files crisis_holdout_*.txt are
never read for training: they were written before the model existed, to measure it.

Deterministic: full-batch gradient descent (Adam) from zero weights for a fixed number of steps,
no sampling; the same corpus gives the same weights to the stored precision.

Cross-validation is split by source: every "#" comment block of a corpus file starts a new group
(the files were written in rounds, each round by one author and in one style), and a group is
never split across folds, so each fold is scored on rounds it has not seen.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.domain.crisis import CrisisKind, CrisisMatch, CrisisMatcher
from bot.domain.crisis_model import DEFAULT_THRESHOLDS, CrisisModel, features, parse_weights
from bot.profile import load_profile
from bot.services.crisis import build_matcher
from bot.texts import Texts

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
TRAIN_FILES = (
    "crisis_positive.txt",
    "crisis_soft.txt",
    "crisis_negative.txt",
    "crisis_negative_everyday.txt",
    "crisis_more_positive.txt",
    "crisis_more_negative.txt",
)
HOLDOUT_GLOB = "crisis_holdout_*.txt"
DOMAIN = Path(__file__).resolve().parent.parent / "bot" / "domain"
WEIGHTS = DOMAIN / "crisis_model_weights.py"
# The reading code and its phrase tables: every bot/domain/crisis*.py but the weights themselves.
SOURCES = tuple(path for path in sorted(DOMAIN.glob("crisis*.py")) if path != WEIGHTS)
KINDS = (CrisisKind.EMERGENCY, CrisisKind.SELF_HARM)
_LABELLED = re.compile(r"^\s*(self_harm|emergency)\s*\|\s*")

STEPS = 400
RATE = 0.05
L2 = 1e-4  # per sentence, on the mean loss
PRUNE = 0.2  # weights smaller than this are dropped from the stored table
DIGITS = 4
FOLDS = 5

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Sentence:
    text: str
    label: str  # "self_harm", "emergency" or "none"
    group: str  # file and comment block
    negative_file: bool


def read_file(path: Path) -> list[Sentence]:
    """One file's sentences, each with its label and its group (comment block)."""
    found: list[Sentence] = []
    block = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            if found and found[-1].group == f"{path.stem}:{block}":
                block += 1
            continue
        labelled = _LABELLED.match(line)
        label = labelled.group(1) if labelled else "none"
        found.append(
            Sentence(
                text=_LABELLED.sub("", line).strip(),
                label=label,
                group=f"{path.stem}:{block}",
                negative_file="neg" in path.name.lower(),
            )
        )
    return found


def corpus(folder: Path = DATA) -> list[Sentence]:
    """The training corpus: the dev files only, never a holdout file."""
    rows: list[Sentence] = []
    for name in TRAIN_FILES:
        rows += read_file(folder / name)
    return rows


def holdout(folder: Path = DATA) -> list[Sentence]:
    rows: list[Sentence] = []
    for path in sorted(folder.glob(HOLDOUT_GLOB)):
        rows += read_file(path)
    return rows


@dataclass(frozen=True)
class Matrix:
    """A sparse 0/value matrix as coordinate arrays over a fixed vocabulary."""

    rows: IntArray
    cols: IntArray
    values: FloatArray
    shape: tuple[int, int]

    def dot(self, weights: FloatArray) -> FloatArray:
        summed = np.bincount(
            self.rows, weights=self.values * weights[self.cols], minlength=self.shape[0]
        )
        return np.asarray(summed, dtype=np.float64)

    def tdot(self, per_row: FloatArray) -> FloatArray:
        summed = np.bincount(
            self.cols, weights=self.values * per_row[self.rows], minlength=self.shape[1]
        )
        return np.asarray(summed, dtype=np.float64)


def vectorise(
    residues: Sequence[Sequence[str]], vocabulary: dict[str, int] | None = None
) -> tuple[Matrix, dict[str, int]]:
    """The feature matrix of texts' residues; a new vocabulary (sorted) unless one is given."""
    vectors = [features(words) for words in residues]
    if vocabulary is None:
        names = sorted({name for vector in vectors for name, _ in vector})
        vocabulary = {name: index for index, name in enumerate(names)}
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for row, vector in enumerate(vectors):
        for name, value in vector:
            column = vocabulary.get(name)
            if column is not None:
                rows.append(row)
                cols.append(column)
                values.append(value)
    matrix = Matrix(
        np.array(rows, dtype=np.int64),
        np.array(cols, dtype=np.int64),
        np.array(values, dtype=np.float64),
        (len(residues), len(vocabulary)),
    )
    return matrix, vocabulary


def fit(matrix: Matrix, labels: FloatArray) -> tuple[FloatArray, float]:
    """L2-regularised logistic regression, classes weighted to balance, by full-batch Adam."""
    positives = max(float(labels.sum()), 1.0)
    negatives = max(float(len(labels) - labels.sum()), 1.0)
    sample = np.where(labels > 0, len(labels) / (2 * positives), len(labels) / (2 * negatives))
    sample = sample / len(labels)
    weights = np.zeros(matrix.shape[1])
    bias = 0.0
    m_w = np.zeros_like(weights)
    v_w = np.zeros_like(weights)
    m_b = v_b = 0.0
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, STEPS + 1):
        margin = matrix.dot(weights) + bias
        predicted = 1.0 / (1.0 + np.exp(-margin))
        error = (predicted - labels) * sample
        grad_w = matrix.tdot(error) + L2 * weights
        grad_b = float(error.sum())
        m_w = beta1 * m_w + (1 - beta1) * grad_w
        v_w = beta2 * v_w + (1 - beta2) * grad_w * grad_w
        m_b = beta1 * m_b + (1 - beta1) * grad_b
        v_b = beta2 * v_b + (1 - beta2) * grad_b * grad_b
        correction1 = 1 - beta1**step
        correction2 = 1 - beta2**step
        weights -= RATE * (m_w / correction1) / (np.sqrt(v_w / correction2) + eps)
        bias -= RATE * (m_b / correction1) / (np.sqrt(v_b / correction2) + eps)
    return weights, bias


def rules_matcher() -> CrisisMatcher:
    """The rule matcher as the bot builds it from the default profile, without a second stage."""
    profile = load_profile()
    return build_matcher(profile, Texts(profile.texts), second_stage=False)


def residues(matcher: CrisisMatcher, rows: Sequence[Sentence]) -> list[list[str]]:
    """What the second stage reads of each sentence (see CrisisMatcher.residue)."""
    return [matcher.residue(row.text) for row in rows]


def train_table(words: Sequence[Sequence[str]], rows: Sequence[Sentence]) -> str:
    """Both classes' models from the sentences, as stored (pruned and rounded)."""
    matrix, vocabulary = vectorise(words)
    return render_table(_fit_all(matrix, rows), vocabulary)


def _fit_all(
    matrix: Matrix, rows: Sequence[Sentence]
) -> dict[CrisisKind, tuple[FloatArray, float]]:
    return {
        kind: fit(matrix, np.array([1.0 if row.label == kind else 0.0 for row in rows]))
        for kind in KINDS
    }


def render_table(
    fitted: dict[CrisisKind, tuple[FloatArray, float]], vocabulary: dict[str, int]
) -> str:
    """The stored text of a model (see `parse_weights`)."""
    lines = ["bias\t" + "\t".join(f"{fitted[kind][1]:.{DIGITS}f}" for kind in KINDS)]
    for name, column in vocabulary.items():
        values = [float(fitted[kind][0][column]) for kind in KINDS]
        if max(abs(value) for value in values) < PRUNE:
            continue
        cells = [f"{value:.{DIGITS}f}" if abs(value) >= PRUNE else "0" for value in values]
        lines.append(f"{name}\t" + "\t".join(cells))
    return "\n".join(lines) + "\n"


def folds(rows: Sequence[Sentence], count: int = FOLDS) -> list[int]:
    """A fold per sentence: whole groups, largest first, each to the smallest fold so far."""
    sizes: dict[str, int] = {}
    for row in rows:
        sizes[row.group] = sizes.get(row.group, 0) + 1
    load = [0] * count
    fold_of: dict[str, int] = {}
    for group, size in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        target = min(range(count), key=lambda fold: (load[fold], fold))
        fold_of[group] = target
        load[target] += size
    return [fold_of[row.group] for row in rows]


Scores = dict[CrisisKind, FloatArray]


def cross_validate(words: Sequence[Sequence[str]], rows: Sequence[Sentence]) -> Scores:
    """Out-of-fold probabilities per class: each sentence scored by a model that never saw its
    group."""
    assigned = folds(rows)
    scores = {kind: np.zeros(len(rows)) for kind in KINDS}
    for fold in range(FOLDS):
        inside = [i for i, f in enumerate(assigned) if f != fold]
        model = parse_weights(train_table([words[i] for i in inside], [rows[i] for i in inside]))
        for i, f in enumerate(assigned):
            if f == fold:
                for found in model.scores(words[i]):
                    scores[found.kind][i] = found.probability
    return scores


def score_all(model: CrisisModel, words: Sequence[Sequence[str]]) -> Scores:
    scores = {kind: np.zeros(len(words)) for kind in KINDS}
    for i, residue in enumerate(words):
        for found in model.scores(residue):
            scores[found.kind][i] = found.probability
    return scores


def report(
    title: str,
    rows: Sequence[Sentence],
    scores: Scores,
    rules: Sequence[CrisisMatch | None],
    thresholds: dict[CrisisKind, float],
) -> None:
    """Recall per class and negatives fired: rules alone, the model alone, both."""
    negative = np.array([row.negative_file for row in rows])
    by_rules = np.array([found is not None for found in rules])
    flagged = np.zeros(len(rows), dtype=bool)
    for kind in KINDS:
        flagged |= scores[kind] >= thresholds[kind]
    print(f"{title} (thresholds {', '.join(f'{k} {v:.2f}' for k, v in thresholds.items())})")
    for name, fired in (
        ("rules", by_rules),
        ("model", flagged),
        ("rules+model", by_rules | flagged),
    ):
        parts = []
        for kind in KINDS:
            positive = np.array([row.label == kind for row in rows])
            if positive.any():
                parts.append(f"{kind} {fired[positive].mean() * 100:.0f}% of {positive.sum()}")
        if negative.any():
            parts.append(f"negatives fired {fired[negative].mean() * 100:.1f}% of {negative.sum()}")
        print(f"  {name:12} " + ", ".join(parts))


def sweep(rows: Sequence[Sentence], scores: Scores) -> None:
    """The model alone per class at several cut-offs (to choose the thresholds)."""
    negative = np.array([row.negative_file for row in rows])
    for kind in KINDS:
        positive = np.array([row.label == kind for row in rows])
        cells = [
            f"{t:.1f}: {np.mean(scores[kind][positive] >= t) * 100:.0f}%/"
            f"{np.mean(scores[kind][negative] >= t) * 100:.1f}%"
            for t in (0.5, 0.6, 0.7, 0.8, 0.9)
        ]
        print(f"  {kind} recall/negatives fired at " + "  ".join(cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the stored weights are stale")
    parser.add_argument("--cv-only", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    matcher = rules_matcher()
    rows = corpus()
    started = time.perf_counter()
    words = residues(matcher, rows)
    table = train_table(words, rows)
    print(
        f"trained on {len(rows)} sentences in {time.perf_counter() - started:.1f} s; "
        f"{table.count(chr(10)) - 1} weights stored"
    )
    if args.check:
        if stored_table() != table:
            print(f"{WEIGHTS} is stale: run python -m benchmarks.crisis_train")
            return 1
        print("stored weights are current")
        return 0
    thresholds = dict(DEFAULT_THRESHOLDS)
    scores = cross_validate(words, rows)
    rules = [matcher.assess(row.text) for row in rows]
    report(
        f"dev corpus, cross-validated by source ({FOLDS} folds)", rows, scores, rules, thresholds
    )
    sweep(rows, scores)
    held = holdout()
    if held:
        model = parse_weights(table)
        held_scores = score_all(model, residues(matcher, held))
        held_rules = [matcher.assess(row.text) for row in held]
        report("holdout (never trained on)", held, held_scores, held_rules, thresholds)
        sweep(held, held_scores)
    if not args.cv_only:
        write_weights(table)
    return 0


def stored_table() -> str:
    from bot.domain.crisis_model_weights import TABLE

    return TABLE


def corpus_digest(folder: Path = DATA) -> str:
    """What the stored weights were learned from: the training files, the reading code
    (normalising and the rules that blank set-aside phrases) and the training settings."""
    digest = hashlib.sha256()
    for path in [*(folder / name for name in TRAIN_FILES), *SOURCES]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(f"{STEPS} {RATE} {L2} {PRUNE} {DIGITS}".encode())
    return digest.hexdigest()


def write_weights(table: str) -> None:
    body = table.replace("\t", "\\t")
    WEIGHTS.write_text(
        '"""Weights of the crisis model (bot/domain/crisis_model.py). Generated by\n'
        "`python -m benchmarks.crisis_train` from the crisis corpus in tests/data; do not edit.\n"
        "One line a feature: name, emergency weight, self-harm weight (tab-separated).\n"
        '"""\n\n'
        "# sha256 of the training files, reading code and settings (benchmarks.crisis_train)\n"
        f'CORPUS_SHA256 = "{corpus_digest()}"\n\n'
        f'TABLE = """\\\n{body}"""\n',
        encoding="utf-8",
    )
    print(f"wrote {WEIGHTS} ({WEIGHTS.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    raise SystemExit(main())
