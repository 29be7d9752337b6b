"""The screens of the patient's chat: each step of a booking, the menu, consent, appointments.

Words come from `bot.texts` (values escaped for Telegram HTML); buttons carry compact callback
data (`bot.domain.callback_data`): `bk:` for a step of the draft, `mn:` for the menu and `ap:` for
an appointment (the same data reminders use).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import col, select

from bot.db.models import Appointment, Patient, ScreeningAnswer, WaitlistEntry
from bot.domain.availability import Slot, local_day
from bot.domain.callback_data import (
    AppointmentPress,
    AppointmentVerb,
    BookingStep,
    BookingVerb,
    MenuPress,
    MenuVerb,
    WaitlistChoices,
    WaitlistPress,
    WaitlistVerb,
)
from bot.domain.enums import AppointmentStatus, DraftStep
from bot.domain.language import Language
from bot.messaging.channels import Attachment, Button
from bot.presentation.chat_replies import Rows, Screen, rows
from bot.presentation.formatting import (
    clock_time,
    date_long,
    date_short,
    day_label,
    wall_time,
    weekday_name,
    when_long,
)
from bot.profile import WEEKDAYS, ClinicProfile
from bot.services.booking import BookingService
from bot.services.calendar_files import appointment_calendar
from bot.services.drafts import RESCHEDULE, SCREEN, SCREENING_CODES, Draft
from bot.services.preparation import preparation_block, preparation_lines
from bot.texts import Texts
from bot.texts.i18n import current_language
from bot.texts.profile_texts import service_label, service_preparation

TIMES_PER_ROW = 4
DAYS_PER_ROW = 3


def step_data(verb: BookingVerb, version: int, arg: str = "") -> str:
    """Callback data for a button of the draft at `version`."""
    return BookingStep(verb, version, arg).pack()


def appointment_data(verb: AppointmentVerb, appointment: Appointment) -> str:
    """Callback data for a button about one appointment (reminders carry the same)."""
    if appointment.id is None:
        raise ValueError("an appointment not stored yet has no buttons")
    return AppointmentPress(verb, appointment.id).pack()


def minutes_arg(moment: datetime) -> str:
    """A start time as whole minutes since the epoch (short, and exact across DST)."""
    return str(int(moment.timestamp()) // 60)


def day_arg(day: date) -> str:
    return day.strftime("%Y%m%d")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def short_day(day: date) -> str:
    return date_short(day)


class BookingScreens:
    """Builds every screen from the profile, the texts and the current free time."""

    def __init__(
        self,
        *,
        profile: ClinicProfile,
        texts: Texts,
        booking: BookingService,
        mini_app_url: str | None = None,
    ) -> None:
        self.profile = profile
        self.texts = texts
        self.booking = booking
        self.tz = profile.tz
        # The calendar page Telegram opens inside the chat; None: the chat's buttons only.
        self.mini_app_url = mini_app_url

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

    def confirmation(
        self, appointment: Appointment, *, moved: bool, root: int, sequence: int, now: datetime
    ) -> tuple[Screen, Screen]:
        """The confirmation with Reschedule / Cancel, and the calendar file to add it."""
        assert appointment.id is not None
        t = self.texts
        clinic = self.profile.clinic
        definition = self.profile.services.get(appointment.service)
        values = {
            "service": self.service_label(appointment.service),
            "when": when_long(appointment.starts_at, self.tz),
            "address": clinic.address,
            "phone": clinic.phone,
        }
        if moved:
            text = t.html("resched_done", **values)
        else:
            preparation = (
                service_preparation(appointment.service, definition.preparation)
                if definition
                else ""
            )
            text = t.html("book_confirmed", preparation=preparation, **values)
            block = preparation_block(t, self.profile, appointment, with_service=False)
            if block:
                text = f"{text}\n\n{block}"
        buttons = (
            (
                Button(
                    t.plain("btn_reschedule"),
                    data=appointment_data(AppointmentVerb.RESCHEDULE, appointment),
                ),
                Button(
                    t.plain("btn_cancel"),
                    data=appointment_data(AppointmentVerb.ASK_CANCEL, appointment),
                ),
            ),
        )
        document = Screen(
            t.html("book_calendar_caption"),
            attachment=self.calendar_file(appointment, root=root, sequence=sequence, now=now),
        )
        return Screen(text, buttons), document

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

    def appointments(self, upcoming: list[Appointment], patient: Patient) -> Screen:
        t = self.texts
        if not upcoming:
            return Screen(
                t.html("appts_none"),
                ((Button(self.book_label(patient), data=MenuPress(MenuVerb.BOOK).pack()),),),
            )
        lines = [t.html("appts_header")]
        buttons: list[tuple[Button, ...]] = []
        for number, appointment in enumerate(upcoming, start=1):
            lines.append(
                t.html(
                    "appts_item",
                    number=number,
                    service=self.service_label(appointment.service),
                    when=when_long(appointment.starts_at, self.tz),
                )
            )
            status = "appts_confirmed" if appointment.confirmed_at else "appts_not_confirmed"
            lines.append(
                t.html(
                    "appts_item_detail", address=self.profile.clinic.address, status=t.html(status)
                )
            )
            lines.extend(f"    {line}" for line in preparation_lines(t, self.profile, appointment))
            change = t.plain("appts_btn_reschedule", number=number)
            cancel = t.plain("appts_btn_cancel", number=number)
            calendar = t.plain("appts_btn_calendar", number=number)
            buttons.append(
                (
                    Button(change, data=appointment_data(AppointmentVerb.RESCHEDULE, appointment)),
                    Button(cancel, data=appointment_data(AppointmentVerb.ASK_CANCEL, appointment)),
                    Button(calendar, data=appointment_data(AppointmentVerb.CALENDAR, appointment)),
                )
            )
        return Screen("\n".join(lines), tuple(buttons))

    def cancel_question(self, appointment: Appointment) -> Screen:
        t = self.texts
        buttons = (
            (
                Button(
                    t.plain("appts_cancel_yes"),
                    data=appointment_data(AppointmentVerb.CANCEL, appointment),
                ),
                Button(
                    t.plain("appts_cancel_keep"),
                    data=appointment_data(AppointmentVerb.KEEP, appointment),
                ),
            ),
        )
        text = t.html(
            "appts_cancel_ask",
            service=self.service_label(appointment.service),
            when=when_long(appointment.starts_at, self.tz),
        )
        return Screen(text, buttons)

    def cancelled(self, appointment: Appointment, *, late: bool) -> Screen:
        t = self.texts
        text = t.html(
            "appts_cancelled",
            service=self.service_label(appointment.service),
            when=when_long(appointment.starts_at, self.tz),
        )
        if late:
            text += t.html("appts_cancelled_late", hours=self._cutoff_hours())
        return Screen(
            text, ((Button(t.plain("appts_book_again"), data=MenuPress(MenuVerb.BOOK).pack()),),)
        )

    def kept(self, appointment: Appointment) -> Screen:
        return Screen(self.texts.html("appts_kept", when=when_long(appointment.starts_at, self.tz)))

    def too_late(self) -> Screen:
        text = self.texts.html("appts_too_late", hours=self._cutoff_hours(), phone=self._phone())
        return Screen(text)

    def started(self) -> Screen:
        return Screen(self.texts.html("appts_started", phone=self._phone()))

    # --- welcome, menu, information ----------------------------------------------------

    def menu(self, patient: Patient, *, lead: str = "") -> Screen:
        t = self.texts
        buttons: Rows = (
            (Button(self.book_label(patient), data=MenuPress(MenuVerb.BOOK).pack()),),
            (Button(t.plain("menu_appointments"), data=MenuPress(MenuVerb.APPOINTMENTS).pack()),),
            (
                Button(t.plain("menu_contact"), data=MenuPress(MenuVerb.CONTACT).pack()),
                Button(t.plain("menu_privacy"), data=MenuPress(MenuVerb.PRIVACY).pack()),
            ),
        )
        if patient.id is not None and self._waiting(patient.id):
            buttons = (
                *buttons[:2],
                (Button(t.plain("wl_btn_mine"), data=WaitlistPress(WaitlistVerb.MINE).pack()),),
                *buttons[2:],
            )
        if patient.id is not None and self.needs_screening(patient.id):
            # Booked by staff or by text, or on the waitlist, without health answers on record.
            screening = Button(t.plain("menu_screening"), data=MenuPress(MenuVerb.SCREENING).pack())
            buttons = (*buttons[:-1], (screening,), buttons[-1])
        buttons = (*buttons, (self.language_button(),))
        return Screen(t.html("menu_prompt"), buttons).under(lead)

    def language_button(self) -> Button:
        """ "🌐 Español" to an English reader, "🌐 English" to a Spanish one."""
        other = Language.EN if current_language() is Language.ES else Language.ES
        return Button(
            self.texts.plain("menu_language"),
            data=MenuPress(MenuVerb.LANGUAGE, other.value).pack(),
        )

    def waitlist_button(self, service: str) -> Button:
        """ "None of these times suit me": the waitlist's choices for this service."""
        return Button(
            self.texts.plain("wl_btn_none_suit"),
            data=WaitlistChoices(WaitlistVerb.CHOICES, service).pack(),
        )

    def consent(self, *, lead: str = "") -> Screen:
        t = self.texts
        buttons = (
            (
                Button(t.plain("start_consent_yes"), data=MenuPress(MenuVerb.CONSENT_YES).pack()),
                Button(t.plain("start_consent_no"), data=MenuPress(MenuVerb.CONSENT_NO).pack()),
            ),
            (self.language_button(),),
        )
        text = t.html("start_consent") + "\n\n" + t.html("start_emergency")
        return Screen(text, buttons).under(lead)

    def contact_details(self) -> Screen:
        clinic = self.profile.clinic
        text = self.texts.html(
            "contact_details",
            clinic=clinic.name,
            address=clinic.address,
            phone=clinic.phone,
            hours=self._opening_hours(),
            emergency=self.texts.plain("start_emergency"),
        )
        return Screen(text)

    def privacy(self) -> Screen:
        buttons: Rows = ()
        url = self.profile.clinic.privacy_url
        if url.startswith(("https://", "http://")):
            buttons = ((Button(self.texts.plain("menu_privacy_policy"), url=url),),)
        return Screen(self.texts.html("privacy_details", phone=self._phone()), buttons)

    def help(self) -> Screen:
        return Screen(
            self.texts.html("help_details", emergency=self.texts.plain("start_emergency"))
        )

    # --- look-ups shared with the flow -------------------------------------------------

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

    def bookable_range(self, now: datetime) -> tuple[date, date]:
        horizon = timedelta(days=self.profile.booking.horizon_days)
        return local_day(now, self.tz), local_day(now + horizon, self.tz)

    def service_label(self, code: str) -> str:
        service = self.profile.services.get(code)
        return service_label(code, service.label) if service else code

    def book_label(self, patient: Patient) -> str:
        key = "menu_book_approved" if patient.approved_at is not None else "menu_book"
        return self.texts.plain(key)

    def zone(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).tzname() or self.profile.clinic.timezone

    def _phone(self) -> str:
        return self.profile.clinic.phone

    def _cutoff_hours(self) -> str:
        return f"{self.profile.booking.cancellation_cutoff_hours:g}"

    def _opening_hours(self) -> str:
        lines = []
        for weekday in range(len(WEEKDAYS)):
            ranges = self.profile.opening_ranges(weekday)
            shown = (
                ", ".join(f"{_wall_time(a)} – {_wall_time(b)}" for a, b in ranges)
                if ranges
                else self.texts.plain("contact_closed")
            )
            lines.append(
                self.texts.plain("contact_hours_line", weekday=weekday_name(weekday), ranges=shown)
            )
        return "\n".join(lines)


def _wall_time(moment: time) -> str:
    return wall_time(moment)
