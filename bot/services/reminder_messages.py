"""Renderers for the confirmation, reminders and discharge message (CLINICAL.md section 2).

Here: whether a message still goes out (the appointment still booked, the reminder within its
window and not superseded, the series still booked), read from the database. The words are in
`bot/presentation/reminder_words.py` (`ReminderWords`), from plain values.
"""

from __future__ import annotations

from sqlmodel import col, select

from bot.db.models import Appointment, Outbox
from bot.domain.enums import AppointmentStatus, OutboxKind, OutboxStatus
from bot.domain.reminders import useful_until
from bot.messaging.channels import OutgoingMessage
from bot.presentation.preparation_words import preparation_block
from bot.presentation.reminder_words import ReminderWords
from bot.services.rendering import RenderContext, Renderers, Skip


def _words(ctx: RenderContext) -> ReminderWords:
    return ReminderWords(texts=ctx.texts, profile=ctx.profile, sms=ctx.is_sms)


def _active(ctx: RenderContext) -> Appointment:
    appointment = ctx.appointment
    if appointment is None or appointment.status != AppointmentStatus.BOOKED:
        raise Skip("appointment no longer active")
    if appointment.starts_at <= ctx.now:
        raise Skip("appointment already started")
    return appointment


def render_confirmation(ctx: RenderContext) -> OutgoingMessage:
    appointment = _active(ctx)
    preparation = (
        ""
        if ctx.is_sms
        else preparation_block(ctx.texts, ctx.profile, appointment, with_service=False)
    )
    return _words(ctx).confirmation(appointment, preparation=preparation)


REMINDERS = (OutboxKind.REMINDER_72H, OutboxKind.REMINDER_24H, OutboxKind.REMINDER_2H)
_DEFAULT_OFFSETS = {OutboxKind.REMINDER_72H: 72.0, OutboxKind.REMINDER_24H: 24.0}


def _still_useful(ctx: RenderContext, kind: OutboxKind, appointment: Appointment) -> None:
    """Skip a reminder past its window, or one a later reminder due now replaces."""
    offset = ctx.payload.get("offset_hours", _DEFAULT_OFFSETS.get(kind, 2.0))
    until = useful_until(kind, offset_hours=float(offset), starts_at=appointment.starts_at)
    if ctx.now >= until:
        raise Skip("stale: past its window")
    later = ctx.session.exec(
        select(Outbox.id)
        .where(col(Outbox.appointment_id) == appointment.id)
        .where(col(Outbox.kind).in_([k.value for k in REMINDERS]))
        .where(col(Outbox.due_at) > ctx.row.due_at)
        .where(col(Outbox.due_at) <= ctx.now)
        .where(col(Outbox.status).in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED]))
        .where(col(Outbox.not_after).is_(None) | (col(Outbox.not_after) > ctx.now))
    ).first()
    if later is not None:
        raise Skip("superseded by a later reminder")  # after downtime: only the latest one


def _reminder(ctx: RenderContext, kind: OutboxKind) -> OutgoingMessage:
    appointment = _active(ctx)
    assert appointment.id is not None
    _still_useful(ctx, kind, appointment)
    return _words(ctx).reminder(kind, appointment)


def render_discharge(ctx: RenderContext) -> OutgoingMessage:
    return _words(ctx).discharge()


def render_pickup(ctx: RenderContext) -> OutgoingMessage:
    """At Done: the patient may be picked up now (Telegram or a neutral SMS)."""
    return _words(ctx).pickup()


def render_driver_pickup(ctx: RenderContext) -> OutgoingMessage:
    """At Done: the stored driver's phone hears where and that it is time; nothing about care."""
    appointment = ctx.appointment
    if appointment is None or appointment.status != AppointmentStatus.COMPLETED:
        raise Skip("session not completed")
    return _words(ctx).driver_pickup()


def render_series_summary(ctx: RenderContext) -> OutgoingMessage:
    """Every visit of a series booked by staff, in one message (issue 11 item 6)."""
    series_id = str(ctx.payload.get("series_id", ""))
    visits = list(
        ctx.session.exec(
            select(Appointment)
            .where(col(Appointment.series_id) == series_id)
            .where(col(Appointment.status) == AppointmentStatus.BOOKED)
            .where(col(Appointment.starts_at) > ctx.now)
            .order_by(col(Appointment.starts_at))
        ).all()
    )
    if not visits:
        raise Skip("no visit of the series is still booked")
    preparation = (
        ""
        if ctx.is_sms
        else preparation_block(ctx.texts, ctx.profile, visits[0], with_service=False)
    )
    return _words(ctx).series_summary(
        visits[0].service, [v.starts_at for v in visits], preparation=preparation
    )


RENDERERS: Renderers = {
    OutboxKind.CONFIRMATION: render_confirmation,
    OutboxKind.REMINDER_72H: lambda ctx: _reminder(ctx, OutboxKind.REMINDER_72H),
    OutboxKind.REMINDER_24H: lambda ctx: _reminder(ctx, OutboxKind.REMINDER_24H),
    OutboxKind.REMINDER_2H: lambda ctx: _reminder(ctx, OutboxKind.REMINDER_2H),
    OutboxKind.DISCHARGE: render_discharge,
    OutboxKind.PICKUP: render_pickup,
    OutboxKind.SERIES_SUMMARY: render_series_summary,
    OutboxKind.DRIVER_PICKUP: render_driver_pickup,
}
