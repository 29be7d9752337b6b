"""Finding and creating patients, and the consents they give."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Patient
from bot.domain.enums import Channel
from bot.domain.language import Language, language_from_code
from bot.services.audit import audit

# Built once: a statement object keeps its cache key, so each update skips rebuilding it.
_LANGUAGE = select(Patient.language).where(col(Patient.telegram_user_id) == bindparam("user_id"))
_LANGUAGES = select(Patient.telegram_user_id, Patient.language).where(
    col(Patient.telegram_user_id).in_(bindparam("user_ids", expanding=True))
)


def patient_by_telegram(session: Session, telegram_user_id: int) -> Patient | None:
    return session.exec(
        select(Patient).where(col(Patient.telegram_user_id) == telegram_user_id)
    ).one_or_none()


def patient_by_phone(session: Session, phone_e164: str) -> Patient | None:
    return session.exec(select(Patient).where(col(Patient.phone_e164) == phone_e164)).one_or_none()


def get_or_create_telegram_patient(
    session: Session, *, telegram_user_id: int, chat_id: int, now: datetime
) -> Patient:
    patient = patient_by_telegram(session, telegram_user_id)
    if patient is None:
        patient = Patient(
            created_at=now,
            telegram_user_id=telegram_user_id,
            telegram_chat_id=chat_id,
            preferred_channel=Channel.TELEGRAM,
        )
        session.add(patient)
        session.flush()
    elif patient.telegram_chat_id != chat_id:
        patient.telegram_chat_id = chat_id
    return patient


def get_or_create_sms_patient(
    session: Session, *, phone_e164: str, now: datetime, created_by: str = "sms"
) -> Patient:
    patient = patient_by_phone(session, phone_e164)
    if patient is None:
        # The number texted us itself (Twilio-signed): that proves it.
        patient = Patient(
            created_at=now,
            phone_e164=phone_e164,
            phone_verified_at=now,
            phone_verified_via="staff" if created_by.startswith("staff:") else "sms",
            preferred_channel=Channel.SMS,
            created_by=created_by,
        )
        session.add(patient)
        session.flush()
    return patient


def language_of(patient: Patient | None, *, fallback: str | None = None) -> Language:
    """The language a patient reads: their choice, else `fallback` (Telegram's language_code),
    else English. Nobody (no patient) reads the fallback's language too."""
    chosen = patient.language if patient is not None else None
    return language_from_code(chosen or fallback)


def telegram_languages(
    db: Database, users: Sequence[tuple[int, str | None]]
) -> dict[tuple[int, str | None], Language]:
    """`telegram_language` for many users in one read: each (user id, Telegram's language code)
    with the language to answer it in (a burst of updates shares the read)."""
    ids = sorted({user_id for user_id, _code in users})
    with db.reading() as connection:
        rows = connection.execute(_LANGUAGES, {"user_ids": ids}).all()
    chosen: dict[int, str | None] = {user_id: language for user_id, language in rows}
    return {
        (user_id, code): language_from_code(chosen.get(user_id) or code) for user_id, code in users
    }


def telegram_language(db: Database, telegram_user_id: int, language_code: str | None) -> Language:
    """The language to answer a Telegram user in (one indexed read, made for every update)."""
    with db.reading() as connection:
        chosen = connection.execute(_LANGUAGE, {"user_id": telegram_user_id}).scalar_one_or_none()
    return language_from_code(chosen or language_code)


def choose_language(db: Database, patient_id: int, language: Language, *, now: datetime) -> bool:
    """Store the patient's language (audited); False when it was already theirs."""
    with db.session() as session:
        patient = session.get(Patient, patient_id)
        if patient is None or patient.language == language.value:
            return False
        patient.language = language.value
        audit(
            session,
            at=now,
            actor=f"patient:{patient_id}",
            action="patient.language",
            subject=f"patient:{patient_id}",
            detail={"language": language.value},
        )
        return True
