"""Finding and creating patients, and the consents they give."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.db.models import Patient
from bot.domain.enums import Channel


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
