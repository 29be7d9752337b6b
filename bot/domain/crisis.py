"""Crisis language in anything a patient writes (CLINICAL.md section 4b): self-harm or a medical
emergency, read from free text in every state and on every channel.

A keyword matcher, deliberately: it runs on every message before anything else, must answer in
microseconds and be explainable to staff ("matched: cant breath"). Published triage systems use
keyword filtering as their first, high-sensitivity stage (FACTS.md, "Crisis language"); what keeps
false alarms down is negation handling, and when unsure we escalate: staff close a false alarm
with one button, while a missed crisis cannot be undone.

How a text is read:
1. Normalised into words: lower case, accents and apostrophes dropped ("can't" -> "cant"), runs of
   three or more letters shortened ("killlll" -> "kill"), digits and stars inside words read as
   letters ("su1c1de", "k*ll"), common misspellings, shorthand and glued words mapped
   ("breathe"/"breth" -> "breath", "pian" -> "pain", "lfe" -> "life", "idk" -> "dont know",
   "cantbreathe" -> "cant breath"), and a few key words matched within one typo.
2. Split into clauses at punctuation, line breaks and "but / because / however", so a negation
   never reaches across a clause ("no chest pain but I cant breathe" fires on the second part).
3. Each phrase is a pattern of words that stands for a concept, not one sentence: `a|b`
   alternatives, `a_b` several words as one alternative ("keep_going"), `word*` a prefix, `..` up
   to one word in between, `...` up to three ("chest ... hurt*" reads "my chest really hurts").
   Other persons (himself, herself, "my wife ... isnt responding") and Spanish are phrased too.
4. A match is dropped when a negation ("no", "not", "never", "dont", "without", ...) stands just
   before it in the same clause, counting only a couple of words besides "having / any / had"
   ("I have not had any chest pain", "not suicidal", "Im not going to hurt myself"), when the
   statement speaks of the past ("history of seizures", "a seizure years ago", "in 2012"), when
   the next clause is only "no" / "none" / "not at all" ("Chest pain: no"), when a screening
   question is reported with its no ("they asked about suicide and I said no"), when it falls
   inside an everyday idiom or accident ("to die for", "cut myself shaving", "nearly had a heart
   attack when I saw the bill"), or when the words are the bot's own question pasted back ("Do
   you have chest pain?"). Emergency words are also dropped in a question about what to do
   ("what if I feel faint", "who do I call if I have trouble breathing", "the signs of a
   stroke"), about an animal ("my dog had a seizure"), someone who died or a family history, a
   local anaesthetic's numbness, and "I cant wake up early" / "sorry I didnt respond" (waking
   and responding are emergencies only said of someone else). "not sure", "dont know if" are
   doubts, not negations, and never cancel a match. Nor does a negation whose statement a
   later clause turns round ("i dont want to hurt myself but i think i will":
   bot/domain/crisis_turn.py). A strong match that is clearly a general question about side
   effects, fiction, or the past ("is chest tightness a side effect?", "my grandmother had a
   stroke at 85") is lowered to the soft tier, never dropped (bot/domain/crisis_context.py).
5. Speed: each phrase is indexed by its most telling word, so a message only tries the few
   phrases whose word it contains (about 0.1-0.3 ms a message, a few ms for 1,600 characters).

Two tiers. `match()` is the strong tier: the fixed reply and an on-call page. `assess()` tries the
strong tier first and then the soft one (SOFT_*_PHRASES: hopelessness, "i give up", farewells,
affairs in order, confusion or someone not answering; strong words in a recent past, "last
session"; emergency words "but it went away"; a high typed blood pressure below crisis level):
the patient is asked "are you safe right now?" and staff get a notice, and on-call is paged only
on a "no", a "call me" or no answer (bot/services/crisis.py).

This module is the crisis reader's public face; the parts live beside it, by topic:
- the default phrases: bot/domain/crisis_phrases_self_harm.py (and _self_harm_means.py),
  crisis_phrases_emergency.py, crisis_phrases_soft.py; negations, the past and idioms:
  crisis_negations.py; the shared word classes and the phrase families written for language a
  keyword list tends to miss: crisis_words.py, crisis_emergency_idioms.py, crisis_plans.py,
  crisis_intent.py, crisis_ongoing.py (self-injury again, one side gone dead, urine that will
  not pass), crisis_acts.py (self-harm told as an act, a place or a time; plans with a day and
  passive wishes read over the whole message), crisis_signs.py (emergencies in everyday words;
  oxygen, blood sugar and fever typed as numbers); goodbyes, arrangements and means at hand read
  over the whole message: crisis_farewell.py; words said laughing (lowered to the soft tier when
  a joke): crisis_jokes.py; the bot's questions answered "no" in a list or after the question,
  and effects felt during the treatment that passed: crisis_answers.py;
- reading a text (steps 1-3, 5): crisis_spellings.py, crisis_normalise.py;
- the matcher and why a match is dropped (step 4): crisis_matcher.py, crisis_vetoes.py,
  crisis_cue_words.py, crisis_turn.py, crisis_context.py; its types: crisis_types.py;
- the answer to "are you safe right now?": crisis_check_answer.py.
The clinic profile's `[crisis]` table adds phrases and negation words (validated at start-up
with `compile_phrase` / `check_negation`).
"""

from __future__ import annotations

from bot.domain.crisis_check_answer import CheckAnswer, parse_check_answer
from bot.domain.crisis_matcher import CrisisMatcher
from bot.domain.crisis_negations import IDIOMS, NEGATIONS, OVER_PHRASES, PAST_PHRASES
from bot.domain.crisis_normalise import (
    CLAUSE,
    BadPhrase,
    Phrase,
    canonical_word,
    check_negation,
    compile_phrase,
    normalise,
)
from bot.domain.crisis_phrases_emergency import EMERGENCY_PHRASES
from bot.domain.crisis_phrases_self_harm import SELF_HARM_PHRASES
from bot.domain.crisis_phrases_soft import SOFT_EMERGENCY_PHRASES, SOFT_SELF_HARM_PHRASES
from bot.domain.crisis_spellings import SPELLINGS
from bot.domain.crisis_types import (
    KIND_ORDER,
    MAX_CHARS,
    MAX_PHRASE_WORDS,
    CrisisKind,
    CrisisMatch,
    CrisisTier,
    SecondStage,
    StageHit,
)

__all__ = [
    "CLAUSE",
    "EMERGENCY_PHRASES",
    "IDIOMS",
    "KIND_ORDER",
    "MAX_CHARS",
    "MAX_PHRASE_WORDS",
    "NEGATIONS",
    "OVER_PHRASES",
    "PAST_PHRASES",
    "SELF_HARM_PHRASES",
    "SOFT_EMERGENCY_PHRASES",
    "SOFT_SELF_HARM_PHRASES",
    "SPELLINGS",
    "BadPhrase",
    "CheckAnswer",
    "CrisisKind",
    "CrisisMatch",
    "CrisisMatcher",
    "CrisisTier",
    "Phrase",
    "SecondStage",
    "StageHit",
    "canonical_word",
    "check_negation",
    "compile_phrase",
    "normalise",
    "parse_check_answer",
]
