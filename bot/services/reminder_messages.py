"""Renderers for the confirmation, reminders and discharge message (CLINICAL.md section 2)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.db.models import Appointment, Outbox
from bot.domain.callback_data import AppointmentPress, AppointmentVerb, ReminderPress, ReminderVerb
from bot.domain.enums import AppointmentStatus, OutboxKind, OutboxStatus
from bot.domain.errors import ConfigError
from bot.domain.reminders import fasting_times, useful_until
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.messaging.channels import Button, OutgoingMessage
from bot.presentation.formatting import clock_time, longest_when_short, when_long, when_short
from bot.profile import ClinicProfile
from bot.services.preparation import preparation_block
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.texts import Texts
from bot.texts.profile_texts import service_label, service_preparation


def appointment_buttons(
    ctx: RenderContext, appointment_id: int, *, confirm: bool
) -> list[list[Button]]:
    t = ctx.texts
    rows: list[list[Button]] = []
    if confirm:
        confirmed = ReminderPress(ReminderVerb.CONFIRM, appointment_id).pack()
        rows.append([Button(t.plain("btn_confirm"), data=confirmed)])
    reschedule = AppointmentPress(AppointmentVerb.RESCHEDULE, appointment_id).pack()
    cancel = AppointmentPress(AppointmentVerb.ASK_CANCEL, appointment_id).pack()
    rows.append(
        [
            Button(t.plain("btn_reschedule"), data=reschedule),
            Button(t.plain("btn_cancel"), data=cancel),
        ]
    )
    return rows


def _active(ctx: RenderContext) -> Appointment:
    appointment = ctx.appointment
    if appointment is None or appointment.status != AppointmentStatus.BOOKED:
        raise Skip("appointment no longer active")
    if appointment.starts_at <= ctx.now:
        raise Skip("appointment already started")
    return appointment


def _values(ctx: RenderContext, appointment: Appointment) -> dict[str, str]:
    tz = ctx.profile.tz
    service = ctx.profile.services.get(appointment.service)
    return {
        "service": service_label(appointment.service, service.label)
        if service
        else appointment.service,
        "when": when_short(appointment.starts_at, tz)
        if ctx.is_sms
        else when_long(appointment.starts_at, tz),
        "time": clock_time(appointment.starts_at, tz),
        "address": ctx.profile.clinic.address,
        "phone": ctx.profile.clinic.phone,
        "clinic": ctx.profile.clinic.name,
        "preparation": service_preparation(appointment.service, service.preparation)
        if service
        else "",
    }


def fasting_line(ctx: RenderContext, appointment: Appointment) -> str:
    tz = ctx.profile.tz
    fasting = ctx.profile.fasting
    times = fasting_times(
        appointment.starts_at,
        light_meal_hours=fasting.light_meal_until_hours,
        clear_liquids_hours=fasting.clear_liquids_until_hours,
    )
    return ctx.texts.plain(
        "fasting_rule",
        meal_until=clock_time(times.light_meal_until, tz),
        liquids_until=clock_time(times.clear_liquids_until, tz),
    )


def _checklist(ctx: RenderContext, appointment: Appointment, *, day_before: bool) -> str:
    service = ctx.profile.services.get(appointment.service)
    if service is None or not (service.fasting or service.driver_required):
        return ctx.texts.html(
            "checklist_consultation",
            preparation=service_preparation(appointment.service, service.preparation)
            if service
            else "",
        )
    key = "checklist_treatment_24h" if day_before else "checklist_treatment"
    return ctx.texts.html(key, fasting=fasting_line(ctx, appointment))


def render_confirmation(ctx: RenderContext) -> OutgoingMessage:
    appointment = _active(ctx)
    assert appointment.id is not None
    values = _values(ctx, appointment)
    if ctx.is_sms:
        return OutgoingMessage(ctx.texts.plain("booked_sms", **values))
    text = ctx.texts.html("booked_tg", **values)
    block = preparation_block(ctx.texts, ctx.profile, appointment, with_service=False)
    return OutgoingMessage(
        f"{text}\n\n{block}" if block else text,
        buttons=appointment_buttons(ctx, appointment.id, confirm=True),
    )


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
    values = _values(ctx, appointment)
    suffix = {
        OutboxKind.REMINDER_72H: "72h",
        OutboxKind.REMINDER_24H: "24h",
        OutboxKind.REMINDER_2H: "2h",
    }[kind]
    service = ctx.profile.services.get(appointment.service)
    ask_driver = (
        kind is OutboxKind.REMINDER_24H
        and service is not None
        and service.driver_required
        and appointment.driver_confirmed_at is None
    )
    if ctx.is_sms:
        # The day before, an SMS patient is asked about the driver too: reply D (issue 11).
        key = "reminder_24h_driver_sms" if ask_driver else f"reminder_{suffix}_sms"
        return OutgoingMessage(ctx.texts.plain(key, **values))
    if kind is OutboxKind.REMINDER_2H:
        return OutgoingMessage(ctx.texts.html("reminder_2h_tg", **values))
    checklist = _checklist(ctx, appointment, day_before=kind is OutboxKind.REMINDER_24H)
    text = ctx.texts.raw(f"reminder_{suffix}_tg").format(
        **{k: _escape(v) for k, v in values.items()}, checklist=checklist
    )
    buttons = appointment_buttons(ctx, appointment.id, confirm=appointment.confirmed_at is None)
    if ask_driver:
        buttons.insert(
            0,
            [
                Button(
                    ctx.texts.plain("btn_driver_yes"),
                    data=ReminderPress(ReminderVerb.DRIVER_YES, appointment.id).pack(),
                ),
                Button(
                    ctx.texts.plain("btn_driver_no"),
                    data=ReminderPress(ReminderVerb.DRIVER_NO, appointment.id).pack(),
                ),
            ],
        )
    return OutgoingMessage(text, buttons=buttons)


def _escape(value: str) -> str:
    import html

    return html.escape(value, quote=False)


def render_discharge(ctx: RenderContext) -> OutgoingMessage:
    values = {"clinic": ctx.profile.clinic.name}
    if ctx.is_sms:
        return OutgoingMessage(ctx.texts.plain("discharge_sms", **values))
    return OutgoingMessage(
        ctx.texts.html("discharge_tg", emergency=ctx.texts.plain("emergency_notice"))
    )


def render_pickup(ctx: RenderContext) -> OutgoingMessage:
    """At Done: the patient may be picked up now (Telegram or a neutral SMS)."""
    values = {
        "clinic": ctx.profile.clinic.name,
        "address": ctx.profile.clinic.address,
        "phone": ctx.profile.clinic.phone,
    }
    if ctx.is_sms:
        return OutgoingMessage(ctx.texts.plain("pickup_sms", **values))
    return OutgoingMessage(ctx.texts.html("pickup_tg", **values))


def render_driver_pickup(ctx: RenderContext) -> OutgoingMessage:
    """At Done: the stored driver's phone hears where and that it is time; nothing about care."""
    appointment = ctx.appointment
    if appointment is None or appointment.status != AppointmentStatus.COMPLETED:
        raise Skip("session not completed")
    values = {
        "clinic": ctx.profile.clinic.name,
        "address": ctx.profile.clinic.address,
        "phone": ctx.profile.clinic.phone,
    }
    return OutgoingMessage(ctx.texts.plain("driver_pickup_sms", **values))


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
    tz = ctx.profile.tz
    if ctx.is_sms:
        return OutgoingMessage(
            ctx.texts.plain(
                "series_summary_sms",
                clinic=ctx.profile.clinic.name,
                count=len(visits),
                dates="; ".join(when_short(v.starts_at, tz) for v in visits),
                phone=ctx.profile.clinic.phone,
            )
        )
    service = ctx.profile.services.get(visits[0].service)
    items = "\n".join(
        ctx.texts.html("series_summary_item", when=when_long(v.starts_at, tz)) for v in visits
    )
    text = ctx.texts.raw("series_summary_tg").format(
        count=len(visits),
        service=_escape(
            service_label(visits[0].service, service.label) if service else visits[0].service
        ),
        items=items,
        address=_escape(ctx.profile.clinic.address),
        preparation=preparation_block(ctx.texts, ctx.profile, visits[0], with_service=False),
    )
    return OutgoingMessage(text)


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


REMINDER_SMS_KEYS = (
    "booked_sms",
    "reminder_72h_sms",
    "reminder_24h_sms",
    "reminder_24h_driver_sms",
    "reminder_2h_sms",
    "discharge_sms",
    "pickup_sms",
    "driver_pickup_sms",
)


def check_reminder_sms_texts(texts: Texts, profile: ClinicProfile) -> None:
    """Refuse to start when a reminder SMS (e.g. a profile override) is unsafe or over 1 segment."""
    values = {
        "clinic": profile.clinic.name,
        "phone": profile.clinic.phone,
        "address": profile.clinic.address,
        # The widest date and time the SMS texts can show, so the one-segment check is honest.
        "when": longest_when_short(),
        "time": clock_time(datetime(2027, 1, 1, 12, 45, tzinfo=UTC), ZoneInfo("UTC")),
    }
    for key in REMINDER_SMS_KEYS:
        try:
            assert_sms_safe(texts.plain(key, **values), max_segments=1)
        except UnsafeSmsText as exc:
            raise ConfigError(f"clinic profile texts.{key}: {exc}") from None
