"""The screens of the patient's chat: each step of a booking, the menu, consent, appointments.

Words come from `bot.texts` (values escaped for Telegram HTML); buttons carry compact callback
data (`bot.domain.callback_data`): `bk:` for a step of the draft, `mn:` for the menu and `ap:` for
an appointment (the same data reminders use).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any

from bot.db.models import Patient
from bot.domain.callback_data import (
    BookingStep,
    BookingVerb,
)
from bot.domain.enums import DraftStep
from bot.domain.screening import SCREENING_CODES
from bot.messaging.channels import Button
from bot.presentation.chat_replies import Rows, Screen, rows
from bot.presentation.formatting import (
    clock_time,
    date_long,
    date_short,
    day_label,
    when_long,
)
from bot.services.drafts import (
    RESCHEDULE,
    SCREEN,
    Draft,
)
from bot.services.menu_screens import MenuScreens

TIMES_PER_ROW = 4
DAYS_PER_ROW = 3


def step_data(verb: BookingVerb, version: int, arg: str = "") -> str:
    """Callback data for a button of the draft at `version`."""
    return BookingStep(verb, version, arg).pack()


def minutes_arg(moment: datetime) -> str:
    """A start time as whole minutes since the epoch (short, and exact across DST)."""
    return str(int(moment.timestamp()) // 60)


def day_arg(day: date) -> str:
    return day.strftime("%Y%m%d")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def short_day(day: date) -> str:
    return date_short(day)


class BookingScreens(MenuScreens):
    """Builds every screen from the profile, the texts and the current free time."""

    # --- the draft's steps -------------------------------------------------------------

    def step(self, draft: Draft, patient: Patient, *, now: datetime) -> Screen:
        """The prompt for the step the draft is at."""
        if draft.patient_id is None and patient.id is not None:
            draft = dataclasses.replace(draft, patient_id=patient.id)
        t = self.texts
        v = draft.version
        data = draft.data
        step = draft.step
        stop = (Button(t.plain("book_stop"), data=step_data(BookingVerb.STOP, v)),)
        if draft.flow == SCREEN:
            stop = (Button(t.plain("screen_stop"), data=step_data(BookingVerb.STOP, v)),)
        if draft.flow == RESCHEDULE:
            stop = (Button(t.plain("resched_keep"), data=step_data(BookingVerb.KEEP, v)),)
        if step is DraftStep.SERVICE:
            choices = [
                (
                    Button(
                        self.service_label(code),
                        data=step_data(BookingVerb.SERVICE, v, code),
                    ),
                )
                for code in self.booking.services_for(patient)
            ]
            return Screen(t.html("book_choose_service"), (*choices, stop))
        if step is DraftStep.DATE:
            return self._calendar(draft, stop, now=now)
        if step is DraftStep.TIME:
            return self._times(draft, stop, now=now)
        if step is DraftStep.NAME:
            return Screen(t.html("book_ask_name"), (stop,))
        if step is DraftStep.PHONE:
            label = t.plain("book_share_phone")
            return Screen(t.html("book_ask_phone", button=label), contact_button=label)
        if step is DraftStep.PHONE_CODE:
            code_rows: Rows = (
                (
                    Button(
                        t.plain("book_phone_code_resend"),
                        data=step_data(BookingVerb.PHONE_CODE, v, "r"),
                    ),
                ),
                (
                    Button(
                        t.plain("book_phone_code_other"),
                        data=step_data(BookingVerb.PHONE_CODE, v, "o"),
                    ),
                ),
                (
                    Button(
                        t.plain("book_phone_code_skip"),
                        data=step_data(BookingVerb.PHONE_CODE, v, "s"),
                    ),
                ),
            )
            text = t.html("book_ask_phone_code", phone=data.get("phone_claim", ""))
            return Screen(text, (*code_rows, stop))
        if step is DraftStep.SCREENING:
            return self._screening(draft, stop)
        if step is DraftStep.MEDICINES:
            none = (
                Button(t.plain("book_no_medicines"), data=step_data(BookingVerb.NO_MEDICINES, v)),
            )
            return Screen(t.html("book_ask_medicines"), (none, stop))
        if step in (DraftStep.PAIN_NOW, DraftStep.PAIN_AVERAGE):
            key = "book_ask_pain_now" if step is DraftStep.PAIN_NOW else "book_ask_pain_average"
            scores = [
                Button(str(n), data=step_data(BookingVerb.PAIN, v, str(n))) for n in range(11)
            ]
            return Screen(t.html(key), (tuple(scores[:6]), tuple(scores[6:]), stop))
        if step is DraftStep.DRIVER:
            return Screen(
                t.html("book_ask_driver"), (self._answers(BookingVerb.DRIVER, v)[:2], stop)
            )
        if step is DraftStep.SMS_CONSENT:
            choices_row = (
                Button(t.plain("book_sms_yes"), data=step_data(BookingVerb.SMS, v, "y")),
                Button(t.plain("book_sms_no"), data=step_data(BookingVerb.SMS, v, "n")),
            )
            text = t.html("book_ask_sms", phone=data.get("phone", ""))
            return Screen(text, (choices_row, stop))
        if step is DraftStep.SUMMARY:
            if draft.flow == RESCHEDULE:
                return self._reschedule_summary(draft)
            if draft.flow == SCREEN:
                return self._screening_summary(draft)
            if data.get("changing"):
                return self._change_menu(draft, patient)
            return self._summary(draft)
        return Screen(t.html("book_button_expired"))

    def _answers(self, verb: BookingVerb, version: int) -> tuple[Button, ...]:
        t = self.texts
        return (
            Button(t.plain("book_answer_yes"), data=step_data(verb, version, "y")),
            Button(t.plain("book_answer_no"), data=step_data(verb, version, "n")),
            Button(t.plain("book_answer_not_sure"), data=step_data(verb, version, "u")),
        )

    def _screening(self, draft: Draft, stop: tuple[Button, ...]) -> Screen:
        t = self.texts
        number = len(draft.data.get("screening") or {}) + 1
        text = t.html(
            "book_screening_question",
            number=number,
            total=len(SCREENING_CODES),
            question=t.plain(f"screening_{SCREENING_CODES[number - 1]}"),
        )
        if number == 1:
            text = t.html("book_screening_intro") + "\n\n" + text
        return Screen(text, (self._answers(BookingVerb.SCREENING, draft.version), stop))

    def _calendar(self, draft: Draft, stop: tuple[Button, ...], *, now: datetime) -> Screen:
        """A week of days that have free time, with Earlier / Later inside the horizon."""
        t = self.texts
        v = draft.version
        if "week" not in draft.data:
            text = t.html(
                "book_no_free_days", days=self.profile.booking.horizon_days, phone=self._phone()
            )
            if draft.flow != RESCHEDULE and "service" in draft.data:
                return Screen(text, ((self.waitlist_button(str(draft.data["service"])),), stop))
            return Screen(text, (stop,))
        service = str(draft.data["service"])
        first, last = self.bookable_range(now)
        week = date.fromisoformat(str(draft.data["week"]))
        shown_first, shown_last = max(week, first), min(week + timedelta(days=6), last)
        days = (
            self.booking.bookable_days(
                service=service,
                first_day=shown_first,
                last_day=shown_last,
                for_patient=draft.patient_id,
            )
            if shown_first <= shown_last
            else []
        )
        buttons = [
            Button(short_day(d), data=step_data(BookingVerb.DAY, v, day_arg(d))) for d in days
        ]
        paging: list[Button] = []
        if week > monday_of(first):
            earlier = day_arg(week - timedelta(days=7))
            paging.append(
                Button(t.plain("book_earlier"), data=step_data(BookingVerb.WEEK, v, earlier))
            )
        if week + timedelta(days=7) <= last:
            later = day_arg(week + timedelta(days=7))
            paging.append(Button(t.plain("book_later"), data=step_data(BookingVerb.WEEK, v, later)))
        values = {
            "service": self.service_label(service),
            "first": short_day(shown_first),
            "last": short_day(shown_last),
        }
        if draft.flow == RESCHEDULE:
            text = t.html("book_choose_new_day", current=self._was(draft), **values)
        else:
            text = t.html("book_choose_day", **values)
        if not days:
            text += "\n\n" + t.html("book_week_empty")
        layout = rows(buttons, DAYS_PER_ROW)
        if paging:
            layout.append(tuple(paging))
        return Screen(text, (*self._mini_app_row(), *layout, stop))

    def _times(self, draft: Draft, stop: tuple[Button, ...], *, now: datetime) -> Screen:
        """Free start times of the chosen day, or the next free times after a clash."""
        t = self.texts
        v = draft.version
        data = draft.data
        other: tuple[Button, ...] = (
            Button(t.plain("book_other_days"), data=step_data(BookingVerb.OTHER_DAYS, v)),
        )
        if draft.flow != RESCHEDULE:
            # No time suits: wait for one to free up (issue 15); choices are made on the way.
            other = (*other, self.waitlist_button(str(data["service"])))
        offered = [datetime.fromtimestamp(int(m) * 60, self.tz) for m in data.get("offered") or []]
        if offered:
            buttons = [
                Button(
                    f"{day_label(s, self.tz)}, {clock_time(s, self.tz)}",
                    data=step_data(BookingVerb.TIME, v, minutes_arg(s)),
                )
                for s in offered
            ]
            text = t.html("book_choose_offered", zone=self.zone(offered[0]))
            return Screen(text, (*rows(buttons, 2), *self._mini_app_row(), other, stop))
        service = str(data["service"])
        day = date.fromisoformat(str(data["day"]))
        slots = self.slots_on(service, day, now=now, patient_id=draft.patient_id)
        if not slots:
            text = t.html("book_day_full", day=short_day(day))
            return Screen(text, (*self._mini_app_row(), other, stop))
        buttons = [
            Button(
                clock_time(s.start, self.tz),
                data=step_data(BookingVerb.TIME, v, minutes_arg(s.start)),
            )
            for s in slots
        ]
        text = t.html(
            "book_choose_time",
            service=self.service_label(service),
            day=date_long(day),
            zone=self.zone(slots[0].start),
        )
        return Screen(text, (*rows(buttons, TIMES_PER_ROW), *self._mini_app_row(), other, stop))

    def _mini_app_row(self) -> Rows:
        """ "Choose a time on a calendar": the Mini App, where one is served (else nothing)."""
        if self.mini_app_url is None:
            return ()
        return ((Button(self.texts.plain("book_btn_mini_app"), web_app=self.mini_app_url),),)

    def _summary(self, draft: Draft) -> Screen:
        t = self.texts
        v = draft.version
        data = draft.data
        start = datetime.fromisoformat(str(data["start"]))
        text = t.html(
            "book_summary",
            service=self.service_label(str(data["service"])),
            when=when_long(start, self.tz),
            address=self.profile.clinic.address,
            name=data.get("name", ""),
            phone=self.phone_shown(data),
            sms=t.plain("book_yes" if data.get("sms") else "book_no"),
        )
        if "screening" in data:
            text += t.html("book_summary_health")
        buttons = (
            (Button(t.plain("book_confirm"), data=step_data(BookingVerb.CONFIRM, v)),),
            (Button(t.plain("book_change"), data=step_data(BookingVerb.CHANGE, v)),),
            (Button(t.plain("book_stop"), data=step_data(BookingVerb.STOP, v)),),
        )
        return Screen(text, buttons)

    def _screening_summary(self, draft: Draft) -> Screen:
        """The health questions answered: send them to the clinic, or answer them again."""
        t = self.texts
        v = draft.version
        buttons = (
            (Button(t.plain("screen_send"), data=step_data(BookingVerb.CONFIRM, v)),),
            (Button(t.plain("screen_again"), data=step_data(BookingVerb.CHANGE, v, "health")),),
            (Button(t.plain("screen_stop"), data=step_data(BookingVerb.STOP, v)),),
        )
        return Screen(t.html("screen_summary"), buttons)

    def phone_shown(self, data: dict[str, Any]) -> str:
        """The draft's number, marked when it was not confirmed with a code or a contact."""
        phone = str(data.get("phone", ""))
        if phone and data.get("phone_verified") is False:
            return self.texts.plain("book_phone_unverified_mark", phone=phone)
        return phone

    def _change_menu(self, draft: Draft, patient: Patient) -> Screen:
        t = self.texts
        v = draft.version
        options = [
            ("when", "book_change_when"),
            ("name", "book_change_name"),
            ("phone", "book_change_phone"),
        ]
        if len(self.booking.services_for(patient)) > 1:
            options.insert(0, ("svc", "book_change_service"))
        if "screening" in draft.data:
            options.append(("health", "book_change_health"))
        options.append(("sms", "book_change_sms"))
        buttons = [
            Button(t.plain(key), data=step_data(BookingVerb.CHANGE, v, target))
            for target, key in options
        ]
        back = (
            Button(t.plain("book_back_to_summary"), data=step_data(BookingVerb.CHANGE, v, "sum")),
        )
        return Screen(t.html("book_change_prompt"), (*rows(buttons, 2), back))

    def _reschedule_summary(self, draft: Draft) -> Screen:
        t = self.texts
        v = draft.version
        start = datetime.fromisoformat(str(draft.data["start"]))
        text = t.html(
            "resched_summary",
            service=self.service_label(str(draft.data["service"])),
            old=self._was(draft),
            new=when_long(start, self.tz),
        )
        buttons = (
            (Button(t.plain("resched_confirm"), data=step_data(BookingVerb.CONFIRM, v)),),
            (Button(t.plain("resched_other_time"), data=step_data(BookingVerb.OTHER_DAYS, v)),),
            (Button(t.plain("resched_keep"), data=step_data(BookingVerb.KEEP, v)),),
        )
        return Screen(text, buttons)

    def _was(self, draft: Draft) -> str:
        was = draft.data.get("was")
        return when_long(datetime.fromisoformat(str(was)), self.tz) if was else ""

    def resume_offer(self, draft: Draft) -> Screen:
        t = self.texts
        buttons = (
            (
                Button(t.plain("book_resume"), data=step_data(BookingVerb.RESUME, draft.version)),
                Button(t.plain("book_restart"), data=step_data(BookingVerb.RESTART, draft.version)),
            ),
        )
        return Screen(t.html("book_resume_offer"), buttons)

    # --- after booking -----------------------------------------------------------------

    # --- welcome, menu, information ----------------------------------------------------

    # --- look-ups shared with the flow -------------------------------------------------
