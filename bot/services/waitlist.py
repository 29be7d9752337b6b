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

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Appointment, Patient, WaitlistEntry, WaitlistOffer
from bot.domain.availability import local_day
from bot.domain.callback_data import WaitlistPress, WaitlistVerb
from bot.domain.clock import Clock
from bot.domain.enums import AppointmentStatus, Channel, OutboxKind
from bot.domain.errors import (
    ClinicError,
    ConfigError,
    InvalidSlot,
    NotApproved,
    PatientBusy,
    SlotTaken,
)
from bot.domain.refs import patient_ref, waitlist_ref
from bot.domain.reminders import next_sms_window
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.domain.waitlist import (
    OfferOrder,
    OfferStatus,
    PartOfDay,
    Preferences,
    in_turn,
    to_offer,
    weekdays_of,
)
from bot.messaging.channels import Button, OutgoingMessage
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.booking import BookingService
from bot.services.formatting import (
    date_short,
    longest_when_short,
    same_day_time,
    weekday_name,
    when_long,
    when_short,
)
from bot.services.outbox import enqueue
from bot.services.planner import patient_channel
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.texts import Texts
from bot.texts.profile_texts import service_label

log = logging.getLogger(__name__)

REQUEST_PREFIX = "waitlist:"


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
class Joined:
    entry_id: int
    updated: bool


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


class NoSuchEntry(ClinicError):
    pass


def preferences_of(entry: WaitlistEntry) -> Preferences:
    return Preferences(
        weekdays=weekdays_of(entry.weekdays),
        part=PartOfDay(entry.part_of_day) if entry.part_of_day in "ame" else PartOfDay.ANY,
        earliest=date.fromisoformat(entry.earliest) if entry.earliest else None,
        latest=date.fromisoformat(entry.latest) if entry.latest else None,
    )


class WaitlistService:
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
    def order(self) -> OfferOrder:
        return OfferOrder(self.profile.waitlist.order)

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

    # --- offering -----------------------------------------------------------------------

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

    # --- staff --------------------------------------------------------------------------

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

    # --- rendering (outbox) -------------------------------------------------------------

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


def _with(result: AnswerResult, answer: Answer) -> AnswerResult:
    return AnswerResult(
        answer,
        service=result.service,
        starts_at=result.starts_at,
        deadline=result.deadline,
        appointment_id=result.appointment_id,
    )


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


__all__ = [
    "Answer",
    "AnswerResult",
    "Joined",
    "NoSuchEntry",
    "StaffLine",
    "WaitlistService",
    "check_waitlist_sms_texts",
    "preferences_of",
]


def _named(patient: Patient | None, patient_id: int) -> str:
    """How staff see a waiting patient: their name and identifier (P-12), or the identifier."""
    ref = patient_ref(patient_id)
    return f"{patient.name} ({ref})" if patient is not None and patient.name else ref
