"""Crisis words that are the patient answering the bot's questions "no", or naming an effect of
the treatment that passed (issue 10, round 24).

- A list answered at its end: "re: any chest pain or pressure, trouble breathing, fainting or a
  seizure? - no", "swelling of lips, tongue or throat? none": the short items between the words
  and the "no" belong to the same question.
- A list under one negation: "I have not had any chest pain, shortness of breath, fainting or
  seizures" (the commas split it into clauses; the first one says "not had any").
- A question about the question, answered after: "you keep asking if i want to hurt myself. i
  dont", "to answer your question about thoughts of harming myself, no i dont have any", "no,
  nothing about harming myself".
- Tingling, numbness, a floaty or double feeling during the spray or the infusion, said to be
  mild, gone or normal ("my lips tingled a little during the spray, gone now"): an expected
  effect, not a stroke (one-sided words keep it a match).

Pure: set and pattern look-ups over the matcher's normalised words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_NO = frozenset(["no", "none", "nope", "nah", "negative", "never", "ninguno", "ninguna", "nada"])
# Words that put the patient in a clause: then it is a statement, not a list item.
_PERSON = frozenset(
    [
        "i",
        "im",
        "ive",
        "id",
        "ill",
        "me",
        "my",
        "myself",
        "yo",
        "tengo",
        "estoy",
        "siento",
        "he",
        "she",
        "hes",
        "shes",
        "his",
        "her",
        "they",
    ]
)
_LIST_ITEM_WORDS = 7
_ANSWER_FILLERS = frozenset(["thanks", "thank", "you", "to", "all", "both", "at", "of", "them"])


def _clauses(words: Sequence[str], clause: str) -> list[tuple[int, int]]:
    """The (start, end) of each clause."""
    spans: list[tuple[int, int]] = []
    start = 0
    for index, word in enumerate(words):
        if word == clause:
            if index > start:
                spans.append((start, index))
            start = index + 1
    if start < len(words):
        spans.append((start, len(words)))
    return spans


# A clause that answers no twice over: "no never had one", "no, none at all", "no nada".
_SECOND_NO = frozenset(
    [
        "never",
        "none",
        "not",
        "nope",
        "havent",
        "hasnt",
        "dont",
        "didnt",
        "nunca",
        "nada",
        "ninguno",
        "ninguna",
        "at",
        "all",
    ]
)


def denial_clause(said: Sequence[str]) -> bool:
    """ "no never had one": a no followed by another denial word, in a short clause."""
    return bool(said) and said[0] in _NO and len(said) <= 6 and not _SECOND_NO.isdisjoint(said[1:])


def _is_item(words: Sequence[str]) -> bool:
    return 0 < len(words) <= _LIST_ITEM_WORDS and _PERSON.isdisjoint(words)


def list_answered_no(words: Sequence[str], first: int, clause: str) -> bool:
    """The words open or sit in a list of short items that ends with a bare "no"."""
    spans = _clauses(words, clause)
    here = next((i for i, (s, e) in enumerate(spans) if s <= first < e), None)
    if here is None or not _is_item(words[spans[here][0] : spans[here][1]]):
        return False
    for start, end in spans[here + 1 :]:
        said = list(words[start:end])
        if said and said[0] in _NO and set(said) <= _NO | _ANSWER_FILLERS:
            return True
        if not _is_item(said):
            return False
    return False


_NEGATED_HEAD = re.compile(
    r"(?:^| )(?:(?:not|havent|hasnt|never|dont|do not|didnt) (?:had|have|experienced|noticed"
    r"|get|got) any|denies|denied|no he tenido ningun|no tengo ningun|no tuve ningun"
    r"|without any)(?= |$)"
)


def negated_list(words: Sequence[str], first: int, clause: str) -> bool:
    """The words are an item of a list whose first clause is negated ("i have not had any chest
    pain, shortness of breath or fainting")."""
    spans = _clauses(words, clause)
    here = next((i for i, (s, e) in enumerate(spans) if s <= first < e), None)
    item = list(words[spans[here][0] : spans[here][1]]) if here is not None else []
    if here is None or here == 0 or not _is_item(item) or len(item) > 4:
        return False
    index = here - 1
    while index >= 0:
        start, end = spans[index]
        said = list(words[start:end])
        if _NEGATED_HEAD.search(" ".join(said)) and "but" not in said:
            return True
        if not _is_item(said):
            return False
        index -= 1
    return False


_ASKING = frozenset(
    [
        "asking",
        "asked",
        "ask",
        "asks",
        "question",
        "questions",
        "pregunta",
        "preguntas",
        "preguntan",
        "preguntando",
        "preguntaron",
    ]
)
_DENIAL_START = re.compile(
    r"^(?:no|nope|nah|never|i dont|i do not|i havent|ive never|i have never|im not|i am not"
    r"|not really|definitely not|no i dont|no i do not|no i havent|no nunca|no tengo|nunca"
    r"|anyway no)(?= |$)"
)
_ANSWER_NO = re.compile(r"(?:^| )answer is (?:always |still |definitely )?no(?= |$)")
_ABOUT = frozenset(["about", "regarding", "like", "of", "sobre", "de"])


def denied_after_asked(words: Sequence[str], first: int, last: int, clause: str) -> bool:
    """Words the patient says they were asked about, denied just after ("you keep asking if i
    want to hurt myself. i dont"), or "nothing about ..." """
    start = first
    while start > 0 and words[start - 1] != clause:
        start -= 1
    before = list(words[start:first])
    if len(before) >= 2 and before[0] in ("nothing", "none", "nada") and before[1] in _ABOUT:
        return True
    if _ASKING.isdisjoint(before[-8:]):
        return False
    rest = " ".join(words[last:])
    if _ANSWER_NO.search(rest):
        return True
    end = last
    while end < len(words) and words[end] != clause:
        end += 1
    if _a_denial(list(words[last:end])):
        return True
    for start2, end2 in _clauses(words, clause):
        if start2 > last:
            return _a_denial(list(words[start2:end2]))
    return False


# "i dont know", "i dont want to live": a doubt or a wish, not a denial.
_NOT_DENYING = frozenset(
    [
        "know",
        "think",
        "care",
        "sure",
        "live",
        "be",
        "die",
        "exist",
        "anymore",
        "feel",
        "trust",
        "remember",
        "want",
    ]
)


def _a_denial(said: list[str]) -> bool:
    if not said or not _NOT_DENYING.isdisjoint(said[:5] if said[0] in _NO else said):
        return False
    if said[0] in _NO:
        return len(said) <= 6
    return len(said) <= 4 and _DENIAL_START.search(" ".join(said)) is not None


_EFFECT_WORDS = re.compile(
    r"^(?:numb\w*|tingl\w*|feel|felt|double|blurry|blurred|floaty|fuzzy|gibberish|nonsense"
    r"|slurred|slurring)$"
)
# While it was given, watched by the nurse: expected whatever is said after.
_WHILE_GIVEN = re.compile(
    r"(?:^| )during (?:the |my |it|a )?(?:spray|drip|infusion|session|treatment|dose)(?= |$)"
)
_DURING = re.compile(
    r"(?:^| )(?:(?:during|from|after|with) (?:the |my |it|a )?(?:spray|drip|infusion|session"
    r"|treatment|ketamine|it|nasal spray|dose)|(?:spray|drip|infusion|ketamine|treatment"
    r"|session|medication|medicine) made)(?= |$)"
)
_MILD_OVER = re.compile(
    r"(?:^| )(?:a little|a bit|gone now|gone|normal|came back|went away|both sides|all good"
    r"|expected|it happens|cleared|wore off|passed|fine now|ok now|okay now)(?= |$)"
)
_NOT_OVER = re.compile(
    r"(?:^| )(?:still|worse|spreading|getting|is (?:that|it|this) normal|not going away"
    r"|wont go away)(?= |$)"
)
_ONE_SIDE = re.compile(r"(?:^| )(?:one side|left|right|half)(?= |$)")


def expected_effect(words: Sequence[str], first: int, last: int, clause: str) -> bool:
    """Tingling, numbness or a strange feeling during the treatment, said to be mild or gone."""
    if not any(_EFFECT_WORDS.match(word) for word in words[first:last]):
        return False
    text = " ".join(word for word in words if word != clause)
    if _ONE_SIDE.search(text) or _NOT_OVER.search(text):
        return False
    if _WHILE_GIVEN.search(text):
        return True
    return _DURING.search(text) is not None and _MILD_OVER.search(text) is not None
