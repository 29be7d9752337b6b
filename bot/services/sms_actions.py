"""What an inbound text changes: the waitlist (join, accept or decline an offer), consent (STOP,
START), bookings (offer times, book, reschedule, cancel, outside the inbound transaction), the
driver's pickup note, and the SMS drafts that carry a conversation between texts.
`SmsInbound` (bot/services/sms_inbound.py) decides which of these a text asks for."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Appointment, BookingDraft, Patient
from bot.domain.enums import AppointmentStatus, Channel, DraftStep
from bot.domain.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    InvalidSlot,
    SlotTaken,
    TooLateToCancel,
)
from bot.domain.language import Language
from bot.domain.privacy import mask_phone
from bot.domain.sms_keywords import (
    Inbound,
    InboundKind,
)
from bot.domain.waitlist import Preferences
from bot.presentation.formatting import when_short
from bot.presentation.waitlist_words import Answer as WaitlistAnswer
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.booking import BookingService
from bot.services.confirmations import record_driver
from bot.services.crisis import CrisisService
from bot.services.patients import get_or_create_sms_patient
from bot.services.routing import (
    can_telegram,
    enqueue_staff_notice,
    patient_label,
    sms_lost,
)
from bot.services.sms_conversation import start_sms_conversation
from bot.services.sms_replies import Deferred, Reply
from bot.services.sms_screening import SmsScreening
from bot.services.waitlist import WaitlistService
from bot.texts import Texts
from bot.texts.i18n import current_language
from bot.texts.profile_texts import clinic_text


class SmsActions:
    """The changes an inbound text makes, and the helpers the SMS conversation shares.

    The attributes are set by `SmsInbound.__init__`.
    """

    db: Database
    waitlist: WaitlistService | None
    screening: SmsScreening | None
    profile: ClinicProfile
    texts: Texts
    booking: BookingService
    checkin_answer: CheckinAnswer | None
    acknowledge: SmsAcknowledge | None
    crisis: CrisisService | None
    tz: ZoneInfo

    def _waitlist_answer(
        self,
        session: Session,
        phone: str,
        patient: Patient | None,
        draft: BookingDraft | None,
        kind: InboundKind,
        checkin_open: bool,
        now: datetime,
    ) -> Deferred | None:
        """WAIT joins, LEAVE leaves; YES / NO answer an open offer of a freed time."""
        waitlist = self.waitlist
        if waitlist is None or checkin_open:
            return None
        patient_id = patient.id if patient is not None else None
        if kind in (InboundKind.YES, InboundKind.NO) and patient_id is not None:
            offer_id = waitlist.open_offer_for(session, patient_id, now)
            if offer_id is None:
                return None
            accept = kind is InboundKind.YES
            return partial(self._answer_offer, patient_id, offer_id, accept=accept, now=now)
        if kind is InboundKind.LEAVE_WAITLIST:
            if patient_id is None:
                return lambda: self._text("sms_wl_not_on")
            return lambda: self._text(
                "sms_wl_left"
                if waitlist.leave(patient_id=patient_id, actor=f"sms:{patient_id}")
                else "sms_wl_not_on"
            )
        if kind is InboundKind.WAITLIST:
            service = self.profile.consultation_code
            if draft is not None and draft.flow == FLOW_BOOK:
                service = str(draft_data(draft).get("service") or service)
            return lambda: self._join_waitlist(phone, service, now)
        return None

    def _answer_offer(
        self, patient_id: int, offer_id: int, *, accept: bool, now: datetime
    ) -> Reply:
        assert self.waitlist is not None
        result = self.waitlist.answer(
            patient_id=patient_id, offer_id=offer_id, accept=accept, actor=f"sms:{patient_id}"
        )
        if result.answer is WaitlistAnswer.ACCEPTED and self.screening is not None:
            # Booked from the list by text, never asked the health questions: invited next.
            with self.db.session() as session:
                self.screening.invite_after_booking(
                    session, patient_id, visit_starts_at=result.starts_at, now=now
                )
        return self.waitlist.answer_words(result, sms=True)

    def _join_waitlist(self, phone: str, service: str, now: datetime) -> Reply:
        assert self.waitlist is not None
        with self.db.session() as session:
            patient = get_or_create_sms_patient(session, phone_e164=phone, now=now)
            if patient.sms_consent_at is None:
                # They asked for it by text: consent to text them about it.
                patient.sms_consent_at = now
                audit(
                    session,
                    at=now,
                    actor=f"sms:{patient.id}",
                    action="patient.sms_consent",
                    subject=f"patient:{patient.id}",
                    detail={"via": "waitlist by text"},
                )
            self._drop_draft(session, phone)
            patient_id = patient.id
        assert patient_id is not None
        self.waitlist.join(
            patient_id=patient_id,
            service=service,
            preferences=Preferences(),
            channel=Channel.SMS,
            actor=f"sms:{patient_id}",
        )
        return self._text("sms_wl_joined")

    def _opt_out(
        self, session: Session, phone: str, patient: Patient | None, now: datetime
    ) -> Reply:
        if patient is not None and patient.sms_opted_out_at is not None:
            return None  # one confirmation only: they were told the first time
        known = patient is not None
        if patient is None:
            # Remember the opt-out even for a number we do not know, so no later record
            # created for it (by staff, or a booking) ever texts it.
            patient = get_or_create_sms_patient(session, phone_e164=phone, now=now)
        patient.sms_opted_out_at = now
        sms_lost(patient)
        self._drop_draft(session, phone)
        audit(
            session,
            at=now,
            actor=f"sms:{patient.id}",
            action="patient.sms_opt_out",
            subject=f"patient:{patient.id}",
            detail={"via": "keyword"},
        )
        if known:
            enqueue_staff_notice(
                session,
                texts=self.texts,
                key="sms_staff_opted_out",
                dedupe_key=f"staff:sms_opted_out:{patient.id}:{now.isoformat()}",
                now=now,
                patient_id=patient.id,
                patient=patient_label(patient),
                phone=mask_phone(patient.phone_e164),
            )
        return self._text("sms_opted_out")

    def _opt_in(self, session: Session, patient: Patient | None, now: datetime) -> Reply:
        if patient is not None:
            was_out = patient.sms_opted_out_at is not None
            patient.sms_opted_out_at = None
            # They texted us from this number, so it works and they asked for texts.
            patient.phone_invalid_at = None
            patient.sms_consent_at = now
            if not can_telegram(patient):
                patient.preferred_channel = Channel.SMS
            audit(
                session,
                at=now,
                actor=f"sms:{patient.id}",
                action="patient.sms_opt_in",
                subject=f"patient:{patient.id}",
                detail={"was_opted_out": was_out},
            )
        return self._text("sms_opted_in")

    def _offer(
        self,
        phone: str,
        *,
        flow: str,
        service: str,
        patient_id: int | None,
        now: datetime,
        key: str,
        extra: dict[str, Any] | None = None,
    ) -> Reply:
        offered = self.booking.next_free(service=service, count=OFFER_COUNT, for_patient=patient_id)
        starts = [slot.start for slot in offered]
        with self.db.session() as session:
            if not starts:
                self._drop_draft(session, phone)
                return self._text("sms_no_times")
            data = {"service": service, "offers": [s.isoformat() for s in starts], **(extra or {})}
            self._save_draft(session, phone, flow=flow, patient_id=patient_id, data=data, now=now)
        return self._text(key, options=numbered(starts, self.tz), choices=choices(len(starts)))

    def _book(
        self,
        phone: str,
        service: str,
        start: datetime,
        name: str | None,
        sid: str,
        now: datetime,
    ) -> Reply:
        with self.db.session() as session:
            patient = get_or_create_sms_patient(session, phone_e164=phone, now=now)
            if patient.name is None and name is not None:
                patient.name = name
            if patient.sms_consent_at is None:
                # They started this conversation by text: consent to reply and remind by SMS.
                patient.sms_consent_at = now
                audit(
                    session,
                    at=now,
                    actor=f"sms:{patient.id}",
                    action="patient.sms_consent",
                    subject=f"patient:{patient.id}",
                    detail={"via": "booking by text"},
                )
            patient_id = patient.id
        assert patient_id is not None
        try:
            appointment = self.booking.book(
                patient_id=patient_id,
                service=service,
                start=start,
                actor=f"sms:{patient_id}",
                # A Twilio retry of this message books once.
                request_key=f"sms:{sid}",
            )
        except (SlotTaken, InvalidSlot):
            return self._offer(
                phone,
                flow=FLOW_BOOK,
                service=service,
                patient_id=patient_id,
                now=now,
                key="sms_slot_taken",
            )
        with self.db.session() as session:
            self._drop_draft(session, phone)
            if self.screening is not None:
                # Booked by text, never asked the health questions: invited right after.
                self.screening.invite_after_booking(
                    session, patient_id, visit_starts_at=appointment.starts_at, now=now
                )
        return self._text("sms_booked", when=when_short(appointment.starts_at, self.tz))

    def _reschedule(
        self,
        phone: str,
        patient_id: int,
        appointment_id: int,
        start: datetime,
        current_when: str,
        sid: str,
        now: datetime,
    ) -> Reply:
        try:
            moved = self.booking.reschedule(
                appointment_id=appointment_id,
                new_start=start,
                actor=f"sms:{patient_id}",
                request_key=f"sms:{sid}",
            )
        except (SlotTaken, InvalidSlot):
            service = self._service_of(appointment_id)
            return self._offer(
                phone,
                flow=FLOW_RESCHEDULE,
                service=service,
                patient_id=patient_id,
                now=now,
                key="sms_slot_taken",
                extra={"appointment_id": appointment_id, "current_when": current_when},
            )
        except TooLateToCancel:
            reply: Reply = self._text("sms_too_late", when=current_when)
        except (AppointmentNotActive, AppointmentNotFound):
            reply = self._text("sms_no_appointment")
        else:
            reply = self._text("sms_rescheduled", when=when_short(moved.starts_at, self.tz))
        with self.db.session() as session:
            self._drop_draft(session, phone)
        return reply

    def _cancel(self, patient_id: int, appointment_id: int, when: str) -> Reply:
        try:
            result = self.booking.cancel(
                appointment_id=appointment_id,
                actor=f"sms:{patient_id}",
                reason="patient texted X",
            )
        except TooLateToCancel:
            return self._text("sms_too_late", when=when)
        except (AppointmentNotActive, AppointmentNotFound):
            return self._text("sms_no_appointment")
        return self._text("sms_cancelled_late" if result.late else "sms_cancelled", when=when)

    def _text(self, key: str, **values: object) -> str:
        common: dict[str, object] = {
            "clinic": self.profile.clinic.name,
            "phone": self.profile.clinic.phone,
            "program": clinic_text("sms_program", self.profile.clinic.sms_program),
            "frequency": clinic_text("sms_frequency", self.profile.clinic.sms_frequency),
            "hours": f"{self.profile.booking.cancellation_cutoff_hours:g}",
        }
        return self.texts.plain(key, **{**common, **values})

    def _driver(self, session: Session, patient: Patient | None, now: datetime) -> Reply:
        """ "D": the ride home for the next visit that needs one is arranged (issue 11)."""
        if patient is None:
            return self._text("sms_no_appointment")
        needs_driver = [c for c, s in self.profile.services.items() if s.driver_required]
        appointment = session.exec(
            select(Appointment)
            .where(col(Appointment.patient_id) == patient.id)
            .where(col(Appointment.status) == AppointmentStatus.BOOKED)
            .where(col(Appointment.starts_at) > now)
            .where(col(Appointment.service).in_(needs_driver))
            .order_by(col(Appointment.starts_at))
            .limit(1)
        ).first()
        if appointment is None:
            return self._text("sms_no_appointment")
        record_driver(session, appointment, actor=f"sms:{patient.id}", now=now)
        return self._text("sms_driver_noted", when=when_short(appointment.starts_at, self.tz))

    def _refuses_late_change(self, appointment: Appointment, now: datetime) -> bool:
        return self.profile.booking.late_cancellation_policy == "refuse" and self.booking.is_late(
            appointment, now=now
        )

    def _service_of(self, appointment_id: int) -> str:
        with self.db.session(write=False) as session:
            appointment = session.get(Appointment, appointment_id)
            return appointment.service if appointment else self.profile.consultation_code

    @staticmethod
    def _next_appointment(
        session: Session, patient: Patient | None, now: datetime
    ) -> Appointment | None:
        if patient is None:
            return None
        return session.exec(
            select(Appointment)
            .where(col(Appointment.patient_id) == patient.id)
            .where(col(Appointment.status) == AppointmentStatus.BOOKED)
            .where(col(Appointment.starts_at) > now)
            .order_by(col(Appointment.starts_at))
            .limit(1)
        ).first()

    @staticmethod
    def _open_draft(session: Session, phone: str, now: datetime) -> BookingDraft | None:
        draft = session.exec(
            select(BookingDraft)
            .where(col(BookingDraft.channel) == Channel.SMS)
            .where(col(BookingDraft.address) == phone)
        ).one_or_none()
        if draft is None:
            return None
        if draft.expires_at is not None and draft.expires_at <= now:
            if draft.flow in OUR_FLOWS:
                session.delete(draft)
            return None
        return draft

    def _save_draft(
        self,
        session: Session,
        phone: str,
        *,
        flow: str,
        patient_id: int | None,
        data: dict[str, Any],
        now: datetime,
    ) -> None:
        start_sms_conversation(
            session,
            phone,
            flow=flow,
            step=DraftStep.TIME,
            patient_id=patient_id,
            data=data,
            now=now,
            expires_at=now + timedelta(hours=self.profile.booking.draft_expiry_hours),
        )

    @staticmethod
    def _drop_draft(session: Session, phone: str) -> None:
        session.execute(
            delete(BookingDraft)
            .where(col(BookingDraft.channel) == Channel.SMS)
            .where(col(BookingDraft.address) == phone)
            .where(col(BookingDraft.flow).in_(OUR_FLOWS))
        )


FLOW_BOOK = "sms_book"


FLOW_RESCHEDULE = "sms_reschedule"


OUR_FLOWS = (FLOW_BOOK, FLOW_RESCHEDULE)


OFFER_COUNT = 3


def numbered(starts: Sequence[datetime], tz: ZoneInfo) -> str:
    """Numbered choices for a reply: "1) Tue 2 Mar 9:00 AM; 2) ..."."""
    return "; ".join(f"{n}) {when_short(start, tz)}" for n, start in enumerate(starts, 1))


def choices(count: int) -> str:
    """How to answer `count` numbered choices: "1", "1 or 2", "1, 2 or 3"."""
    labels = [str(n) for n in range(1, count + 1)]
    if len(labels) <= 1:
        return "".join(labels)
    word = " o " if current_language() is Language.ES else " or "
    return ", ".join(labels[:-1]) + word + labels[-1]


def draft_data(draft: BookingDraft) -> dict[str, Any]:
    loaded = json.loads(draft.data or "{}")
    return loaded if isinstance(loaded, dict) else {}


class CheckinAnswer(Protocol):
    """The check-in service's seam: (session, patient_id, the parsed answer, now) -> reply or None.

    Called inside this service's write transaction, so answers, escalations and outbox rows the
    check-in service writes commit together with the message being marked handled. `opted_out`:
    the number has texted STOP, so only a red flag's fixed safety reply may go back.
    """

    def __call__(
        self,
        session: Session,
        patient_id: int,
        inbound: Inbound,
        now: datetime,
        /,
        *,
        opted_out: bool = False,
    ) -> str | None: ...


class SmsAcknowledge(Protocol):
    """The escalation service's seam: an "ACK 12" texted by on-call -> the reply to send."""

    def __call__(self, *, phone: str, body: str) -> str: ...
