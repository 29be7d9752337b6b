"""Parsing the clinic profile's [checkins] and [red_flags] tables into a `CheckinCatalog`
(bot/domain/checkins.py): every error names the bad field."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import time, timedelta

from bot.domain.checkins import (
    PERIOD_PLACEHOLDER,
    PHQ9_SET,
    REQUIRED_SETS,
    CheckinCatalog,
    DaySlot,
    EveningMode,
    EveningSlot,
    FollowUp,
    Option,
    OutcomeSettings,
    PreSessionPlan,
    Question,
    QuestionKind,
    QuietHours,
    RedFlagRule,
    RepeatPlan,
    RuleMatch,
)
from bot.domain.enums import EscalationLevel
from bot.domain.errors import ConfigError
from bot.domain.profile_tables import ProfileTable

# Codes travel in callback data (64 bytes) and short database columns.
_QUESTION_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,7}$")
_SLOT_CODE = re.compile(r"^[A-Z][A-Z0-9]{0,7}$")
_OPTION_CODE = re.compile(r"^[a-z0-9_]{1,8}$")
_PREFIX = re.compile(r"^[A-Z]{1,4}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_QUESTION_TEXT = 240
MAX_OPTION_LABEL = 32


def parse_checkin_catalog(data: Mapping[str, object]) -> CheckinCatalog:
    """Validate the profile's [checkins] and [red_flags] tables; raise ConfigError naming the field.

    Other tables of the profile are left alone. The emergency notice every check-in carries is
    the `emergency_notice` text of bot/texts, not part of this catalogue.
    """
    root = ProfileTable(dict(data), "")
    section = root.table("checkins")
    scales = _parse_scales(section.table("scales"))
    questions = _parse_questions(section.tables("questions"), scales)
    sets = _parse_sets(section.table("sets"), questions)
    periods = _parse_texts(section.table("periods"), max_len=60)
    quiet = QuietHours(start=section.clock("quiet_start"), end=section.clock("quiet_end"))
    if quiet.start == quiet.end:
        raise ConfigError(f"{section.at('quiet_end')}: must differ from quiet_start")
    morning_at = section.clock("morning_at")
    context = _SlotContext(questions, sets, periods, quiet, morning_at)
    slots = _parse_slots(section.tables("slots"), context)
    weekly = _parse_repeat(section.table("weekly"), context)
    monthly = _parse_repeat(section.table("monthly"), context)
    slot_codes = [s.code for s in slots]
    presession = _parse_presession(section, context) if section.has("presession") else None
    if presession is not None:
        if presession.code in slot_codes:
            raise ConfigError(
                f"{section.at('presession.code')}: duplicate slot {presession.code!r}"
            )
        slot_codes.append(presession.code)
    if weekly.prefix == monthly.prefix:
        raise ConfigError(f"{section.at('monthly.prefix')}: must differ from weekly.prefix")
    replaced = section.names("replaced_in_daily_series")
    for i, code in enumerate(replaced):
        if code not in slot_codes:
            raise ConfigError(
                f"{section.at('replaced_in_daily_series')}[{i}]: unknown slot {code!r}"
            )
    phq9_at = section.integer("phq9_when_phq2_at_least", minimum=1)

    red = root.table("red_flags")
    replies = _parse_texts(red.table("replies"))
    rules = _parse_rules(red.tables("rules"), questions, sets, replies, slot_codes)
    red.close()

    catalog = CheckinCatalog(
        questions=questions,
        sets=sets,
        slots=tuple(slots),
        weekly=weekly,
        monthly=monthly,
        quiet=quiet,
        nudge_after=section.minutes("nudge_after_minutes"),
        staff_task_after_nudge=section.minutes("staff_task_after_nudge_minutes"),
        replaced_in_daily_series=tuple(replaced),
        phq9_when_phq2_at_least=phq9_at,
        replies=replies,
        red_flags=tuple(rules),
        outcomes=_parse_outcomes(section.table("outcomes"), questions, sets),
        min_gap=timedelta(
            minutes=section.integer("min_gap_minutes", minimum=0, maximum=24 * 60, default=240)
        ),
        max_per_week=section.integer("max_per_week", minimum=1, maximum=50, default=7),
        presession=presession,
    )
    section.close()
    return catalog


def _parse_options(items: list[ProfileTable], path: str) -> tuple[Option, ...]:
    options: list[Option] = []
    for item in items:
        code = item.code("code", _OPTION_CODE, "1-8 characters a-z, 0-9 or _")
        if any(o.code == code for o in options):
            raise ConfigError(f"{item.at('code')}: duplicate option {code!r}")
        label = item.text("label", max_len=MAX_OPTION_LABEL)
        options.append(Option(code=code, label=label, score=item.integer("score", minimum=-100)))
        item.close()
    if len(options) < 2:
        raise ConfigError(f"{path}: needs at least 2 options")
    return tuple(options)


# 0-10 answers are plain numbers, and free text has no options, so neither has a scale.
_SCALED_KINDS = [
    k.value for k in QuestionKind if k not in (QuestionKind.SCALE_0_10, QuestionKind.FREE_TEXT)
]


def _parse_scales(table: ProfileTable) -> dict[QuestionKind, tuple[Option, ...]]:
    scales: dict[QuestionKind, tuple[Option, ...]] = {}
    for key in table.raw:
        if key not in _SCALED_KINDS:
            raise ConfigError(
                f"{table.at(key)}: not a scale, expected one of {', '.join(_SCALED_KINDS)}"
            )
        scales[QuestionKind(key)] = _parse_options(table.tables(key), table.at(key))
    return scales


_ZERO_TO_TEN = tuple(Option(code=str(n), label=str(n), score=n) for n in range(11))


def _parse_questions(
    items: list[ProfileTable], scales: Mapping[QuestionKind, tuple[Option, ...]]
) -> dict[str, Question]:
    questions: dict[str, Question] = {}
    pending: list[tuple[ProfileTable, list[str]]] = []
    for item in items:
        code = item.code(
            "code", _QUESTION_CODE, "1-8 characters A-Z, 0-9 or _, starting with a letter"
        )
        if code in questions:
            raise ConfigError(f"{item.at('code')}: duplicate question {code!r}")
        kind = QuestionKind(item.choice("kind", list(QuestionKind)))
        options: tuple[Option, ...]
        if item.has("options"):
            if kind in (QuestionKind.SCALE_0_10, QuestionKind.FREE_TEXT):
                raise ConfigError(f"{item.at('options')}: not allowed for kind {kind}")
            options = _parse_options(item.tables("options"), item.at("options"))
        elif kind is QuestionKind.SCALE_0_10:
            options = _ZERO_TO_TEN
        elif kind is QuestionKind.FREE_TEXT:
            options = ()
        elif kind in scales:
            options = scales[kind]
        else:
            raise ConfigError(f"{item.at('options')}: required (no checkins.scales.{kind} default)")
        question = Question(
            code=code,
            kind=kind,
            text=item.text("text", max_len=MAX_QUESTION_TEXT),
            label=item.text("label", max_len=80, default=code),
            options=options,
            validated=item.flag("validated", default=True),
        )
        if item.has("follow_up"):
            follow = item.table("follow_up")
            if kind is QuestionKind.FREE_TEXT:
                raise ConfigError(f"{follow.path}: free-text answers cannot ask follow-ups")
            min_score = follow.integer("min_score", minimum=-100)
            ask = follow.names("ask")
            follow.close()
            question = replace(question, follow_up=FollowUp(min_score=min_score, ask=tuple(ask)))
            pending.append((follow, ask))
        item.close()
        questions[code] = question
    for follow, ask in pending:
        for i, target in enumerate(ask):
            if target not in questions:
                raise ConfigError(f"{follow.at('ask')}[{i}]: unknown question {target!r}")
    return questions


def _parse_sets(
    table: ProfileTable, questions: Mapping[str, Question]
) -> dict[str, tuple[str, ...]]:
    sets: dict[str, tuple[str, ...]] = {}
    for name in table.raw:
        if not _NAME.fullmatch(name):
            raise ConfigError(f"{table.at(name)}: set names are lower_case words")
        codes = table.names(name)
        if not codes:
            raise ConfigError(f"{table.at(name)}: must list at least one question")
        for i, code in enumerate(codes):
            if code not in questions:
                raise ConfigError(f"{table.at(name)}[{i}]: unknown question {code!r}")
        sets[name] = tuple(codes)
    for name in REQUIRED_SETS:
        if name not in sets:
            raise ConfigError(f"{table.at(name)}: required")
    return sets


def _parse_texts(table: ProfileTable, *, max_len: int = 500) -> dict[str, str]:
    return {key: table.text(key, max_len=max_len) for key in table.raw}


@dataclass(frozen=True)
class _SlotContext:
    questions: Mapping[str, Question]
    sets: Mapping[str, tuple[str, ...]]
    periods: Mapping[str, str]
    quiet: QuietHours
    morning_at: time


def _parse_asks(item: ProfileTable, ctx: _SlotContext) -> tuple[tuple[str, ...], str | None]:
    """A slot's question sets and recall period, checked against each other."""
    sets = item.names("sets")
    if not sets:
        raise ConfigError(f"{item.at('sets')}: must name at least one question set")
    for i, name in enumerate(sets):
        if name not in ctx.sets:
            raise ConfigError(f"{item.at('sets')}[{i}]: unknown question set {name!r}")
    period: str | None = None
    if item.has("period"):
        key = item.choice("period", list(ctx.periods))
        period = ctx.periods[key]
    elif any(PERIOD_PLACEHOLDER in ctx.questions[c].text for c in _reachable(sets, ctx)):
        raise ConfigError(f"{item.at('period')}: required, its questions use {PERIOD_PLACEHOLDER}")
    return tuple(sets), period


def _reachable(set_names: Sequence[str], ctx: _SlotContext) -> set[str]:
    """Question codes a slot may ask: its sets, PHQ-9 when due, and every follow-up."""
    todo = [code for name in [*set_names, PHQ9_SET] for code in ctx.sets[name]]
    seen: set[str] = set()
    while todo:
        code = todo.pop()
        if code not in seen:
            seen.add(code)
            follow = ctx.questions[code].follow_up
            todo.extend(follow.ask if follow else ())
    return seen


def _parse_slots(items: list[ProfileTable], ctx: _SlotContext) -> list[EveningSlot | DaySlot]:
    slots: list[EveningSlot | DaySlot] = []
    for item in items:
        code = item.code("code", _SLOT_CODE, "1-8 characters A-Z or 0-9, starting with a letter")
        if any(s.code == code for s in slots):
            raise ConfigError(f"{item.at('code')}: duplicate slot {code!r}")
        sets, period = _parse_asks(item, ctx)
        slot: EveningSlot | DaySlot
        if item.has("after_minutes") == item.has("day"):
            raise ConfigError(f"{item.path}: give either day or after_minutes")
        if item.has("day"):
            at = item.clock("at", default=ctx.morning_at)
            slot = DaySlot(code, item.integer("day", minimum=1, maximum=366), at, sets, period)
        else:
            slot = _parse_evening(item, code, sets, period)
        item.close()
        slots.append(slot)
    if not slots:
        raise ConfigError("checkins.slots: must list at least one check-in")
    for index, evening in enumerate(slots):
        if isinstance(evening, EveningSlot) and evening.mode is EveningMode.DISCHARGE:
            morning = [s for s in slots if isinstance(s, DaySlot) and s.day == 1]
            if not any(set(evening.sets) <= set(m.sets) for m in morning):
                raise ConfigError(
                    f"{items[index].at('mode')}: discharge mode needs a day-1 check-in asking "
                    f"the same question sets ({', '.join(evening.sets)}): it is the second one"
                )
    return slots


def _parse_evening(
    item: ProfileTable, code: str, sets: tuple[str, ...], period: str | None
) -> EveningSlot:
    after = item.minutes("after_minutes")
    until_minutes = item.integer("until_minutes", minimum=1, maximum=24 * 60)
    if timedelta(minutes=until_minutes) <= after:
        raise ConfigError(
            f"{item.at('until_minutes')}: must be at least after_minutes + 1, got {until_minutes}"
        )
    mode = EveningMode(item.choice("mode", [m.value for m in EveningMode]))
    return EveningSlot(
        code=code,
        after=after,
        until=timedelta(minutes=until_minutes),
        mode=mode,
        after_discharge=timedelta(
            minutes=item.integer("discharge_after_minutes", minimum=1, maximum=12 * 60)
        ),
        sets=sets,
        period=period,
    )


def _parse_presession(section: ProfileTable, ctx: _SlotContext) -> PreSessionPlan:
    table = section.table("presession")
    sets, period = _parse_asks(table, ctx)
    plan = PreSessionPlan(
        code=table.code("code", _SLOT_CODE, "1-8 characters A-Z or 0-9, starting with a letter"),
        at=table.clock("at", default=ctx.morning_at),
        same_week_at=table.clock("same_week_at", default=ctx.quiet.end),
        sets=sets,
        period=period,
    )
    for key in ("at", "same_week_at"):
        if ctx.quiet.contains(getattr(plan, key)):
            raise ConfigError(f"{table.at(key)}: must be outside quiet hours")
    table.close()
    return plan


def _parse_repeat(table: ProfileTable, ctx: _SlotContext) -> RepeatPlan:
    sets, period = _parse_asks(table, ctx)
    plan = RepeatPlan(
        prefix=table.code("prefix", _PREFIX, "1-4 capital letters"),
        every_days=table.integer("every_days", minimum=1, maximum=366),
        count=table.integer("count", minimum=0, maximum=104),
        at=table.clock("at", default=ctx.morning_at),
        sets=sets,
        period=period,
    )
    table.close()
    return plan


def _parse_rules(
    items: list[ProfileTable],
    questions: Mapping[str, Question],
    sets: Mapping[str, tuple[str, ...]],
    replies: Mapping[str, str],
    slot_codes: Sequence[str],
) -> list[RedFlagRule]:
    rules: list[RedFlagRule] = []
    for item in items:
        code = item.code("code", _NAME, "a lower_case name")
        if any(r.code == code for r in rules):
            raise ConfigError(f"{item.at('code')}: duplicate rule {code!r}")
        match = RuleMatch(item.choice("match", list(RuleMatch), default=RuleMatch.ANSWER.value))
        codes = _rule_questions(item, questions, sets)
        reply = item.choice("reply", list(replies))
        rule = RedFlagRule(
            code=code,
            label=item.text("label", max_len=80),
            match=match,
            questions=codes,
            level=EscalationLevel(item.choice("level", list(EscalationLevel))),
            reply=reply,
            ends_checkin=item.flag("ends_checkin", default=False),
        )
        if match is RuleMatch.ANSWER:
            slots = item.names("slots", default=[])
            for i, slot in enumerate(slots):
                if slot not in slot_codes:
                    raise ConfigError(f"{item.at('slots')}[{i}]: unknown slot {slot!r}")
            max_score = item.get("max_score", None)
            rule = replace(
                rule,
                min_score=item.integer("min_score", minimum=-100),
                max_score=None if max_score is None else item.integer("max_score", minimum=-100),
                slots=tuple(slots),
                new_or_worse=item.flag("new_or_worse", default=False),
            )
        elif match is RuleMatch.TOTAL:
            rule = replace(rule, min_total=item.integer("min_total", minimum=1))
        else:
            for i, q in enumerate(codes):
                if questions[q].kind is not QuestionKind.SCALE_0_10:
                    raise ConfigError(f"{item.path}: question {i} ({q}) must be a 0-10 scale")
            rule = replace(rule, points=item.number("points"))
        item.close()
        rules.append(rule)
    return rules


def _rule_questions(
    item: ProfileTable, questions: Mapping[str, Question], sets: Mapping[str, tuple[str, ...]]
) -> tuple[str, ...]:
    codes = item.names("questions", default=[])
    for i, code in enumerate(codes):
        if code not in questions:
            raise ConfigError(f"{item.at('questions')}[{i}]: unknown question {code!r}")
    for i, name in enumerate(item.names("sets", default=[])):
        if name not in sets:
            raise ConfigError(f"{item.at('sets')}[{i}]: unknown question set {name!r}")
        codes.extend(sets[name])
    if not codes:
        raise ConfigError(f"{item.at('questions')}: name at least one question or set")
    for code in codes:
        # Staff summaries carry option labels only, never a patient's own words.
        if questions[code].kind is QuestionKind.FREE_TEXT:
            raise ConfigError(f"{item.path}: free-text question {code!r} cannot raise a red flag")
    return tuple(dict.fromkeys(codes))


def _parse_outcomes(
    table: ProfileTable, questions: Mapping[str, Question], sets: Mapping[str, tuple[str, ...]]
) -> OutcomeSettings:
    settings = OutcomeSettings(
        responder_pct=table.number("responder_pct"),
        substantial_pct=table.number("substantial_pct"),
        pain_question=table.choice("pain_question", list(questions)),
        pgic_question=table.choice("pgic_question", list(questions)),
        pgic_responder_max_score=table.integer("pgic_responder_max_score", minimum=-100),
        side_effect_set=table.choice("side_effect_set", list(sets)),
        moderate_score=table.integer("moderate_score", minimum=0),
    )
    if questions[settings.pain_question].kind is not QuestionKind.SCALE_0_10:
        raise ConfigError(f"{table.at('pain_question')}: must be a 0-10 scale question")
    if questions[settings.pgic_question].kind is not QuestionKind.PGIC:
        raise ConfigError(f"{table.at('pgic_question')}: must be a pgic question")
    if settings.substantial_pct < settings.responder_pct:
        raise ConfigError(f"{table.at('substantial_pct')}: must be >= responder_pct")
    table.close()
    return settings
