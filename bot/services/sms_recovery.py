"""Inbound texts a crash left unanswered: handled from the inbox, the reply sent by the outbox.

The webhook stores each text in the inbox before handling it and answers with TwiML. When the
process dies in between, Twilio has no answer and may never retry, so recovery handles the stored
text (once per MessageSid, as always) and queues the reply as an SMS to the sender.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import col, select

from bot.db.engine import Database
from bot.db.models import Outbox
from bot.domain.enums import Channel, OutboxKind
from bot.messaging.channels import OutgoingMessage
from bot.services import inbox
from bot.services.inbox import InboxSource
from bot.services.outbox import enqueue
from bot.services.patients import patient_by_phone
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.services.sms_inbound import MARKER_PREFIX, SmsInbound
from bot.services.sms_replies import reply_parts

log = logging.getLogger(__name__)

LATE_REPLY_PREFIX = "sms_late:"


def recover_sms(
    db: Database, inbound: SmsInbound, *, now: datetime, ignore_leases: bool = False
) -> int:
    """Handle every stored, unprocessed text whose lease ran out; returns how many."""
    items = inbox.claim_unprocessed(
        db, source=InboxSource.SMS, now=now, ignore_leases=ignore_leases
    )
    for item in items:
        sid = item.external_id
        phone = str(item.payload.get("from") or "")
        with db.session(write=False) as session:
            handled_before = (
                session.exec(
                    select(Outbox.id).where(col(Outbox.dedupe_key) == MARKER_PREFIX + sid)
                ).first()
                is not None
            )
        reply = inbound.handle(
            from_number=phone, body=str(item.payload.get("body") or ""), message_sid=sid, now=now
        )
        # Handled before the crash: its reply may have gone back as TwiML; never send it twice.
        if reply is not None and not handled_before:
            with db.session() as session:
                patient = patient_by_phone(session, phone)
                enqueue(
                    session,
                    kind=OutboxKind.SMS_REPLY,
                    channel=Channel.SMS,
                    due_at=now,
                    dedupe_key=LATE_REPLY_PREFIX + sid,
                    now=now,
                    patient_id=patient.id if patient is not None else None,
                    payload={"to": phone, "reply": reply},
                )
        inbox.mark_processed(db, source=InboxSource.SMS, external_ids=[sid], now=now)
    if items:
        log.info("recovered %d inbound text(s) stored but not handled", len(items))
    return len(items)


def render_late_reply(ctx: RenderContext) -> OutgoingMessage:
    """The reply a text would have had as TwiML, sent as a message of its own."""
    reply = ctx.payload.get("reply")
    if not isinstance(reply, str) or not reply:
        raise Skip("no reply text")
    return OutgoingMessage("\n\n".join(reply_parts(reply)))


RENDERERS: Renderers = {OutboxKind.SMS_REPLY: render_late_reply}
