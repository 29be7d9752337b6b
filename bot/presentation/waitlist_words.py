"""The waitlist's words: a person's choices described, an offer's deadline, what an answer did, and
the staff list (`/waitlist`), from plain values. `bot/services/waitlist_messages.py` reads what
they show from the database; `WaitlistService` (bot/services/waitlist.py) joins, offers and
answers."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.availability import local_day
from bot.domain.errors import ConfigError
from bot.domain.refs import waitlist_ref
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.domain.waitlist import Preferences
from bot.presentation.formatting import (
    date_short,
    longest_when_short,
    same_day_time,
    weekday_name,
    when_long,
    when_short,
)
from bot.profile import ClinicProfile
from bot.texts import Texts
from bot.texts.profile_texts import service_label


class Answer(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    GONE = "gone"
    TOO_LATE = "too_late"
    BUSY = "busy"
    ALREADY = "already"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AnswerResult:
    answer: Answer
    service: str = ""
    starts_at: datetime | None = None
    deadline: datetime | None = None
    appointment_id: int | None = None


@dataclass(frozen=True)
class StaffLine:
    entry_id: int
    patient: str
    service: str
    preferences: Preferences
    joined_at: datetime
    channel: str
    offer_start: datetime | None
    offer_deadline: datetime | None


class WaitlistWords:
    """The waitlist's words, from plain values.

    The attributes are set by `WaitlistService.__init__`.
    """

    profile: ClinicProfile
    texts: Texts
    tz: ZoneInfo

    def staff_text_of(self, lines: Sequence[StaffLine], *, now: datetime) -> str:
        """The staff view of the waitlist (HTML)."""
        t = self.texts
        if not lines:
            return t.html("wl_staff_empty")
        today = local_day(now, self.tz)
        rows = [t.html("wl_staff_title", count=len(lines))]
        for line in lines:
            offer = ""
            if line.offer_start is not None and line.offer_deadline is not None:
                offer = t.html(
                    "wl_staff_offer_open",
                    when=when_short(line.offer_start, self.tz),
                    deadline=self.deadline_text(line.offer_deadline, now=now),
                )
            rows.append(
                t.raw("wl_staff_line").format(
                    id=waitlist_ref(line.entry_id),
                    patient=html.escape(line.patient, quote=False),
                    service=html.escape(self.service_label(line.service), quote=False),
                    prefs=html.escape(
                        self.preferences_text(line.preferences, today=today), quote=False
                    ),
                    joined=html.escape(when_short(line.joined_at, self.tz), quote=False),
                    channel=html.escape(line.channel, quote=False),
                    offer=offer,
                )
            )
        return "\n".join(rows)

    def offered_text(
        self,
        *,
        patient: str,
        entry_id: int,
        starts_at: datetime,
        expires_at: datetime,
        now: datetime,
    ) -> str:
        """The staff line for a time offered to a waiting patient (HTML)."""
        return self.texts.html(
            "wl_staff_offered",
            when=when_short(starts_at, self.tz),
            patient=patient,
            id=waitlist_ref(entry_id),
            deadline=self.deadline_text(expires_at, now=now),
        )

    def service_label(self, code: str) -> str:
        service = self.profile.services.get(code)
        return service_label(code, service.label) if service else code

    def preferences_text(self, preferences: Preferences, *, today: date) -> str:
        """ "Mon, Wed; mornings; from Mon 8 Mar until Mon 29 Mar" (plain)."""
        t = self.texts
        if len(preferences.weekdays) == 7:
            days = t.plain("wl_days_any")
        else:
            days = ", ".join(weekday_name(d, short=True) for d in sorted(preferences.weekdays))
        parts = [days, t.plain(f"wl_part_{preferences.part.value}")]
        earliest = (
            preferences.earliest if preferences.earliest and preferences.earliest > today else None
        )
        if earliest is not None or preferences.latest is not None:
            first = _short_date(earliest) if earliest else t.plain("wl_now")
            last = _short_date(preferences.latest) if preferences.latest else t.plain("wl_any_date")
            parts.append(t.plain("wl_dates", earliest=first, latest=last))
        return "; ".join(parts)

    def deadline_text(self, deadline: datetime, *, now: datetime) -> str:
        return same_day_time(deadline, now=now, tz=self.tz)

    def answer_text(self, result: AnswerResult, *, sms: bool, now: datetime) -> str:
        """The reply to an answer, for the chat (HTML) or a text (plain, neutral)."""
        start = result.starts_at
        deadline = self.deadline_text(result.deadline, now=now) if result.deadline else ""
        if sms:
            clinic = self.profile.clinic.name
            when = when_short(start, self.tz) if start else ""
            key = {
                Answer.ACCEPTED: "sms_wl_accepted",
                Answer.DECLINED: "sms_wl_declined",
                Answer.GONE: "sms_wl_gone",
                Answer.TOO_LATE: "sms_wl_too_late",
                Answer.BUSY: "sms_wl_busy",
            }.get(result.answer, "sms_wl_declined")
            return self.texts.plain(key, clinic=clinic, when=when, deadline=deadline)
        values = {
            "service": self.service_label(result.service),
            "when": when_long(start, self.tz) if start else "",
            "deadline": deadline,
        }
        key = {
            Answer.ACCEPTED: "wl_accepted",
            Answer.DECLINED: "wl_declined",
            Answer.GONE: "wl_gone",
            Answer.TOO_LATE: "wl_too_late",
            Answer.BUSY: "wl_busy",
        }.get(result.answer, "wl_offer_unknown")
        return self.texts.html(key, **values)


def _short_date(day: date) -> str:
    return date_short(day)


SAMPLE_WHEN = "Wed 29 Sep 12:45 PM"


def check_waitlist_sms_texts(texts: Texts, profile: ClinicProfile) -> None:
    """Refuse to start when a waitlist text (e.g. a profile override) breaks the SMS policy."""
    for key in sms_keys(texts):
        widest = longest_when_short()
        values = {"clinic": profile.clinic.name, "when": widest, "deadline": widest}
        try:
            assert_sms_safe(texts.plain(key, **values), max_segments=1)
        except UnsafeSmsText as exc:
            raise ConfigError(f"clinic profile texts.{key}: {exc}") from None


def sms_keys(texts: Texts) -> Sequence[str]:
    return [key for key in texts.keys() if key.startswith("sms_wl_")]  # noqa: SIM118
