"""The crisis matcher: finds phrases in normalised clauses and applies the vetoes (the reading is
described in bot/domain/crisis.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.domain.crisis_acts import plan_sign
from bot.domain.crisis_context import not_the_patient_now
from bot.domain.crisis_cue_words import (
    DISTANT_PAST,
    FIRST_PERSON,
    FUTURE_LAST,
    PURPOSELY,
    RECENT_PAST,
    WELL_NOW,
)
from bot.domain.crisis_farewell import farewell_sign
from bot.domain.crisis_intent import answered_no_later, back_to_normal_after, message_sign
from bot.domain.crisis_jokes import said_as_a_joke, said_laughing
from bot.domain.crisis_negations import (
    ASKING,
    DOUBTS,
    FILLERS,
    IDIOMS,
    NEGATION_REACH,
    NEGATIONS,
    NOT_A_REPORT,
    OVER_PHRASES,
    PAST_PHRASES,
    SCOPE_STOPS,
    STATEMENT_ENDS,
    YEAR,
)
from bot.domain.crisis_normalise import (
    CLAUSE,
    Phrase,
    PhraseIndex,
    check_negation,
    compile_phrase,
    join_words,
    normalise,
)
from bot.domain.crisis_phrases_emergency import EMERGENCY_PHRASES
from bot.domain.crisis_phrases_self_harm import SELF_HARM_PHRASES
from bot.domain.crisis_phrases_soft import SOFT_EMERGENCY_PHRASES, SOFT_SELF_HARM_PHRASES
from bot.domain.crisis_plans import fixated_on
from bot.domain.crisis_signs import typed_reading
from bot.domain.crisis_turn import turned_round
from bot.domain.crisis_types import KIND_ORDER, CrisisKind, CrisisMatch, CrisisTier, SecondStage
from bot.domain.crisis_vetoes import (
    about_an_animal,
    about_oneself_waking,
    about_the_dead_or_history,
    answered_no,
    asking_for_information,
    fast_heart_rate,
    high_blood_pressure,
    hypothetical,
    numb_from_anaesthetic,
    on_purpose,
    promise_doubted,
    reassured_after,
    reported_denial,
    settled_after,
    sometimes_or_on_exertion,
    wore_off_after_treatment,
)

# A strong match dropped for one of these reasons is still a soft sign (see `assess`).
_DEMOTABLE = {
    CrisisKind.SELF_HARM: frozenset({"recent_past", "not_the_patient_now", "joking"}),
    CrisisKind.EMERGENCY: frozenset({"settled", "not_the_patient_now", "joking"}),
}


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
    extra_soft_self_harm: Sequence[str] = ()
    extra_soft_emergency: Sequence[str] = ()
    # The learned second stage (bot/domain/crisis_model.py): asked only when the rules found
    # nothing, and at most a SOFT sign.
    second_stage: SecondStage | None = None
    _phrases: dict[CrisisKind, tuple[Phrase, ...]] = field(init=False, repr=False)
    _past: tuple[Phrase, ...] = field(init=False, repr=False)
    _over: tuple[Phrase, ...] = field(init=False, repr=False)
    _idioms: PhraseIndex = field(init=False, repr=False)
    _negations: frozenset[str] = field(init=False, repr=False)
    _quotes: tuple[tuple[str, ...], ...] = field(init=False, repr=False)
    _index: dict[CrisisKind, PhraseIndex] = field(init=False, repr=False)
    _soft_index: dict[CrisisKind, PhraseIndex] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._phrases = {
            CrisisKind.EMERGENCY: tuple(
                compile_phrase(p) for p in (*EMERGENCY_PHRASES, *self.extra_emergency)
            ),
            CrisisKind.SELF_HARM: tuple(
                compile_phrase(p) for p in (*SELF_HARM_PHRASES, *self.extra_self_harm)
            ),
        }
        self._index = {kind: PhraseIndex(phrases) for kind, phrases in self._phrases.items()}
        self._soft_index = {
            CrisisKind.EMERGENCY: PhraseIndex(
                [compile_phrase(p) for p in (*SOFT_EMERGENCY_PHRASES, *self.extra_soft_emergency)]
            ),
            CrisisKind.SELF_HARM: PhraseIndex(
                [compile_phrase(p) for p in (*SOFT_SELF_HARM_PHRASES, *self.extra_soft_self_harm)]
            ),
        }
        self._past = tuple(compile_phrase(p) for p in PAST_PHRASES)
        self._over = tuple(compile_phrase(p) for p in OVER_PHRASES)
        self._idioms = PhraseIndex([compile_phrase(p) for p in IDIOMS])
        self._negations = frozenset(NEGATIONS) | {check_negation(w) for w in self.extra_negations}
        # Only the bot's texts that would themselves fire need checking against a message.
        quotes: dict[tuple[str, ...], None] = {}
        for text in self.quoted:
            words = normalise(text)
            plain = tuple(w for w in words if w != CLAUSE)
            idioms = self._idiom_positions(words)
            if len(plain) >= 3 and (
                self._hits(words, idioms) or self._hits(words, idioms, tier=CrisisTier.SOFT)
            ):
                quotes.setdefault(plain)
        self._quotes = tuple(quotes)

    def match(self, text: str) -> CrisisMatch | None:
        """The strong crisis language in `text` (the fixed reply and a page), or None."""
        if not text or not text.strip():
            return None
        words = normalise(text)
        ignored = self._quoted_positions(words) | self._idiom_positions(words)
        found = _found(self._hits(words, ignored), CrisisTier.STRONG) or typed_reading(text)
        if found is None and high_blood_pressure(text) is CrisisTier.STRONG:
            return CrisisMatch(
                kind=CrisisKind.EMERGENCY,
                phrase="blood pressure reading",
                kinds=(CrisisKind.EMERGENCY,),
            )
        return found

    def assess(self, text: str) -> CrisisMatch | None:
        """The strong crisis language in `text`; failing that, a softer sign; or None.

        Soft: a phrase of the soft lists, or strong words the statement puts in the past with
        nothing saying it is over now ("I tried to overdose last year"), or emergency words
        followed by "but it went away" (it may come back: the patient is asked, not paged).
        """
        if not text or not text.strip():
            return None
        words = normalise(text)
        ignored = self._quoted_positions(words) | self._idiom_positions(words)
        vetoed: list[_Hit] = []
        found = self._assess_rules(text, words, ignored, vetoed)
        if found is not None or self.second_stage is None or said_laughing(words, CLAUSE):
            return found  # the model reads no intent: a joke is not asked about
        return self._second_look(self.second_stage, words, ignored, vetoed)

    def residue(self, text: str) -> list[str]:
        """The words the second stage reads: the bot's pasted texts, idioms and every crisis
        phrase the rules set aside (negated, past, over, ...) blanked out as clause breaks."""
        words = normalise(text)
        ignored = self._quoted_positions(words) | self._idiom_positions(words)
        vetoed: list[_Hit] = []
        self._assess_rules(text, words, ignored, vetoed)
        return _blank(words, ignored, vetoed)

    def _second_look(
        self, stage: SecondStage, words: list[str], ignored: set[int], vetoed: list[_Hit]
    ) -> CrisisMatch | None:
        """The learned model's view of what the rules left: at most a SOFT sign, and never of
        a class the rules read as denied, past or over in this message ("i dont want to die, i
        want to get better")."""
        set_aside = {hit.kind for hit in vetoed}
        flagged = [
            hit
            for hit in stage.flagged(_blank(words, ignored, vetoed))
            if hit.kind not in set_aside
        ]
        if not flagged:
            return None
        first = flagged[0]
        shown = ", ".join(first.top) or "-"
        return CrisisMatch(
            kind=first.kind,
            phrase=f"model {first.probability:.2f}: {shown}",
            kinds=tuple(hit.kind for hit in flagged),
            tier=CrisisTier.SOFT,
            learned=True,
        )

    def _assess_rules(
        self, text: str, words: list[str], ignored: set[int], vetoed: list[_Hit]
    ) -> CrisisMatch | None:
        demoted: list[_Hit] = []
        strong = self._hits(words, ignored, demoted=demoted, vetoed=vetoed)
        if strong:
            return _found(strong, CrisisTier.STRONG)
        reading = typed_reading(text)  # oxygen, blood sugar, a fever with red flags
        if reading is not None:
            return reading
        if high_blood_pressure(text) is CrisisTier.STRONG:
            return CrisisMatch(
                kind=CrisisKind.EMERGENCY,
                phrase="blood pressure reading",
                kinds=(CrisisKind.EMERGENCY,),
            )
        soft = self._hits(words, ignored, tier=CrisisTier.SOFT, vetoed=vetoed)
        if WELL_NOW.search(" ".join(words)) is None:
            soft += [hit for hit in demoted if all(h.kind is not hit.kind for h in soft)]
        found = _found(soft, CrisisTier.SOFT)
        if found is None and fast_heart_rate(text):
            return CrisisMatch(
                kind=CrisisKind.EMERGENCY,
                phrase="heart rate",
                kinds=(CrisisKind.EMERGENCY,),
                tier=CrisisTier.SOFT,
            )
        if found is None and high_blood_pressure(text) is CrisisTier.SOFT:
            return CrisisMatch(
                kind=CrisisKind.EMERGENCY,
                phrase="blood pressure reading",
                kinds=(CrisisKind.EMERGENCY,),
                tier=CrisisTier.SOFT,
            )
        return found

    def _hits(
        self,
        words: list[str],
        ignored: set[int],
        *,
        tier: CrisisTier = CrisisTier.STRONG,
        demoted: list[_Hit] | None = None,
        vetoed: list[_Hit] | None = None,
    ) -> list[_Hit]:
        """The first match of each class that is neither ignored nor negated.

        `demoted` collects, per class, the first strong match dropped only because it is in
        the past (self-harm) or said to have passed (emergency): a soft sign.
        """
        hits: list[_Hit] = []
        joined, starts = join_words(words)
        index_of = {start: i for i, start in enumerate(starts)}
        present = frozenset(words)
        index = self._index if tier is CrisisTier.STRONG else self._soft_index
        laughing = said_laughing(words, CLAUSE)
        for kind in KIND_ORDER:
            hit = self._first_hit(
                index[kind],
                kind,
                words,
                joined,
                index_of,
                present,
                ignored,
                demoted,
                vetoed,
                strong=tier is CrisisTier.STRONG,
                laughing=laughing,
            )
            if hit is not None:
                hits.append(hit)
        if tier is CrisisTier.STRONG:
            sign = message_sign(words, CLAUSE, self._negations)
        else:
            # an arrangement, means, a time or a passive wish alone: asked
            found = farewell_sign(words, CLAUSE) or plan_sign(words, CLAUSE)
            sign = ("self_harm", found[1]) if found and found[0] == "soft" else None
        if sign is not None and all(hit.kind != sign[0] for hit in hits):
            hits.append(_Hit(CrisisKind(sign[0]), sign[1], 0, 0))  # parts split by punctuation
        return hits

    def _first_hit(
        self,
        index: PhraseIndex,
        kind: CrisisKind,
        words: list[str],
        joined: str,
        index_of: dict[int, int],
        present: frozenset[str],
        ignored: set[int],
        demoted: list[_Hit] | None,
        vetoed: list[_Hit] | None = None,
        *,
        strong: bool = True,
        laughing: bool = False,
    ) -> _Hit | None:
        for phrase in index.candidates(present):
            for found in phrase.pattern.finditer(joined):
                first = index_of[found.start()]
                last = first + found.group().count(" ") + 1
                if ignored.intersection(range(first, last)):
                    continue
                if laughing and not strong and " " not in phrase.source:
                    continue  # "lol im dead": a bare death word said laughing
                if phrase.negated_inside(words[first:last], self._negations) and not (
                    turned_round(words, last, self._negations, CLAUSE)
                ):
                    if vetoed is not None:
                        vetoed.append(_Hit(kind, found.group(), first, last))
                    continue
                reason = self._dropped(kind, words, first, last)
                if reason is None and strong and not_the_patient_now(words, first, last, CLAUSE):
                    reason = "not_the_patient_now"  # a question, fiction, the past: asked
                if reason is None and laughing and strong and said_as_a_joke(words, first, CLAUSE):
                    reason = "joking"  # said laughing: asked, not paged (crisis_jokes.py)
                if reason is None:
                    return _Hit(kind, found.group(), first, last)
                if (
                    demoted is not None
                    and reason in _DEMOTABLE[kind]
                    and all(hit.kind is not kind for hit in demoted)
                ):
                    demoted.append(_Hit(kind, found.group(), first, last))
                elif vetoed is not None:
                    vetoed.append(_Hit(kind, found.group(), first, last))
        return None

    def _dropped(self, kind: CrisisKind, words: list[str], first: int, last: int) -> str | None:
        """Why a match does not count ("negated", "past", "settled", ...), or None if it does."""
        if (
            (about_an_animal(words, first) and FIRST_PERSON.isdisjoint(words[first:last]))
            or (
                self._negation_before(words, first)
                and not turned_round(words, last, self._negations, CLAUSE)
            )
            or answered_no(words, last, first)
            or answered_no_later(words, last, CLAUSE)
            or reported_denial(words, first, last)
        ):
            return "negated"
        if self._in_past(words, first, last):
            # Last night or last session is recent: asked about; years ago or as a teen is not.
            start, end = self._statement(words, first, last)
            statement, _ = join_words(words[start:end])
            if RECENT_PAST.search(statement) and not DISTANT_PAST.search(statement):
                return "recent_past"
            return "past"
        if self._over_after(words, first, last):
            return "over"
        if kind is CrisisKind.EMERGENCY:
            if wore_off_after_treatment(words, last):
                return "not_now"
            if settled_after(words, last) or back_to_normal_after(words, last):
                return "settled"
            if (
                hypothetical(words, first, last)
                or asking_for_information(words, first)
                or about_the_dead_or_history(words, first)
                or about_oneself_waking(words, first, last)
                or numb_from_anaesthetic(words, first, last)
                or reassured_after(words, first, last)
                or sometimes_or_on_exertion(words, first, last)
            ):
                return "not_now"
        return None

    def _negation_before(self, words: list[str], first: int) -> bool:
        """A negation just before the match, in the same statement ("I have not had any ...")."""
        budget = NEGATION_REACH
        index = first - 1
        while index >= 0 and words[index] != CLAUSE:
            word = words[index]
            if word in SCOPE_STOPS:
                return False
            if word == "you" and index > 0 and words[index - 1] in ASKING:
                return True  # "do you have chest pain?": a question to someone, not a report
            if word in NOT_A_REPORT:
                return True  # "can it cause seizures", "at risk of stroke": asking, not telling
            if word in self._negations:
                following = words[index + 1] if index + 1 < len(words) else ""
                if promise_doubted(words, index):
                    return False  # "I can't promise I won't hurt myself": not a denial
                if following not in DOUBTS:
                    return True
            if word in ("or", "nor"):
                budget += 4  # "no chest pain or trouble breathing": the list shares the "no"
            elif word not in FILLERS:
                budget -= 1
                if budget < 0:
                    return False
            index -= 1
        return False

    @staticmethod
    def _statement(words: list[str], first: int, last: int) -> tuple[int, int]:
        start = first
        while start > 0 and words[start - 1] != CLAUSE and words[start - 1] not in STATEMENT_ENDS:
            start -= 1
        end = last
        while end < len(words) and words[end] != CLAUSE and words[end] not in STATEMENT_ENDS:
            end += 1
        return start, end

    def _in_past(self, words: list[str], first: int, last: int) -> bool:
        """The statement speaks of the past ("years ago", "in 2012", "history of")."""
        start, end = self._statement(words, first, last)
        statement, _ = join_words(words[start:end])
        if FUTURE_LAST.search(statement):
            return False  # "the last time you'll hear from me" looks ahead, not back
        return bool(YEAR.search(statement)) or any(p.pattern.search(statement) for p in self._past)

    def _over_after(self, words: list[str], first: int, last: int) -> bool:
        """The words just after say it is over, routine, or gone ("the chest pain is gone")."""
        _, end = self._statement(words, first, last)
        stop = last
        while stop < min(end, last + 4) and words[stop] not in SCOPE_STOPS:
            stop += 1
        after, _ = join_words(words[last:stop])
        return any(p.pattern.search(after) for p in self._over)

    def _idiom_positions(self, words: list[str]) -> set[int]:
        joined, starts = join_words(words)
        index_of = {start: i for i, start in enumerate(starts)}
        present = frozenset(words)
        covered: set[int] = set()
        purposeful = "purpose" in present or not PURPOSELY.isdisjoint(present)
        for idiom in self._idioms.candidates(present):
            for found in idiom.pattern.finditer(joined):
                first = index_of[found.start()]
                last = first + found.group().count(" ") + 1
                if not (purposeful and on_purpose(words, first, last)) and not fixated_on(
                    words, first, CLAUSE
                ):
                    covered.update(range(first, last))
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


def _blank(words: list[str], ignored: set[int], vetoed: Sequence[_Hit]) -> list[str]:
    """The words with ignored positions, and the whole clause of each match the rules set
    aside ("i dont want to die"), turned into clause breaks: the model never second-guesses a
    negation, a past or an idiom the rules have read."""
    hidden = set(ignored)
    for hit in vetoed:
        start, end = hit.first, hit.last
        while start > 0 and words[start - 1] != CLAUSE:
            start -= 1
        while end < len(words) and words[end] != CLAUSE:
            end += 1
        hidden.update(range(start, end))
    return [CLAUSE if index in hidden else word for index, word in enumerate(words)]


def _found(hits: Sequence[_Hit], tier: CrisisTier) -> CrisisMatch | None:
    if not hits:
        return None
    kinds = tuple(kind for kind in KIND_ORDER if any(hit.kind is kind for hit in hits))
    first = next(hit for hit in hits if hit.kind is kinds[0])
    return CrisisMatch(kind=kinds[0], phrase=first.phrase, kinds=kinds, tier=tier)
