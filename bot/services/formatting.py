"""Dates and times as patients read them: clinic time, unambiguous, short enough for SMS.

English keeps the clinic's own wording ("Tuesday 2 March 2027 at 9:30 AM"); other languages are
formatted by Babel for their locale (`LOCALES`: US Spanish, "martes, 2 de marzo de 2027,
9:30 a.m."), in the language of the person the message is for (`current_language()`).
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_day_names

from bot.domain.language import DEFAULT_LANGUAGE, LOCALES
from bot.texts.i18n import current_language


def _locale() -> str | None:
    """The Babel locale to format in, or None for the clinic's English wording."""
    language = current_language()
    return None if language is DEFAULT_LANGUAGE else LOCALES[language]


def _spaces(text: str) -> str:
    # CLDR puts (narrow) no-break spaces in times ("9:30 a. m."): not GSM-7, and no use here.
    return text.replace("\u202f", " ").replace("\xa0", " ")


def when_long(moment: datetime, tz: ZoneInfo) -> str:
    """'Tuesday 2 March 2027 at 9:30 AM' ('martes, 2 de marzo de 2027, 9:30 a.m.')."""
    local = moment.astimezone(tz)
    locale = _locale()
    if locale is not None:
        return _spaces(f"{format_date(local, 'full', locale=locale)}, {clock_time(moment, tz)}")
    return f"{local:%A} {local.day} {local:%B %Y} at {clock_time(moment, tz)}"


def when_short(moment: datetime, tz: ZoneInfo) -> str:
    """'Tue 2 Mar 9:30 AM' (SMS; 'mar 2 mar 9:30 a.m.')."""
    local = moment.astimezone(tz)
    if _locale() is not None:
        return f"{day_label(moment, tz)} {clock_time(moment, tz)}"
    return f"{local:%a} {local.day} {local:%b} {clock_time(moment, tz)}"


def same_day_time(moment: datetime, *, now: datetime, tz: ZoneInfo) -> str:
    """A deadline as people say it: "3:40 PM" today, "Wed 29 Sep 3:40 PM" another day."""
    if moment.astimezone(tz).date() == now.astimezone(tz).date():
        return clock_time(moment, tz)
    return when_short(moment, tz)


def clock_time(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    locale = _locale()
    if locale is not None:
        return _spaces(format_time(local, "short", locale=locale))
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"


def day_label(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    locale = _locale()
    if locale is not None:
        return _spaces(format_date(local, "EEE d MMM", locale=locale))
    return f"{local:%a} {local.day} {local:%b}"


def longest_when_short() -> str:
    """The widest `when_short` there is in the current language (for SMS length checks)."""
    if _locale() is None:
        return "Wed 30 Sep 12:45 PM"
    widest = ""
    tz = ZoneInfo("UTC")
    for day in range(1, 8):  # every weekday, at the longest month and time
        for month in range(1, 13):
            moment = datetime(2027, month, 20 + day, 12, 45, tzinfo=tz)
            widest = max(widest, when_short(moment, tz), key=len)
    return widest


def date_short(day: date) -> str:
    """'Tue 2 Mar' ('mar 2 mar'): a day on a button or in a list."""
    locale = _locale()
    if locale is not None:
        return _spaces(format_date(day, "EEE d MMM", locale=locale))
    return f"{day:%a} {day.day} {day:%b}"


def date_long(day: date) -> str:
    """'Tuesday 2 March' ('martes, 2 de marzo')."""
    locale = _locale()
    if locale is not None:
        return _spaces(format_date(day, "EEEE, d 'de' MMMM", locale=locale))
    return f"{day:%A} {day.day} {day:%B}"


def weekday_name(weekday: int, *, short: bool = False) -> str:
    """Monday is 0: 'Monday' / 'Mon' ('Lunes' / 'Lun')."""
    locale = _locale()
    if locale is None:
        name = _WEEKDAYS[weekday]
        return name[:3] if short else name
    names = get_day_names("abbreviated" if short else "wide", locale=locale)
    return _spaces(str(names[weekday])).rstrip(".").capitalize()


def wall_time(moment: time) -> str:
    """A clock time of day: '9:00 AM' ('9:00 a.m.')."""
    locale = _locale()
    if locale is not None:
        return _spaces(format_time(moment, "short", locale=locale))
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def month_title(day: date) -> str:
    """'March 2027' ('Marzo de 2027')."""
    locale = _locale()
    if locale is not None:
        return _spaces(format_date(day, "LLLL 'de' y", locale=locale)).capitalize()
    return f"{day:%B %Y}"
