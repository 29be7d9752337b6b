"""The words and buttons of the patient's chat outside a booking, from plain values: the menu,
consent, contact and privacy details, help, the appointments list with its Cancel / Keep
questions, and the confirmation. `MenuScreens` (bot/services/menu_screens.py) adds the database
reads (whether the patient waits or still owes the health questions, the free time) and the
calendar file; `BookingScreens` (bot/services/booking_screens.py) adds the booking steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Protocol

from bot.domain.callback_data import (
    AppointmentPress,
    AppointmentVerb,
    MenuPress,
    MenuVerb,
    WaitlistChoices,
    WaitlistPress,
    WaitlistVerb,
)
from bot.domain.language import Language
from bot.messaging.channels import Attachment, Button
from bot.presentation.chat_replies import Rows, Screen
from bot.presentation.formatting import wall_time, weekday_name, when_long
from bot.presentation.preparation_words import preparation_block, preparation_lines
from bot.profile import WEEKDAYS, ClinicProfile
from bot.texts import Texts
from bot.texts.i18n import current_language
from bot.texts.profile_texts import service_label, service_preparation


class ShownVisit(Protocol):
    """An appointment as the patient's screens show it (a stored one: its id is set)."""

    @property
    def id(self) -> int | None: ...

    @property
    def service(self) -> str: ...

    @property
    def starts_at(self) -> datetime: ...

    @property
    def confirmed_at(self) -> datetime | None: ...


class MenuPatient(Protocol):
    """What the menu shows differently for an approved patient."""

    @property
    def approved_at(self) -> datetime | None: ...


class MenuWords:
    """Screens of the menu, the information pages and the appointments, from plain values."""

    def __init__(
        self, *, profile: ClinicProfile, texts: Texts, mini_app_url: str | None = None
    ) -> None:
        self.profile = profile
        self.texts = texts
        self.tz = profile.tz
        # The calendar page Telegram opens inside the chat; None: the chat's buttons only.
        self.mini_app_url = mini_app_url

    def confirmed(self, appointment: ShownVisit, *, moved: bool) -> Screen:
        """The confirmation (with the preparation) and its Reschedule / Cancel buttons."""
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
        return Screen(text, buttons)

    def calendar_document(self, attachment: Attachment) -> Screen:
        """The calendar file, with its caption."""
        return Screen(self.texts.html("book_calendar_caption"), attachment=attachment)

    def appointments(self, upcoming: Sequence[ShownVisit], patient: MenuPatient) -> Screen:
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

    def cancel_question(self, appointment: ShownVisit) -> Screen:
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

    def cancelled(self, appointment: ShownVisit, *, late: bool) -> Screen:
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

    def kept(self, appointment: ShownVisit) -> Screen:
        return Screen(self.texts.html("appts_kept", when=when_long(appointment.starts_at, self.tz)))

    def too_late(self) -> Screen:
        text = self.texts.html("appts_too_late", hours=self._cutoff_hours(), phone=self._phone())
        return Screen(text)

    def started(self) -> Screen:
        return Screen(self.texts.html("appts_started", phone=self._phone()))

    def menu_screen(
        self, patient: MenuPatient, *, waiting: bool, needs_screening: bool, lead: str = ""
    ) -> Screen:
        """The menu; `waiting`: on the waitlist, `needs_screening`: health answers still owed."""
        t = self.texts
        buttons: Rows = (
            (Button(self.book_label(patient), data=MenuPress(MenuVerb.BOOK).pack()),),
            (Button(t.plain("menu_appointments"), data=MenuPress(MenuVerb.APPOINTMENTS).pack()),),
            (
                Button(t.plain("menu_contact"), data=MenuPress(MenuVerb.CONTACT).pack()),
                Button(t.plain("menu_privacy"), data=MenuPress(MenuVerb.PRIVACY).pack()),
            ),
        )
        if waiting:
            buttons = (
                *buttons[:2],
                (Button(t.plain("wl_btn_mine"), data=WaitlistPress(WaitlistVerb.MINE).pack()),),
                *buttons[2:],
            )
        if needs_screening:
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

    def service_label(self, code: str) -> str:
        service = self.profile.services.get(code)
        return service_label(code, service.label) if service else code

    def book_label(self, patient: MenuPatient) -> str:
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


def appointment_data(verb: AppointmentVerb, appointment: ShownVisit) -> str:
    """Callback data for a button about one appointment (reminders carry the same)."""
    if appointment.id is None:
        raise ValueError("an appointment not stored yet has no buttons")
    return AppointmentPress(verb, appointment.id).pack()
