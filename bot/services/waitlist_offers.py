"""Offering freed times from the waitlist: the booking observer (a cancellation, a move away or a
staff block removed frees starts), who a start suits and in which order, and the offer rows with
their outbox message and expiry timer. `WaitlistService` (bot/services/waitlist.py) answers them."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.db.models import Appointment, Patient, WaitlistEntry, WaitlistOffer
from bot.domain.availability import local_day
from bot.domain.callback_data import WaitlistPress, WaitlistVerb
from bot.domain.enums import AppointmentStatus, Channel, OutboxKind
from bot.domain.reminders import next_sms_window
from bot.domain.sms_policy import assert_sms_safe
from bot.domain.waitlist import (
    OfferStatus,
    in_turn,
    to_offer,
)
from bot.messaging.channels import Button, OutgoingMessage
from bot.presentation.formatting import when_long, when_short
from bot.services.audit import audit
from bot.services.outbox import enqueue
from bot.services.planner import patient_channel
from bot.services.rendering import RenderContext, Skip
from bot.services.waitlist_messages import WaitlistMessages, preferences_of

log = logging.getLogger(__name__)


class WaitlistOffers(WaitlistMessages):
    """The booking observer that offers freed starts to the people waiting for them."""

    def booked(self, session: Session, appointment: Appointment, *, now: datetime) -> None:
        """A booking of a service takes the patient off its list; an accepted offer is closed."""
        key = appointment.request_key or ""
        accepted: list[WaitlistOffer] = []
        if key.startswith(REQUEST_PREFIX) and key[len(REQUEST_PREFIX) :].isdigit():
            offer = session.get(WaitlistOffer, int(key[len(REQUEST_PREFIX) :]))
            if offer is not None:
                accepted.append(offer)
        # The patient's own open offer of this time, booked by another way (the chat's
        # questions after Accept, or the time chosen by hand): accepted too.
        accepted += session.exec(
            select(WaitlistOffer)
            .where(col(WaitlistOffer.patient_id) == appointment.patient_id)
            .where(col(WaitlistOffer.service) == appointment.service)
            .where(col(WaitlistOffer.starts_at) == appointment.starts_at)
            .where(col(WaitlistOffer.status) == OfferStatus.OPEN)
        ).all()
        for offer in accepted:
            offer.status = OfferStatus.ACCEPTED
            offer.answered_at = now
            offer.appointment_id = appointment.id
        session.flush()
        # Others offered this time (first to accept) can no longer have it, if it is full now.
        others = session.exec(
            select(WaitlistOffer)
            .where(col(WaitlistOffer.service) == appointment.service)
            .where(col(WaitlistOffer.starts_at) == appointment.starts_at)
            .where(col(WaitlistOffer.status) == OfferStatus.OPEN)
        ).all()
        if others and not self._is_free(
            session, appointment.service, appointment.starts_at, now=now
        ):
            for other in others:
                other.status = OfferStatus.GONE
                other.answered_at = now
        passed_on: list[WaitlistOffer] = []
        for entry in session.exec(
            select(WaitlistEntry)
            .where(col(WaitlistEntry.patient_id) == appointment.patient_id)
            .where(col(WaitlistEntry.service) == appointment.service)
            .where(col(WaitlistEntry.left_at).is_(None))
        ).all():
            entry.left_at = now
            entry.left_reason = "booked"
            entry.updated_at = now
            # Other times offered to this entry go to the next patient.
            for open_offer in session.exec(
                select(WaitlistOffer)
                .where(col(WaitlistOffer.entry_id) == entry.id)
                .where(col(WaitlistOffer.status) == OfferStatus.OPEN)
            ).all():
                open_offer.status = OfferStatus.DECLINED
                open_offer.answered_at = now
                passed_on.append(open_offer)
        session.flush()
        for passed in passed_on:
            self._offer_start(session, passed.service, passed.starts_at, now=now)

    def cancelled(self, session: Session, appointment: Appointment, *, now: datetime) -> None:
        session.flush()
        self.time_freed(session, start=appointment.starts_at, end=appointment.ends_at, now=now)

    def rescheduled(
        self, session: Session, old: Appointment, new: Appointment, *, now: datetime
    ) -> None:
        # The new time is a booking of the service like any other: off its list, and offers of
        # that time to others closed if it is full now. Then the old time is free for the list.
        self.booked(session, new, now=now)
        self.time_freed(session, start=old.starts_at, end=old.ends_at, now=now)

    def time_freed(
        self, session: Session, *, start: datetime, end: datetime, now: datetime
    ) -> None:
        """Offer the free starts in [start, end) to waiting patients, for every waited service.

        Per service, non-overlapping starts from the window's beginning: a freed hour is one
        offer, not one per grid step.
        """
        if end <= now:
            return
        services = sorted(
            set(
                session.exec(
                    select(WaitlistEntry.service).where(col(WaitlistEntry.left_at).is_(None))
                ).all()
            )
        )
        for service in services:
            if service not in self.profile.services:
                continue
            slots = self.booking.free_in(
                session,
                service=service,
                first_day=local_day(start, self.tz),
                last_day=local_day(end, self.tz),
                now=now,
            )
            taken_until: datetime | None = None
            for slot in slots:
                if not start <= slot.start < end:
                    continue
                if taken_until is not None and slot.start < taken_until:
                    continue
                taken_until = slot.end
                self._offer_start(session, service, slot.start, now=now)

    def _offer_start(
        self, session: Session, service: str, start: datetime, *, now: datetime
    ) -> int:
        """Offer one free start to whoever's turn it is; how many offers were made."""
        if not self._is_free(session, service, start, now=now):
            return 0
        entries = in_turn(
            session.exec(
                select(WaitlistEntry)
                .where(col(WaitlistEntry.service) == service)
                .where(col(WaitlistEntry.left_at).is_(None))
            ).all()
        )
        if not entries:
            return 0
        offers = session.exec(
            select(WaitlistOffer)
            .where(col(WaitlistOffer.service) == service)
            .where(col(WaitlistOffer.starts_at) == start)
        ).all()
        asked = {offer.entry_id for offer in offers}
        already_open = any(o.status == OfferStatus.OPEN and o.expires_at > now for o in offers)
        busy_entries = set(
            session.exec(
                select(WaitlistOffer.entry_id)
                .where(col(WaitlistOffer.status) == OfferStatus.OPEN)
                .where(col(WaitlistOffer.expires_at) > now)
            ).all()
        )
        spec_end = start + timedelta(minutes=self.profile.service(service).duration_minutes)
        candidates = [
            entry
            for entry in entries
            if entry.id not in asked
            and entry.id not in busy_entries
            and preferences_of(entry).suits(start, self.tz)
            and not self._patient_busy(session, entry.patient_id, start, spec_end)
        ]
        made = 0
        for entry in to_offer(candidates, order=self.order, already_open=already_open):
            if self._create_offer(session, entry, start, now=now, created_by="system"):
                made += 1
        return made

    def _is_free(self, session: Session, service: str, start: datetime, *, now: datetime) -> bool:
        day = local_day(start, self.tz)
        slots = self.booking.free_in(session, service=service, first_day=day, last_day=day, now=now)
        return any(slot.start == start for slot in slots)

    @staticmethod
    def _patient_busy(session: Session, patient_id: int, start: datetime, end: datetime) -> bool:
        clash = session.exec(
            select(Appointment.id)
            .where(col(Appointment.patient_id) == patient_id)
            .where(col(Appointment.status) == AppointmentStatus.BOOKED)
            .where(col(Appointment.starts_at) < end)
            .where(col(Appointment.ends_at) > start)
        ).first()
        return clash is not None

    def _create_offer(
        self,
        session: Session,
        entry: WaitlistEntry,
        start: datetime,
        *,
        now: datetime,
        created_by: str,
    ) -> WaitlistOffer | None:
        patient = session.get(Patient, entry.patient_id)
        if patient is None or patient.erased_at is not None or entry.id is None:
            return None
        channel = patient_channel(patient)
        # A text offer made at night is sent at 08:00: its time to answer starts then.
        opens = next_sms_window(now, self.tz) if channel is Channel.SMS else now
        deadline = opens + timedelta(minutes=self.profile.waitlist.offer_minutes)
        # Never past the last moment the time can still be booked.
        last_bookable = start - timedelta(hours=self.profile.booking.minimum_notice_hours)
        deadline = min(deadline, last_bookable)
        if deadline <= now:
            return None
        offer = WaitlistOffer(
            entry_id=entry.id,
            patient_id=entry.patient_id,
            service=entry.service,
            starts_at=start,
            status=OfferStatus.OPEN,
            created_at=now,
            created_by=created_by,
            expires_at=deadline,
        )
        session.add(offer)
        session.flush()
        assert offer.id is not None
        enqueue(
            session,
            kind=OutboxKind.WAITLIST_OFFER,
            channel=channel,
            due_at=now,
            not_after=deadline,
            dedupe_key=f"waitlist:{offer.id}:offer",
            now=now,
            patient_id=entry.patient_id,
            payload={"offer_id": offer.id},
        )
        enqueue(
            session,
            kind=OutboxKind.WAITLIST_EXPIRY,
            channel=Channel.STAFF,
            due_at=deadline,
            dedupe_key=f"waitlist:{offer.id}:expiry",
            now=now,
            patient_id=entry.patient_id,
            payload={"offer_id": offer.id},
        )
        audit(
            session,
            at=now,
            actor=created_by,
            action="waitlist.offer",
            subject=f"patient:{entry.patient_id}",
            detail={"offer": offer.id, "service": entry.service, "start": start.isoformat()},
        )
        log.info("waitlist offer %s made to entry %s", offer.id, entry.id)
        return offer

    def _expire(self, session: Session, offer: WaitlistOffer, *, now: datetime) -> None:
        offer.status = OfferStatus.EXPIRED
        audit(
            session,
            at=now,
            actor="system",
            action="waitlist.expire",
            subject=f"patient:{offer.patient_id}",
            detail={"offer": offer.id},
        )
        session.flush()
        self._offer_start(session, offer.service, offer.starts_at, now=now)

    def render_offer(self, ctx: RenderContext) -> OutgoingMessage:
        offer = ctx.session.get(WaitlistOffer, int(ctx.payload.get("offer_id", 0)))
        if offer is None or offer.status != OfferStatus.OPEN:
            raise Skip("offer answered or withdrawn")
        if ctx.now >= offer.expires_at:
            raise Skip("offer expired")
        if not self._is_free(ctx.session, offer.service, offer.starts_at, now=ctx.now):
            offer.status = OfferStatus.GONE
            raise Skip("the time was taken before the offer went out")
        deadline = self.deadline_text(offer.expires_at, now=ctx.now)
        if ctx.is_sms:
            text = ctx.texts.plain(
                "sms_wl_offer",
                clinic=ctx.profile.clinic.name,
                when=when_short(offer.starts_at, self.tz),
                deadline=deadline,
            )
            assert_sms_safe(text, max_segments=1)
            return OutgoingMessage(text)
        text = ctx.texts.html(
            "wl_offer",
            service=self.service_label(offer.service),
            when=when_long(offer.starts_at, self.tz),
            deadline=deadline,
        )
        buttons = [
            [
                Button(
                    ctx.texts.plain("wl_btn_accept"),
                    data=WaitlistPress(WaitlistVerb.ACCEPT, offer.id).pack(),
                ),
                Button(
                    ctx.texts.plain("wl_btn_decline"),
                    data=WaitlistPress(WaitlistVerb.DECLINE, offer.id).pack(),
                ),
            ]
        ]
        return OutgoingMessage(text, buttons=buttons)

    def render_expiry(self, ctx: RenderContext) -> OutgoingMessage:
        """A timer: past its deadline an unanswered offer expires and goes to the next one."""
        offer = ctx.session.get(WaitlistOffer, int(ctx.payload.get("offer_id", 0)))
        if offer is not None and offer.status == OfferStatus.OPEN:
            self._expire(ctx.session, offer, now=ctx.now)
            raise Skip("offer expired; the next patient was asked")
        raise Skip("offer already answered")


REQUEST_PREFIX = "waitlist:"
