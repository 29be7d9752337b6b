"""The patient's chat screens outside a booking: the menu, consent, contact and privacy details,
help, the appointments list with its Cancel / Keep questions, and the confirmation with its
calendar file. `BookingScreens` (bot/services/booking_screens.py) adds the booking steps."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import col, select

from bot.db.models import Appointment, Patient, ScreeningAnswer, WaitlistEntry
from bot.domain.availability import Slot, local_day
from bot.domain.callback_data import (
    AppointmentPress,
    AppointmentVerb,
    MenuPress,
    MenuVerb,
    WaitlistChoices,
    WaitlistPress,
    WaitlistVerb,
)
from bot.domain.enums import AppointmentStatus
from bot.domain.language import Language
from bot.domain.screening import SCREENING_CODES
from bot.messaging.channels import Attachment, Button
from bot.presentation.chat_replies import Rows, Screen
from bot.presentation.formatting import (
    wall_time,
    weekday_name,
    when_long,
)
from bot.profile import WEEKDAYS, ClinicProfile
from bot.services.booking import BookingService
from bot.services.calendar_files import appointment_calendar
from bot.services.preparation import preparation_block, preparation_lines
from bot.texts import Texts
from bot.texts.i18n import current_language
from bot.texts.profile_texts import service_label, service_preparation


class MenuScreens:
    """Screens of the menu, the information pages and the appointments; look-ups the flow shares."""

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


def appointment_data(verb: AppointmentVerb, appointment: Appointment) -> str:
    """Callback data for a button about one appointment (reminders carry the same)."""
    if appointment.id is None:
        raise ValueError("an appointment not stored yet has no buttons")
    return AppointmentPress(verb, appointment.id).pack()
