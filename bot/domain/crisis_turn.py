"""A denial turned round by what follows it (issue 10): "i dont want to hurt myself but i think
i will".

The crisis matcher drops words a negation stands before ("i dont want to hurt myself"). A later
clause may take the denial back without repeating the words, by ellipsis: "but i think i will",
"though im going to", "yet i might", "i really want to", "part of me does", "pero creo que si",
"aunque lo voy a hacer", "i cant promise i wont". Read on its own such a clause holds no crisis
word, so the matcher asks here whether the words after a negated match turn it round; if so the
negation no longer cancels the match.

A clause turns a denial round when it ends in an affirmative auxiliary (will, might, to, do, ...)
whose subject is the patient ("i ... will", not "why people do"), with no negation of its own
("and i wont" confirms the denial); or when it doubts the denial ("i cant promise", "not sure i
wont"); or, in Spanish, "que si" / "lo voy a hacer" without a "no". Only the next two clauses
(a dozen words) after the match are read: a turn that far away is no longer about those words.
Pure and small: a few set look-ups per negated match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Words that separate the clauses read here (the matcher already breaks at but / though /
# although / however / pero / aunque and at punctuation, shown as `clause`).
CONTRASTS = frozenset(["but", "though", "although", "yet", "however", "pero", "aunque", "still"])
# The last word of an elliptical clause that affirms: "i think i WILL", "im going TO".
_AFFIRMING_ENDS = frozenset(
    [
        "will",
        "might",
        "may",
        "could",
        "would",
        "to",
        "do",
        "does",
        "did",
        "am",
        "be",
        "should",
        "doing",
    ]
)
# Words between the patient and that last word: "i probably will", "im going to", "i want to".
_BETWEEN = frozenset(
    [
        "will",
        "might",
        "may",
        "could",
        "would",
        "should",
        "going",
        "want",
        "wants",
        "wanna",
        "need",
        "needs",
        "have",
        "got",
        "gotta",
        "ready",
        "about",
        "probably",
        "really",
        "just",
        "still",
        "actually",
        "definitely",
        "totally",
        "seriously",
        "honestly",
        "kinda",
        "to",
        "be",
        "do",
        "end",
        "up",
    ]
)
# "do it": the same ending as "do".
_DOING = frozenset(["do", "doing"])
# The patient and an auxiliary in one word, ending an elliptical clause: "maybe im", "i think ill".
_PATIENT_AUX = frozenset(["im", "ill", "id"])
# The patient as the subject ("part of me does" too).
_PATIENT = frozenset(["i", "im", "ive", "id", "ill", "me"])
# Words after the last one that change nothing: "i think i will anyway", "im going to tonight".
_TRAILING = frozenset(
    [
        "anyway",
        "anyways",
        "tonight",
        "today",
        "now",
        "soon",
        "though",
        "lol",
        "honestly",
        "probably",
        "eventually",
        "someday",
        "already",
        "too",
        "again",
        "tbh",
        "tho",
        "please",
        "pls",
        "help",
    ]
)
# A clause that doubts the denial: "i cant promise", "not sure i wont", "dont know if i can stop".
_DOUBTED = re.compile(
    r"(?:^| )(?:cant|cannot|couldnt) promise(?= |$)"
    r"|(?:^| )not (?:sure|certain) (?:i|if|that)(?= |$)"
    r"|(?:^| )dont know (?:if|whether|how long) i(?= |$)"
)
# Spanish: "pero creo que si", "aunque lo voy a hacer", "pero tal vez lo haga".
_SPANISH = re.compile(
    r"(?:^| )(?:que si|lo (?:voy a hacer|hare|haga|haria|hago|podria hacer|quiero hacer))(?= |$)"
)
_REACH_WORDS = 12
_REACH_CLAUSES = 2


def turned_round(words: Sequence[str], last: int, negations: frozenset[str], clause: str) -> bool:
    """Whether the words after a negated match (ending before index `last`) take the denial
    back ("... but i think i will")."""
    segments: list[list[str]] = [[]]
    for word in words[last : last + _REACH_WORDS]:
        if word == clause or word in CONTRASTS:
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append(word)
    return any(_turns(segment, negations) for segment in segments[:_REACH_CLAUSES] if segment)


def _turns(segment: list[str], negations: frozenset[str]) -> bool:
    joined = " ".join(segment)
    if _DOUBTED.search(joined):
        return True
    if any(word in negations for word in segment):
        return False  # "and i wont", "pero no lo voy a hacer"
    if _SPANISH.search(joined):
        return True
    end = len(segment)
    while end > 0 and segment[end - 1] in _TRAILING:
        end -= 1
    if end >= 2 and segment[end - 1] == "it" and segment[end - 2] in _DOING:
        end -= 1  # "but i might do it anyway"
    if end > 0 and segment[end - 1] in _PATIENT_AUX:
        return True  # "well maybe i am" (read "maybe im")
    if end == 0 or segment[end - 1] not in _AFFIRMING_ENDS:
        return False
    index = end - 2
    while index >= 0 and segment[index] in _BETWEEN:
        index -= 1
    return index >= 0 and segment[index] in _PATIENT


# A denial about an unnamed "it": "i dont want to do it", "no quiero hacerlo".
_UNNAMED = re.compile(
    r"(?:^| )(?:dont|do not|not|never|no) (?:[a-z]+ ){0,2}(?:want|wanna|mean|quiero|pienso)"
    r" (?:to )?(?:do it|hacerlo|lo hacer)$"
    r"|(?:^| )no lo (?:quiero|pienso) hacer$"
    r"|(?:^| )(?:i )?(?:dont|do not|no) (?:really )?(?:want|wanna|quiero)(?: to)?$"
)
# What "it" would then name in a message about the treatment: not a turn about oneself.
_ERRANDS = re.compile(
    r"(?:^| )(?:infusion|infusions|session|sessions|ketamine|spray|appointment|treatment|test"
    r"|procedure|drive|driving|surgery|shot|cita|sesion|tratamiento|infusion)(?= |$)"
)


def unnamed_denial_taken_back(words: Sequence[str], negations: frozenset[str], clause: str) -> bool:
    """ "i dont want to do it but i think i will", "no quiero hacerlo pero creo que lo voy a
    hacer": a denial about an unnamed act, turned round by the next clause."""
    if _ERRANDS.search(" ".join(words)):
        return False
    start = 0
    for index, word in enumerate([*words, clause]):
        if word != clause and word not in CONTRASTS:
            continue
        said = " ".join(words[start:index])
        start = index + 1
        if said and _UNNAMED.search(said) and turned_round(words, index, negations, clause):
            return True
    return False
