"""Crisis language in anything a patient writes (CLINICAL.md section 4b): self-harm or a medical
emergency, read from free text in every state and on every channel.

A keyword matcher, deliberately: it runs on every message before anything else, must answer in
microseconds and be explainable to staff ("matched: cant breath"). Published triage systems use
keyword filtering as their first, high-sensitivity stage (FACTS.md, "Crisis language"); what keeps
false alarms down is negation handling, and when unsure we escalate: staff close a false alarm
with one button, while a missed crisis cannot be undone.

How a text is read:
1. Normalised into words: lower case, accents and apostrophes dropped ("can't" -> "cant"), runs of
   three or more letters shortened ("killlll" -> "kill"), common misspellings and glued words
   mapped ("breath"/"breathe"/"breth" -> "breath", "suicidel" -> "suicidal", "kil" -> "kill",
   "cantbreathe" -> "cant breath"), and a few key words matched within one typo.
2. Split into clauses at punctuation, line breaks and "but / and / so / because", so a negation
   never reaches across a clause ("no chest pain but I cant breathe" fires on the second part).
3. Each phrase is a pattern of words: `a|b` alternatives, `word*` a prefix, `..` up to one word
   in between, `...` up to three ("chest ... hurt*" reads "my chest really hurts").
4. A match is dropped when a negation ("no", "not", "never", "dont", "without", ...) stands just
   before it in the same clause, counting only a couple of words besides "having / any / had"
   ("I have not had any chest pain", "not suicidal", "Im not going to hurt myself"), when the
   clause speaks of the past ("history of seizures", "a seizure years ago"), when the next
   clause is only "no" / "none" ("Chest pain: no"), or when the words are the bot's own
   question pasted back ("Do you have chest pain?"). "not sure" and "dont know" are doubts, not
   negations, and never cancel a match.

The defaults below are in code; the clinic profile's `[crisis]` table adds phrases and negation
words (validated at start-up with `compile_phrase` / `check_negation`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache


class CrisisKind(StrEnum):
    """The two classes of crisis language; the value is also the escalation rule's suffix."""

    EMERGENCY = "emergency"
    SELF_HARM = "self_harm"


# When a message holds both, the emergency reply ("call 911 now") goes first.
KIND_ORDER = (CrisisKind.EMERGENCY, CrisisKind.SELF_HARM)

# Telegram caps a message at 4,096 characters and Twilio an SMS at 1,600: reading more is never
# needed, and the cap keeps the work per message bounded whatever is posted.
MAX_CHARS = 4096
MAX_PHRASE_WORDS = 12

# --- the default phrases ------------------------------------------------------------------------

_END = "end|ending|ended|ends"
_PILLS = "pills|pill|meds|medication|medications|medicine|medicines|tablets"

SELF_HARM_PHRASES: tuple[str, ...] = (
    # naming it
    "suicid*",
    "kill|killing|killed|kills .. myself",
    "kms",
    "unalive*",
    f"{_END} .. my life",
    f"{_END} .. my own life",
    f"{_END} it all",
    f"{_END} .. everything",
    f"{_END} things",
    f"{_END} it tonight|today|now|soon",
    f"think* about|of {_END} it",
    f"feel* like {_END} it",
    "want* to end it $",
    "want* it .. to end $",
    "going to end it $",
    f"{_END} .. suffering",
    "stop existing",
    "take|taking|took my own life",
    "take|taking my life",
    "hurting myself",
    "want* ... hurt myself",
    "going to hurt myself",
    "urge* to hurt myself",
    "think* about|of hurt* myself",
    "hurt* myself on purpose",
    "harm|harming|harmed myself",
    "self harm*",
    "cutting myself",
    "slit* ... wrist*|wrists|throat",
    "cut* ... wrist*",
    "want* ... cut myself",
    "cut* myself on purpose",
    "started cutting",
    "hang|hanging myself",
    "shoot|shooting myself",
    "drown|drowning myself",
    "stab|stabbing myself",
    "jump* off ... bridge|building|roof|cliff|balcony",
    "jump* in front of ... train|car|truck|bus",
    "step* in front of ... train|car|truck|bus",
    "walk* into traffic",
    # wanting to be dead, not to be here
    "want* to .. die",
    "want* to be dead",
    "ready to die",
    "i should .. die",
    "wish i .. die|dead",
    "wish i ... never .. born",
    "rather be dead",
    "better off dead",
    "better off without me",
    "better off if im gone|dead",
    "better off if i ... dead|gone|died|here",
    "better off .. gone",
    "dont want to be here|alive|around ... anymore|more",
    "dont want to be alive",
    "dont want to live",
    "dont want to exist",
    "dont want to wake up",
    "hope i dont wake up",
    "dont want to go on",
    "not sure .. want to live",
    "not sure .. want to be alive|here",
    "never wake up",
    "not wake up",
    "wouldnt wake up",
    "want* to disappear",
    "disappear forever",
    # no way forward
    "no reason to live",
    "nothing .. to live for",
    "nothing left to live for",
    "not worth living",
    "isnt worth living",
    "life isnt worth it",
    "no point .. living",
    "point of living",
    "no point in life",
    "life is pointless",
    "cant go on $",
    "cant go on like this",
    "cant go on anymore|living",
    "cant keep going $",
    "cant keep going like this",
    "cant do this anymore",
    "cant take it|this anymore",
    "cant live like this",
    "no one would miss me",
    "nobody would miss me",
    "nobody would care if",
    "no one would care if",
    "no way out",
    "dont see .. way out",
    "no point anymore",
    "no point in going on",
    "no point in anything",
    "whats the point anymore",
    "whats the point $",
    "tired|sick of living|life",
    "tired|sick of being alive",
    "how much longer .. can do|take|keep",
    "how much longer .. can go on",
    "think* about|of dying|death",
    "feel* like dying",
    "sleep forever",
    "better|happier|easier ... without me",
    "if i wasnt|werent .. around|alive",
    "bought|buy|got|have|found .. rope",
    "noose",
    f"{_PILLS}|rope|note .. ready",
    "goodbye note|letter",
    "say* goodbye to everyone",
    "this is goodbye",
    "goodbye forever",
    "final|last goodbye",
    # pills on purpose
    "overdos* on purpose",
    "overdos* ... purpose",
    "want* .. overdose",
    "plan* .. overdose",
    "going to overdose",
    f"took|taken|swallow* all ... {_PILLS}",
    f"going to take all ... {_PILLS}",
    f"want* to take all ... {_PILLS}",
    f"took|taken|swallow*|downed ... many .. {_PILLS}",
    f"took|taken|swallow*|downed ... bottle of .. {_PILLS}",
    f"whole bottle of .. {_PILLS}",
    f"handful of .. {_PILLS}",
    f"bunch of .. {_PILLS}",
    f"stockpil* .. {_PILLS}",
    f"sav* up .. {_PILLS}",
)

_FAMILY = (
    "he|she|husband|wife|partner|son|daughter|mom|mum|dad|mother|father|friend|boyfriend|"
    "girlfriend|baby|child|kid"
)

EMERGENCY_PHRASES: tuple[str, ...] = (
    # chest
    "chest ... pain*|hurt*|pressure|tight*|ache*|aching|burning|crushing|squeez*|heavy|heaviness|killing",
    "pain*|pressure|tightness|crushing|ache*|hurt*|hurting|squeez* ... chest",
    "chest feels like",
    "heart ... explode|exploding",
    "elephant .. on my chest",
    "heart attack",
    "heart stopped",
    "heart is stopping",
    # breathing
    "cant|couldnt .. breath|breathing",
    "barely .. breath|breathing",
    "hard .. to breath",
    "hard time breathing",
    "trouble|difficulty|difficult|problems|struggling|struggle|labored ... breath|breathing",
    "short of breath",
    "shortness of breath",
    "cant catch my breath",
    "not breathing",
    "stopped breathing",
    "isnt breathing",
    "gasping",
    "choking",
    "suffocat*",
    "cant get .. air",
    "turning blue",
    "lips ... blue",
    # fainting, consciousness
    "pass|passed|passing|passes|past out",
    "fainted",
    "fainting",
    "feel* faint",
    "going to faint",
    "about to faint",
    "blacked|blacking out",
    "lost|losing consciousness",
    "unconscious",
    "unresponsive",
    "collapsed",
    "collapsing",
    f"{_FAMILY} .. wont wake up",
    "cant wake him|her|them|my",
    f"{_FAMILY} .. wont|isnt|not|stopped respond*",
    "blanked out",
    # seizure
    "seizure*",
    "seizing",
    "having a fit",
    "epileptic fit",
    "convuls*",
    # stroke
    "stroke",
    "face|mouth|smile ... droop*|dropping|droping|crooked|lopsided|uneven|sagging",
    "side of my face ... numb*|weak*|sag*|frozen|paraly*",
    "one side ... numb*|weak*|paraly*|droop*|dropping",
    "numb* ... one|left|right side",
    "numb* ... half",
    "left|right|one side ... numb*|weak*|paraly*|droop*",
    "weak* ... one|left|right side",
    "paraly*",
    "cant feel|move ... left|right|one side",
    "face ... numb*",
    "speech ... garbled|weird|strange|funny|slurred|off",
    "garbled",
    "cant speak $",
    "cant speak|talk properly|straight|clearly|normally",
    "cant speak at all",
    "cant get .. words out",
    "cant form words|sentences",
    "words ... jumbled|garbled|wrong|slurred",
    "trouble|difficulty speaking|talking",
    "slurr*",
    "worst headache",
    "sudden ... severe headache",
    "thunderclap",
    "lost|losing .. vision|sight",
    "cant see out of",
    "cant see anything",
    "went|gone|going blind",
    "blind in one eye",
    # swelling, allergy
    "lips|lip|tongue|throat|face|mouth ... swell*|swollen|puff*",
    "swell*|swollen|puff* ... lips|lip|tongue|throat",
    "throat ... clos*|tight*",
    "cant swallow",
    "anaphyla*",
    "allergic reaction",
    "epipen",
    # bleeding, pills, calling for help
    "cough* .. up blood",
    "vomit*|throw*|threw .. up blood",
    "vomit* blood",
    "bleed* heavily",
    "bleed* a lot",
    "bleed* badly",
    "bleed* so much",
    "wont stop bleeding",
    "bleeding wont stop",
    "overdosed|overdosing",
    "an overdose",
    f"took|taken|swallowed ... too many|much ... {_PILLS}|doses|dose",
    "feel* like im dying",
    "think im dying",
    "im dying $",
    "im going to die",
    "this is an emergency",
    "its an emergency",
    "having an emergency",
    "medical emergency",
    "call|called|calling|dial|dialed|dialing|ring|phone .. 911",
    "need .. 911",
    "911 now",
    "ambulance",
    "to the emergency room",
)

NEGATIONS: tuple[str, ...] = (
    "no",
    "not",
    "never",
    "nope",
    "dont",
    "doesnt",
    "didnt",
    "isnt",
    "arent",
    "wasnt",
    "werent",
    "havent",
    "hasnt",
    "hadnt",
    "wont",
    "wouldnt",
    "shouldnt",
    "without",
    "denies",
    "denied",
    "deny",
    "nor",
    "neither",
    "zero",
    "free",
)

# A clause that speaks of the past is history, not a crisis now.
PAST_PHRASES: tuple[str, ...] = (
    "history of",
    "years|months ago",
    "last year|month",
    "as a kid|child|teen|teenager",
    "when i was .. young|little|kid|child|teen|teenager",
    "family history",
)
# Words just after a match that say it is over or routine ("the chest pain is gone").
OVER_PHRASES: tuple[str, ...] = (
    "gone",
    "resolved",
    "went away",
    "as prescribed|directed|usual|normal|always",
    "like always|normal|usual",
)
# Everyday phrases that contain crisis words but are not crisis language: a match that falls
# inside one does not count ("my back is seizing up", "sleep paralysis").
IDIOMS: tuple[str, ...] = (
    "seiz* up",
    "sleep paraly*",
    "dying to|for",
    "to die for",
    "chest x ray",
    "chest xray",
)

# Words that may stand between a negation and what it negates at no cost ("not having any").
_FILLERS = frozenset(
    [
        "a",
        "an",
        "the",
        "any",
        "anymore",
        "really",
        "much",
        "more",
        "some",
        "of",
        "to",
        "ever",
        "at",
        "all",
        "bad",
        "real",
        "been",
        "had",
        "have",
        "has",
        "having",
        "got",
        "get",
        "getting",
        "feel",
        "felt",
        "feeling",
        "experienced",
        "experiencing",
        "noticed",
        "going",
        "gonna",
        "thinking",
        "thoughts",
        "thought",
        "about",
    ]
)
# How many other words may stand between a negation and the phrase it negates.
_NEGATION_REACH = 2
# A new subject or a joining word starts another statement: a negation before it is not ours.
_SCOPE_STOPS = frozenset(["i", "im", "ive", "id", "ill", "and", "but", "because", "then", "now"])
# Where a statement ends, for history ("years ago") and "it's gone now".
_STATEMENT_ENDS = frozenset(["and", "but", "because", "then", "now"])
# "do you / are you / have you ..." before the words: the patient is asking, not reporting.
_ASKING = frozenset(["do", "are", "have", "did", "were"])
# Words just before crisis words that make them a question about risk, not a report.
_NOT_A_REPORT = frozenset(
    ["cause", "causes", "causing", "risk", "risks", "chance", "prevent", "treat", "treats"]
)
# A negation followed by these is a doubt ("not sure", "dont know"), which never cancels.
_DOUBTS = frozenset(["sure", "know", "certain", "think", "just", "only"])
# A clause that is only one of these negates the clause before it ("Chest pain: no").
_ANSWER_NO = frozenset(["no", "none", "nope", "nah", "negative", "never"])

# --- normalising --------------------------------------------------------------------------------

# Shorthand, misspellings and glued words seen in patient messages; values may be several words.
SPELLINGS: dict[str, str] = {
    # apostrophe-free contractions and shorthand
    "cnt": "cant",
    "cannot": "cant",
    "dnt": "dont",
    "iam": "im",
    "wanna": "want to",
    "wana": "want to",
    "wnt": "want",
    "gonna": "going to",
    "gona": "going to",
    "tryna": "trying to",
    "u": "you",
    "ur": "your",
    "r": "are",
    "cuz": "because",
    "cos": "because",
    "coz": "because",
    "bc": "because",
    "rn": "now",
    "anymor": "anymore",
    "nomore": "no more",
    "ded": "dead",
    "dieing": "dying",
    # misspellings of key words
    "kil": "kill",
    "kll": "kill",
    "killin": "killing",
    "myslef": "myself",
    "meself": "myself",
    "breathe": "breath",
    "breth": "breath",
    "brethe": "breath",
    "breat": "breath",
    "breate": "breath",
    "breathin": "breathing",
    "breating": "breathing",
    "brething": "breathing",
    "breahting": "breathing",
    "suiside": "suicide",
    "sucide": "suicide",
    "suicde": "suicide",
    "suicidel": "suicidal",
    "suicidle": "suicidal",
    "sucidal": "suicidal",
    "suisidal": "suicidal",
    "suicidial": "suicidal",
    "siezure": "seizure",
    "sezure": "seizure",
    "seisure": "seizure",
    "seazure": "seizure",
    "seizur": "seizure",
    "siezing": "seizing",
    "fanted": "fainted",
    "feinted": "fainted",
    "unconcious": "unconscious",
    "unconsious": "unconscious",
    "throte": "throat",
    "troat": "throat",
    "thoat": "throat",
    "slured": "slurred",
    "sluring": "slurring",
    "sweling": "swelling",
    "swolen": "swollen",
    "tounge": "tongue",
    "toungue": "tongue",
    "tung": "tongue",
    "ambulence": "ambulance",
    "ambulanse": "ambulance",
    "chset": "chest",
    "chesst": "chest",
    # glued words
    "chestpain": "chest pain",
    "chestpains": "chest pains",
    "cantbreathe": "cant breath",
    "cantbreath": "cant breath",
    "killmyself": "kill myself",
    "passedout": "passed out",
    "heartattack": "heart attack",
    "selfharm": "self harm",
    "od": "overdose",
    "oding": "overdosing",
}
# Two-word spellings joined into one word.
_PAIRS: dict[tuple[str, str], str] = {
    ("can", "not"): "cant",
    ("can", "t"): "cant",
    ("do", "not"): "dont",
    ("don", "t"): "dont",
    ("does", "not"): "doesnt",
    ("doesn", "t"): "doesnt",
    ("did", "not"): "didnt",
    ("didn", "t"): "didnt",
    ("is", "not"): "isnt",
    ("isn", "t"): "isnt",
    ("are", "not"): "arent",
    ("was", "not"): "wasnt",
    ("were", "not"): "werent",
    ("have", "not"): "havent",
    ("has", "not"): "hasnt",
    ("had", "not"): "hadnt",
    ("will", "not"): "wont",
    ("won", "t"): "wont",
    ("would", "not"): "wouldnt",
    ("could", "not"): "couldnt",
    ("should", "not"): "shouldnt",
    ("i", "am"): "im",
    ("i", "m"): "im",
    ("my", "self"): "myself",
    ("epi", "pen"): "epipen",
    ("unable", "to"): "cant",
}
# Key words recognised within one typo (two for long words), mapped to their canonical form.
_FUZZY_TARGETS: dict[str, str] = {
    "suicide": "suicide",
    "suicidal": "suicidal",
    "seizure": "seizure",
    "seizures": "seizures",
    "breathe": "breath",
    "breathing": "breathing",
    "overdose": "overdose",
    "overdosed": "overdosed",
    "unconscious": "unconscious",
    "unresponsive": "unresponsive",
    "drooping": "drooping",
    "slurred": "slurred",
    "slurring": "slurring",
    "swelling": "swelling",
    "swollen": "swollen",
    "myself": "myself",
    "ambulance": "ambulance",
    "anaphylaxis": "anaphylaxis",
    "anaphylactic": "anaphylactic",
    "convulsing": "convulsing",
    "suffocating": "suffocating",
    "emergency": "emergency",
}
# Real words a typo-match must leave alone.
_REAL_WORDS = frozenset(
    [
        "painted",
        "fainter",
        "dwelling",
        "smelling",
        "spelling",
        "selling",
        "telling",
        "shelling",
        "swilling",
        "dropping",
        "drooling",
        "sizing",
        "seized",
        "leisure",
        "breadth",
        "breathy",
        "breaths",
        "mustn",
        "himself",
        "herself",
        "itself",
        "yourself",
        "oneself",
        "emergent",
        "emergence",
        "blurred",
        "blurry",
        "slurped",
        "slurping",
        "swallowed",
        "swallowing",
    ]
)

_APOSTROPHES = str.maketrans({c: "" for c in "'’‘`´ʼ"})
_CLAUSE_BREAK = re.compile(r"[.!?;:,\n\r()\[\]{}\"“”«»•]+|\s[-–—]+\s|[-–—]{2,}")
_WORD = re.compile(r"[a-z0-9]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
# Words that start a new clause: "no chest pain but I cant breathe" is two statements. ("and"
# is not one: "chest and arm pain" is one; it only ends a negation's reach, see _SCOPE_STOPS.)
_JOINERS = frozenset(["but", "because", "however", "although", "though"])
CLAUSE = "|"


def _strip_accents(text: str) -> str:
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


@lru_cache(maxsize=8192)
def canonical_word(word: str) -> str:
    """One word in canonical form (possibly several words: "chestpain" -> "chest pain")."""
    if word.isdigit():
        # "took 20 pills" reads as "took many pills"; emergency numbers stay as they are.
        many = word not in _EMERGENCY_NUMBERS and len(word) <= 3 and int(word) >= 10
        return "many" if many else word
    shortened = _REPEATS.sub(r"\1", word)
    for candidate in (word, shortened, _REPEATS.sub(r"\1\1", word)):
        if candidate in SPELLINGS:
            return SPELLINGS[candidate]
        if candidate in _FUZZY_TARGETS:
            return _FUZZY_TARGETS[candidate]
    if len(word) >= 6 and word not in _REAL_WORDS:
        for target, canonical in _FUZZY_TARGETS.items():
            if word[0] != target[0] and word[1] != target[1]:
                continue  # typos rarely change both of the first two letters
            limit = 2 if len(target) >= 9 and len(word) >= 9 else 1
            if _osa_distance(word, target, limit) <= limit:
                return canonical
    return shortened if shortened != word and len(shortened) >= 2 else word


def normalise(text: str) -> list[str]:
    """The text as canonical words, with CLAUSE ("|") between clauses."""
    lowered = _strip_accents(unicodedata.normalize("NFKC", text[:MAX_CHARS])).lower()
    lowered = lowered.translate(_APOSTROPHES).replace("&", " and ")
    words: list[str] = []
    for part in _CLAUSE_BREAK.split(lowered):
        raw = _WORD.findall(part)
        merged: list[str] = []
        for word in raw:
            if merged and (merged[-1], word) in _PAIRS:
                merged[-1] = _PAIRS[(merged[-1], word)]
                continue
            merged.append(word)
        clause: list[str] = []
        for word in merged:
            for piece in canonical_word(word).split():
                if clause and (clause[-1], piece) in _PAIRS:
                    clause[-1] = _PAIRS[(clause[-1], piece)]
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
    r"(?: (?:pls|plz|please|lol|now|today|tonight|honestly|help|really|anymore))*(?= \||$)"
)
_STEM_MAX = 12  # the longest prefix (word*) a phrase may use
_TOKEN = re.compile(r"^[a-z0-9]+\*?(?:\|[a-z0-9]+\*?)*$")


class BadPhrase(ValueError):
    """A phrase the matcher cannot use; the message says why and how to write it."""


@dataclass(frozen=True)
class Phrase:
    """One compiled phrase: its source text and a pattern over space-joined canonical words."""

    source: str
    pattern: re.Pattern[str]
    words: frozenset[str] = frozenset()
    # The first word's alternatives (exact words, and prefixes of `word*`): a text holding none
    # of them cannot match, so the pattern need not run (most texts hold no crisis word).
    first_words: frozenset[str] = frozenset()
    first_prefixes: tuple[str, ...] = ()

    def negated_inside(self, matched: Sequence[str], negations: frozenset[str]) -> bool:
        """A negation in a gap of the match ("lips and tongue are fine no swelling")."""
        return any(word in negations and word not in self.words for word in matched)


def _word_pattern(token: str) -> str:
    alternatives = []
    for alt in token.split("|"):
        # Each alternative is normalised like the text it is matched against.
        prefix = alt.endswith("*")
        word = alt.rstrip("*")
        canonical = canonical_word(word) if not prefix else word
        escaped = r"\ ".join(re.escape(part) for part in canonical.split())
        alternatives.append(escaped + (r"[^\s|]*" if prefix else ""))
    return "(?:" + "|".join(alternatives) + ")"


@lru_cache(maxsize=2048)
def compile_phrase(source: str) -> Phrase:
    """Compile a phrase such as "chest ... hurt*" or "cant|couldnt .. breath"; BadPhrase if not."""
    text = _strip_accents(source).lower().translate(_APOSTROPHES).strip()
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
                "a|b for alternatives, word* for a prefix, .. or ... for a gap"
            )
        if any(a.endswith("*") and not 4 <= len(a) <= _STEM_MAX + 1 for a in token.split("|")):
            raise BadPhrase(
                f"{source!r}: {token!r}: a prefix needs 3 to {_STEM_MAX} letters before *"
            )
        if parts:
            parts.append(" " + gap)
        parts.append(_word_pattern(token))
        gap = ""
    end = _CLAUSE_END if at_end else r"(?![^\s])"
    pattern = re.compile(r"(?<![^\s])" + "".join(parts) + end)
    own = frozenset(
        canonical_word(alt.rstrip("*"))
        for token in tokens
        if token not in ("..", "...")
        for alt in token.split("|")
    )
    first = tokens[0].split("|")
    return Phrase(
        source=source,
        pattern=pattern,
        words=own,
        first_words=frozenset(
            part
            for alt in first
            if not alt.endswith("*")
            for part in canonical_word(alt).split()[:1]
        ),
        first_prefixes=tuple(alt.rstrip("*") for alt in first if alt.endswith("*")),
    )


def check_negation(word: str) -> str:
    """A negation word as the matcher reads it; BadPhrase unless it is one plain word."""
    text = _strip_accents(word).lower().translate(_APOSTROPHES).strip()
    if not re.fullmatch(r"[a-z]{2,30}", text):
        raise BadPhrase(f"{word!r}: a negation is one word of letters (e.g. never)")
    return canonical_word(text)


# --- matching -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrisisMatch:
    """What was found: the class to act on, the words that matched, and every class present."""

    kind: CrisisKind
    phrase: str
    kinds: tuple[CrisisKind, ...]


@dataclass(frozen=True)
class _Hit:
    kind: CrisisKind
    phrase: str
    first: int  # word index of the first matched word
    last: int  # word index one past the last


@dataclass
class CrisisMatcher:
    """Find crisis language in a text: `match(text)` -> CrisisMatch or None.

    `quoted`: the bot's own texts (questions, notices); a match inside one of them, pasted back
    by the patient, does not count.
    """

    extra_self_harm: Sequence[str] = ()
    extra_emergency: Sequence[str] = ()
    extra_negations: Sequence[str] = ()
    quoted: Iterable[str] = ()
    _phrases: dict[CrisisKind, tuple[Phrase, ...]] = field(init=False, repr=False)
    _past: tuple[Phrase, ...] = field(init=False, repr=False)
    _over: tuple[Phrase, ...] = field(init=False, repr=False)
    _idioms: tuple[Phrase, ...] = field(init=False, repr=False)
    _negations: frozenset[str] = field(init=False, repr=False)
    # First word (or prefix) -> the phrases it can start, per class: most texts need no pattern.
    _starts: dict[CrisisKind, dict[str, tuple[int, ...]]] = field(init=False, repr=False)
    _quotes: tuple[tuple[str, ...], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._phrases = {
            CrisisKind.EMERGENCY: tuple(
                compile_phrase(p) for p in (*EMERGENCY_PHRASES, *self.extra_emergency)
            ),
            CrisisKind.SELF_HARM: tuple(
                compile_phrase(p) for p in (*SELF_HARM_PHRASES, *self.extra_self_harm)
            ),
        }
        self._starts = {}
        for kind, phrases in self._phrases.items():
            index: dict[str, list[int]] = {}
            for number, phrase in enumerate(phrases):
                for word in (*phrase.first_words, *phrase.first_prefixes):
                    index.setdefault(word, []).append(number)
            self._starts[kind] = {word: tuple(found) for word, found in index.items()}
        self._past = tuple(compile_phrase(p) for p in PAST_PHRASES)
        self._over = tuple(compile_phrase(p) for p in OVER_PHRASES)
        self._idioms = tuple(compile_phrase(p) for p in IDIOMS)
        self._negations = frozenset(NEGATIONS) | {check_negation(w) for w in self.extra_negations}
        # Only the bot's texts that would themselves fire need checking against a message.
        quotes: dict[tuple[str, ...], None] = {}
        for text in self.quoted:
            words = normalise(text)
            plain = tuple(w for w in words if w != CLAUSE)
            if len(plain) >= 3 and self._hits(words, self._idiom_positions(words)):
                quotes.setdefault(plain)
        self._quotes = tuple(quotes)

    def match(self, text: str) -> CrisisMatch | None:
        """The crisis language in `text`, or None."""
        if not text or not text.strip():
            return None
        words = normalise(text)
        ignored = self._quoted_positions(words) | self._idiom_positions(words)
        hits = self._hits(words, ignored)
        if not hits:
            return None
        kinds = tuple(kind for kind in KIND_ORDER if any(hit.kind is kind for hit in hits))
        first = next(hit for hit in hits if hit.kind is kinds[0])
        return CrisisMatch(kind=kinds[0], phrase=first.phrase, kinds=kinds)

    def _hits(self, words: list[str], ignored: set[int]) -> list[_Hit]:
        """The first match of each class that is neither ignored nor negated."""
        hits: list[_Hit] = []
        joined, starts = _join(words)
        present = frozenset(words)
        stems = frozenset(w[:k] for w in present for k in range(3, min(len(w), _STEM_MAX) + 1))
        for kind in KIND_ORDER:
            hit = self._first_hit(kind, words, joined, starts, ignored, present, stems)
            if hit is not None:
                hits.append(hit)
        return hits

    def _first_hit(
        self,
        kind: CrisisKind,
        words: list[str],
        joined: str,
        starts: list[int],
        ignored: set[int],
        present: frozenset[str],
        stems: frozenset[str],
    ) -> _Hit | None:
        index_of = {offset: i for i, offset in enumerate(starts)}
        starting = self._starts[kind]
        candidates = sorted({n for w in present | stems for n in starting.get(w, ())})
        phrases = self._phrases[kind]
        for phrase in (phrases[n] for n in candidates):
            for found in phrase.pattern.finditer(joined):
                first = index_of[found.start()]
                last = first + found.group().count(" ") + 1
                if ignored.intersection(range(first, last)):
                    continue
                if self._negated(words, first, last) or phrase.negated_inside(
                    words[first:last], self._negations
                ):
                    continue
                return _Hit(kind, found.group(), first, last)
        return None

    def _negated(self, words: list[str], first: int, last: int) -> bool:
        return (
            self._negation_before(words, first)
            or self._in_past_or_over(words, first, last)
            or _answered_no(words, last)
        )

    def _negation_before(self, words: list[str], first: int) -> bool:
        """A negation just before the match, in the same statement ("I have not had any ...")."""
        budget = _NEGATION_REACH
        index = first - 1
        while index >= 0 and words[index] != CLAUSE:
            word = words[index]
            if word in _SCOPE_STOPS:
                return False
            if word == "you" and index > 0 and words[index - 1] in _ASKING:
                return True  # "do you have chest pain?": a question to someone, not a report
            if word in _NOT_A_REPORT:
                return True  # "can it cause seizures", "at risk of stroke": asking, not telling
            if word in self._negations:
                following = words[index + 1] if index + 1 < len(words) else ""
                if following not in _DOUBTS:
                    return True
            if word in ("or", "nor"):
                budget += 4  # "no chest pain or trouble breathing": the list shares the "no"
            elif word not in _FILLERS:
                budget -= 1
                if budget < 0:
                    return False
            index -= 1
        return False

    def _in_past_or_over(self, words: list[str], first: int, last: int) -> bool:
        """The statement speaks of the past, or says it is over, routine, or gone."""
        start = first
        while start > 0 and words[start - 1] != CLAUSE and words[start - 1] not in _STATEMENT_ENDS:
            start -= 1
        end = last
        while end < len(words) and words[end] != CLAUSE and words[end] not in _STATEMENT_ENDS:
            end += 1
        statement, _ = _join(words[start:end])
        if any(p.pattern.search(statement) for p in self._past):
            return True
        stop = last
        while stop < min(end, last + 4) and words[stop] not in _SCOPE_STOPS:
            stop += 1
        after, _ = _join(words[last:stop])
        return any(p.pattern.search(after) for p in self._over)

    def _idiom_positions(self, words: list[str]) -> set[int]:
        joined, starts = _join(words)
        covered: set[int] = set()
        for idiom in self._idioms:
            for found in idiom.pattern.finditer(joined):
                first = starts.index(found.start())
                covered.update(range(first, first + found.group().count(" ") + 1))
        return covered

    def _quoted_positions(self, words: list[str]) -> set[int]:
        """Word indexes covered by one of the bot's own texts pasted into the message."""
        if not self._quotes:
            return set()
        plain = [(i, w) for i, w in enumerate(words) if w != CLAUSE]
        flat = [w for _, w in plain]
        covered: set[int] = set()
        for quote in self._quotes:
            size = len(quote)
            for start in range(len(flat) - size + 1):
                if flat[start] == quote[0] and tuple(flat[start : start + size]) == quote:
                    covered.update(plain[k][0] for k in range(start, start + size))
        return covered


def _answered_no(words: list[str], last: int) -> bool:
    """The next clause is only "no" / "none": an answer to what came before ("Chest pain: no")."""
    end = last
    while end < len(words) and words[end] != CLAUSE:
        end += 1
    following = words[end + 1 :]
    next_clause = following[: following.index(CLAUSE)] if CLAUSE in following else following
    if not next_clause or next_clause[0] not in _ANSWER_NO or len(next_clause) > 2:
        return False
    return len(next_clause) == 1 or next_clause[1] not in ("idea", "clue", "one", "more")


def _join(words: Sequence[str]) -> tuple[str, list[int]]:
    """Words joined by spaces, and the character offset where each word starts."""
    starts: list[int] = []
    offset = 0
    for word in words:
        starts.append(offset)
        offset += len(word) + 1
    return " ".join(words), starts
