"""The patient's own appointments in the chat: the list, Cancel (with its late-cancel rule),
Keep, and Reschedule, which begins a booking draft for the new time."""

from __future__ import annotations

from datetime import datetime

from bot.db.models import (
    Appointment,
)
from bot.domain.callback_data import AppointmentVerb
from bot.domain.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    TooLateToCancel,
)
from bot.presentation.chat_replies import Reply, Screen, Who
from bot.services.booking_steps import BookingSteps
from bot.services.booking_turn import Turn
from bot.services.drafts import (
    RESCHEDULE,
)


class AppointmentActions(BookingSteps):
    """My appointments: list, cancel, keep, reschedule."""

    def appointments(self, who: Who) -> Reply:
        """My appointments: the upcoming ones, each with Change and Cancel."""
        with self.db.session(write=False) as session:  # one read transaction for both
            turn = self._turn(who, session=session)
            if turn is None:
                return self._consent_needed()
            return Reply((self._appointments_screen(turn, session=session),))

    def appointment_action(self, who: Who, *, verb: AppointmentVerb, appointment_id: int) -> Reply:
        """`ap:` buttons: reschedule, ask to cancel, cancel, keep, or the calendar file again."""
        turn = self._turn(who)
        if turn is None:
            return self._consent_needed()
        appointment = self._own_appointment(turn, appointment_id)
        if appointment is None:
            return self._appointments_gone(turn)
        if verb is AppointmentVerb.KEEP:
            return Reply(edit=self.screens.kept(appointment))
        if verb is AppointmentVerb.CALENDAR:
            # The calendar file again, on request (My appointments).
            root, sequence = self._reschedule_root(appointment)
            return Reply(
                (
                    Screen(
                        self.texts.html("book_calendar_caption"),
                        attachment=self.screens.calendar_file(
                            appointment, root=root, sequence=sequence, now=turn.now
                        ),
                    ),
                )
            )
        if appointment.starts_at <= turn.now:
            return Reply((self.screens.started(),))
        if self._refused_late(appointment, turn.now):
            return Reply((self.screens.too_late(),))
        if verb is AppointmentVerb.RESCHEDULE:
            return Reply((self._begin_reschedule(turn, appointment),))
        if verb is AppointmentVerb.ASK_CANCEL:
            return Reply((self.screens.cancel_question(appointment),))
        try:
            result = self.booking.cancel(
                appointment_id=appointment_id, actor=f"patient:{turn.patient_id}"
            )
        except TooLateToCancel:
            return Reply((self.screens.too_late(),))
        except (AppointmentNotActive, AppointmentNotFound):
            return self._appointments_gone(turn)
        return Reply(edit=self.screens.cancelled(appointment, late=result.late), changed=True)

    def _begin_reschedule(self, turn: Turn, appointment: Appointment) -> Screen:
        data = {
            "appointment_id": appointment.id,
            "service": appointment.service,
            "was": appointment.starts_at.isoformat(),
        }
        self._begin(turn, flow=RESCHEDULE, data=data)
        return self._current(turn)

    def _refused_late(self, appointment: Appointment, now: datetime) -> bool:
        policy = self.profile.booking.late_cancellation_policy
        return policy == "refuse" and self.booking.is_late(appointment, now=now)
