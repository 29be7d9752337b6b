"""A treatment's preparation, computed for one appointment (CLINICAL.md section 2; issue 11).

The booking confirmation, the preparation message sent at booking when the reminders that carry
it are already past, and "My appointments" all show the same lines: the fasting cut-off with its
day in clinic time, the driver rule, the medicines line and the service's own preparation.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.db.models import Appointment
from bot.domain.enums import AppointmentStatus, Channel, OutboxKind
from bot.domain.reminders import fasting_times
from bot.domain.sms_policy import assert_sms_safe
from bot.messaging.channels import OutgoingMessage
from bot.presentation.formatting import clock_time, date_short, when_long, when_short
from bot.profile import ClinicProfile, Service
from bot.services.outbox import enqueue
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.texts import Texts
from bot.texts.profile_texts import service_label, service_preparation


def short_day(moment: datetime, tz: ZoneInfo) -> str:
    """ "Tue 15 Dec" in clinic time."""
    return date_short(moment.astimezone(tz).date())


def needs_preparation(service: Service | None) -> bool:
    return service is not None and (service.fasting or service.driver_required)


def fasting_cutoffs(texts: Texts, profile: ClinicProfile, appointment: Appointment) -> str:
    """ "Tue 15 Dec: light meal by 3:00 AM, clear liquids until 7:00 AM" (plain text)."""
    tz = profile.tz
    times = fasting_times(
        appointment.starts_at,
        light_meal_hours=profile.fasting.light_meal_until_hours,
        clear_liquids_hours=profile.fasting.clear_liquids_until_hours,
    )
    meal_day = short_day(times.light_meal_until, tz)
    liquids_day = short_day(times.clear_liquids_until, tz)
    liquids = clock_time(times.clear_liquids_until, tz)
    if liquids_day != meal_day:
        liquids = texts.plain("prep_time_on_day", time=liquids, day=liquids_day)
    meal = clock_time(times.light_meal_until, tz)
    return texts.plain("prep_cutoffs", day=meal_day, meal=meal, liquids=liquids)


def preparation_lines(
    texts: Texts, profile: ClinicProfile, appointment: Appointment, *, with_service: bool = True
) -> list[str]:
    """The preparation of this appointment as HTML bullet lines (empty for a consultation).

    `with_service=False` leaves out the service's own preparation text, for messages that
    already show it ("What to bring").
    """
    service = profile.services.get(appointment.service)
    if service is None or not needs_preparation(service):
        return []
    lines: list[str] = []
    if service.fasting:
        lines.append(
            texts.html("prep_fasting", cutoffs=fasting_cutoffs(texts, profile, appointment))
        )
    if service.driver_required:
        lines.append(texts.html("prep_driver"))
    lines.append(texts.html("prep_medicines"))
    if with_service and service.preparation:
        words = service_preparation(appointment.service, service.preparation)
        lines.append(f"• {html.escape(words, quote=False)}")
    return lines


def preparation_block(
    texts: Texts, profile: ClinicProfile, appointment: Appointment, *, with_service: bool = True
) -> str:
    """A titled block for a treatment's preparation, "" for anything else."""
    lines = preparation_lines(texts, profile, appointment, with_service=with_service)
    if not lines:
        return ""
    return "\n".join([texts.html("prep_title"), *lines])


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
    tz = ctx.profile.tz
    clinic = ctx.profile.clinic
    if ctx.is_sms:
        if not service.fasting:
            raise Skip("no fasting times to send by text")
        text = ctx.texts.plain(
            "prep_message_sms",
            clinic=clinic.name,
            when=when_short(appointment.starts_at, tz),
            cutoffs=fasting_cutoffs(ctx.texts, ctx.profile, appointment),
            phone=clinic.phone,
        )
        assert_sms_safe(text, max_segments=PREPARATION_SMS_SEGMENTS)
        return OutgoingMessage(text)
    text = ctx.texts.raw("prep_message_tg").format(
        service=html.escape(service_label(appointment.service, service.label), quote=False),
        when=html.escape(when_long(appointment.starts_at, tz), quote=False),
        address=html.escape(clinic.address, quote=False),
        block=preparation_block(ctx.texts, ctx.profile, appointment),
    )
    return OutgoingMessage(text)


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


# A preparation text has times in it: two segments, still free of clinical words.
PREPARATION_SMS_SEGMENTS = 2

RENDERERS: Renderers = {OutboxKind.PREPARATION: render_preparation}
