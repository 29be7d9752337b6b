"""A typed phone number is a claim: it becomes the patient's SMS identity only once proved.

Proof is a one-time code sent to the number by SMS and typed back in the same Telegram account,
a contact Telegram says is the sender's own, staff entering it while talking to the patient, or
the number texting us itself. Until then the number gets nothing but the code: no consent, no
linking to another record, no reminders. Nothing here ever says whether another record holds
the number.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.db.models import Outbox, Patient, PhoneClaim
from bot.domain.enums import Channel, OutboxKind, OutboxStatus
from bot.domain.errors import ConfigError
from bot.domain.phone_codes import (
    CODE_VALID_FOR,
    LOCKED_FOR,
    MAX_SENDS,
    MAX_TRIES,
    RESEND_AFTER,
    SEND_WINDOW,
    code_matches,
    hash_code,
    new_code,
)
from bot.domain.privacy import mask_phone
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.messaging.channels import OutgoingMessage
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.outbox import enqueue
from bot.services.patients import patient_by_phone
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.texts import Texts

log = logging.getLogger(__name__)


class Verified(StrEnum):
    """How a number was proved to be the patient's (stored in Patient.phone_verified_via)."""

    CODE = "code"
    CONTACT = "contact"
    STAFF = "staff"
    SMS = "sms"


class CodeOutcome(StrEnum):
    SENT = "sent"
    TOO_SOON = "too_soon"  # a code went less than a minute ago
    TOO_MANY = "too_many"  # the hour's codes are used up
    LOCKED = "locked"  # too many wrong tries
    VERIFIED = "verified"
    WRONG = "wrong"
    EXPIRED = "expired"
    NO_CODE = "no_code"  # nothing was sent for this number (or it was replaced)
    OTHER_NUMBER = "other_number"  # the code of this patient's earlier, different number
    OTHER_ACCOUNT = "other_account"  # a code asked for from another Telegram account


@dataclass(frozen=True)
class CodeResult:
    outcome: CodeOutcome
    tries_left: int = 0
    until: datetime | None = None


def request_code(
    session: Session, *, patient_id: int, telegram_user_id: int, phone: str, now: datetime
) -> CodeResult:
    """Send a new code to `phone` (within the limits), replacing any earlier one."""
    claims = _recent(session, patient_id=patient_id, now=now)
    locked = [c.locked_until for c in claims if c.locked_until is not None and c.locked_until > now]
    if locked:
        return CodeResult(CodeOutcome.LOCKED, until=max(locked))
    sent = sorted(c.created_at for c in claims if c.code_hash is not None)
    if len(sent) >= MAX_SENDS:
        return CodeResult(CodeOutcome.TOO_MANY, until=sent[-MAX_SENDS] + SEND_WINDOW)
    if sent and now - sent[-1] < RESEND_AFTER:
        return CodeResult(CodeOutcome.TOO_SOON, until=sent[-1] + RESEND_AFTER)
    _supersede(session, patient_id=patient_id, now=now)
    code = new_code()
    hashed = hash_code(phone, code)
    claim = PhoneClaim(
        patient_id=patient_id,
        telegram_user_id=telegram_user_id,
        phone_e164=phone,
        code_hash=hashed.digest,
        code_salt=hashed.salt,
        created_at=now,
        expires_at=now + CODE_VALID_FOR,
    )
    session.add(claim)
    session.flush()
    # The code travels in the outbox row only until it is sent (then the payload is cleared).
    enqueue(
        session,
        kind=OutboxKind.PHONE_CODE,
        channel=Channel.SMS,
        due_at=now,
        not_after=claim.expires_at,
        dedupe_key=f"phone_code:{claim.id}",
        now=now,
        patient_id=patient_id,
        payload={"to": phone, "code": code},
    )
    audit(
        session,
        at=now,
        actor=f"patient:{patient_id}",
        action="phone.code_sent",
        subject=f"patient:{patient_id}",
        detail={"phone": mask_phone(phone), "claim": claim.id},
    )
    return CodeResult(CodeOutcome.SENT, until=claim.expires_at)


def check_code(
    session: Session,
    *,
    patient_id: int,
    telegram_user_id: int,
    phone: str,
    code: str,
    now: datetime,
) -> CodeResult:
    """Compare a typed code with the one sent to `phone` for this patient; count wrong tries."""
    claims = _recent(session, patient_id=patient_id, now=now)
    locked = [c.locked_until for c in claims if c.locked_until is not None and c.locked_until > now]
    if locked:
        return CodeResult(CodeOutcome.LOCKED, until=max(locked))
    current = next(
        (
            c
            for c in sorted(claims, key=lambda c: c.created_at, reverse=True)
            if c.phone_e164 == phone
            and c.code_hash is not None
            and c.superseded_at is None
            and c.verified_at is None
        ),
        None,
    )
    if current is None:
        return CodeResult(CodeOutcome.NO_CODE)
    if current.telegram_user_id != telegram_user_id:
        _refused(session, patient_id=patient_id, why="other_account", now=now)
        return CodeResult(CodeOutcome.OTHER_ACCOUNT)
    if now >= current.expires_at:
        return CodeResult(CodeOutcome.EXPIRED)
    assert current.code_salt is not None
    assert current.code_hash is not None
    if code_matches(phone, code, salt=current.code_salt, digest=current.code_hash):
        current.verified_at = now
        return CodeResult(CodeOutcome.VERIFIED)
    outcome = CodeOutcome.WRONG
    if _matches_any(code, (c for c in claims if c is not current and c.phone_e164 != phone)):
        outcome = CodeOutcome.OTHER_NUMBER
    elif _matches_any(code, _others_open(session, telegram_user_id=telegram_user_id, now=now)):
        outcome = CodeOutcome.OTHER_ACCOUNT
    if outcome is not CodeOutcome.WRONG:
        _refused(session, patient_id=patient_id, why=outcome.value, now=now)
    current.attempts += 1
    if current.attempts >= MAX_TRIES:
        current.locked_until = now + LOCKED_FOR
        audit(
            session,
            at=now,
            actor=f"patient:{patient_id}",
            action="phone.code_locked",
            subject=f"patient:{patient_id}",
            detail={"claim": current.id},
        )
        return CodeResult(CodeOutcome.LOCKED, until=current.locked_until)
    return CodeResult(outcome, tries_left=MAX_TRIES - current.attempts)


def apply_verified(
    session: Session, *, patient: Patient, phone: str, via: Verified, actor: str, now: datetime
) -> bool:
    """Make a proved number the patient's SMS identity, unless another record holds it.

    Returns whether it is now this patient's number. When another record holds it, nothing is
    said to the patient; the booking raises a possible-duplicate task for staff instead.
    """
    if patient.phone_e164 == phone:
        if patient.phone_verified_at is None:
            patient.phone_verified_at, patient.phone_verified_via = now, via.value
        return True
    holder = patient_by_phone(session, phone)
    if holder is not None and holder.id != patient.id:
        return False
    try:
        with session.begin_nested():
            patient.phone_e164 = phone
            patient.phone_verified_at, patient.phone_verified_via = now, via.value
            session.flush()
    except IntegrityError:
        return False  # claimed by another record a moment ago
    audit(
        session,
        at=now,
        actor=actor,
        action="phone.verified",
        subject=f"patient:{patient.id}",
        detail={"phone": mask_phone(phone), "via": via.value},
    )
    return True


def _recent(session: Session, *, patient_id: int, now: datetime) -> list[PhoneClaim]:
    since = now - max(SEND_WINDOW, LOCKED_FOR, CODE_VALID_FOR)
    return list(
        session.exec(
            select(PhoneClaim)
            .where(col(PhoneClaim.patient_id) == patient_id)
            .where(col(PhoneClaim.created_at) >= since)
        ).all()
    )


def _others_open(session: Session, *, telegram_user_id: int, now: datetime) -> list[PhoneClaim]:
    """Live codes asked for from other Telegram accounts (a code typed in the wrong chat)."""
    return list(
        session.exec(
            select(PhoneClaim)
            .where(col(PhoneClaim.telegram_user_id) != telegram_user_id)
            .where(col(PhoneClaim.expires_at) > now)
            .where(col(PhoneClaim.created_at) >= now - CODE_VALID_FOR)
            .where(col(PhoneClaim.verified_at).is_(None))
            .where(col(PhoneClaim.code_hash).is_not(None))
            .limit(200)
        ).all()
    )


def _matches_any(code: str, claims: Iterable[PhoneClaim]) -> bool:
    found = False
    for claim in claims:
        if claim.code_hash is None or claim.code_salt is None or claim.phone_e164 is None:
            continue
        # Every candidate is compared (no early exit), so timing says nothing about which.
        found |= code_matches(claim.phone_e164, code, salt=claim.code_salt, digest=claim.code_hash)
    return found


def _supersede(session: Session, *, patient_id: int, now: datetime) -> None:
    """Earlier codes of this patient stop counting, and any not yet sent is not sent."""
    session.exec(
        update(PhoneClaim)
        .where(col(PhoneClaim.patient_id) == patient_id)
        .where(col(PhoneClaim.superseded_at).is_(None))
        .where(col(PhoneClaim.verified_at).is_(None))
        .values(superseded_at=now)
    )
    session.exec(
        update(Outbox)
        .where(col(Outbox.patient_id) == patient_id)
        .where(col(Outbox.kind) == OutboxKind.PHONE_CODE)
        .where(col(Outbox.status) == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, last_error="replaced", payload="{}")
    )


def _refused(session: Session, *, patient_id: int, why: str, now: datetime) -> None:
    audit(
        session,
        at=now,
        actor=f"patient:{patient_id}",
        action="phone.code_refused",
        subject=f"patient:{patient_id}",
        detail={"why": why},
    )


# --- the code by SMS -------------------------------------------------------------------------

SAMPLE_CODE = "000000"


def render_phone_code(ctx: RenderContext) -> OutgoingMessage:
    """The code SMS: plain and neutral, nothing but the clinic's name and the code."""
    code = ctx.payload.get("code")
    if not isinstance(code, str):
        raise Skip("code already cleared")
    return OutgoingMessage(
        ctx.texts.plain("phone_code_sms", clinic=ctx.profile.clinic.name, code=code)
    )


RENDERERS: Renderers = {OutboxKind.PHONE_CODE: render_phone_code}


def check_code_sms_text(texts: Texts, profile: ClinicProfile) -> None:
    """Refuse to start when the code SMS (e.g. a profile override) breaks the SMS policy."""
    body = texts.plain("phone_code_sms", clinic=profile.clinic.name, code=SAMPLE_CODE)
    try:
        assert_sms_safe(body, max_segments=1)
    except UnsafeSmsText as exc:
        raise ConfigError(f"clinic profile texts.phone_code_sms: {exc}") from None
