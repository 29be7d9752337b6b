"""Post-session check-ins: the question catalogue, when each check-in is due, and scoring.

The catalogue (questions, schedule, red-flag rules, outcome thresholds) comes from the clinic
profile; `parse_checkin_catalog` validates it and names the bad field. Everything here is pure:
times are arguments, stored as aware UTC, and clinic wall-clock rules use the clinic's time zone.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.enums import EscalationLevel
from bot.domain.errors import ClinicError

SAFETY_SET = "safety"
PHQ2_SET = "phq2"
PHQ9_SET = "phq9"
PEG_SET = "peg"
REQUIRED_SETS = (SAFETY_SET, PHQ2_SET, PHQ9_SET, PEG_SET)
PERIOD_PLACEHOLDER = "{period}"


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
