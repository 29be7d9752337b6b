"""The waitlist's words over the database: the staff list (`/waitlist`) and an offer's staff line
read, a person's choices described and an answer worded at the clinic's time. The words
themselves are `bot/presentation/waitlist_words.py`; `WaitlistService` (bot/services/waitlist.py)
joins, offers and answers."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.db.engine import Database
from bot.db.models import Patient, WaitlistEntry, WaitlistOffer
from bot.domain.availability import local_day
from bot.domain.clock import Clock
from bot.domain.refs import patient_ref
from bot.domain.waitlist import (
    OfferOrder,
    OfferStatus,
    PartOfDay,
    Preferences,
    in_turn,
    weekdays_of,
)
from bot.presentation.waitlist_words import AnswerResult, StaffLine, WaitlistWords
from bot.profile import ClinicProfile
from bot.services.booking import BookingService
from bot.texts import Texts


class WaitlistMessages(WaitlistWords):
    """What the waitlist's words show, read from the database (the words: `WaitlistWords`).

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
        return self.staff_text_of(self.staff_lines(), now=self.clock.now())

    def staff_offer_text(self, offer: WaitlistOffer) -> str:
        with self.db.session(write=False) as session:
            patient = session.get(Patient, offer.patient_id)
        return self.offered_text(
            patient=_named(patient, offer.patient_id),
            entry_id=offer.entry_id,
            starts_at=offer.starts_at,
            expires_at=offer.expires_at,
            now=self.clock.now(),
        )

    def describe(self, preferences: Preferences, *, today: date | None = None) -> str:
        """ "Mon, Wed; mornings; from Mon 8 Mar until Mon 29 Mar" (plain)."""
        return self.preferences_text(
            preferences, today=today or local_day(self.clock.now(), self.tz)
        )

    def answer_words(self, result: AnswerResult, *, sms: bool) -> str:
        """The reply to an answer, for the chat (HTML) or a text (plain, neutral)."""
        return self.answer_text(result, sms=sms, now=self.clock.now())

    @property
    def order(self) -> OfferOrder:
        return OfferOrder(self.profile.waitlist.order)


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
