"""Renders STAFF_NOTICE rows: what the staff chat sees for every booking and change."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.db.models import Appointment, Outbox, Patient, ScreeningAnswer, StaffTask
from bot.domain.callback_data import EscalationAck, StaffAction, StaffPress
from bot.domain.enums import AppointmentStatus, OutboxKind, OutboxStatus
from bot.domain.refs import appointment_ref, patient_ref
from bot.domain.reminders import CONFIRM_GRACE, reminder_kind
from bot.messaging.channels import Button, OutgoingMessage
from bot.profile import ServiceKind
from bot.services.formatting import when_long
from bot.services.rendering import Postpone, RenderContext, Renderers, Skip
from bot.texts import Texts

FLAG_ANSWERS = {"yes", "not_sure"}
SCREENING_FLAG_CODES = tuple(f"S{n}" for n in range(1, 10))


def called_row(texts: Texts, task_id: int | None) -> list[Button]:
    """The "Called" button under a staff task (pressing it asks what was done, then closes it)."""
    if task_id is None:
        raise ValueError("a task not stored yet has no button")
    data = StaffPress(StaffAction.CLOSE_TASK, task_id).pack()
    return [Button(texts.plain("btn_called"), data=data)]


def session_row(texts: Texts, appointment: Appointment) -> list[Button]:
    """Done and No-show for one appointment; its version makes a press on an older state
    recognisable (issue 11 item 3)."""
    if appointment.id is None:
        raise ValueError("an appointment not stored yet has no buttons")
    done = StaffPress(StaffAction.DONE, appointment.id, appointment.version)
    no_show = StaffPress(StaffAction.NO_SHOW, appointment.id, appointment.version)
    return [
        Button(texts.plain("btn_done"), data=done.pack()),
        Button(texts.plain("btn_no_show"), data=no_show.pack()),
    ]


def _old_ref(old_id: object) -> str:
    """The moved-from appointment's identifier, from a notice's payload."""
    return (
        appointment_ref(int(old_id))
        if isinstance(old_id, int | str) and str(old_id).isdigit()
        else "?"
    )


def patient_line(ctx: RenderContext, patient: Patient | None) -> str:
    if patient is None:
        return "(unknown patient)"
    return ctx.texts.html(
        "notice_patient",
        name=patient.name or "(no name yet)",
        ref=patient_ref(patient.id),
        phone=patient.phone_e164 or "no phone",
        channel=patient.preferred_channel,
    )


def screening_flags(ctx: RenderContext, appointment: Appointment) -> str:
    answers = ctx.session.exec(
        select(ScreeningAnswer)
        .where(col(ScreeningAnswer.patient_id) == appointment.patient_id)
        .where(col(ScreeningAnswer.code).in_(SCREENING_FLAG_CODES))
        .order_by(col(ScreeningAnswer.answered_at).desc())
    ).all()
    latest: dict[str, str] = {}
    for answer in answers:
        latest.setdefault(answer.code, answer.answer)
    if not latest:
        return ctx.texts.html("notice_not_screened")
    flagged = [code for code in SCREENING_FLAG_CODES if latest.get(code) in FLAG_ANSWERS]
    if not flagged:
        return ctx.texts.html("notice_flags_none")
    items = "\n".join(
        f"• {ctx.texts.plain(f'screen_label_{code}')}: {latest[code].replace('_', ' ')}"
        for code in flagged
    )
    return ctx.texts.raw("notice_flags").format(items=items)


def _buttons(
    ctx: RenderContext, appointment: Appointment, patient: Patient | None
) -> list[list[Button]]:
    t = ctx.texts
    service = ctx.profile.services.get(appointment.service)
    rows: list[list[Button]] = []
    consultation = service is not None and service.kind is ServiceKind.CONSULTATION
    if consultation and patient is not None and patient.approved_at is None:
        data = StaffPress(StaffAction.APPROVE, appointment.patient_id, appointment.id).pack()
        rows.append([Button(t.plain("btn_approve"), data=data)])
    rows.append(session_row(t, appointment))
    return rows


def render_staff_notice(ctx: RenderContext) -> OutgoingMessage:
    event = str(ctx.payload.get("event", ""))
    appointment = ctx.appointment
    patient = ctx.patient
    tz = ctx.profile.tz
    if event == "message":
        # Free-form notices from other services (already HTML-safe, built from texts).
        ack = ctx.payload.get("ack_escalation_id")
        buttons = (
            [[Button(ctx.texts.plain("esc_btn_ack"), data=EscalationAck(ack).pack())]]
            if isinstance(ack, int)
            else []
        )
        return OutgoingMessage(str(ctx.payload.get("html", "")), buttons=buttons)
    if appointment is None:
        raise Skip(f"staff notice {event!r} without an appointment")
    service = ctx.profile.services.get(appointment.service)
    values = {
        "appointment_id": appointment_ref(appointment.id),
        "patient": patient_line(ctx, patient),
        "service": service.label if service else appointment.service,
        "when": when_long(appointment.starts_at, tz),
    }
    t = ctx.texts
    if event == "booked":
        text = t.raw("notice_booked").format(
            **{k: v if k == "patient" else _e(v) for k, v in values.items()},
            flags=screening_flags(ctx, appointment),
        )
        return OutgoingMessage(text, buttons=_buttons(ctx, appointment, patient))
    if event == "rescheduled":
        old = ctx.session.get(Appointment, int(str(ctx.payload.get("old_id", 0))))
        old_when = when_long(old.starts_at, tz) if old else "?"
        return OutgoingMessage(
            _fill(
                ctx,
                "notice_rescheduled",
                values,
                old_id=_old_ref(ctx.payload.get("old_id")),
                old_when=old_when,
            ),
            buttons=_buttons(ctx, appointment, patient),
        )
    if event == "cancelled":
        late = t.plain("notice_late_suffix") if appointment.late_cancel else ""
        return OutgoingMessage(_fill(ctx, "notice_cancelled", values, late=late))
    if event == "confirmed":
        return OutgoingMessage(_fill(ctx, "notice_confirmed", values))
    if event == "unreachable":
        return OutgoingMessage(
            _fill(ctx, "notice_unreachable", values, reason=str(ctx.payload.get("reason", "")))
        )
    if event == "driver_missing":
        task_id = ctx.payload.get("task_id", 0)
        return OutgoingMessage(
            _fill(ctx, "notice_driver_missing", values),
            buttons=[called_row(t, task_id if isinstance(task_id, int) else 0)],
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
        parts.append(_fill(ctx, "notice_unconfirmed", values))
        buttons.append(called_row(ctx.texts, task.id))
    if no_driver:
        driver = ensure_task(
            ctx,
            kind="driver_missing",
            appointment=appointment,
            detail="no driver confirmed 24 h before",
        )
        parts.append(_fill(ctx, "notice_driver_missing", values))
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
    return OutgoingMessage(
        _fill(
            ctx,
            "notice_series_interrupted",
            values,
            missed=ctx.texts.plain(f"notice_series_{missed.replace('-', '_')}"),
            days=str(gap.days),
        ),
        buttons=[called_row(ctx.texts, task.id)],
    )


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


def _e(value: str) -> str:
    import html

    return html.escape(value, quote=False)


def _fill(ctx: RenderContext, key: str, values: dict[str, str], **more: str) -> str:
    merged = {k: (v if k == "patient" else _e(v)) for k, v in values.items()}
    merged.update({k: _e(v) for k, v in more.items()})
    return ctx.texts.raw(key).format(**merged)


RENDERERS: Renderers = {OutboxKind.STAFF_NOTICE: render_staff_notice}
