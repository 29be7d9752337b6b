"""Renders STAFF_NOTICE rows: what the staff chat sees for every booking and change.

Here: what a notice reads (the screening answers, the moved-from visit), whether it still goes
out (the 24 h call list, a series' interruption) and the staff tasks it opens. The words are in
`bot/presentation/staff_notice_words.py` (`StaffNoticeWords`), from plain values.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.db.models import Appointment, Outbox, ScreeningAnswer, StaffTask
from bot.domain.enums import AppointmentStatus, OutboxKind, OutboxStatus
from bot.domain.reminders import CONFIRM_GRACE, reminder_kind
from bot.domain.screening import SCREENING_CODES as SCREENING_FLAG_CODES
from bot.messaging.channels import Button, OutgoingMessage
from bot.presentation.staff_notice_words import (
    StaffNoticeWords,
    called_row,
    screening_flags,
)
from bot.services.rendering import Postpone, RenderContext, Renderers, Skip


def _words(ctx: RenderContext) -> StaffNoticeWords:
    return StaffNoticeWords(texts=ctx.texts, profile=ctx.profile)


def latest_screening(ctx: RenderContext, appointment: Appointment) -> dict[str, str]:
    """Each flagged screening question's latest answer by the appointment's patient."""
    answers = ctx.session.exec(
        select(ScreeningAnswer)
        .where(col(ScreeningAnswer.patient_id) == appointment.patient_id)
        .where(col(ScreeningAnswer.code).in_(SCREENING_FLAG_CODES))
        .order_by(col(ScreeningAnswer.answered_at).desc())
    ).all()
    latest: dict[str, str] = {}
    for answer in answers:
        latest.setdefault(answer.code, answer.answer)
    return latest


def render_staff_notice(ctx: RenderContext) -> OutgoingMessage:
    event = str(ctx.payload.get("event", ""))
    appointment = ctx.appointment
    patient = ctx.patient
    words = _words(ctx)
    if event == "message":
        # Free-form notices from other services (already HTML-safe, built from texts).
        return words.free_form(
            str(ctx.payload.get("html", "")), ctx.payload.get("ack_escalation_id")
        )
    if appointment is None:
        raise Skip(f"staff notice {event!r} without an appointment")
    values = words.values(appointment, patient)
    if event == "booked":
        flags = screening_flags(ctx.texts, latest_screening(ctx, appointment))
        return words.booked(appointment, patient, flags)
    if event == "rescheduled":
        old = ctx.session.get(Appointment, int(str(ctx.payload.get("old_id", 0))))
        return words.rescheduled(
            appointment,
            patient,
            old_id=ctx.payload.get("old_id"),
            old_starts_at=old.starts_at if old else None,
        )
    if event == "cancelled":
        return words.cancelled(appointment, patient, late=appointment.late_cancel)
    if event == "confirmed":
        return OutgoingMessage(words.fill("notice_confirmed", values))
    if event == "unreachable":
        return OutgoingMessage(
            words.fill("notice_unreachable", values, reason=str(ctx.payload.get("reason", "")))
        )
    if event == "driver_missing":
        task_id = ctx.payload.get("task_id", 0)
        return OutgoingMessage(
            words.fill("notice_driver_missing", values),
            buttons=[called_row(ctx.texts, task_id if isinstance(task_id, int) else 0)],
        )
    if event == "check_24h":
        return _check_24h(ctx, appointment, values)
    if event == "series_check":
        return _series_check(ctx, appointment, values)
    raise Skip(f"unknown staff notice event {event!r}")


def _check_24h(
    ctx: RenderContext, appointment: Appointment, values: dict[str, str]
) -> OutgoingMessage:
    """At T-24 h: an unconfirmed patient goes on the staff call list (a task plus this notice)."""
    if appointment.status != AppointmentStatus.BOOKED or appointment.starts_at <= ctx.now:
        raise Skip("appointment no longer active")
    service = ctx.profile.services.get(appointment.service)
    # Unanswered counts like "no": every treatment needs a confirmed driver (issue 11), on
    # Telegram and by SMS alike, so the front desk calls.
    no_driver = (
        service is not None and service.driver_required and appointment.driver_confirmed_at is None
    )
    if appointment.confirmed_at is not None and not no_driver:
        raise Skip("patient confirmed")
    unconfirmed = appointment.confirmed_at is None
    if unconfirmed:
        # Nobody goes on the call list before being asked to confirm (and given time): issue 13.
        try:
            _had_a_chance_to_confirm(ctx, appointment)
        except (Postpone, Skip):
            if not no_driver:
                raise
            unconfirmed = False  # the driver call goes now; staff confirm the visit on it
    parts: list[str] = []
    buttons: list[list[Button]] = []
    if unconfirmed:
        task = ensure_task(
            ctx,
            kind="call_unconfirmed",
            appointment=appointment,
            detail="not confirmed 24 h before",
        )
        parts.append(_words(ctx).fill("notice_unconfirmed", values))
        buttons.append(called_row(ctx.texts, task.id))
    if no_driver:
        driver = ensure_task(
            ctx,
            kind="driver_missing",
            appointment=appointment,
            detail="no driver confirmed 24 h before",
        )
        parts.append(_words(ctx).fill("notice_driver_missing", values))
        if not buttons:
            buttons.append(called_row(ctx.texts, driver.id))
    return OutgoingMessage("\n\n".join(parts), buttons=buttons)


SERIES_TASK = "series_interrupted"
MISSED = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
KEPT = (AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED)


def _series_check(
    ctx: RenderContext, appointment: Appointment, values: dict[str, str]
) -> OutgoingMessage:
    """The gap after a missed or cancelled series session ran out: rebooked, or a staff task."""
    service = ctx.profile.services.get(appointment.service)
    if appointment.series_id is None or service is None or service.series_max_gap_days is None:
        raise Skip("not a series session")
    if appointment.status not in MISSED:
        raise Skip("the session took place after all")
    gap = timedelta(days=service.series_max_gap_days)
    same = (
        select(Appointment.starts_at)
        .where(col(Appointment.patient_id) == appointment.patient_id)
        .where(col(Appointment.service) == appointment.service)
        .where(col(Appointment.id) != appointment.id)
    )
    # Sessions attended before the miss do not count as a rebooking; anything kept after the
    # last of them, up to the gap after the missed one, does (a later session of the series
    # still booked, or a new one).
    last_attended = ctx.session.exec(
        same.where(col(Appointment.status) == AppointmentStatus.COMPLETED)
        .where(col(Appointment.starts_at) < appointment.starts_at)
        .order_by(col(Appointment.starts_at).desc())
        .limit(1)
    ).first()
    since = last_attended or appointment.starts_at - gap
    rebooked = ctx.session.exec(
        same.where(col(Appointment.status).in_(KEPT))
        .where(col(Appointment.starts_at) > since)
        .where(col(Appointment.starts_at) <= appointment.starts_at + gap)
        .limit(1)
    ).first()
    if rebooked is not None:
        raise Skip("rebooked within the series gap")
    prefix = f"{SERIES_TASK}:{appointment.series_id}:"
    already = ctx.session.exec(
        select(StaffTask.id)
        .where(col(StaffTask.dedupe_key).startswith(prefix))
        .where(col(StaffTask.done_at).is_(None))
        .limit(1)
    ).first()
    if already is not None:
        raise Skip("the series' interruption is already a staff task")
    missed = "no-show" if appointment.status == AppointmentStatus.NO_SHOW else "cancelled"
    task = StaffTask(
        kind=SERIES_TASK,
        patient_id=appointment.patient_id,
        appointment_id=appointment.id,
        detail=f"series session {missed}; nothing booked within {gap.days} days",
        created_at=ctx.now,
        dedupe_key=f"{prefix}{appointment.id}",
    )
    ctx.session.add(task)
    ctx.session.flush()
    return _words(ctx).series_interrupted(values, missed=missed, days=gap.days, task_id=task.id)


def _had_a_chance_to_confirm(ctx: RenderContext, appointment: Appointment) -> None:
    """Postpone (or skip) the call list until a reminder asking to confirm has had time to work.

    After downtime, or for a booking made a day ahead, the reminder asking to confirm may go out
    together with this check: calling a patient who was asked a minute ago wastes staff time.
    """
    asking = sorted(
        {reminder_kind(h).value for h in ctx.profile.reminders.confirm_at_hours}
        | {OutboxKind.CONFIRMATION.value}
    )
    reminders = ctx.session.exec(
        select(Outbox.status, Outbox.sent_at, Outbox.due_at)
        .where(col(Outbox.appointment_id) == appointment.id)
        .where(col(Outbox.kind).in_(asking))
    ).all()
    sent = [
        sent_at
        for status, sent_at, _ in reminders
        if sent_at is not None and status in (OutboxStatus.SENT, OutboxStatus.DELIVERED)
    ]
    if any(sent_at <= ctx.now - CONFIRM_GRACE for sent_at in sent):
        return
    if sent:
        raise Postpone(max(sent) + CONFIRM_GRACE, "asked to confirm moments ago")
    waiting = [
        due_at
        for status, _, due_at in reminders
        if status in (OutboxStatus.PENDING, OutboxStatus.CLAIMED)
    ]
    if waiting:
        raise Postpone(max(min(waiting), ctx.now) + CONFIRM_GRACE, "not asked to confirm yet")
    raise Skip("never asked to confirm (no reminder could be sent)")


def ensure_task(
    ctx: RenderContext, *, kind: str, appointment: Appointment, detail: str
) -> StaffTask:
    key = f"{kind}:{appointment.id}"
    task = ctx.session.exec(select(StaffTask).where(col(StaffTask.dedupe_key) == key)).one_or_none()
    if task is None:
        task = StaffTask(
            kind=kind,
            patient_id=appointment.patient_id,
            appointment_id=appointment.id,
            detail=detail,
            created_at=ctx.now,
            dedupe_key=key,
        )
        ctx.session.add(task)
        ctx.session.flush()
    return task


RENDERERS: Renderers = {OutboxKind.STAFF_NOTICE: render_staff_notice}
