"""Which channel reaches a patient: fallbacks when Telegram or SMS stops working, and staff told.

Functions take the caller's session, so a channel switch and the staff notice that reports it
commit together with whatever caused them (a failed send, a `my_chat_member` update).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.db.engine import Database
from bot.db.models import Patient
from bot.domain.clock import Clock
from bot.domain.enums import Channel
from bot.domain.errors import ClinicError
from bot.domain.refs import patient_ref
from bot.messaging.channels import DeliveryFailed
from bot.services.audit import audit
from bot.services.patients import patient_by_phone, patient_by_telegram
from bot.services.phones import mask_phone, normalize_phone
from bot.services.planner import staff_notice
from bot.texts import Texts

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 100
UNSUBSCRIBED = "21610"
# The number cannot take a text: invalid (21211), unreachable (30003), unknown (30005),
# landline or unreachable carrier (30006). Retrying will not help; a person must check it.
DEAD_NUMBER_CODES = frozenset({"21211", "30003", "30005", "30006"})
_SPACES = re.compile(r"\s+")
# Invisible but part of real names: joiners (emoji sequences, Persian and Indic scripts) and
# direction marks (names mixing right-to-left and left-to-right scripts).
_NAME_FORMAT_CHARS = frozenset("\u200c\u200d\u200e\u200f")


class InvalidPatientName(ClinicError):
    """A name we cannot store: empty, no letters, control characters or too long."""


@dataclass(frozen=True)
class ChannelSwitch:
    """What a lost channel changed: the patient and the channel now preferred (None: none)."""

    patient_id: int
    preferred: Channel | None


def clean_patient_name(raw: str) -> str:
    """Return the name with spaces tidied, or raise InvalidPatientName."""
    name = _SPACES.sub(" ", raw or "").strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidPatientName("a name has 1 to 100 characters")
    if not any(ch.isalpha() for ch in name):
        raise InvalidPatientName("a name needs letters")
    if any(not ch.isprintable() and ch not in _NAME_FORMAT_CHARS for ch in name):
        # NUL, other controls and lone surrogates: PostgreSQL refuses them and staff can't read them.
        raise InvalidPatientName("a name cannot hold control characters")
    return name


def can_sms(patient: Patient) -> bool:
    """Whether texts may go to this patient: a working number, consent, and no opt-out."""
    return (
        patient.phone_e164 is not None
        and patient.sms_consent_at is not None
        and patient.sms_opted_out_at is None
        and patient.phone_invalid_at is None
        and patient.erased_at is None
    )


def can_telegram(patient: Patient) -> bool:
    """Whether Telegram reaches this patient: a chat, consent, and the bot not blocked."""
    return (
        patient.telegram_chat_id is not None
        and patient.telegram_consent_at is not None
        and patient.telegram_blocked_at is None
        and patient.erased_at is None
    )


def patient_label(patient: Patient) -> str:
    """How staff notices name a patient: their name (staff chat only) and record number."""
    return f"{patient.name or 'Patient'} ({patient_ref(patient.id)})"


def enqueue_staff_notice(
    session: Session,
    *,
    texts: Texts,
    key: str,
    dedupe_key: str,
    now: datetime,
    patient_id: int | None = None,
    **values: object,
) -> bool:
    """Plan a free-form notice to the staff chat from the text `key` (values HTML-escaped)."""
    return staff_notice(
        session,
        appointment=None,
        event="message",
        now=now,
        patient_id=patient_id,
        extra={"html": texts.html(key, **values)},
        key=dedupe_key,
    )


def telegram_lost(
    session: Session, *, patient: Patient, texts: Texts, now: datetime, reason: str
) -> ChannelSwitch | None:
    """Record that Telegram no longer reaches `patient`; SMS takes over when they agreed to it.

    Returns None when Telegram was already known to be lost (nothing changed, staff not told
    again), so a run of failed reminders raises one notice.
    """
    assert patient.id is not None
    if patient.telegram_blocked_at is not None:
        return None
    patient.telegram_blocked_at = now
    preferred: Channel | None
    if can_sms(patient):
        patient.preferred_channel = Channel.SMS
        preferred = Channel.SMS
        key = "routing_staff_telegram_blocked_sms"
    else:
        preferred = None
        key = "routing_staff_telegram_blocked_no_sms"
    audit(
        session,
        at=now,
        actor="system",
        action="patient.telegram_lost",
        subject=f"patient:{patient.id}",
        detail={"reason": reason, "preferred": preferred},
    )
    enqueue_staff_notice(
        session,
        texts=texts,
        key=key,
        dedupe_key=f"staff:telegram_lost:{patient.id}:{now.isoformat()}",
        now=now,
        patient_id=patient.id,
        patient=patient_label(patient),
        reason=reason,
    )
    log.info("patient %s: telegram lost, preferred channel now %s", patient.id, preferred)
    return ChannelSwitch(patient_id=patient.id, preferred=preferred)


def telegram_blocked(
    session: Session, *, telegram_user_id: int, texts: Texts, now: datetime
) -> ChannelSwitch | None:
    """A `my_chat_member` update said the patient blocked the bot."""
    patient = patient_by_telegram(session, telegram_user_id)
    if patient is None:
        return None
    return telegram_lost(
        session, patient=patient, texts=texts, now=now, reason="blocked the bot on Telegram"
    )


class TelegramMembership:
    """A patient blocked or restarted the bot in their private chat (`my_chat_member`): their
    messages go by SMS meanwhile, and staff are told."""

    def __init__(self, *, db: Database, texts: Texts, clock: Clock) -> None:
        self.db = db
        self.texts = texts
        self.clock = clock

    def blocked(self, telegram_user_id: int) -> ChannelSwitch | None:
        with self.db.session() as session:
            return telegram_blocked(
                session, telegram_user_id=telegram_user_id, texts=self.texts, now=self.clock.now()
            )

    def unblocked(self, telegram_user_id: int) -> bool:
        with self.db.session() as session:
            return telegram_unblocked(
                session, telegram_user_id=telegram_user_id, now=self.clock.now()
            )


def telegram_failed_permanently(
    session: Session, *, patient_id: int, texts: Texts, now: datetime
) -> ChannelSwitch | None:
    """The dispatcher's hook: a Telegram send failed for good (403 blocked, chat not found)."""
    patient = session.get(Patient, patient_id)
    if patient is None:
        return None
    return telegram_lost(
        session, patient=patient, texts=texts, now=now, reason="cannot be reached on Telegram"
    )


def telegram_unblocked(session: Session, *, telegram_user_id: int, now: datetime) -> bool:
    """The patient restarted the bot: Telegram works again and is preferred again."""
    patient = patient_by_telegram(session, telegram_user_id)
    if patient is None or patient.telegram_blocked_at is None:
        return False
    patient.telegram_blocked_at = None
    if patient.telegram_consent_at is not None:
        patient.preferred_channel = Channel.TELEGRAM
    audit(
        session,
        at=now,
        actor=f"patient:{patient.id}",
        action="patient.telegram_restored",
        subject=f"patient:{patient.id}",
    )
    return True


def sms_lost(patient: Patient) -> Channel | None:
    """After an opt-out or a dead number, fall back to Telegram when it works; return it."""
    if can_telegram(patient):
        patient.preferred_channel = Channel.TELEGRAM
        return Channel.TELEGRAM
    return None


def sms_refused(
    session: Session, *, patient: Patient, code: str, texts: Texts, now: datetime, actor: str
) -> bool:
    """Act on Twilio refusing a patient's number: 21610 opts them out, a dead number is flagged.

    Either way Telegram takes over when it works and staff are told, once: a code already
    recorded changes nothing. Returns whether anything changed.
    """
    assert patient.id is not None
    if code == UNSUBSCRIBED:
        if patient.sms_opted_out_at is not None:
            return False
        patient.sms_opted_out_at = now
        action, key = "patient.sms_opt_out", "sms_staff_unsubscribed"
    elif code in DEAD_NUMBER_CODES:
        if patient.phone_invalid_at is not None:
            return False
        patient.phone_invalid_at = now
        action, key = "patient.phone_invalid", "sms_staff_phone_invalid"
    else:
        return False
    sms_lost(patient)
    audit(
        session,
        at=now,
        actor=actor,
        action=action,
        subject=f"patient:{patient.id}",
        detail={"code": code},
    )
    enqueue_staff_notice(
        session,
        texts=texts,
        key=key,
        dedupe_key=f"staff:{key}:{patient.id}:{now.isoformat()}",
        now=now,
        patient_id=patient.id,
        patient=patient_label(patient),
        phone=mask_phone(patient.phone_e164),
        code=code,
    )
    log.info("patient %s: sms refused (%s)", patient.id, code)
    return True


PermanentFailureHook = Callable[[Session, Patient, DeliveryFailed, datetime], None]


def permanent_failure_hook(texts: Texts) -> PermanentFailureHook:
    """The dispatcher's `on_permanent_failure`: record the lost channel, switch, tell staff."""

    def on_permanent_failure(
        session: Session, patient: Patient, failure: DeliveryFailed, now: datetime
    ) -> None:
        code = failure.code or ""
        if code == "403" or (code == "400" and "chat not found" in failure.reason.lower()):
            telegram_lost(
                session,
                patient=patient,
                texts=texts,
                now=now,
                reason="cannot be reached on Telegram",
            )
        elif code == UNSUBSCRIBED or code in DEAD_NUMBER_CODES:
            sms_refused(session, patient=patient, code=code, texts=texts, now=now, actor="twilio")

    return on_permanent_failure


def create_phone_patient(
    session: Session,
    *,
    phone: str,
    name: str,
    staff_actor: str,
    now: datetime,
    region: str = "US",
    sms_consent: bool = True,
) -> Patient:
    """Create (or find) a phone-only patient for staff; SMS becomes their channel.

    `sms_consent` records that the patient told staff they agree to texts (audited with the
    staff member as witness). A number that already belongs to a patient returns that patient,
    keeping any opt-out they sent: staff see it rather than a second record.
    Raises InvalidPhone or InvalidPatientName.
    """
    e164 = normalize_phone(phone, region=region)
    clean = clean_patient_name(name)
    patient = patient_by_phone(session, e164)
    created = patient is None
    if patient is None:
        # Staff entered the number while talking to the patient: that verifies it.
        patient = Patient(
            created_at=now,
            name=clean,
            phone_e164=e164,
            phone_verified_at=now,
            phone_verified_via="staff",
            preferred_channel=Channel.SMS,
            created_by=staff_actor[:64],
        )
        session.add(patient)
    elif patient.name is None:
        patient.name = clean
    if sms_consent and patient.sms_consent_at is None:
        patient.sms_consent_at = now
    if patient.telegram_chat_id is None:
        patient.preferred_channel = Channel.SMS
    session.flush()
    audit(
        session,
        at=now,
        actor=staff_actor,
        action="patient.create_phone" if created else "patient.phone_found",
        subject=f"patient:{patient.id}",
        detail={"phone": mask_phone(e164), "sms_consent": sms_consent},
    )
    return patient
