"""The patient's chat screens outside a booking, with the database reads they need: whether the
patient waits or still owes the health questions, the free time, and the confirmation's calendar
file. Their words and buttons are in `bot/presentation/menu_words.py` (`MenuWords`);
`BookingScreens` (bot/services/booking_screens.py) adds the booking steps."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import col, select

from bot.db.models import Appointment, Patient, ScreeningAnswer, WaitlistEntry
from bot.domain.availability import Slot
from bot.domain.enums import AppointmentStatus
from bot.domain.screening import SCREENING_CODES
from bot.messaging.channels import Attachment
from bot.presentation.chat_replies import Screen
from bot.presentation.menu_words import MenuWords
from bot.profile import ClinicProfile
from bot.services.booking import BookingService
from bot.services.calendar_files import appointment_calendar
from bot.texts import Texts


class MenuScreens(MenuWords):
    """The menu's screens (words in `MenuWords`) and the look-ups the flow shares."""

    def __init__(
        self,
        *,
        profile: ClinicProfile,
        texts: Texts,
        booking: BookingService,
        mini_app_url: str | None = None,
    ) -> None:
        super().__init__(profile=profile, texts=texts, mini_app_url=mini_app_url)
        self.booking = booking

    def confirmation(
        self, appointment: Appointment, *, moved: bool, root: int, sequence: int, now: datetime
    ) -> tuple[Screen, Screen]:
        """The confirmation with Reschedule / Cancel, and the calendar file to add it."""
        assert appointment.id is not None
        screen = self.confirmed(appointment, moved=moved)
        attachment = self.calendar_file(appointment, root=root, sequence=sequence, now=now)
        return screen, self.calendar_document(attachment)

    def calendar_file(
        self, appointment: Appointment, *, root: int, sequence: int, now: datetime
    ) -> Attachment:
        """The .ics (neutral words); `sequence` counts the moves since it was booked."""
        return appointment_calendar(
            appointment,
            profile=self.profile,
            texts=self.texts,
            root=root,
            moves=sequence,
            cancelled=False,
            now=now,
        )

    def menu(self, patient: Patient, *, lead: str = "") -> Screen:
        """The menu, with "My waitlist" and "Health questions" when they apply."""
        waiting = patient.id is not None and self._waiting(patient.id)
        screening = patient.id is not None and self.needs_screening(patient.id)
        return self.menu_screen(patient, waiting=waiting, needs_screening=screening, lead=lead)

    def needs_screening(self, patient_id: int) -> bool:
        """A patient with a visit booked or a place on the waitlist, and no health answers on
        record (a new patient answers them while booking: no button for them)."""
        with self.booking.db.session(write=False) as session:
            screened = session.exec(
                select(ScreeningAnswer.id)
                .where(col(ScreeningAnswer.patient_id) == patient_id)
                .where(col(ScreeningAnswer.code).in_(SCREENING_CODES))
                .limit(1)
            ).first()
            if screened is not None:
                return False
            booked = session.exec(
                select(Appointment.id)
                .where(col(Appointment.patient_id) == patient_id)
                .where(col(Appointment.status) == AppointmentStatus.BOOKED)
                .limit(1)
            ).first()
        return booked is not None or self._waiting(patient_id)

    def _waiting(self, patient_id: int) -> bool:
        """Whether the patient is on the waitlist (the menu then offers "My waitlist")."""
        with self.booking.db.session(write=False) as session:
            found = session.exec(
                select(WaitlistEntry.id)
                .where(col(WaitlistEntry.patient_id) == patient_id)
                .where(col(WaitlistEntry.left_at).is_(None))
                .limit(1)
            ).first()
        return found is not None

    def slots_on(
        self, service: str, day: date, *, now: datetime, patient_id: int | None = None
    ) -> list[Slot]:
        return self.booking.free_slots(
            service=service, first_day=day, last_day=day, now=now, for_patient=patient_id
        )
