"""Reading a text into words and clauses, compiling phrases and indexing them by anchor word
(steps 1-3 and 5 in bot/domain/crisis.py)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.domain.crisis_jokes import LAUGH_TABLE
from bot.domain.crisis_phrases_emergency import EMERGENCY_PHRASES
from bot.domain.crisis_phrases_self_harm import SELF_HARM_PHRASES
from bot.domain.crisis_phrases_soft import SOFT_EMERGENCY_PHRASES, SOFT_SELF_HARM_PHRASES
from bot.domain.crisis_spellings import FUZZY_TARGETS, LEET, MEASURE, PAIRS, REAL_WORDS, SPELLINGS
from bot.domain.crisis_types import MAX_CHARS, MAX_PHRASE_WORDS

APOSTROPHES = str.maketrans({c: "" for c in "'’‘`´ʼ"})
_CLAUSE_BREAK = re.compile(r"[.!?;:,\n\r()\[\]{}\"“”«»•]+|\s[-–—/|]+\s|[-–—]{2,}")
_WORD = re.compile(r"[a-z0-9]+")
_ELLIPSIS = re.compile(r"(?<=[a-z])\s*(?:\.{2,}|…)\s*(?=[a-z])")
_REPEATS = re.compile(r"([a-z])\1{2,}")
# Letters starred out inside a word ("k*ll", "su*cide") are read as if the star were not there.
_CENSORED = re.compile(r"(?<=[a-z])[*#]+(?=[a-z])")
# Words that start a new clause: "no chest pain but I cant breathe" is two statements. ("and"
# is not one: "chest and arm pain" is one; it only ends a negation's reach, see SCOPE_STOPS.)
_JOINERS = frozenset(["but", "because", "however", "although", "though", "pero", "aunque"])
CLAUSE = "|"


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent transpositions, stopping early once above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


_EMERGENCY_NUMBERS = frozenset({"911", "988", "999", "112"})


# Every word the default phrases use: a dropped final g ("cuttin", "hurtin", "livin") is put back
# only when that gives one of them (so "gabapentin" and "again" stay as they are).
_PHRASE_WORDS = frozenset(
    re.findall(
        r"[a-z]+",
        " ".join(
            (
                *SELF_HARM_PHRASES,
                *EMERGENCY_PHRASES,
                *SOFT_SELF_HARM_PHRASES,
                *SOFT_EMERGENCY_PHRASES,
            )
        ),
    )
)


@lru_cache(maxsize=8192)
def canonical_word(word: str) -> str:
    """One word in canonical form (possibly several words: "chestpain" -> "chest pain")."""
    if word.isdigit() and word not in SPELLINGS:
        # "took 20 pills" reads as "took many pills"; emergency numbers stay as they are.
        many = word not in _EMERGENCY_NUMBERS and len(word) <= 3 and int(word) >= 10
        return "many" if many else word
    if (
        word not in SPELLINGS
        and not word.isdigit()
        and not word.isalpha()
        and not MEASURE.fullmatch(word)
    ):
        word = word.translate(LEET)
    shortened = _REPEATS.sub(r"\1", word)
    for candidate in (word, shortened, _REPEATS.sub(r"\1\1", word)):
        if candidate in SPELLINGS:
            return SPELLINGS[candidate]
        if candidate in FUZZY_TARGETS:
            return FUZZY_TARGETS[candidate]
    if len(word) >= 6 and word not in REAL_WORDS:
        for target, canonical in FUZZY_TARGETS.items():
            if word[0] != target[0] and word[1] != target[1]:
                continue  # typos rarely change both of the first two letters
            limit = 2 if len(target) >= 9 and len(word) >= 9 else 1
            if _osa_distance(word, target, limit) <= limit:
                return canonical
    if len(word) >= 5 and word.endswith("in") and word + "g" in _PHRASE_WORDS:
        return word + "g"
    return shortened if shortened != word and len(shortened) >= 2 else word


def normalise(text: str) -> list[str]:
    """The text as canonical words, with CLAUSE ("|") between clauses."""
    lowered = unicodedata.normalize("NFKC", text[:MAX_CHARS]).translate(LAUGH_TABLE)
    lowered = strip_accents(lowered).lower()
    lowered = lowered.translate(APOSTROPHES).replace("&", " and ")
    lowered = _CENSORED.sub("", lowered)
    # An ellipsis between words is hesitation ("cant... breathe"), not the end of a clause.
    lowered = _ELLIPSIS.sub(" ", lowered)
    words: list[str] = []
    for part in _CLAUSE_BREAK.split(lowered):
        raw = _WORD.findall(part)
        merged: list[str] = []
        for word in raw:
            if merged and (merged[-1], word) in PAIRS:
                merged[-1] = PAIRS[(merged[-1], word)]
                continue
            merged.append(word)
        clause: list[str] = []
        for word in merged:
            for piece in canonical_word(word).split():
                if clause and (clause[-1], piece) in PAIRS:
                    clause[-1] = PAIRS[(clause[-1], piece)]
                elif piece in _JOINERS:
                    if clause:
                        words.extend(clause)
                        words.append(CLAUSE)
                        clause = []
                else:
                    clause.append(piece)
        if clause:
            words.extend(clause)
            words.append(CLAUSE)
    return words


# --- phrases ------------------------------------------------------------------------------------

# "$" at the end of a phrase: the clause ends there, give or take a word that adds nothing
# ("i cant go on pls", but not "i cant go on tuesday").
_CLAUSE_END = (
    r"(?: (?:pls|plz|please|lol|now|today|tonight|honestly|help|really|anymore|thanks|thank you"
    r"|thx|ty|gracias))*(?= \||$)"
)
_STEM_MAX = 12  # the longest prefix (word*) a phrase may use
# One word of a phrase: alternatives split by "|"; "_" joins words into one alternative
# ("keep_going"); a "*" at the end of an alternative makes its last word a prefix.
_ALTERNATIVE = r"[a-z0-9]+(?:_[a-z0-9]+)*\*?"
_TOKEN = re.compile(rf"^{_ALTERNATIVE}(?:\|{_ALTERNATIVE})*$")


class BadPhrase(ValueError):
    """A phrase the matcher cannot use; the message says why and how to write it."""


@dataclass(frozen=True)
class Phrase:
    """One compiled phrase: its source text and a pattern over space-joined canonical words."""

    source: str
    pattern: re.Pattern[str]
    words: frozenset[str] = frozenset()
    # The alternatives of its most telling word, as (first word, is a prefix): a text holding
    # none of them cannot match, so the pattern is not even tried (see CrisisMatcher).
    anchors: tuple[tuple[str, bool], ...] = ()

    def negated_inside(self, matched: Sequence[str], negations: frozenset[str]) -> bool:
        """A negation in a gap of the match ("lips and tongue are fine no swelling")."""
        return any(word in negations and word not in self.words for word in matched)


def _alternative_words(alt: str) -> list[str]:
    """The canonical words of one alternative ("keep_going" -> ["keep", "going"]); a prefix's
    last word is kept as written."""
    prefix = alt.endswith("*")
    pieces = alt.rstrip("*").split("_")
    words: list[str] = []
    for index, piece in enumerate(pieces):
        if prefix and index == len(pieces) - 1:
            words.append(piece)
        else:
            words.extend(canonical_word(piece).split())
    return words


def _word_pattern(token: str) -> str:
    alternatives = []
    for alt in token.split("|"):
        # Each alternative is normalised like the text it is matched against.
        escaped = r"\ ".join(re.escape(part) for part in _alternative_words(alt))
        alternatives.append(escaped + (r"[^\s|]*" if alt.endswith("*") else ""))
    return "(?:" + "|".join(alternatives) + ")"


def _anchors(tokens: Sequence[str]) -> tuple[tuple[str, bool], ...]:
    """The alternatives of the token least likely to be in an ordinary message: the one whose
    shortest alternative is longest (fewest alternatives on a tie)."""
    best: tuple[tuple[str, bool], ...] = ()
    best_score = (-1, 0)
    for token in tokens:
        keys = []
        for alt in token.split("|"):
            words = _alternative_words(alt)
            keys.append((words[0], alt.endswith("*") and "_" not in alt))
        score = (min(len(word) for word, _ in keys), -len(keys))
        if score > best_score:
            best, best_score = tuple(keys), score
    return best


@lru_cache(maxsize=4096)
def compile_phrase(source: str) -> Phrase:
    """Compile a phrase such as "chest ... hurt*" or "cant|couldnt .. breath"; BadPhrase if not."""
    text = strip_accents(source).lower().translate(APOSTROPHES).strip()
    tokens = text.split()
    if not tokens:
        raise BadPhrase("empty phrase")
    if len(tokens) > MAX_PHRASE_WORDS:
        raise BadPhrase(f"{source!r}: at most {MAX_PHRASE_WORDS} words")
    at_end = tokens[-1] == "$"
    if at_end:
        tokens = tokens[:-1]
    if not tokens or tokens[0] in ("..", "...") or tokens[-1] in ("..", "..."):
        raise BadPhrase(f"{source!r}: a gap (.. or ...) must stand between two words")
    if not any(len(alt.rstrip("*")) >= 3 for t in tokens for alt in t.split("|")):
        raise BadPhrase(f"{source!r}: needs at least one word of three letters or more")
    parts: list[str] = []
    gap = ""
    for token in tokens:
        if token in ("..", "..."):
            if gap:
                raise BadPhrase(f"{source!r}: two gaps in a row")
            gap = r"(?:[^\s|]+ ){0,1}" if token == ".." else r"(?:[^\s|]+ ){0,3}"
            continue
        if not _TOKEN.match(token):
            raise BadPhrase(
                f"{source!r}: {token!r} is not a word; use letters and digits, "
                "a|b for alternatives, a_b for several words as one alternative, word* for a prefix, "
                ".. or ... for a gap"
            )
        if any(
            a.endswith("*") and not 4 <= len(a.split("_")[-1]) <= _STEM_MAX + 1
            for a in token.split("|")
        ):
            raise BadPhrase(
                f"{source!r}: {token!r}: a prefix needs 3 to {_STEM_MAX} letters before *"
            )
        if parts:
            parts.append(" " + gap)
        parts.append(_word_pattern(token))
        gap = ""
    end = _CLAUSE_END if at_end else r"(?![^\s])"
    pattern = re.compile(r"(?<![^\s])" + "".join(parts) + end)
    words = [token for token in tokens if token not in ("..", "...")]
    own = frozenset(
        word for token in words for alt in token.split("|") for word in _alternative_words(alt)
    )
    return Phrase(source=source, pattern=pattern, words=own, anchors=_anchors(words))


def check_negation(word: str) -> str:
    """A negation word as the matcher reads it; BadPhrase unless it is one plain word."""
    text = strip_accents(word).lower().translate(APOSTROPHES).strip()
    if not re.fullmatch(r"[a-z]{2,30}", text):
        raise BadPhrase(f"{word!r}: a negation is one word of letters (e.g. never)")
    return canonical_word(text)


class PhraseIndex:
    """The phrases of one class by anchor word, so a message only tries the phrases whose most
    telling word it contains (a dictionary look-up per word instead of every pattern)."""

    def __init__(self, phrases: Sequence[Phrase]) -> None:
        self._phrases = tuple(phrases)
        self._exact: dict[str, list[int]] = {}
        self._prefixes: dict[str, list[int]] = {}
        self._always: list[int] = []
        for position, phrase in enumerate(self._phrases):
            if not phrase.anchors:
                self._always.append(position)
            for word, prefix in phrase.anchors:
                table = self._prefixes if prefix else self._exact
                table.setdefault(word, []).append(position)
        self._prefix_lengths = sorted({len(prefix) for prefix in self._prefixes})

    def candidates(self, present: frozenset[str]) -> list[Phrase]:
        """The phrases that may match a text made of the words in `present`, in list order."""
        positions: set[int] = set(self._always)
        for word in present:
            found = self._exact.get(word)
            if found:
                positions.update(found)
            for size in self._prefix_lengths:
                if size > len(word):
                    break
                found = self._prefixes.get(word[:size])
                if found:
                    positions.update(found)
        return [self._phrases[position] for position in sorted(positions)]


def join_words(words: Sequence[str]) -> tuple[str, list[int]]:
    """Words joined by spaces, and the character offset where each word starts."""
    starts: list[int] = []
    offset = 0
    for word in words:
        starts.append(offset)
        offset += len(word) + 1
    return " ".join(words), starts
