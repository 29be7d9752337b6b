"""The SMS conversation: one inbound text in, at most one reply out (sent back as TwiML).

Keywords (issue 5, CLINICAL.md section 6): C / CONFIRM, and YES when no check-in question is
open, confirm the next appointment; X cancels it under the profile's cut-off policy; R offers the
next free times for it; BOOK offers the next consultation times, then asks the name, then books;
STOP and every opt-out word opt out at once with one confirmation; START re-subscribes; HELP
answers with the programme, contact, frequency and rates. Anything else gets a one-line menu.
An opted-out number gets no reply except to START and HELP; its Y / N / number still answers an
open check-in question (escalating as usual), and a red flag still gets its fixed safety reply.
Crisis words (bot.services.crisis) come before all of this, from every sender: the fixed reply
and an urgent page, whatever the state of the conversation, which stays as it was. A soft sign
found by the learned model alone is the exception: the safety check goes first and the text is
then handled as usual, both replies going back as two messages (`join_replies`).

The conversation's state is a BookingDraft row keyed by ("sms", phone). Twilio may post one
message twice, so each MessageSid is handled once: a marker row in the outbox (kind SMS_REPLY,
dedupe key "sms_in:<sid>") claims it before anything changes and keeps the reply for a retry.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from functools import partial

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import BookingDraft, Outbox, Patient
from bot.domain.crisis import CrisisTier, parse_check_answer
from bot.domain.enums import Channel, DraftStep, OutboxKind, OutboxStatus
from bot.domain.errors import (
    ConfigError,
)
from bot.domain.privacy import mask_phone
from bot.domain.sms_keywords import (
    CARRIER_YES,
    Inbound,
    InboundKind,
    keyword_core,
    parse_inbound,
)
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.presentation.formatting import longest_when_short, when_short
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.booking import BookingService
from bot.services.confirmations import record_confirmation
from bot.services.crisis import CrisisService
from bot.services.escalation_ladder import is_sms_ack
from bot.services.outbox import payload_of
from bot.services.patients import get_or_create_sms_patient, language_of, patient_by_phone
from bot.services.routing import (
    InvalidPatientName,
    clean_patient_name,
)
from bot.services.sms_actions import (
    FLOW_BOOK,
    FLOW_RESCHEDULE,
    OFFER_COUNT,
    CheckinAnswer,
    SmsAcknowledge,
    SmsActions,
    choices,
    draft_data,
)
from bot.services.sms_replies import Deferred, Reply, join_replies
from bot.services.sms_screening import FLOW_SCREEN, SmsScreening
from bot.services.waitlist import WaitlistService
from bot.texts import Texts
from bot.texts.i18n import use_language
from bot.texts.profile_texts import clinic_text
from bot.texts.sms import DEFAULTS as SMS_TEXTS

log = logging.getLogger(__name__)


FLOW_CHECKIN = "checkin"  # owned by the check-in service; never written or deleted here
MARKER_PREFIX = "sms_in:"

_E164 = re.compile(r"\+[1-9]\d{6,14}")
_SID = re.compile(r"[A-Za-z]{2}[0-9a-fA-F]{32}")
# Keywords that start something new even in the middle of a booking by text.
_RESTARTS = (
    InboundKind.CONFIRM,
    InboundKind.DRIVER,
    InboundKind.CANCEL_APPOINTMENT,
    InboundKind.RESCHEDULE,
    InboundKind.BOOK,
    InboundKind.SCREEN,
)
# Keywords that act on the next visit and leave an open health question as it was.
_ACTS_NOW = (InboundKind.CONFIRM, InboundKind.CANCEL_APPOINTMENT, InboundKind.DRIVER)
_CHECKIN_ANSWERS = (InboundKind.YES, InboundKind.NO, InboundKind.NUMBER)


class SmsInbound(SmsActions):
    """Answer inbound texts; each MessageSid is handled once."""

    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        texts: Texts,
        booking: BookingService,
        checkin_answer: CheckinAnswer | None = None,
        acknowledge: SmsAcknowledge | None = None,
        crisis: CrisisService | None = None,
        waitlist: WaitlistService | None = None,
        screening: SmsScreening | None = None,
    ) -> None:
        self.db = db
        self.screening = screening
        self.waitlist = waitlist
        self.profile = profile
        self.texts = texts
        self.booking = booking
        self.checkin_answer = checkin_answer
        self.acknowledge = acknowledge
        self.crisis = crisis
        self.tz = profile.tz

    # --- the entry point ----------------------------------------------------------------

    def handle(self, *, from_number: str, body: str, message_sid: str, now: datetime) -> Reply:
        """Act on one inbound SMS and return the reply text (None: send nothing).

        The reply is in the texter's language: ESPAÑOL / ENGLISH themselves answer in the
        language they choose, anything else in the one stored (English for a new number).
        """
        inbound = parse_inbound(body)
        language = inbound.language
        if language is None:
            with self.db.session(write=False) as session:
                language = language_of(patient_by_phone(session, from_number.strip()))
        with use_language(language):
            return self._handle(
                from_number=from_number, body=body, message_sid=message_sid, now=now
            )

    def _handle(self, *, from_number: str, body: str, message_sid: str, now: datetime) -> Reply:
        phone = from_number.strip()
        if not _E164.fullmatch(phone) or not _SID.fullmatch(message_sid):
            # Short codes, alphanumeric senders and malformed posts get no conversation.
            log.info("sms %s ignored: sender or sid is not usable", message_sid[:34])
            return None
        inbound = parse_inbound(body)
        # Most messages are answered in one write transaction: the claim, the change and the
        # reply commit together, so a failure leaves nothing behind for the retry to trip on.
        with self.db.session() as session:
            claimed, earlier = self._claim(session, message_sid, now)
            if not claimed:
                log.info("sms %s already handled", message_sid)
                return earlier
            log.info("sms %s from %s: %s", message_sid, mask_phone(phone), inbound.kind)
            outcome: Reply | Deferred
            if self.acknowledge is not None and is_sms_ack(body):
                # On-call answering a page; the escalation service checks who is asking.
                outcome = partial(self.acknowledge, phone=phone, body=body)
            else:
                outcome = self._decide(session, phone, inbound, message_sid, now)
            if outcome is None or isinstance(outcome, str):
                self._record(session, message_sid, phone, outcome)
                return outcome
        # A booking change runs in the booking service's own transactions, after ours closed
        # (on SQLite a second writer inside an open write transaction would wait on itself).
        # The claim is committed meanwhile, so a Twilio retry is not handled twice.
        try:
            reply = outcome()
        except Exception:
            # Let a retry of this message start over rather than be answered with nothing.
            self._release(message_sid)
            raise
        with self.db.session() as session:
            self._record(session, message_sid, phone, reply)
        return reply

    # --- once per MessageSid ------------------------------------------------------------

    @staticmethod
    def _marker(session: Session, message_sid: str) -> Outbox | None:
        return session.exec(
            select(Outbox).where(col(Outbox.dedupe_key) == MARKER_PREFIX + message_sid)
        ).one_or_none()

    def _claim(self, session: Session, message_sid: str, now: datetime) -> tuple[bool, Reply]:
        """Mark the message as ours to handle; for a repeat, return the reply given before."""
        row = self._marker(session, message_sid)
        if row is not None:
            data = payload_of(row)
            reply = data.get("reply") if data.get("done") else None
            return False, reply if isinstance(reply, str) else None
        marker = Outbox(
            dedupe_key=MARKER_PREFIX + message_sid,
            kind=OutboxKind.SMS_REPLY,
            channel=Channel.SMS,
            due_at=now,
            # Never pending, so the dispatcher never sends it: the reply rides the response.
            status=OutboxStatus.SKIPPED,
            last_error="handling",
            payload=json.dumps({"done": False}),
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(marker)
        except IntegrityError:
            return False, None  # the same message is being handled right now
        return True, None

    def _release(self, message_sid: str) -> None:
        with self.db.session() as session:
            session.execute(
                delete(Outbox).where(col(Outbox.dedupe_key) == MARKER_PREFIX + message_sid)
            )

    def _record(self, session: Session, message_sid: str, phone: str, reply: Reply) -> None:
        """Keep the reply with the claim, so a retry of this message gets the same answer."""
        row = self._marker(session, message_sid)
        assert row is not None
        patient = patient_by_phone(session, phone)
        row.patient_id = patient.id if patient is not None else None
        row.payload = json.dumps({"done": True, "reply": reply})
        row.status = OutboxStatus.SENT if reply is not None else OutboxStatus.SKIPPED
        row.sent_at = row.due_at if reply is not None else None
        row.last_error = None if reply is not None else "no reply"

    # --- deciding -----------------------------------------------------------------------

    def _decide(
        self, session: Session, phone: str, inbound: Inbound, sid: str, now: datetime
    ) -> Reply | Deferred:
        # Crisis words first, from any sender and in any state (CLINICAL.md 4b): the fixed reply
        # and a page, even from an unknown or opted-out number. An open booking or check-in is
        # left as it was: the next answer continues it.
        if self.crisis is not None:
            answer = parse_check_answer(inbound.text, yes_no=True)
            if answer is not None and parse_check_answer(inbound.text, yes_no=False) is None:
                # A bare yes / no: an open check-in question takes it first.
                waiting = self._open_draft(session, phone, now)
                if waiting is not None and waiting.flow in (FLOW_CHECKIN, FLOW_SCREEN):
                    answer = None
            if answer is not None:
                # "SAFE", "CALL", "not safe": the answer to "are you safe right now?".
                checked = self.crisis.answer_check_sms(session, phone=phone, answer=answer, now=now)
                if checked is not None:
                    return checked
        found = self.crisis.assess(inbound.text) if self.crisis is not None else None
        if found is not None and self.crisis is not None:
            self.crisis.record_sms(session, phone=phone, text=inbound.text, found=found, now=now)
            if inbound.kind is InboundKind.OPT_OUT:
                # "take me off this list, im done": the opt-out is honoured at once whatever
                # else the text says (FCC 2024); staff still hear of the words, and the safety
                # words come first (a safety reply may follow STOP, DESIGN.md rule 6).
                opted = self._opt_out(session, phone, patient_by_phone(session, phone), now)
                if opted is not None:
                    if found.tier is CrisisTier.SOFT:
                        return self._text("sms_crisis_check_unsubscribed")
                    # Two texts: the safety reply alone fills one segment.
                    unsubscribed = self._text("sms_unsubscribed_short")
                    return join_replies(self.crisis.sms_reply(found), unsubscribed)
            if found.learned:
                # The model alone: the words may be an answer ("ready to go home"). The safety
                # check goes first, then the conversation's own reply, as two texts.
                check = self.crisis.sms_reply(found)
                outcome = self._flow(session, phone, inbound, sid, now)
                if outcome is None or isinstance(outcome, str):
                    return join_replies(check, outcome)
                deferred = outcome
                return lambda: join_replies(check, deferred())
            return self.crisis.sms_reply(found)
        return self._flow(session, phone, inbound, sid, now)

    def _flow(
        self, session: Session, phone: str, inbound: Inbound, sid: str, now: datetime
    ) -> Reply | Deferred:
        """The conversation's answer to a text that is not (only) about a crisis."""
        patient = patient_by_phone(session, phone)
        draft = self._open_draft(session, phone, now)
        kind = inbound.kind
        opted_out = patient is not None and patient.sms_opted_out_at is not None
        checkin_open = draft is not None and draft.flow == FLOW_CHECKIN
        if checkin_open and kind in _CHECKIN_ANSWERS and self.checkin_answer and patient:
            # An answer to the open check-in question, even after STOP: a Yes to a safety
            # question must reach staff, and opt-out never silences that (DESIGN.md rule 6).
            # It does not re-subscribe: after STOP only START / UNSTOP do (CTIA; the FCC's
            # 2024 revocation rule), and a patient answering "Y" to "warning signs?" is not
            # asking for texts again. Twilio's long codes lift their own block on "YES" too,
            # so our record may be the stricter one: we send less than Twilio allows, never
            # more. While Twilio's block stands it drops even the safety reply (21610); the
            # staff alert and on-call page, which carry the callback number, still go out.
            assert patient.id is not None
            return self.checkin_answer(session, patient.id, inbound, now, opted_out=opted_out)
        if opted_out and kind is InboundKind.YES and keyword_core(inbound.text) in CARRIER_YES:
            kind = InboundKind.OPT_IN  # a carrier re-subscribe word, as Twilio treats it
        if kind is InboundKind.OPT_OUT:
            return self._opt_out(session, phone, patient, now)
        if kind is InboundKind.OPT_IN:
            return self._opt_in(session, patient, now)
        if kind is InboundKind.HELP:
            return self._text("sms_help")
        if opted_out:
            return None
        if kind is InboundKind.LANGUAGE and inbound.language is not None:
            # Any time, even mid-booking or with a question open: the next text comes in it.
            chosen = get_or_create_sms_patient(session, phone_e164=phone, now=now)
            if chosen.language != inbound.language.value:
                chosen.language = inbound.language.value
                audit(
                    session,
                    at=now,
                    actor=f"patient:{chosen.id}",
                    action="patient.language",
                    subject=f"patient:{chosen.id}",
                    detail={"language": inbound.language.value, "via": "sms"},
                )
            return self._text("sms_language_set")
        screening_open = draft is not None and draft.flow == FLOW_SCREEN
        if screening_open and self.screening is not None and draft is not None:
            if kind not in _RESTARTS or kind is InboundKind.SCREEN:
                # Y / N / ? answer the open health question; anything else asks it again.
                return self.screening.answer(session, draft, patient, inbound.text, now)
            if kind in _ACTS_NOW:
                # C, X and D act on the visit; the question stays open for the next answer.
                return self._keyword(session, phone, patient, kind, now)
        waitlisted = self._waitlist_answer(session, phone, patient, draft, kind, checkin_open, now)
        if waitlisted is not None:
            return waitlisted

        if checkin_open:
            if kind not in (
                InboundKind.CONFIRM,
                InboundKind.CANCEL_APPOINTMENT,
                InboundKind.DRIVER,
            ):
                return self._text("sms_answer_question_first")
            draft = None  # C and X still act on the appointment; the question stays open
        elif draft is not None and kind in _RESTARTS:
            session.delete(draft)
            draft = None

        if draft is not None:
            return self._continue(session, draft, patient, inbound, sid, now)
        return self._keyword(session, phone, patient, kind, now)

    def _keyword(
        self,
        session: Session,
        phone: str,
        patient: Patient | None,
        kind: InboundKind,
        now: datetime,
    ) -> Reply | Deferred:
        if kind is InboundKind.BOOK:
            patient_id = patient.id if patient is not None else None
            consultation = self.profile.consultation_code
            return lambda: self._offer(
                phone,
                flow=FLOW_BOOK,
                service=consultation,
                patient_id=patient_id,
                now=now,
                key="sms_book_offer",
            )
        if kind is InboundKind.DRIVER:
            return self._driver(session, patient, now)
        if kind is InboundKind.SCREEN and self.screening is not None:
            return self.screening.start(session, phone, patient, now)
        if kind not in (
            InboundKind.CONFIRM,
            InboundKind.YES,
            InboundKind.CANCEL_APPOINTMENT,
            InboundKind.RESCHEDULE,
        ):
            return self._text("sms_menu")
        appointment = self._next_appointment(session, patient, now)
        if patient is None or appointment is None:
            return self._text("sms_no_appointment")
        assert patient.id is not None
        assert appointment.id is not None
        when = when_short(appointment.starts_at, self.tz)
        if kind in (InboundKind.CONFIRM, InboundKind.YES):
            record_confirmation(session, appointment, actor=f"sms:{patient.id}", now=now)
            return self._text("sms_confirmed", when=when)
        patient_id, appointment_id = patient.id, appointment.id
        if kind is InboundKind.CANCEL_APPOINTMENT:
            return lambda: self._cancel(patient_id, appointment_id, when)
        if self._refuses_late_change(appointment, now):
            return self._text("sms_too_late", when=when)
        service = appointment.service
        return lambda: self._offer(
            phone,
            flow=FLOW_RESCHEDULE,
            service=service,
            patient_id=patient_id,
            now=now,
            key="sms_reschedule_offer",
            extra={"appointment_id": appointment_id, "current_when": when},
        )

    def _continue(
        self,
        session: Session,
        draft: BookingDraft,
        patient: Patient | None,
        inbound: Inbound,
        sid: str,
        now: datetime,
    ) -> Reply | Deferred:
        """Take the next answer in a booking or rescheduling by text."""
        data = draft_data(draft)
        phone = draft.address
        service = str(data.get("service") or self.profile.consultation_code)
        if draft.step == DraftStep.TIME:
            offers = [datetime.fromisoformat(s) for s in data.get("offers", [])]
            number = inbound.number if inbound.kind is InboundKind.NUMBER else None
            if number is None or not 1 <= number <= len(offers):
                return self._text("sms_pick_number", choices=choices(len(offers)))
            start = offers[number - 1]
            if draft.flow == FLOW_RESCHEDULE:
                appointment_id = int(data["appointment_id"])
                current_when = str(data.get("current_when", ""))
                patient_id = draft.patient_id
                assert patient_id is not None
                return lambda: self._reschedule(
                    phone, patient_id, appointment_id, start, current_when, sid, now
                )
            if patient is not None and patient.name:
                return lambda: self._book(phone, service, start, None, sid, now)
            draft.step = DraftStep.NAME
            draft.version += 1
            draft.data = json.dumps({"service": service, "start": start.isoformat()})
            draft.updated_at = now
            return self._text("sms_ask_name", when=when_short(start, self.tz))
        if draft.step == DraftStep.NAME and inbound.kind is InboundKind.TEXT:
            try:
                name = clean_patient_name(inbound.text)
            except InvalidPatientName:
                return self._text("sms_ask_name_again")
            start = datetime.fromisoformat(str(data["start"]))
            return lambda: self._book(phone, service, start, name, sid, now)
        return self._text("sms_ask_name_again")

    # --- the waitlist (issue 15) ---------------------------------------------------------

    # --- consent ------------------------------------------------------------------------

    # --- booking changes (outside our transaction) ----------------------------------------

    # --- small helpers ------------------------------------------------------------------


# --- the SMS texts, checked ----------------------------------------------------------------


def sms_text_samples(profile: ClinicProfile) -> dict[str, dict[str, object]]:
    """Realistic values for every patient SMS text (the longest times, the profile's words)."""
    widest = longest_when_short()
    options = "; ".join(f"{n}) {widest}" for n in range(1, OFFER_COUNT + 1))
    common: dict[str, object] = {
        "clinic": profile.clinic.name,
        "phone": profile.clinic.phone,
        "program": clinic_text("sms_program", profile.clinic.sms_program),
        "frequency": clinic_text("sms_frequency", profile.clinic.sms_frequency),
        "hours": f"{profile.booking.cancellation_cutoff_hours:g}",
        "when": widest,
        "options": options,
        "choices": choices(OFFER_COUNT),
    }
    return {key: common for key in SMS_TEXTS if key.startswith("sms_") and "_staff_" not in key}


def check_sms_texts(texts: Texts, profile: ClinicProfile, *, max_segments: int = 2) -> None:
    """Refuse to start when a patient SMS text (e.g. a profile override) breaks the SMS policy."""
    for key, values in sms_text_samples(profile).items():
        try:
            assert_sms_safe(texts.plain(key, **values), max_segments=max_segments)
        except UnsafeSmsText as exc:
            raise ConfigError(f"clinic profile texts.{key}: {exc}") from None
