"""Forgiving parsers for staff command arguments: dates, times, ranges, services, phone + name.

Pure functions over the words after the command; each raises BadArgument with a reason a
person can act on, and the handler adds the command's usage line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from bot.domain.refs import BadRef, RefKind, parse_ref, ref

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}
_TODAY = {"today", "tod", "now"}
_TOMORROW = {"tomorrow", "tmr", "tmrw", "tom"}
_YESTERDAY = {"yesterday", "yday"}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.h]?(\d{2}))?h?\s*(am|pm|a|p)?$")
_RANGE = re.compile(r"^(.+?)\s*(?:-|–|—|\bto\b)\s*(.+)$")
_PHONE_CHARS = set("+0123456789-().")


class BadArgument(ValueError):
    """What staff typed cannot be read; the message says why."""


@dataclass(frozen=True)
class BlockArgs:
    day: date
    start: time
    end: time
    pool: str | None
    reason: str


@dataclass(frozen=True)
class SeriesArgs:
    patient: str
    service: str
    count: int


def _clean(word: str) -> str:
    return word.strip().strip(",").lower()


def parse_day(words: Sequence[str], *, today: date, month_first: bool = True) -> date:
    """A clinic day: 2027-03-05, 3/5 (month first in the US), 5 Mar, Mar 5 2027, today, fri."""
    tokens = [_clean(w) for w in words if _clean(w)]
    if not tokens:
        raise BadArgument("a date is missing")
    text = " ".join(tokens)
    if len(tokens) == 1:
        word = tokens[0]
        if word in _TODAY:
            return today
        if word in _TOMORROW:
            return today + timedelta(days=1)
        if word in _YESTERDAY:
            return today - timedelta(days=1)
        if word in _WEEKDAYS:
            return today + timedelta(days=(_WEEKDAYS[word] - today.weekday()) % 7)
        iso = _ISO.match(word)
        if iso:
            return _date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), text)
        slashed = _SLASHED.match(word)
        if slashed:
            first, second = int(slashed.group(1)), int(slashed.group(2))
            month, day = (first, second) if month_first else (second, first)
            year = _year(slashed.group(3), today)
            return _date(year, month, day, text)
    named = _named_date(tokens, today)
    if named is not None:
        return named
    raise BadArgument(f"“{' '.join(words)}” is not a date I can read")


def _named_date(tokens: Sequence[str], today: date) -> date | None:
    """5 Mar, Mar 5, 5 March 2027, March 5 2027 (a weekday name in front is allowed)."""
    words = [t for t in tokens if t not in _WEEKDAYS]
    if len(words) not in (2, 3):
        return None
    year = today.year
    if len(words) == 3:
        if not words[2].isdigit() or len(words[2]) != 4:
            return None
        year = int(words[2])
    first, second = words[0], words[1]
    if first.rstrip("stndrh").isdigit() and second in _MONTHS:
        return _date(year, _MONTHS[second], int(first.rstrip("stndrh")), " ".join(tokens))
    if first in _MONTHS and second.rstrip("stndrh").isdigit():
        return _date(year, _MONTHS[first], int(second.rstrip("stndrh")), " ".join(tokens))
    return None


def _year(text: str | None, today: date) -> int:
    if text is None:
        return today.year
    value = int(text)
    return value + 2000 if value < 100 else value


def _date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise BadArgument(f"“{text}” is not a real date") from None


def parse_time(text: str) -> time:
    """9, 09:30, 9.30, 14h, 2pm, 2:30 pm, 12am (midnight), 12pm (noon)."""
    match = _TIME.match(text.strip().lower())
    if not match:
        raise BadArgument(f"“{text}” is not a time such as 9:30 or 2pm")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = match.group(3)
    if suffix is not None:
        if not 1 <= hour <= 12:
            raise BadArgument(f"“{text}” is not a time such as 9:30 or 2pm")
        hour = hour % 12 + (12 if suffix.startswith("p") else 0)
    if hour == 24 and minute == 0:
        return time(23, 59)
    if hour > 23 or minute > 59:
        raise BadArgument(f"“{text}” is not a time of day")
    return time(hour, minute)


def parse_time_range(text: str) -> tuple[time, time]:
    """9-12, 9:30-13:00, 2pm-4pm, 9 to 1 (read as 9:00-13:00)."""
    match = _RANGE.match(text.strip())
    if not match:
        raise BadArgument(f"“{text}” is not a time range such as 9:00-12:30")
    first, second = match.group(1), match.group(2)
    start, end = parse_time(first), parse_time(second)
    has_suffix = re.search(r"[ap]m?$", second.strip().lower()) is not None
    if end <= start and not has_suffix and end.hour < 12:
        end = time(end.hour + 12, end.minute)  # "9-1" means 9 AM to 1 PM
    if end <= start:
        raise BadArgument("the end time is not after the start time")
    return start, end


def parse_block(
    words: Sequence[str], *, today: date, pools: Iterable[str], month_first: bool = True
) -> BlockArgs:
    """<date> <from>-<to> [resource] [reason]; the date may take up to four words."""
    if len(words) < 2:
        raise BadArgument("a date and a time range are needed")
    last_error: BadArgument | None = None
    for size in range(min(4, len(words) - 1), 0, -1):
        try:
            day = parse_day(words[:size], today=today, month_first=month_first)
        except BadArgument as exc:
            last_error = exc
            continue
        rest = list(words[size:])
        start, end, used = _range_words(rest)
        rest = rest[used:]
        pool = _pool(rest[0], pools) if rest else None
        if pool is not None:
            rest = rest[1:]
        return BlockArgs(day=day, start=start, end=end, pool=pool, reason=" ".join(rest)[:255])
    assert last_error is not None
    raise last_error


def _range_words(words: Sequence[str]) -> tuple[time, time, int]:
    """The time range at the start of `words` (it may be typed with spaces); words used."""
    error: BadArgument | None = None
    for used in (3, 2, 1):
        if used > len(words):
            continue
        try:
            start, end = parse_time_range(" ".join(words[:used]))
        except BadArgument as exc:
            error = error or exc
            continue
        return start, end, used
    raise error or BadArgument("a time range such as 9:00-12:30 is missing")


def _pool(word: str, pools: Iterable[str]) -> str | None:
    """A resource pool named in full (infusion_chair) or by a clear part of it (chair)."""
    wanted = _clean(word).replace("-", "_")
    names = list(pools)
    if wanted in names:
        return wanted
    partial = [p for p in names if wanted and len(wanted) >= 4 and wanted in p]
    return partial[0] if len(partial) == 1 else None


def parse_service(word: str, services: Sequence[str]) -> str:
    """A service code, or an unambiguous part of one (iv -> iv_infusion)."""
    wanted = _clean(word).replace("-", "_")
    if wanted in services:
        return wanted
    candidates = [s for s in services if s.startswith(wanted)] or [
        s for s in services if wanted in s
    ]
    if len(candidates) == 1 and wanted:
        return candidates[0]
    raise BadArgument(f"“{word}” is not one of the services: {', '.join(services)}")


def parse_series(words: Sequence[str], *, services: Sequence[str]) -> SeriesArgs:
    """<patient words...> <service> <count>; the count may also come before the service."""
    if len(words) < 3:
        raise BadArgument("a patient, a service and a count are needed")
    *patient, second_last, last = words
    if last.isdigit():
        count_word, service_word = last, second_last
    elif second_last.isdigit():
        count_word, service_word = second_last, last
    else:
        raise BadArgument("the number of sessions is missing")
    count = int(count_word)
    if count < 1:
        raise BadArgument("a series has at least one session")
    return SeriesArgs(
        patient=" ".join(patient), service=parse_service(service_word, services), count=count
    )


def parse_range(
    words: Sequence[str], *, today: date, month_first: bool = True
) -> tuple[date, date]:
    """<from> <to> (or "from..to", "from to to"); one date alone means that day."""
    text = " ".join(words).replace("..", " ").replace("–", " ")
    tokens = [t for t in text.split() if t.lower() not in ("to", "-", "until")]
    if not tokens:
        raise BadArgument("the dates are missing")
    for split in range(1, len(tokens)):
        try:
            first = parse_day(tokens[:split], today=today, month_first=month_first)
            last = parse_day(tokens[split:], today=today, month_first=month_first)
        except BadArgument:
            continue
        if last < first:
            raise BadArgument("the second date is before the first")
        return first, last
    day = parse_day(tokens, today=today, month_first=month_first)
    return day, day


def parse_new_patient(words: Sequence[str]) -> tuple[str, str]:
    """<phone, possibly typed with spaces> <name...>."""
    phone_words: list[str] = []
    for word in words:
        if word and set(word) <= _PHONE_CHARS:
            phone_words.append(word)
        else:
            break
    name = " ".join(words[len(phone_words) :]).strip()
    phone = "".join(phone_words)
    if sum(ch.isdigit() for ch in phone) < 7:
        raise BadArgument("a phone number is missing")
    if not name:
        raise BadArgument("the patient's name is missing")
    return phone, name


def parse_id(words: Sequence[str], kind: RefKind) -> int:
    """A record's identifier such as A-12 (for an appointment), or its bare number 12."""
    if len(words) != 1:
        raise BadArgument(f"give one identifier, such as {ref(kind, 12)}")
    try:
        return parse_ref(words[0], kind)
    except BadRef as exc:
        raise BadArgument(str(exc)) from None
