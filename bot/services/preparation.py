"""A treatment's preparation message: whether it still goes out, and queueing it at booking
(CLINICAL.md section 2; issue 11). Its words, and the preparation block the confirmation and
"My appointments" show, are in `bot/presentation/preparation_words.py`.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.db.models import Appointment
from bot.domain.enums import AppointmentStatus, Channel, OutboxKind
from bot.messaging.channels import OutgoingMessage
from bot.presentation.preparation_words import (
    needs_preparation,
    preparation_sms,
    preparation_telegram,
)
from bot.services.outbox import enqueue
from bot.services.rendering import RenderContext, Renderers, Skip


def render_preparation(ctx: RenderContext) -> OutgoingMessage:
    """Sent at booking when the reminders that carry the preparation are already past."""
    appointment = ctx.appointment
    if appointment is None or appointment.status != AppointmentStatus.BOOKED:
        raise Skip("appointment no longer active")
    if appointment.starts_at <= ctx.now:
        raise Skip("appointment already started")
    service = ctx.profile.services.get(appointment.service)
    if service is None or not needs_preparation(service):
        raise Skip("nothing to prepare")
    if ctx.is_sms:
        if not service.fasting:
            raise Skip("no fasting times to send by text")
        return preparation_sms(ctx.texts, ctx.profile, appointment)
    return preparation_telegram(ctx.texts, ctx.profile, appointment, service)


def plan_preparation(
    session: Session, appointment: Appointment, *, channel: Channel, carried: bool, now: datetime
) -> bool:
    """Queue the preparation message when no planned reminder (`carried`) will bring it.

    On Telegram the booking confirmation carries the preparation itself; a text confirmation
    cannot, so SMS patients get this message instead.
    """
    if carried or channel is not Channel.SMS or appointment.id is None:
        return False
    return enqueue(
        session,
        kind=OutboxKind.PREPARATION,
        channel=channel,
        due_at=now,
        not_after=appointment.starts_at,
        dedupe_key=f"{appointment.id}:{OutboxKind.PREPARATION}:{channel}",
        patient_id=appointment.patient_id,
        appointment_id=appointment.id,
        now=now,
    )


RENDERERS: Renderers = {OutboxKind.PREPARATION: render_preparation}
