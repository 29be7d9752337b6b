"""Red flags (CLINICAL.md section 4): which check-in answers escalate, how fast, and what we reply.

The rules are data in the clinic profile (`CheckinCatalog.red_flags`). `evaluate_answer` runs
after every single answer so a Yes on the safety screen escalates at once; `evaluate` reads a
whole check-in. Staff summaries hold question labels and option labels only, never the
patient's own words.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from bot.domain.checkins import (
    CheckinCatalog,
    Question,
    RedFlagRule,
    RuleMatch,
    follow_ups,
)
from bot.domain.enums import EscalationLevel

_URGENCY = {level: rank for rank, level in enumerate(EscalationLevel)}

# The answers behind one part of a staff summary, and that part's text.
_Hit = tuple[tuple[str, ...], str]


@dataclass(frozen=True)
class RedFlag:
    rule: str
    level: EscalationLevel
    reply_key: str
    reply_text: str  # the fixed reply to send the patient at once
    staff_summary: str
    questions: tuple[str, ...]  # the answers that triggered it
    ends_checkin: bool = False  # ask nothing more in this check-in


@dataclass(frozen=True)
class AnswerVerdict:
    """What one answer sets off: escalations now, and questions to ask before the rest."""

    flags: tuple[RedFlag, ...]
    ask_next: tuple[Question, ...]

    @property
    def ends_checkin(self) -> bool:
        return any(flag.ends_checkin for flag in self.flags)


def flag_key(flag: RedFlag) -> str:
    """The rule and the answers that raised it: "liver:SE_LIVER"."""
    return f"{flag.rule}:{','.join(flag.questions)}"


def evaluate(
    *,
    slot: str,
    answers: Mapping[str, str],
    baseline_pain: float | None,
    previous: Mapping[str, str] | None,
    catalog: CheckinCatalog,
) -> list[RedFlag]:
    """Every rule a whole check-in's answers trigger, once each, most urgent first.

    `answers` maps question code to the stored option code; `previous` is the patient's most
    recent earlier answer to each question (for "new or worse"). Unknown question codes are
    ignored; a known question with an invalid value raises InvalidAnswer.
    """
    flags = [
        flag
        for rule in catalog.red_flags
        if (flag := _check(rule, slot, answers, baseline_pain, previous or {}, catalog, None))
    ]
    return sorted(flags, key=lambda flag: _URGENCY[flag.level])


def evaluate_answer(
    question_code: str,
    value: str,
    *,
    slot: str,
    answers: Mapping[str, str],
    baseline_pain: float | None,
    previous: Mapping[str, str] | None,
    catalog: CheckinCatalog,
    raised: Collection[str] = (),
) -> AnswerVerdict:
    """Escalations and follow-up questions caused by one new answer, at once.

    `answers` holds this check-in's earlier answers; `raised` the rule codes already escalated
    for it, which are not raised twice: a rule code blocks the rule, and a `flag_key` (rule and
    the answers behind it) blocks only that, so one rule can fire again for another answer
    (yellow skin, then a rash with fever). Yes to safety item 4 or a PHQ-9 item 9 >= 1 raises the
    same-day flag with the 988 / 911 reply and asks the C-SSRS screener next; Yes to its intent,
    plan or preparation items raises the urgent one. A flag that ends the check-in asks nothing.
    A question code the catalogue no longer has (an old button) sets off nothing.
    """
    if question_code not in catalog.questions:
        return AnswerVerdict(flags=(), ask_next=())
    merged = {**answers, question_code: value}
    flags = [
        flag
        for rule in catalog.red_flags
        if rule.code not in raised
        and (
            flag := _check(
                rule, slot, merged, baseline_pain, previous or {}, catalog, question_code
            )
        )
        and flag_key(flag) not in raised
    ]
    flags.sort(key=lambda flag: _URGENCY[flag.level])
    if any(flag.ends_checkin for flag in flags):
        return AnswerVerdict(flags=tuple(flags), ask_next=())
    ask = follow_ups(question_code, value, slot=slot, catalog=catalog, answered=merged)
    return AnswerVerdict(flags=tuple(flags), ask_next=tuple(ask))


def _check(
    rule: RedFlagRule,
    slot: str,
    answers: Mapping[str, str],
    baseline: float | None,
    previous: Mapping[str, str],
    catalog: CheckinCatalog,
    only: str | None,
) -> RedFlag | None:
    """The flag `rule` raises on these answers; with `only`, just because of that answer."""
    if only is not None and only not in rule.questions:
        return None
    if rule.match is RuleMatch.TOTAL:
        hits = _total_hits(rule, answers, catalog)
    elif rule.match is RuleMatch.ABOVE_BASELINE:
        codes = rule.questions if only is None else (only,)
        hits = _baseline_hits(rule, codes, answers, baseline, catalog)
    else:
        if rule.slots and slot not in rule.slots:
            return None
        codes = rule.questions if only is None else (only,)
        hits = _answer_hits(rule, codes, answers, previous, catalog)
    if not hits:
        return None
    return RedFlag(
        rule=rule.code,
        level=rule.level,
        reply_key=rule.reply,
        reply_text=catalog.replies[rule.reply],
        staff_summary=f"{rule.label} ({slot}): " + "; ".join(text for _, text in hits),
        questions=tuple(code for codes, _ in hits for code in codes),
        ends_checkin=rule.ends_checkin,
    )


def _answer_hits(
    rule: RedFlagRule,
    codes: tuple[str, ...],
    answers: Mapping[str, str],
    previous: Mapping[str, str],
    catalog: CheckinCatalog,
) -> list[_Hit]:
    hits: list[_Hit] = []
    for code in codes:
        if code not in answers:
            continue
        question = catalog.questions[code]
        option = question.option(answers[code])
        if option.score < rule.min_score or (
            rule.max_score is not None and option.score > rule.max_score
        ):
            continue
        text = f"{code} {question.label}: {option.label}"
        if rule.new_or_worse:
            before = question.score_or_none(previous.get(code))
            if before is not None:
                if option.score <= before:
                    continue
                text += f" (was {question.option(previous[code]).label})"
        hits.append(((code,), text))
    return hits


def _total_hits(
    rule: RedFlagRule, answers: Mapping[str, str], catalog: CheckinCatalog
) -> list[_Hit]:
    # Wait for the whole set: a partial total says nothing yet.
    if any(code not in answers for code in rule.questions):
        return []
    total = sum(catalog.questions[code].score(answers[code]) for code in rule.questions)
    if total < rule.min_total:
        return []
    return [(rule.questions, f"{' + '.join(rule.questions)} total {total}")]


def _baseline_hits(
    rule: RedFlagRule,
    codes: tuple[str, ...],
    answers: Mapping[str, str],
    baseline: float | None,
    catalog: CheckinCatalog,
) -> list[_Hit]:
    if baseline is None:
        return []
    hits: list[_Hit] = []
    for code in codes:
        if code not in answers:
            continue
        question = catalog.questions[code]
        pain = question.score(answers[code])
        if pain - baseline >= rule.points:
            hits.append(((code,), f"{code} {question.label}: {pain} (baseline {baseline:.1f})"))
    return hits
