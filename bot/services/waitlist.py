"""The waitlist (issue 15 item 2): join with preferences, offers of freed times, accept or pass.

A patient joins for one service with their preferences (bot/domain/waitlist.py); joining again
updates them. When time frees up (a cancellation, a move away, a staff block removed) this
service, an observer of the booking service, runs inside that same transaction: it picks who is
offered each freed start (in the order they joined, or everyone at once when the profile says
"first_to_accept") and writes a WaitlistOffer with a WAITLIST_OFFER outbox row (the message,
rendered when sent: Telegram buttons or SMS reply words) and a WAITLIST_EXPIRY timer row at its
deadline. Both survive restarts; the expiry runs from the outbox with the injected clock.

Accepting books through `BookingService.book` with the offer as its request key, so the
database's claims decide a race exactly as for any booking: one wins, the other hears the time
has gone and keeps their place. A decline or an expiry offers the time to the next patient.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import WaitlistEntry, WaitlistOffer
from bot.domain.clock import Clock
from bot.domain.enums import Channel, OutboxKind
from bot.domain.errors import (
    ClinicError,
    InvalidSlot,
    NotApproved,
    PatientBusy,
    SlotTaken,
)
from bot.domain.waitlist import (
    OfferStatus,
    Preferences,
)
from bot.presentation.waitlist_words import Answer, AnswerResult
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.booking import BookingService
from bot.services.rendering import Renderers
from bot.services.waitlist_offers import REQUEST_PREFIX, WaitlistOffers
from bot.texts import Texts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Joined:
    entry_id: int
    updated: bool


class NoSuchEntry(ClinicError):
    pass


class WaitlistService(WaitlistOffers):
    """Joining, leaving, offering freed times and answering offers; a booking observer."""

    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        clock: Clock,
        texts: Texts,
        booking: BookingService,
    ) -> None:
        self.db = db
        self.profile = profile
        self.clock = clock
        self.texts = texts
        self.booking = booking
        self.tz = profile.tz

    @property
    def renderers(self) -> Renderers:
        return {
            OutboxKind.WAITLIST_OFFER: self.render_offer,
            OutboxKind.WAITLIST_EXPIRY: self.render_expiry,
        }

    # --- joining and leaving ------------------------------------------------------------

    def join(
        self,
        *,
        patient_id: int,
        service: str,
        preferences: Preferences,
        channel: Channel,
        actor: str,
    ) -> Joined:
        """Put the patient on the list for `service`; if they are on it, update the choices."""
        self.profile.service(service)  # raises UnknownService
        now = self.clock.now()
        mask = sum(1 << d for d in preferences.weekdays) if preferences.weekdays else 0
        if mask == 0b1111111:
            mask = 0
        with self.db.session() as session:
            entry = session.exec(
                select(WaitlistEntry)
                .where(col(WaitlistEntry.patient_id) == patient_id)
                .where(col(WaitlistEntry.service) == service)
            ).one_or_none()
            updated = entry is not None and entry.left_at is None
            if entry is None:
                entry = WaitlistEntry(
                    patient_id=patient_id, service=service, joined_at=now, updated_at=now
                )
                session.add(entry)
            elif entry.left_at is not None:
                # Back on the list after leaving it: at the back of the queue.
                entry.joined_at = now
                entry.left_at = None
                entry.left_reason = None
            entry.weekdays = mask
            entry.part_of_day = preferences.part.value
            entry.earliest = preferences.earliest.isoformat() if preferences.earliest else None
            entry.latest = preferences.latest.isoformat() if preferences.latest else None
            entry.updated_at = now
            entry.channel = channel.value
            session.flush()
            assert entry.id is not None
            audit(
                session,
                at=now,
                actor=actor,
                action="waitlist.update" if updated else "waitlist.join",
                subject=f"patient:{patient_id}",
                detail={"service": service, "entry": entry.id},
            )
            return Joined(entry_id=entry.id, updated=updated)

    def leave(self, *, patient_id: int, entry_id: int | None = None, actor: str) -> list[str]:
        """Take the patient off the list (one entry, or all); the services they left."""
        now = self.clock.now()
        with self.db.session() as session:
            query = (
                select(WaitlistEntry)
                .where(col(WaitlistEntry.patient_id) == patient_id)
                .where(col(WaitlistEntry.left_at).is_(None))
            )
            if entry_id is not None:
                query = query.where(col(WaitlistEntry.id) == entry_id)
            left = []
            for entry in session.exec(query).all():
                self._leave(session, entry, reason="left", actor=actor, now=now)
                left.append(entry.service)
            return left

    def entries_of(self, patient_id: int) -> list[WaitlistEntry]:
        with self.db.session(write=False) as session:
            return list(
                session.exec(
                    select(WaitlistEntry)
                    .where(col(WaitlistEntry.patient_id) == patient_id)
                    .where(col(WaitlistEntry.left_at).is_(None))
                    .order_by(col(WaitlistEntry.joined_at))
                ).all()
            )

    def _leave(
        self, session: Session, entry: WaitlistEntry, *, reason: str, actor: str, now: datetime
    ) -> None:
        entry.left_at = now
        entry.left_reason = reason
        entry.updated_at = now
        audit(
            session,
            at=now,
            actor=actor,
            action="waitlist.leave",
            subject=f"patient:{entry.patient_id}",
            detail={"service": entry.service, "reason": reason},
        )
        # Their open offers pass to the next patient.
        for offer in session.exec(
            select(WaitlistOffer)
            .where(col(WaitlistOffer.entry_id) == entry.id)
            .where(col(WaitlistOffer.status) == OfferStatus.OPEN)
        ).all():
            offer.status = OfferStatus.DECLINED
            offer.answered_at = now
            session.flush()
            self._offer_start(session, offer.service, offer.starts_at, now=now)

    # --- the booking observer -----------------------------------------------------------

    # --- offering -----------------------------------------------------------------------

    # --- answering ----------------------------------------------------------------------

    def open_offer_for(self, session: Session, patient_id: int, now: datetime) -> int | None:
        """The patient's most recent open offer (what a text YES / NO answers)."""
        offer = session.exec(
            select(WaitlistOffer)
            .where(col(WaitlistOffer.patient_id) == patient_id)
            .where(col(WaitlistOffer.status) == OfferStatus.OPEN)
            .order_by(col(WaitlistOffer.created_at).desc(), col(WaitlistOffer.id).desc())
        ).first()
        return offer.id if offer is not None else None

    def answer(self, *, patient_id: int, offer_id: int, accept: bool, actor: str) -> AnswerResult:
        """Accept (book it) or decline an offer; late and lost offers keep the patient's place."""
        now = self.clock.now()
        with self.db.session() as session:
            offer = session.get(WaitlistOffer, offer_id)
            if offer is None or offer.patient_id != patient_id:
                return AnswerResult(Answer.UNKNOWN)
            result = AnswerResult(
                Answer.ALREADY,
                service=offer.service,
                starts_at=offer.starts_at,
                deadline=offer.expires_at,
                appointment_id=offer.appointment_id,
            )
            if offer.status == OfferStatus.GONE:
                return _with(result, Answer.GONE)
            if offer.status == OfferStatus.EXPIRED or (
                offer.status == OfferStatus.OPEN and now >= offer.expires_at
            ):
                if offer.status == OfferStatus.OPEN:
                    self._expire(session, offer, now=now)
                return _with(result, Answer.TOO_LATE)
            if offer.status != OfferStatus.OPEN:
                return result
            if not accept:
                offer.status = OfferStatus.DECLINED
                offer.answered_at = now
                audit(
                    session,
                    at=now,
                    actor=actor,
                    action="waitlist.decline",
                    subject=f"patient:{patient_id}",
                    detail={"offer": offer_id},
                )
                session.flush()
                self._offer_start(session, offer.service, offer.starts_at, now=now)
                return _with(result, Answer.DECLINED)
            service, start = offer.service, offer.starts_at
        try:
            appointment = self.booking.book(
                patient_id=patient_id,
                service=service,
                start=start,
                actor=actor,
                request_key=f"{REQUEST_PREFIX}{offer_id}",
            )
        except (SlotTaken, InvalidSlot, NotApproved):
            self._close(offer_id, OfferStatus.GONE)
            return _with(result, Answer.GONE)
        except PatientBusy:
            self._close(offer_id, OfferStatus.DECLINED)
            return _with(result, Answer.BUSY)
        return AnswerResult(
            Answer.ACCEPTED,
            service=service,
            starts_at=appointment.starts_at,
            deadline=result.deadline,
            appointment_id=appointment.id,
        )

    def _close(self, offer_id: int, status: OfferStatus) -> None:
        now = self.clock.now()
        with self.db.session() as session:
            offer = session.get(WaitlistOffer, offer_id)
            if offer is None or offer.status != OfferStatus.OPEN:
                return
            offer.status = status
            offer.answered_at = now
            session.flush()
            if status is not OfferStatus.GONE:
                self._offer_start(session, offer.service, offer.starts_at, now=now)

    # --- staff --------------------------------------------------------------------------

    def staff_offer(self, *, entry_id: int, start: datetime, actor: str) -> WaitlistOffer:
        """Offer a time to one waiting patient by hand (out of turn, whatever their choices)."""
        now = self.clock.now()
        with self.db.session() as session:
            entry = session.get(WaitlistEntry, entry_id)
            if entry is None or entry.left_at is not None:
                raise NoSuchEntry(str(entry_id))
            if not self._is_free(session, entry.service, start, now=now):
                raise InvalidSlot("that time is not free")
            offer = self._create_offer(session, entry, start, now=now, created_by=actor)
            if offer is None:
                raise InvalidSlot("that time is too soon to offer")
            session.flush()
            session.expunge(offer)
            return offer

    # --- words --------------------------------------------------------------------------

    # --- rendering (outbox) -------------------------------------------------------------


def _with(result: AnswerResult, answer: Answer) -> AnswerResult:
    return AnswerResult(
        answer,
        service=result.service,
        starts_at=result.starts_at,
        deadline=result.deadline,
        appointment_id=result.appointment_id,
    )
