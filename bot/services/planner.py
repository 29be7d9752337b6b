"""Plans and cancels outbox rows in the same transaction as each appointment change."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from bot.db.models import Appointment, Patient
from bot.domain.enums import Channel, OutboxKind
from bot.domain.reminders import plan_reminders
from bot.presentation.preparation_words import needs_preparation
from bot.profile import ClinicProfile, ServiceKind
from bot.services.outbox import cancel_pending, enqueue
from bot.services.preparation import plan_preparation

# Request keys of the sessions /series books ("series:<series id>:<index>").
SERIES_KEY_PREFIX = "series:"
REMINDER_KINDS = (OutboxKind.REMINDER_72H, OutboxKind.REMINDER_24H, OutboxKind.REMINDER_2H)
# The reminders whose checklist carries a treatment's preparation (fasting, driver, medicines).
PREPARATION_REMINDERS = (OutboxKind.REMINDER_72H, OutboxKind.REMINDER_24H)
PATIENT_KINDS = (OutboxKind.CONFIRMATION, *REMINDER_KINDS)


class SessionEndStep(StrEnum):
    PROMPT = "prompt"
    REPEAT = "repeat"
    ASSUME = "assume"


def plan_session_end(
    session: Session, appointment: Appointment, *, profile: ClinicProfile, now: datetime
) -> None:
    """The staff prompts (and the assumed start) for a treatment session nobody closes."""
    service = profile.services.get(appointment.service)
    if service is None or service.kind is not ServiceKind.TREATMENT or appointment.id is None:
        return
    rules = profile.session_end
    prompt = appointment.ends_at + timedelta(minutes=rules.prompt_after_minutes)
    steps = (
        (SessionEndStep.PROMPT, prompt),
        (SessionEndStep.REPEAT, prompt + timedelta(minutes=rules.repeat_after_minutes)),
        (
            SessionEndStep.ASSUME,
            appointment.ends_at + timedelta(minutes=rules.assume_attended_after_minutes),
        ),
    )
    for step, due in steps:
        enqueue(
            session,
            kind=OutboxKind.SESSION_END,
            channel=Channel.STAFF,
            due_at=max(due, now),
            dedupe_key=f"{appointment.id}:{OutboxKind.SESSION_END}:{step}",
            now=now,
            patient_id=appointment.patient_id,
            appointment_id=appointment.id,
            payload={"step": step},
        )


def plan_series_check(
    session: Session, appointment: Appointment, *, profile: ClinicProfile, now: datetime
) -> None:
    """A missed or cancelled session of a series: look again when the service's gap runs out.

    If by then no session of the same service is booked or attended inside the gap, the staff
    chat gets a "series interrupted" task (issue 11 item 8; `staff_notices`, event series_check).
    """
    service = profile.services.get(appointment.service)
    if (
        appointment.series_id is None
        or appointment.id is None
        or service is None
        or service.kind is not ServiceKind.TREATMENT
        or service.series_max_gap_days is None
    ):
        return
    due = appointment.starts_at + timedelta(days=service.series_max_gap_days)
    enqueue(
        session,
        kind=OutboxKind.STAFF_NOTICE,
        channel=Channel.STAFF,
        due_at=max(due, now),
        dedupe_key=f"{appointment.id}:series_check:{Channel.STAFF}",
        patient_id=appointment.patient_id,
        appointment_id=appointment.id,
        now=now,
        payload={"event": "series_check"},
    )


def from_series(appointment: Appointment) -> bool:
    """Booked by /series (its request key says so): confirmed by one summary, not one each."""
    return (appointment.request_key or "").startswith(SERIES_KEY_PREFIX)


def plan_series_summary(
    session: Session, *, patient: Patient, series_id: str, first: Appointment, now: datetime
) -> None:
    """One message to the patient listing every visit of a series booked by staff."""
    channel = patient_channel(patient)
    enqueue(
        session,
        kind=OutboxKind.SERIES_SUMMARY,
        channel=channel,
        due_at=now,
        not_after=first.starts_at,
        dedupe_key=f"series:{series_id}:{OutboxKind.SERIES_SUMMARY}:{channel}",
        patient_id=patient.id,
        appointment_id=first.id,
        now=now,
        payload={"series_id": series_id},
    )


def patient_channel(patient: Patient) -> Channel:
    return Channel.SMS if patient.preferred_channel == Channel.SMS else Channel.TELEGRAM


class OutboxPlanner:
    """An AppointmentObserver: reminders for the patient, a notice for staff, on every change."""

    def __init__(self, *, profile: ClinicProfile) -> None:
        self.profile = profile

    def booked(self, session: Session, appointment: Appointment, *, now: datetime) -> None:
        self._plan_patient_messages(session, appointment, now=now)
        if not from_series(appointment):
            # A /series booking is one summary in the staff chat (the confirmed plan).
            self._staff_notice(session, appointment, event="booked", now=now)

    def cancelled(self, session: Session, appointment: Appointment, *, now: datetime) -> None:
        assert appointment.id is not None
        cancel_pending(session, appointment_id=appointment.id, reason="appointment cancelled")
        self._calendar_file(session, appointment, cancelled=True, now=now)
        self._staff_notice(session, appointment, event="cancelled", now=now)
        plan_series_check(session, appointment, profile=self.profile, now=now)

    def rescheduled(
        self, session: Session, old: Appointment, new: Appointment, *, now: datetime
    ) -> None:
        assert old.id is not None
        cancel_pending(session, appointment_id=old.id, reason="appointment rescheduled")
        self._plan_patient_messages(session, new, now=now)
        self._staff_notice(session, new, event="rescheduled", now=now, extra={"old_id": old.id})

    def _plan_patient_messages(
        self, session: Session, appointment: Appointment, *, now: datetime
    ) -> None:
        assert appointment.id is not None
        patient = session.get(Patient, appointment.patient_id)
        if patient is None:
            return
        channel = patient_channel(patient)
        # A patient booking in their own chat (Telegram, or by text) gets the confirmation as the
        # reply there; bookings made for them (staff, phone-only) are confirmed through the outbox.
        series = from_series(appointment)
        if not appointment.created_by.startswith(("patient", "sms")) and not series:
            # A /series booking is confirmed once for all its visits (SERIES_SUMMARY).
            enqueue(
                session,
                kind=OutboxKind.CONFIRMATION,
                channel=channel,
                due_at=now,
                not_after=appointment.starts_at,
                dedupe_key=f"{appointment.id}:{OutboxKind.CONFIRMATION}:{channel}",
                patient_id=patient.id,
                appointment_id=appointment.id,
                now=now,
            )
        if not appointment.created_by.startswith("patient"):
            # Not from the patient's Telegram chat (whose reply carries the file): staff, or a
            # text from a patient who also reads Telegram.
            self._calendar_file(session, appointment, cancelled=False, now=now)
        reminders = plan_reminders(
            starts_at=appointment.starts_at,
            booked_at=now,
            offsets_hours=list(self.profile.reminders.offsets_hours),
        )
        service = self.profile.services.get(appointment.service)
        if needs_preparation(service) and not series:  # the series summary carries it
            carried = any(r.kind in PREPARATION_REMINDERS for r in reminders)
            plan_preparation(session, appointment, channel=channel, carried=carried, now=now)
        for reminder in reminders:
            enqueue(
                session,
                kind=reminder.kind,
                channel=channel,
                due_at=reminder.due_at,
                # After downtime a reminder past its window is skipped, never sent late.
                not_after=reminder.useful_until,
                dedupe_key=f"{appointment.id}:{reminder.kind}:{channel}",
                patient_id=patient.id,
                appointment_id=appointment.id,
                now=now,
                payload={"offset_hours": reminder.offset_hours},
            )
        self._plan_call_list_check(session, appointment, now=now)
        plan_session_end(session, appointment, profile=self.profile, now=now)

    def _calendar_file(
        self, session: Session, appointment: Appointment, *, cancelled: bool, now: datetime
    ) -> None:
        """Queue the .ics for a Telegram patient (built when sent: bot/services/calendar_files.py).

        Bookings and moves made in the patient's own Telegram chat carry it in the reply instead;
        every cancellation comes here, whoever made it.
        """
        assert appointment.id is not None
        patient = session.get(Patient, appointment.patient_id)
        if patient is None or patient_channel(patient) is not Channel.TELEGRAM:
            return
        if appointment.starts_at <= now:
            return
        event = "cancel" if cancelled else "add"
        enqueue(
            session,
            kind=OutboxKind.CALENDAR,
            channel=Channel.TELEGRAM,
            due_at=now,
            not_after=appointment.starts_at,
            dedupe_key=f"{appointment.id}:{OutboxKind.CALENDAR}:{event}:{Channel.TELEGRAM}",
            patient_id=patient.id,
            appointment_id=appointment.id,
            now=now,
            payload={"event": event},
        )

    def _plan_call_list_check(
        self, session: Session, appointment: Appointment, *, now: datetime
    ) -> None:
        due = appointment.starts_at - timedelta(
            hours=self.profile.reminders.unconfirmed_call_list_hours
        )
        if due <= now:
            return
        enqueue(
            session,
            kind=OutboxKind.STAFF_NOTICE,
            channel=Channel.STAFF,
            due_at=due,
            not_after=appointment.starts_at,
            dedupe_key=f"{appointment.id}:check_24h:{Channel.STAFF}",
            patient_id=appointment.patient_id,
            appointment_id=appointment.id,
            now=now,
            payload={"event": "check_24h"},
        )

    def _staff_notice(
        self,
        session: Session,
        appointment: Appointment,
        *,
        event: str,
        now: datetime,
        extra: dict[str, object] | None = None,
    ) -> None:
        staff_notice(session, appointment=appointment, event=event, now=now, extra=extra)


def staff_notice(
    session: Session,
    *,
    appointment: Appointment | None,
    event: str,
    now: datetime,
    patient_id: int | None = None,
    extra: dict[str, object] | None = None,
    key: str | None = None,
) -> bool:
    """Queue a message for the staff chat (due now; the dispatcher is kicked by the caller)."""
    appointment_id = appointment.id if appointment is not None else None
    return enqueue(
        session,
        kind=OutboxKind.STAFF_NOTICE,
        channel=Channel.STAFF,
        due_at=now,
        dedupe_key=key or f"staff:{event}:{appointment_id}:{now.timestamp():.6f}",
        patient_id=patient_id
        if patient_id is not None
        else (appointment.patient_id if appointment is not None else None),
        appointment_id=appointment_id,
        now=now,
        payload={"event": event, **(extra or {})},
    )
