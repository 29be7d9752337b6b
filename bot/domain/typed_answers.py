"""Typed text that says what a button says counts as pressing that button (issue 11, item 9).

Matching ignores case, spacing, punctuation and emoji, and reads numbers written as words
("six" = "6"). A label's words before a comma count too ("yes" for "Yes, text me too"). Only a
match of the whole answer counts, and only to one label: "not sure yet" is not "Not sure", so
nothing a person writes is taken for an answer they did not give.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

_NUMBER_WORDS = {
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    # Spanish (issue 15): a patient answering in Spanish writes these.
    "cero": "0",
    "uno": "1",
    "una": "1",
    "dos": "2",
    "tres": "3",
    "cuatro": "4",
    "cinco": "5",
    "seis": "6",
    "siete": "7",
    "ocho": "8",
    "nueve": "9",
    "diez": "10",
}


def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces, number words as digits."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFKC", text).casefold():
        category = unicodedata.category(char)
        if category[0] in ("L", "N"):
            kept.append(char)
        else:
            # Spaces, punctuation, symbols (emoji) and marks all separate words, nothing more.
            kept.append(" ")
    words = "".join(kept).split()
    return " ".join(words)


def _as_number(words: str) -> str | None:
    if words.isdigit():
        return str(int(words))
    return _NUMBER_WORDS.get(words)


def number_word(text: str) -> int | None:
    """0-10 written as a word ("six", "Ten!"), None for anything else."""
    value = _NUMBER_WORDS.get(normalise(text))
    return int(value) if value is not None else None


def matching_label(text: str, labels: Sequence[str]) -> int | None:
    """The index of the one label `text` stands for, None when none (or several) match."""
    typed = normalise(text)
    if not typed:
        return None
    typed_number = _as_number(typed)
    found: list[int] = []
    for index, label in enumerate(labels):
        wanted = normalise(label)
        if not wanted:
            continue
        # "Yes" also presses "Yes, text me too": the words before a comma are the answer.
        head = normalise(label.split(",", 1)[0])
        if typed in (wanted, head):
            found.append(index)
            continue
        # Only a label that is a number compares as a number ("six" = "6", "06" = "6").
        if wanted.isdigit() and _as_number(wanted) == typed_number:
            found.append(index)
    return found[0] if len(found) == 1 else None
