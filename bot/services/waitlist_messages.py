"""The waitlist's words: a person's choices described, an offer's deadline, what an answer did,
the staff list (`/waitlist`), and the outbox renderers of the offer and its expiry notice.
`WaitlistService` (bot/services/waitlist.py) joins, offers and answers."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.db.engine import Database
from bot.db.models import Patient, WaitlistEntry, WaitlistOffer
from bot.domain.availability import local_day
from bot.domain.clock import Clock
from bot.domain.errors import (
    ConfigError,
)
from bot.domain.refs import patient_ref, waitlist_ref
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.domain.waitlist import (
    OfferOrder,
    OfferStatus,
    PartOfDay,
    Preferences,
    in_turn,
    weekdays_of,
)
from bot.presentation.formatting import (
    date_short,
    longest_when_short,
    same_day_time,
    weekday_name,
    when_long,
    when_short,
)
from bot.profile import ClinicProfile
from bot.services.booking import BookingService
from bot.texts import Texts
from bot.texts.profile_texts import service_label


class WaitlistMessages:
    """Words, staff lines and outbox messages of the waitlist.

    The attributes are set by `WaitlistService.__init__`.
    """

    db: Database
    profile: ClinicProfile
    clock: Clock
    texts: Texts
    booking: BookingService
    tz: ZoneInfo

    def staff_lines(self) -> list[StaffLine]:
        """Everyone waiting, service by service in turn order, with any open offer."""
        now = self.clock.now()
        with self.db.session(write=False) as session:
            entries = in_turn(
                session.exec(
                    select(WaitlistEntry).where(col(WaitlistEntry.left_at).is_(None))
                ).all()
            )
            lines = []
            for entry in sorted(entries, key=lambda e: e.service):
                patient = session.get(Patient, entry.patient_id)
                offer = session.exec(
                    select(WaitlistOffer)
                    .where(col(WaitlistOffer.entry_id) == entry.id)
                    .where(col(WaitlistOffer.status) == OfferStatus.OPEN)
                    .where(col(WaitlistOffer.expires_at) > now)
                ).first()
                assert entry.id is not None
                lines.append(
                    StaffLine(
                        entry_id=entry.id,
                        patient=_named(patient, entry.patient_id),
                        service=entry.service,
                        preferences=preferences_of(entry),
                        joined_at=entry.joined_at,
                        channel=entry.channel,
                        offer_start=offer.starts_at if offer else None,
                        offer_deadline=offer.expires_at if offer else None,
                    )
                )
            return lines

    def staff_text(self) -> str:
        """The staff view of the waitlist (HTML)."""
        t = self.texts
        lines = self.staff_lines()
        if not lines:
            return t.html("wl_staff_empty")
        now = self.clock.now()
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
                    prefs=html.escape(self.describe(line.preferences), quote=False),
                    joined=html.escape(when_short(line.joined_at, self.tz), quote=False),
                    channel=html.escape(line.channel, quote=False),
                    offer=offer,
                )
            )
        return "\n".join(rows)

    def staff_offer_text(self, offer: WaitlistOffer) -> str:
        with self.db.session(write=False) as session:
            patient = session.get(Patient, offer.patient_id)
        name = _named(patient, offer.patient_id)
        return self.texts.html(
            "wl_staff_offered",
            when=when_short(offer.starts_at, self.tz),
            patient=name,
            id=waitlist_ref(offer.entry_id),
            deadline=self.deadline_text(offer.expires_at, now=self.clock.now()),
        )

    def service_label(self, code: str) -> str:
        service = self.profile.services.get(code)
        return service_label(code, service.label) if service else code

    def describe(self, preferences: Preferences, *, today: date | None = None) -> str:
        """ "Mon, Wed; mornings; from Mon 8 Mar until Mon 29 Mar" (plain)."""
        t = self.texts
        today = today or local_day(self.clock.now(), self.tz)
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

    def answer_words(self, result: AnswerResult, *, sms: bool) -> str:
        """The reply to an answer, for the chat (HTML) or a text (plain, neutral)."""
        now = self.clock.now()
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

    @property
    def order(self) -> OfferOrder:
        return OfferOrder(self.profile.waitlist.order)


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


def preferences_of(entry: WaitlistEntry) -> Preferences:
    return Preferences(
        weekdays=weekdays_of(entry.weekdays),
        part=PartOfDay(entry.part_of_day) if entry.part_of_day in "ame" else PartOfDay.ANY,
        earliest=date.fromisoformat(entry.earliest) if entry.earliest else None,
        latest=date.fromisoformat(entry.latest) if entry.latest else None,
    )


def _named(patient: Patient | None, patient_id: int) -> str:
    """How staff see a waiting patient: their name and identifier (P-12), or the identifier."""
    ref = patient_ref(patient_id)
    return f"{patient.name} ({ref})" if patient is not None and patient.name else ref
