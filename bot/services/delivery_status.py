"""Twilio status callbacks: move the outbox row forward; act on numbers that cannot be texted."""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Outbox, Patient
from bot.domain.enums import Channel, OutboxStatus
from bot.services.routing import enqueue_staff_notice, sms_refused
from bot.texts import Texts

log = logging.getLogger(__name__)

# Twilio's MessageStatus -> what the outbox records.
_TWILIO_STATUS: dict[str, OutboxStatus] = {
    "sent": OutboxStatus.SENT,
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.DELIVERED,
    "undelivered": OutboxStatus.UNDELIVERED,
    "failed": OutboxStatus.FAILED,
}
# Before "sent": a row with a SID was already recorded as sent, so these never move it.
_BEFORE_SENT = frozenset({"accepted", "scheduled", "queued", "sending"})
# queued < sent < delivered; the final states share a rank so one never replaces another when
# callbacks arrive out of order or twice.
_RANK: dict[str, int] = {
    OutboxStatus.PENDING: 0,
    OutboxStatus.CLAIMED: 0,
    OutboxStatus.SENT: 2,
    OutboxStatus.DELIVERED: 3,
    OutboxStatus.UNDELIVERED: 3,
    OutboxStatus.FAILED: 3,
    OutboxStatus.SKIPPED: 3,
    OutboxStatus.CANCELLED: 3,
}


class StatusOutcome(StrEnum):
    UPDATED = "updated"
    NOT_FORWARD = "not_forward"  # a repeat or an older state arriving late: nothing changed
    UNKNOWN_MESSAGE = "unknown_message"  # not one of ours (a TwiML reply, another app)
    UNKNOWN_STATUS = "unknown_status"  # a status we do not track (canceled, receiving...)


class DeliveryStatusService:
    """Apply one status callback; safe to call twice with the same callback."""

    def __init__(self, *, db: Database, texts: Texts) -> None:
        self.db = db
        self.texts = texts

    def record(
        self, *, message_sid: str, status: str, error_code: str | None, now: datetime
    ) -> StatusOutcome:
        """Move the row sent as `message_sid` forward to `status`; never backwards."""
        status = status.strip().lower()
        if status in _BEFORE_SENT:
            return StatusOutcome.NOT_FORWARD
        new_status = _TWILIO_STATUS.get(status)
        if new_status is None:
            return StatusOutcome.UNKNOWN_STATUS
        code = (error_code or "").strip() or None
        with self.db.session() as session:
            row = session.exec(select(Outbox).where(col(Outbox.provider_id) == message_sid)).first()
            if row is None:
                return StatusOutcome.UNKNOWN_MESSAGE
            if _RANK.get(new_status, 0) <= _RANK.get(row.status, 0):
                return StatusOutcome.NOT_FORWARD
            row.status = new_status
            if new_status in (OutboxStatus.UNDELIVERED, OutboxStatus.FAILED):
                row.last_error = f"twilio {new_status}" + (f" {code}" if code else "")
                self._after_failure(session, row, code=code, message_sid=message_sid, now=now)
            log.info("outbox %s: %s (sid %s)", row.id, new_status, message_sid)
            return StatusOutcome.UPDATED

    def _after_failure(
        self, session: Session, row: Outbox, *, code: str | None, message_sid: str, now: datetime
    ) -> None:
        if row.channel == Channel.ONCALL:
            # A page that never arrived must not pass for one that was read: staff hear of it.
            enqueue_staff_notice(
                session,
                texts=self.texts,
                key="sms_staff_oncall_failed",
                dedupe_key=f"staff:oncall_failed:{message_sid}",
                now=now,
                code=code or "unknown",
            )
            return
        if row.channel != Channel.SMS or row.patient_id is None or code is None:
            return
        patient = session.get(Patient, row.patient_id)
        if patient is not None:
            sms_refused(
                session, patient=patient, code=code, texts=self.texts, now=now, actor="twilio"
            )
