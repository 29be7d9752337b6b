"""The waitlist in a patient's Telegram chat: choosing preferences, joining, offers, leaving.

Buttons carry compact callback data, `wl:<verb>:...` (layouts in `bot.domain.callback_data`):
the choices screen and Join carry the choices being made (nothing is stored until Join); Not now
and My waitlist; Leave an entry; Accept or Decline an offer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from sqlmodel import col, select

from bot.db.models import Appointment, Patient
from bot.domain.availability import local_day
from bot.domain.callback_data import (
    MenuPress,
    MenuVerb,
    WaitlistButton,
    WaitlistChoices,
    WaitlistPress,
    WaitlistVerb,
)
from bot.domain.enums import Channel
from bot.domain.waitlist import (
    EARLIEST_WEEKS,
    LATEST_WEEKS,
    PartOfDay,
    Preferences,
    date_range,
    next_choice,
    toggle_day,
    weekdays_of,
)
from bot.messaging.channels import Button
from bot.presentation.chat_replies import Reply, Rows, Screen, Who
from bot.presentation.formatting import weekday_name
from bot.presentation.waitlist_words import Answer
from bot.services.booking_screens import BookingScreens
from bot.services.calendar_files import event_chain
from bot.services.drafts import BOOK, DraftStore
from bot.services.waitlist import WaitlistService
from bot.services.waitlist_messages import preferences_of


class Intake(Protocol):
    """The booking flow's questions before an offered time is booked (BookingFlow.begin_from_offer)."""

    def __call__(self, who: Who, *, offer_id: int) -> Reply | None: ...


_PARTS = (PartOfDay.ANY, PartOfDay.MORNING, PartOfDay.AFTERNOON)


def choices_data(
    verb: WaitlistVerb, service: str, mask: int, part: str, earliest: int, latest: int
) -> str:
    return WaitlistChoices(verb, service, mask, PartOfDay(part), earliest, latest).pack()


class WaitlistChat:
    """What the `wl:` buttons answer with."""

    def __init__(
        self,
        *,
        waitlist: WaitlistService,
        screens: BookingScreens | None = None,
        intake: Intake | None = None,
    ) -> None:
        self.waitlist = waitlist
        # Accept with questions still unanswered: the chat asks them before booking.
        self.intake = intake
        # The booking confirmation (with the calendar file) when an offer is accepted.
        self.screens = screens
        self.texts = waitlist.texts
        self.profile = waitlist.profile
        self.db = waitlist.db
        expiry = timedelta(hours=self.profile.booking.draft_expiry_hours)
        self.drafts = DraftStore(db=self.db, expiry=expiry)

    def press(self, who: Who, pressed: WaitlistButton) -> Reply:
        patient = self._patient(who)
        if patient is None or patient.id is None:
            return Reply(edit=Screen(self.texts.html("start_consent_needed")))
        verb = pressed.verb
        if isinstance(pressed, WaitlistChoices):
            parsed = self._choices(patient, pressed)
            if parsed is None:
                return Reply(edit=Screen(self.texts.html("book_button_expired")))
            if verb is WaitlistVerb.CHOICES:
                return Reply(edit=self.choices_screen(*parsed))
            self._finish_booking(who)
            return self._join(patient.id, *parsed)
        if verb is WaitlistVerb.NOT_NOW:
            return Reply(edit=Screen(self.texts.html("wl_not_now")))
        if verb is WaitlistVerb.MINE:
            return Reply((self.mine(patient.id),))
        number = pressed.number
        if verb is WaitlistVerb.LEAVE and number is not None:
            left = self.waitlist.leave(
                patient_id=patient.id, entry_id=number, actor=f"patient:{patient.id}"
            )
            if not left:
                return Reply(edit=self.mine(patient.id))
            note = self.texts.html("wl_left", service=self.waitlist.service_label(left[0]))
            return Reply(edit=self.mine(patient.id).under(note))
        if verb is WaitlistVerb.ACCEPT and number is not None and self.intake is not None:
            asked = self.intake(who, offer_id=number)
            if asked is not None:
                return asked
        if verb in (WaitlistVerb.ACCEPT, WaitlistVerb.DECLINE) and number is not None:
            result = self.waitlist.answer(
                patient_id=patient.id,
                offer_id=number,
                accept=verb is WaitlistVerb.ACCEPT,
                actor=f"patient:{patient.id}",
            )
            if result.answer is Answer.ALREADY:
                return Reply(toast=self.texts.plain("wl_answered_toast"))
            if result.answer is Answer.ACCEPTED and result.appointment_id is not None:
                confirmed = self._confirmation(result.appointment_id)
                if confirmed is not None:
                    return confirmed
            words = self.waitlist.answer_words(result, sms=False)
            return Reply(edit=Screen(words), changed=result.answer is not Answer.UNKNOWN)
        return Reply(edit=Screen(self.texts.html("book_button_expired")))

    # --- screens ------------------------------------------------------------------------

    def choices_screen(
        self, service: str, mask: int, part: str, earliest: int, latest: int
    ) -> Screen:
        t = self.texts
        preferences = self._preferences(mask, part, earliest, latest)
        open_days = [d for d in range(7) if self.profile.opening_ranges(d)]
        day_buttons = []
        for day in open_days:
            chosen = mask & (1 << day)
            label = weekday_name(day, short=True)
            day_buttons.append(
                Button(
                    f"✓ {label}" if chosen else label,
                    data=choices_data(
                        WaitlistVerb.CHOICES,
                        service,
                        toggle_day(mask, day),
                        part,
                        earliest,
                        latest,
                    ),
                )
            )
        part_buttons = tuple(
            Button(
                ("✓ " if p.value == part else "") + t.plain(f"wl_btn_part_{p.value}"),
                data=choices_data(WaitlistVerb.CHOICES, service, mask, p.value, earliest, latest),
            )
            for p in _PARTS
        )
        from_value = t.plain("wl_now") if earliest == 0 else t.plain("wl_in_weeks", weeks=earliest)
        until_value = (
            t.plain("wl_any_date") if latest == 0 else t.plain("wl_weeks_ahead", weeks=latest)
        )
        range_buttons = (
            Button(
                t.plain("wl_btn_earliest", value=from_value),
                data=choices_data(
                    WaitlistVerb.CHOICES,
                    service,
                    mask,
                    part,
                    next_choice(EARLIEST_WEEKS, earliest),
                    latest,
                ),
            ),
            Button(
                t.plain("wl_btn_latest", value=until_value),
                data=choices_data(
                    WaitlistVerb.CHOICES,
                    service,
                    mask,
                    part,
                    earliest,
                    next_choice(LATEST_WEEKS, latest),
                ),
            ),
        )
        rows: Rows = (
            tuple(day_buttons[:4]),
            tuple(day_buttons[4:]),
            part_buttons,
            range_buttons,
            (
                Button(
                    t.plain("wl_btn_join"),
                    data=choices_data(WaitlistVerb.JOIN, service, mask, part, earliest, latest),
                ),
            ),
            (Button(t.plain("wl_btn_not_now"), data=WaitlistPress(WaitlistVerb.NOT_NOW).pack()),),
        )
        described = self.waitlist.describe(preferences)
        days, part_text, *dates = described.split("; ")
        text = t.html(
            "wl_prefs",
            service=self.waitlist.service_label(service),
            days=days,
            part=part_text,
            dates=dates[0] if dates else t.plain("wl_any_date"),
        )
        return Screen(text, tuple(row for row in rows if row))

    def mine(self, patient_id: int) -> Screen:
        t = self.texts
        entries = self.waitlist.entries_of(patient_id)
        if not entries:
            return Screen(t.html("wl_mine_none"))
        lines = "\n".join(
            t.html(
                "wl_mine_line",
                service=self.waitlist.service_label(e.service),
                prefs=self.waitlist.describe(preferences_of(e)),
            )
            for e in entries
        )
        buttons = tuple(
            (
                Button(
                    t.plain("wl_btn_leave", service=self.waitlist.service_label(e.service)),
                    data=WaitlistPress(WaitlistVerb.LEAVE, e.id).pack(),
                ),
            )
            for e in entries
        )
        return Screen(t.raw("wl_mine").format(lines=lines), buttons)

    # --- helpers ------------------------------------------------------------------------

    def _join(
        self, patient_id: int, service: str, mask: int, part: str, earliest: int, latest: int
    ) -> Reply:
        preferences = self._preferences(mask, part, earliest, latest)
        joined = self.waitlist.join(
            patient_id=patient_id,
            service=service,
            preferences=preferences,
            channel=Channel.TELEGRAM,
            actor=f"patient:{patient_id}",
        )
        key = "wl_updated" if joined.updated else "wl_joined"
        text = self.texts.html(
            key,
            service=self.waitlist.service_label(service),
            prefs=self.waitlist.describe(preferences),
        )
        buttons: Rows = ()
        if self.screens is not None and self.screens.needs_screening(patient_id):
            # An offered time is booked at once when accepted: the health questions come now,
            # while they wait, not after (issue 15: no booking without them).
            text += "\n\n" + self.texts.html("wl_screening_invite")
            label = self.texts.plain("menu_screening")
            buttons = ((Button(label, data=MenuPress(MenuVerb.SCREENING).pack()),),)
        return Reply(edit=Screen(text, buttons))

    def _confirmation(self, appointment_id: int) -> Reply | None:
        """The same confirmation and calendar file as a booking made in the chat."""
        if self.screens is None:
            return None
        with self.db.session(write=False) as session:
            appointment = session.get(Appointment, appointment_id)
            if appointment is None:
                return None
            root, sequence = event_chain(session, appointment)
        confirmation, calendar = self.screens.confirmation(
            appointment, moved=False, root=root, sequence=sequence, now=self.now()
        )
        if self.screens.needs_screening(appointment.patient_id):
            # Booked from the waitlist before answering the health questions: ask now.
            label = self.texts.plain("menu_screening")
            invite = Screen(
                self.texts.html("screen_invite_booked"),
                ((Button(label, data=MenuPress(MenuVerb.SCREENING).pack()),),),
            )
            return Reply((calendar, invite), edit=confirmation, changed=True)
        return Reply((calendar,), edit=confirmation, changed=True)

    def _finish_booking(self, who: Who) -> None:
        """Joining instead of choosing a time ends the booking underway (nothing to resume)."""
        draft = self.drafts.load(who.user_id)
        if draft is not None and draft.flow == BOOK and draft.active(self.now()):
            self.drafts.finish(draft, now=self.now())

    def _preferences(self, mask: int, part: str, earliest: int, latest: int) -> Preferences:
        today = local_day(self.waitlist.clock.now(), self.profile.tz)
        first, last = date_range(today, earliest_weeks=earliest, latest_weeks=latest)
        return Preferences(
            weekdays=weekdays_of(mask),
            part=PartOfDay(part),
            earliest=first if earliest else None,
            latest=last,
        )

    def _choices(
        self, patient: Patient, pressed: WaitlistChoices
    ) -> tuple[str, int, str, int, int] | None:
        service, earliest, latest = pressed.service, pressed.earliest, pressed.latest
        if service not in self.profile.services:
            return None
        if earliest not in EARLIEST_WEEKS or latest not in LATEST_WEEKS:
            return None
        if service not in self.waitlist.booking.services_for(patient):
            return None
        return service, pressed.mask & 0b1111111, pressed.part.value, earliest, latest

    def _patient(self, who: Who) -> Patient | None:
        with self.db.session(write=False) as session:
            patient = session.exec(
                select(Patient).where(col(Patient.telegram_user_id) == who.user_id)
            ).one_or_none()
        if patient is None or patient.erased_at is not None:
            return None
        if patient.telegram_consent_at is None:
            return None
        return patient

    def now(self) -> datetime:
        return self.waitlist.clock.now()
