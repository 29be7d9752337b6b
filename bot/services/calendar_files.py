"""Calendar files that stay true: one event per appointment, from booking to its last move.

A move books a new appointment row linked to the old one (`rescheduled_from_id`), so the chain's
first row names the event (its UID) and the number of moves since is its SEQUENCE; a cancellation
ends the chain one higher. Both are read from the database, never stored twice.

Changes made in the patient's own chat answer with the file there (bot/services/booking_screens.py,
booking_flow.py). Everything else (staff bookings and series, moves made for the patient, every
cancellation) sends it through the outbox: the planner queues a CALENDAR row and `render_calendar`
builds the file when it is sent, from the appointment as it is then.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.db.models import Appointment
from bot.domain.enums import AppointmentStatus, OutboxKind
from bot.messaging.channels import Attachment, OutgoingMessage
from bot.messaging.ics import MIME_TYPE, CalendarEvent, calendar_file
from bot.profile import ClinicProfile
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.texts import Texts

FILENAME = "appointment.ics"
_MAX_MOVES = 50  # a guard against a (corrupt) loop in the chain, far above any real one


def event_chain(session: Session, appointment: Appointment) -> tuple[int, int]:
    """The first appointment of the chain of moves that led here, and how many moves since."""
    assert appointment.id is not None
    root, moves = appointment.id, 0
    previous = appointment.rescheduled_from_id
    while previous is not None and moves < _MAX_MOVES:
        row = session.get(Appointment, previous)
        if row is None or row.id is None:
            break
        root, moves, previous = row.id, moves + 1, row.rescheduled_from_id
    return root, moves


def appointment_calendar(
    appointment: Appointment,
    *,
    profile: ClinicProfile,
    texts: Texts,
    root: int,
    moves: int,
    cancelled: bool,
    now: datetime,
) -> Attachment:
    """The .ics for an appointment: neutral words (calendars sync to other devices and people)."""
    clinic = profile.clinic
    offsets = profile.reminders.offsets_hours
    event = CalendarEvent(
        uid=f"appointment-{root}@{_slug(clinic.name)}.clinic-bot",
        start=appointment.starts_at,
        end=appointment.ends_at,
        summary=texts.plain("ics_summary", clinic=clinic.name),
        location=clinic.address,
        description=texts.plain(
            "ics_description", clinic=clinic.name, address=clinic.address, phone=clinic.phone
        ),
        # Each move was a new revision of the event; a cancellation is one more.
        sequence=moves + 1 if cancelled else moves,
        cancelled=cancelled,
        # The calendar's own alarm rings with the bot's first (earliest) reminder.
        alarm_before=timedelta(hours=max(offsets)) if offsets else None,
    )
    content = calendar_file(event, stamp=now, product=clinic.name, tz=profile.tz)
    return Attachment(filename=FILENAME, content=content, mime_type=MIME_TYPE)


def render_calendar(ctx: RenderContext) -> OutgoingMessage:
    """The calendar file for a change made outside the patient's chat (Telegram only)."""
    appointment = ctx.appointment
    if ctx.is_sms:
        raise Skip("calendar files go by Telegram only")
    if appointment is None:
        raise Skip("appointment gone")
    if appointment.starts_at <= ctx.now:
        raise Skip("appointment already started")
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    if not cancelled and appointment.status != AppointmentStatus.BOOKED:
        raise Skip("appointment no longer active")
    root, moves = event_chain(ctx.session, appointment)
    attachment = appointment_calendar(
        appointment,
        profile=ctx.profile,
        texts=ctx.texts,
        root=root,
        moves=moves,
        cancelled=cancelled,
        now=ctx.now,
    )
    caption = "book_calendar_cancel_caption" if cancelled else "book_calendar_caption"
    return OutgoingMessage(ctx.texts.html(caption), attachment=attachment)


def _slug(name: str) -> str:
    # Unchanged since the first calendar files: a different UID would duplicate their events.
    cleaned = "".join(ch.lower() if ch.isalnum() else "-" for ch in name).strip("-")
    return cleaned or "clinic"


RENDERERS: Renderers = {OutboxKind.CALENDAR: render_calendar}
