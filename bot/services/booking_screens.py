"""The screens of the patient's chat, with what they read: each step of a booking (the services
a patient may book, the days with free time, a day's free times), the menu, consent,
appointments. The words and buttons are in `bot/presentation/booking_words.py` (`BookingWords`)
and `bot/presentation/menu_words.py`; the menu's reads in `bot/services/menu_screens.py`.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from bot.db.models import Patient
from bot.domain.availability import Slot
from bot.domain.enums import DraftStep
from bot.presentation.booking_words import BookingWords
from bot.presentation.chat_replies import Screen
from bot.services.drafts import RESCHEDULE, SCREEN, Draft
from bot.services.menu_screens import MenuScreens


class BookingScreens(BookingWords, MenuScreens):
    """Builds every screen from the profile, the texts and the current free time."""

    def step(self, draft: Draft, patient: Patient, *, now: datetime) -> Screen:
        """The prompt for the step the draft is at."""
        if draft.patient_id is None and patient.id is not None:
            draft = dataclasses.replace(draft, patient_id=patient.id)
        step = draft.step
        if step is DraftStep.SERVICE:
            return self.service_choice(draft, self.booking.services_for(patient))
        if step is DraftStep.DATE:
            return self.calendar(draft, self._free_days(draft, now=now), now=now)
        if step is DraftStep.TIME:
            return self.times(draft, self._free_times(draft, now=now))
        changing = draft.flow not in (RESCHEDULE, SCREEN) and draft.data.get("changing")
        if step is DraftStep.SUMMARY and changing:
            several = len(self.booking.services_for(patient)) > 1
            return self.change_menu(draft, several_services=several)
        return self.step_screen(draft)

    def _free_days(self, draft: Draft, *, now: datetime) -> list[date]:
        """The days of the draft's week with free time for its service (none without a week)."""
        if "week" not in draft.data:
            return []
        week = date.fromisoformat(str(draft.data["week"]))
        shown_first, shown_last = self.shown_week(week, now=now)
        if shown_first > shown_last:
            return []
        return self.booking.bookable_days(
            service=str(draft.data["service"]),
            first_day=shown_first,
            last_day=shown_last,
            for_patient=draft.patient_id,
        )

    def _free_times(self, draft: Draft, *, now: datetime) -> list[Slot]:
        """The free times of the draft's day (nothing read when times were offered instead)."""
        if draft.data.get("offered"):
            return []
        service = str(draft.data["service"])
        day = date.fromisoformat(str(draft.data["day"]))
        return self.slots_on(service, day, now=now, patient_id=draft.patient_id)
