"""The health questions by text (issue 11 item 3): S1-S9 one at a time, Yes / No / Not sure.

A patient booked by text or by staff, or on the waitlist, was never asked CLINICAL.md's
screening. In Telegram a button opens the same questions the booking asks; by text, the
invitation (`/screen`, or right after a booking made by text) says nine yes/no questions will
show on the phone, and the patient asks for them with Q. Each answer is read as the Telegram
buttons are (Y, N, ? and their words in both languages); anything else repeats the question.
The answers become the patient's screening rows (no appointment) and staff get the same notice
as from Telegram, saying they came by text in short wording. The conversation is a BookingDraft
("sms", phone) of its own flow; R or BOOK start something else in its place, and Q starts again.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.db.models import BookingDraft, Patient, ScreeningAnswer
from bot.domain.availability import local_day
from bot.domain.enums import Channel, DraftStep, OutboxKind
from bot.domain.screening import SCREENING_CODES
from bot.domain.sms_keywords import screening_answer
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.drafts import (
    record_screening,
)
from bot.services.outbox import enqueue
from bot.services.screening_notice import screening_notice_html
from bot.services.sms_conversation import start_sms_conversation
from bot.texts import Texts

log = logging.getLogger(__name__)

FLOW_SCREEN = "sms_screen"
# Long enough to answer over a weekend; a later Q starts again.
SCREEN_EXPIRY = timedelta(days=3)
# The invitation after a booking by text follows its confirmation, not races it.
INVITE_DELAY = timedelta(minutes=1)


def has_screening(session: Session, patient_id: int) -> bool:
    """Whether any of S1-S9 is on the patient's record (from a booking, Telegram or text)."""
    return (
        session.exec(
            select(ScreeningAnswer.id)
            .where(col(ScreeningAnswer.patient_id) == patient_id)
            .where(col(ScreeningAnswer.code).in_(SCREENING_CODES))
            .limit(1)
        ).first()
        is not None
    )


def queue_invitation(
    session: Session,
    *,
    patient_id: int,
    channel: Channel,
    now: datetime,
    tz: ZoneInfo,
    delay: timedelta = timedelta(0),
    not_after: datetime | None = None,
) -> bool:
    """Plan the invitation to answer (a Telegram button or the Q text); once a day at most.

    `not_after`: the visit it asks "before"; held back past it (a text after a night booking
    waits for the morning), it is not sent at all."""
    day = local_day(now, tz).isoformat()
    return enqueue(
        session,
        kind=OutboxKind.PATIENT_NOTICE,
        channel=channel,
        due_at=now + delay,
        not_after=not_after,
        dedupe_key=f"patient_notice:screening_request:{patient_id}:{day}",
        now=now,
        patient_id=patient_id,
        payload={"text_key": "screening_request"},
    )


class SmsScreening:
    """Ask S1-S9 by text and record the answers; called inside the SMS service's transaction."""

    def __init__(self, *, profile: ClinicProfile, texts: Texts) -> None:
        self.profile = profile
        self.texts = texts

    def invite_after_booking(
        self, session: Session, patient_id: int, *, visit_starts_at: datetime | None, now: datetime
    ) -> None:
        """A patient who booked by text with no answers on record is invited to give them
        (before the visit: not once it has begun)."""
        if has_screening(session, patient_id):
            return
        if queue_invitation(
            session,
            patient_id=patient_id,
            channel=Channel.SMS,
            now=now,
            tz=self.profile.tz,
            delay=INVITE_DELAY,
            not_after=visit_starts_at,
        ):
            audit(
                session,
                at=now,
                actor=f"sms:{patient_id}",
                action="screening.requested",
                subject=f"patient:{patient_id}",
                detail={"route": "sms", "queued": True, "why": "booked by text"},
            )

    def start(self, session: Session, phone: str, patient: Patient | None, now: datetime) -> str:
        """Q: the first question, or why there is none."""
        if patient is None or patient.id is None or patient.erased_at is not None:
            return self._text("sms_screen_no_record")
        if has_screening(session, patient.id):
            return self._text("sms_screen_already")
        start_sms_conversation(
            session,
            phone,
            flow=FLOW_SCREEN,
            step=DraftStep.SCREENING,
            patient_id=patient.id,
            data={"screening": {}},
            now=now,
            expires_at=now + SCREEN_EXPIRY,
        )
        audit(
            session,
            at=now,
            actor=f"sms:{patient.id}",
            action="screening.started",
            subject=f"patient:{patient.id}",
            detail={"via": "sms"},
        )
        return self._question(SCREENING_CODES[0])

    def answer(
        self,
        session: Session,
        draft: BookingDraft,
        patient: Patient | None,
        body: str,
        now: datetime,
    ) -> str:
        """One texted answer: the next question, the same one again, or the thanks."""
        data = _data(draft)
        answers: dict[str, str] = dict(data.get("screening") or {})
        pending = [code for code in SCREENING_CODES if code not in answers]
        if patient is None or patient.id is None or not pending:
            session.delete(draft)
            return self._text("sms_screen_no_record")
        code = pending[0]
        value = screening_answer(body)
        if value is None:
            return self._text("sms_screen_again", question=self._question(code))
        answers[code] = value
        draft.data = json.dumps({**data, "screening": answers})
        draft.version += 1
        draft.updated_at = now
        draft.expires_at = now + SCREEN_EXPIRY
        if len(pending) > 1:
            return self._question(pending[1])
        self._finish(session, draft, patient, answers, now)
        return self._text("sms_screen_done")

    def _finish(
        self,
        session: Session,
        draft: BookingDraft,
        patient: Patient,
        answers: dict[str, str],
        now: datetime,
    ) -> None:
        assert patient.id is not None
        count = record_screening(
            session, patient.id, {"screening": answers}, appointment_id=None, now=now
        )
        audit(
            session,
            at=now,
            actor=f"sms:{patient.id}",
            action="screening.answered",
            subject=f"patient:{patient.id}",
            detail={"answers": count, "via": "sms"},
        )
        notice = screening_notice_html(
            self.texts, name=patient.name, patient_id=patient.id, answers=answers
        )
        notice += "\n" + self.texts.html("sms_staff_screening_by_text")
        enqueue(
            session,
            kind=OutboxKind.STAFF_NOTICE,
            channel=Channel.STAFF,
            due_at=now,
            dedupe_key=f"staff:screening:{patient.id}:sms:{draft.id}:{draft.version}",
            now=now,
            patient_id=patient.id,
            payload={"event": "message", "html": notice},
        )
        session.delete(draft)
        log.info("screening answers by text recorded for patient %s", patient.id)

    def _question(self, code: str) -> str:
        return self.texts.plain(f"sms_screen_q_{code}")

    def _text(self, key: str, **values: object) -> str:
        clinic = self.profile.clinic
        return self.texts.plain(key, clinic=clinic.name, phone=clinic.phone, **values)


def _data(draft: BookingDraft) -> dict[str, Any]:
    loaded = json.loads(draft.data or "{}")
    return loaded if isinstance(loaded, dict) else {}
