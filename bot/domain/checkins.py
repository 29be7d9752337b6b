"""Post-session check-ins: the question catalogue, when each check-in is due, and scoring.

The catalogue (questions, schedule, red-flag rules, outcome thresholds) comes from the clinic
profile; `parse_checkin_catalog` validates it and names the bad field. Everything here is pure:
times are arguments, stored as aware UTC, and clinic wall-clock rules use the clinic's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.enums import EscalationLevel
from bot.domain.errors import ClinicError, ConfigError

SAFETY_SET = "safety"
PHQ2_SET = "phq2"
PHQ9_SET = "phq9"
PEG_SET = "peg"
REQUIRED_SETS = (SAFETY_SET, PHQ2_SET, PHQ9_SET, PEG_SET)
PERIOD_PLACEHOLDER = "{period}"

# Codes travel in callback data (64 bytes) and short database columns.
_QUESTION_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,7}$")
_SLOT_CODE = re.compile(r"^[A-Z][A-Z0-9]{0,7}$")
_OPTION_CODE = re.compile(r"^[a-z0-9_]{1,8}$")
_PREFIX = re.compile(r"^[A-Z]{1,4}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_QUESTION_TEXT = 240
MAX_OPTION_LABEL = 32


class InvalidAnswer(ClinicError):
    """An answer value that is not one of the question's options."""

    def __init__(self, question: str) -> None:
        super().__init__(f"not a valid answer to {question}")
        self.question = question


class QuestionKind(StrEnum):
    YES_NO = "yes_no"
    SCALE_0_10 = "scale_0_10"
    SEVERITY = "severity"
    PGIC = "pgic"
    PHQ = "phq"
    FREE_TEXT = "free_text"


class RuleMatch(StrEnum):
    ANSWER = "answer"
    TOTAL = "total"
    ABOVE_BASELINE = "above_baseline"


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    score: int


@dataclass(frozen=True)
class FollowUp:
    """An answer scoring at least `min_score` asks `ask` next, before the rest."""

    min_score: int
    ask: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    code: str
    kind: QuestionKind
    text: str
    label: str  # short name for staff alerts and reports
    options: tuple[Option, ...] = ()
    validated: bool = True
    follow_up: FollowUp | None = None

    def option(self, value: str) -> Option:
        """The option a stored answer value stands for; raises InvalidAnswer."""
        for option in self.options:
            if option.code == value:
                return option
        raise InvalidAnswer(self.code)

    def score(self, value: str) -> int:
        return self.option(value).score

    def score_or_none(self, value: str | None) -> int | None:
        """Score of an earlier answer, None when missing or no longer a valid option."""
        if value is None:
            return None
        try:
            return self.score(value)
        except InvalidAnswer:
            return None


@dataclass(frozen=True)
class QuietHours:
    """A daily window with no patient messages; start > end means it spans midnight."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start > self.end:
            return moment >= self.start or moment < self.end
        return self.start <= moment < self.end


class EveningMode(StrEnum):
    """When the evening safety check-in goes (issue 11 item 5; the clinic chooses)."""

    AFTER_END = "after_end"  # `after` the session's end, at any hour, within `until`
    DISCHARGE = "discharge"  # `after_discharge` after Done, and the next morning's check-in


@dataclass(frozen=True)
class EveningSlot:
    """The evening safety check-in (E): never dropped, sent even inside quiet hours.

    It is the one check-in that may go at night (like a safety reply): the question that
    matters most on the day of a session is not moved past the night nor dropped. It is skipped
    only when it could not go out within its window (the bot was down), never sent late.
    """

    code: str
    after: timedelta
    until: timedelta  # the window closes this long after the session ends (after_end mode)
    mode: EveningMode
    after_discharge: timedelta
    sets: tuple[str, ...]
    period: str | None  # the resolved recall-period text

    def due(self, *, session_end: datetime, discharged_at: datetime) -> tuple[datetime, datetime]:
        """When it is due and when its window closes (aware UTC)."""
        if self.mode is EveningMode.DISCHARGE:
            due = discharged_at + self.after_discharge
            return due, due + (self.until - self.after)
        return session_end + self.after, session_end + self.until


@dataclass(frozen=True)
class DaySlot:
    """A check-in `day` days after the session's (clinic) date, at a wall-clock time."""

    code: str
    day: int
    at: time
    sets: tuple[str, ...]
    period: str | None


@dataclass(frozen=True)
class RepeatPlan:
    """Weekly or monthly check-ins after the last day slot; codes are prefix + day (W21)."""

    prefix: str
    every_days: int
    count: int
    at: time
    sets: tuple[str, ...]
    period: str | None


@dataclass(frozen=True)
class PreSessionPlan:
    """The check before each series session after the first (CLINICAL.md 4c, issue 11 item 4).

    The day before at `at`; when the previous session was less than a week before (a daily or
    same-week series, where the day before is the previous session's day), the morning of the
    session at `same_week_at` instead, if that is still before it starts.
    """

    code: str
    at: time
    same_week_at: time
    sets: tuple[str, ...]
    period: str | None = None

    def due(self, *, start: datetime, previous_start: datetime, tz: ZoneInfo) -> datetime | None:
        """When to ask before the session starting at `start` (None: no time fits before it)."""
        start, previous = _utc(start, "start"), _utc(previous_start, "previous_start")
        day = start.astimezone(tz).date()
        if start - previous < timedelta(days=7):
            morning = _local(day, self.same_week_at, tz)
            if previous < morning < start:
                return morning
        day_before = _local(day - timedelta(days=1), self.at, tz)
        return day_before if previous < day_before < start else None


@dataclass(frozen=True)
class RedFlagRule:
    code: str
    label: str
    match: RuleMatch
    questions: tuple[str, ...]
    level: EscalationLevel
    reply: str  # key into CheckinCatalog.replies
    min_score: int = 1
    max_score: int | None = None
    slots: tuple[str, ...] = ()  # empty: every slot
    new_or_worse: bool = False
    min_total: int = 0
    points: float = 0.0
    ends_checkin: bool = False


@dataclass(frozen=True)
class OutcomeSettings:
    responder_pct: float
    substantial_pct: float
    pain_question: str
    pgic_question: str
    pgic_responder_max_score: int
    side_effect_set: str
    moderate_score: int


@dataclass(frozen=True)
class CheckinCatalog:
    questions: Mapping[str, Question]
    sets: Mapping[str, tuple[str, ...]]
    slots: tuple[EveningSlot | DaySlot, ...]
    weekly: RepeatPlan
    monthly: RepeatPlan
    quiet: QuietHours
    nudge_after: timedelta
    staff_task_after_nudge: timedelta
    replaced_in_daily_series: tuple[str, ...]
    phq9_when_phq2_at_least: int
    replies: Mapping[str, str]
    red_flags: tuple[RedFlagRule, ...]
    outcomes: OutcomeSettings
    # One schedule per patient (issue 11 item 4): no two check-ins closer than this, and at
    # most this many planned in a clinic week (the evening safety question is never dropped).
    min_gap: timedelta = timedelta(hours=4)
    max_per_week: int = 7
    presession: PreSessionPlan | None = None

    def slot(self, code: str) -> EveningSlot | DaySlot | RepeatPlan | PreSessionPlan:
        """The plan behind a slot code (E, D1, W21, M70, P...); raises ValueError if unknown."""
        for slot in self.slots:
            if slot.code == code:
                return slot
        if self.presession is not None and code == self.presession.code:
            return self.presession
        for plan in (self.weekly, self.monthly):
            rest = code.removeprefix(plan.prefix)
            if rest != code and rest.isdigit():
                return plan
        raise ValueError(f"unknown check-in slot {code!r}")

    def slot_day(self, code: str) -> int:
        """Days after the session's date the slot belongs to (E is day 0)."""
        plan = self.slot(code)
        if isinstance(plan, EveningSlot):
            return 0
        if isinstance(plan, DaySlot):
            return plan.day
        if isinstance(plan, PreSessionPlan):
            return 0
        return int(code.removeprefix(plan.prefix))

    def set_questions(self, name: str) -> tuple[Question, ...]:
        return tuple(self.questions[code] for code in self.sets[name])


@dataclass(frozen=True)
class PlannedCheckin:
    slot: str
    due_at_utc: datetime
    # Not sent at or after this (None: until the next check-in is due).
    not_after: datetime | None = None
    # Sent even inside quiet hours (the evening safety check-in only).
    any_hour: bool = False


# ------------------------------------------------------------------------------------------------
# Schedule


def in_quiet_hours(moment: datetime, *, tz: ZoneInfo, quiet: QuietHours) -> bool:
    """Whether an aware instant falls inside quiet hours on the clinic's wall clock."""
    return quiet.contains(moment.astimezone(tz).time())


def plan_checkins(
    *,
    session_end: datetime,
    tz: ZoneInfo,
    catalog: CheckinCatalog,
    weeks: int | None = None,
    months: int | None = None,
    next_session_start: datetime | None = None,
    discharged_at: datetime | None = None,
) -> list[PlannedCheckin]:
    """When each check-in after a treatment session is due, in time order, as aware UTC.

    A day slot inside quiet hours moves to the end of quiet hours. The evening slot is never
    moved nor dropped for quiet hours (see EveningSlot): it goes its profile time after the end
    (or after `discharged_at`, default the end, in discharge mode), with a window it must not
    be sent after. `weeks` weekly check-ins
    (default: the profile's count) follow the last day slot, then `months` monthly ones
    (default: the profile's count, 0 in the built-in profile).
    In a daily series (`next_session_start` before the end of D1's day), the next session's
    pre-session check replaces E and D1 (the profile's `replaced_in_daily_series`): a session
    later on D1's day still makes a morning D1 redundant, not only one before 09:00.
    """
    end = _utc(session_end, "session_end")
    discharged = end if discharged_at is None else _utc(discharged_at, "discharged_at")
    session_date = end.astimezone(tz).date()
    planned: list[PlannedCheckin] = []
    for slot in catalog.slots:
        if isinstance(slot, EveningSlot):
            due, closes = slot.due(session_end=end, discharged_at=discharged)
            planned.append(PlannedCheckin(slot.code, due, not_after=closes, any_hour=True))
        else:
            due = _day_due(session_date, slot.day, slot.at, tz=tz, quiet=catalog.quiet)
            planned.append(PlannedCheckin(slot.code, due))

    day = max((s.day for s in catalog.slots if isinstance(s, DaySlot)), default=0)
    weekly_count = catalog.weekly.count if weeks is None else weeks
    monthly_count = catalog.monthly.count if months is None else months
    for plan, count in ((catalog.weekly, weekly_count), (catalog.monthly, monthly_count)):
        if count < 0:
            raise ValueError("weeks and months must not be negative")
        for _ in range(count):
            day += plan.every_days
            due = _day_due(session_date, day, plan.at, tz=tz, quiet=catalog.quiet)
            planned.append(PlannedCheckin(f"{plan.prefix}{day}", due))

    if next_session_start is not None:
        next_start = _utc(next_session_start, "next_session_start")
        if next_start <= end:
            raise ValueError("next_session_start must be after session_end")
        replaced = set(catalog.replaced_in_daily_series)
        last_day = max(catalog.slot_day(code) for code in replaced) if replaced else 0
        day_after = _local(session_date + timedelta(days=last_day + 1), time(0), tz)
        if next_start < day_after:
            planned = [p for p in planned if p.slot not in replaced]
    return sorted(planned, key=lambda p: p.due_at_utc)


def nudge_due(*, sent_at: datetime, tz: ZoneInfo, catalog: CheckinCatalog) -> datetime:
    """When to nudge an unanswered check-in: after the profile's delay, outside quiet hours."""
    return _leave_quiet(_utc(sent_at, "sent_at") + catalog.nudge_after, tz=tz, quiet=catalog.quiet)


def staff_task_due(*, nudged_at: datetime, catalog: CheckinCatalog) -> datetime:
    """When a still unanswered check-in becomes a staff task (staff work has no quiet hours)."""
    return _utc(nudged_at, "nudged_at") + catalog.staff_task_after_nudge


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment.astimezone(UTC)


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    # Wall time to UTC; a time inside a spring-forward gap comes out as the later wall time.
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _leave_quiet(moment: datetime, *, tz: ZoneInfo, quiet: QuietHours) -> datetime:
    local = moment.astimezone(tz)
    if not quiet.contains(local.time()):
        return moment
    day = local.date() if local.time() < quiet.end else local.date() + timedelta(days=1)
    return _local(day, quiet.end, tz)


def _day_due(
    session_date: date, day: int, at: time, *, tz: ZoneInfo, quiet: QuietHours
) -> datetime:
    return _leave_quiet(_local(session_date + timedelta(days=day), at, tz), tz=tz, quiet=quiet)


# ------------------------------------------------------------------------------------------------
# Questions and scoring


def questions_for(slot: str, catalog: CheckinCatalog, *, phq9_due: bool) -> list[Question]:
    """The questions a check-in asks, safety screen first, recall period filled in.

    With `phq9_due` (PHQ-2 at or above the threshold last time) the PHQ-9 replaces the PHQ-2,
    or is added at the end when the slot has no PHQ-2.
    """
    plan = catalog.slot(slot)
    names = [name for name in plan.sets if name != SAFETY_SET]
    if SAFETY_SET in plan.sets:
        names.insert(0, SAFETY_SET)
    if phq9_due:
        if PHQ2_SET in names:
            names[names.index(PHQ2_SET)] = PHQ9_SET
        else:
            names.append(PHQ9_SET)
    codes = dict.fromkeys(code for name in names for code in catalog.sets[name])
    return [_render(catalog.questions[code], plan.period) for code in codes]


def follow_ups(
    question_code: str,
    value: str,
    *,
    slot: str,
    catalog: CheckinCatalog,
    answered: Collection[str] = (),
) -> list[Question]:
    """Questions to ask next because of this answer (C-SSRS, fluids...), skipping answered ones."""
    question = catalog.questions[question_code]
    follow = question.follow_up
    if follow is None or question.score(value) < follow.min_score:
        return []
    period = catalog.slot(slot).period
    return [
        _render(catalog.questions[code], period)
        for code in follow.ask
        if code not in answered and code != question_code
    ]


def _render(question: Question, period: str | None) -> Question:
    if period is None or PERIOD_PLACEHOLDER not in question.text:
        return question
    return replace(question, text=question.text.replace(PERIOD_PLACEHOLDER, period))


def _set_total(answers: Mapping[str, str], catalog: CheckinCatalog, name: str) -> int | None:
    questions = catalog.set_questions(name)
    if any(q.code not in answers for q in questions):
        return None
    return sum(q.score(answers[q.code]) for q in questions)


def peg_score(answers: Mapping[str, str], catalog: CheckinCatalog) -> float | None:
    """PEG score (mean of its three 0-10 items), None until all three are answered."""
    total = _set_total(answers, catalog, PEG_SET)
    return None if total is None else total / len(catalog.sets[PEG_SET])


def phq2_total(answers: Mapping[str, str], catalog: CheckinCatalog) -> int | None:
    return _set_total(answers, catalog, PHQ2_SET)


def phq9_total(answers: Mapping[str, str], catalog: CheckinCatalog) -> int | None:
    return _set_total(answers, catalog, PHQ9_SET)


def phq9_due_next(answers: Mapping[str, str], catalog: CheckinCatalog) -> bool:
    """Whether this check-in's PHQ-2 asks the full PHQ-9 next time."""
    total = phq2_total(answers, catalog)
    return total is not None and total >= catalog.phq9_when_phq2_at_least


def pgic_is_responder(value: str, catalog: CheckinCatalog) -> bool:
    """Much or very much improved (PGIC at or below the profile's responder score)."""
    pgic = catalog.questions[catalog.outcomes.pgic_question]
    return pgic.score(value) <= catalog.outcomes.pgic_responder_max_score


# ------------------------------------------------------------------------------------------------
# Parsing the profile

_MISSING = object()


class _Table:
    """A profile table read with its dotted path, so every error names the field."""

    def __init__(self, raw: object, path: str) -> None:
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: must be a table")
        self.raw: dict[str, object] = raw
        self.path = path
        self._used: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, default: object = _MISSING) -> object:
        self._used.add(key)
        if key in self.raw:
            return self.raw[key]
        if default is _MISSING:
            raise ConfigError(f"{self.at(key)}: required")
        return default

    def has(self, key: str) -> bool:
        return key in self.raw

    def text(self, key: str, *, max_len: int = 500, default: object = _MISSING) -> str:
        value = self.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{self.at(key)}: must be a non-empty string")
        if len(value) > max_len:
            raise ConfigError(f"{self.at(key)}: must be at most {max_len} characters")
        return value

    def code(self, key: str, pattern: re.Pattern[str], what: str) -> str:
        value = self.get(key)
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise ConfigError(f"{self.at(key)}: must be {what}, got {value!r}")
        return value

    def integer(
        self, key: str, *, minimum: int = 0, maximum: int | None = None, default: object = _MISSING
    ) -> int:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{self.at(key)}: must be a whole number")
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
            raise ConfigError(f"{self.at(key)}: must be {bound}, got {value}")
        return value

    def number(self, key: str, *, minimum: float = 0.0) -> float:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{self.at(key)}: must be a number")
        if value < minimum:
            raise ConfigError(f"{self.at(key)}: must be >= {minimum}, got {value}")
        return float(value)

    def flag(self, key: str, *, default: bool) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{self.at(key)}: must be true or false")
        return value

    def clock(self, key: str, *, default: object = _MISSING) -> time:
        value = self.get(key, default)
        if isinstance(value, time):
            return value
        if isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            return time.fromisoformat(value)
        raise ConfigError(f'{self.at(key)}: must be a clock time "HH:MM", got {value!r}')

    def minutes(self, key: str) -> timedelta:
        return timedelta(minutes=self.integer(key, minimum=1))

    def names(self, key: str, *, default: object = _MISSING) -> list[str]:
        value = self.get(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{self.at(key)}: must be a list of strings")
        return [str(v) for v in value]

    def table(self, key: str) -> _Table:
        return _Table(self.get(key), self.at(key))

    def tables(self, key: str, *, default: object = _MISSING) -> list[_Table]:
        value = self.get(key, default)
        if not isinstance(value, list):
            raise ConfigError(f"{self.at(key)}: must be a list of tables")
        return [_Table(item, f"{self.at(key)}[{i}]") for i, item in enumerate(value)]

    def choice(self, key: str, choices: Sequence[str], *, default: object = _MISSING) -> str:
        value = self.get(key, default)
        if value not in choices:
            raise ConfigError(f"{self.at(key)}: must be one of {', '.join(choices)}; got {value!r}")
        assert isinstance(value, str)
        return value

    def close(self) -> None:
        """Refuse keys nobody read: a typo must not silently fall back to a default."""
        unknown = sorted(set(self.raw) - self._used)
        if unknown:
            raise ConfigError(
                f"{self.at(unknown[0])}: unknown setting (expected one of "
                f"{', '.join(sorted(self._used))})"
            )


def parse_checkin_catalog(data: Mapping[str, object]) -> CheckinCatalog:
    """Validate the profile's [checkins] and [red_flags] tables; raise ConfigError naming the field.

    Other tables of the profile are left alone. The emergency notice every check-in carries is
    the `emergency_notice` text of bot/texts, not part of this catalogue.
    """
    root = _Table(dict(data), "")
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


def _parse_options(items: list[_Table], path: str) -> tuple[Option, ...]:
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


def _parse_scales(table: _Table) -> dict[QuestionKind, tuple[Option, ...]]:
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
    items: list[_Table], scales: Mapping[QuestionKind, tuple[Option, ...]]
) -> dict[str, Question]:
    questions: dict[str, Question] = {}
    pending: list[tuple[_Table, list[str]]] = []
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


def _parse_sets(table: _Table, questions: Mapping[str, Question]) -> dict[str, tuple[str, ...]]:
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


def _parse_texts(table: _Table, *, max_len: int = 500) -> dict[str, str]:
    return {key: table.text(key, max_len=max_len) for key in table.raw}


@dataclass(frozen=True)
class _SlotContext:
    questions: Mapping[str, Question]
    sets: Mapping[str, tuple[str, ...]]
    periods: Mapping[str, str]
    quiet: QuietHours
    morning_at: time


def _parse_asks(item: _Table, ctx: _SlotContext) -> tuple[tuple[str, ...], str | None]:
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


def _parse_slots(items: list[_Table], ctx: _SlotContext) -> list[EveningSlot | DaySlot]:
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
    item: _Table, code: str, sets: tuple[str, ...], period: str | None
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


def _parse_presession(section: _Table, ctx: _SlotContext) -> PreSessionPlan:
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


def _parse_repeat(table: _Table, ctx: _SlotContext) -> RepeatPlan:
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
    items: list[_Table],
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
    item: _Table, questions: Mapping[str, Question], sets: Mapping[str, tuple[str, ...]]
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
    table: _Table, questions: Mapping[str, Question], sets: Mapping[str, tuple[str, ...]]
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
