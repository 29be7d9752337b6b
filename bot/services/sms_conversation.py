"""A phone's one SMS conversation: the BookingDraft row keyed ("sms", phone).

A booking or move by text, an open check-in question and the health questions by text all keep
their state in that one row (unique per channel and address); starting one replaces the other.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.db.models import BookingDraft
from bot.domain.enums import Channel


def sms_draft(session: Session, phone: str) -> BookingDraft | None:
    """The phone's conversation row, expired or not."""
    return session.exec(
        select(BookingDraft)
        .where(col(BookingDraft.channel) == Channel.SMS)
        .where(col(BookingDraft.address) == phone)
    ).one_or_none()


def start_sms_conversation(
    session: Session,
    phone: str,
    *,
    flow: str,
    step: str,
    patient_id: int | None,
    data: Mapping[str, Any],
    now: datetime,
    expires_at: datetime,
) -> BookingDraft:
    """Put the phone's conversation at `step` of `flow`, replacing whatever it held."""
    draft = sms_draft(session, phone)
    if draft is None:
        draft = BookingDraft(channel=Channel.SMS, address=phone, step=step, updated_at=now)
        session.add(draft)
    draft.flow = flow
    draft.step = step
    draft.patient_id = patient_id
    draft.data = json.dumps(dict(data))
    draft.version += 1
    draft.updated_at = now
    draft.expires_at = expires_at
    return draft
