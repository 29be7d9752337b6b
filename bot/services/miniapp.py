"""The Mini App's use cases: a month of free days, the free times of a day, and choosing one.

The page is another face of the chat's booking draft: it reads free time from the same booking
service the chat's buttons use and puts the chosen time into the draft through `BookingFlow`,
so the chat then asks exactly what it asks after a time button (name, phone, screening...).
Only a patient who agreed to messages, with a booking waiting for a day or time, gets anything.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import col, select

from bot.db.models import Patient
from bot.domain.availability import local_day
from bot.presentation.booking_words import monday_of
from bot.presentation.chat_replies import Reply, Who
from bot.presentation.formatting import clock_time, day_label, when_long
from bot.services.booking_flow import BookingFlow
from bot.services.booking_steps import WEB_STEPS, WebChoice
from bot.services.drafts import Draft


class MiniAppRefused(Exception):
    """The page cannot serve this person now; `choice` says why (never NOT a success)."""

    def __init__(self, choice: WebChoice) -> None:
        super().__init__(choice.value)
        self.choice = choice


class DayRefused(Exception):
    """A day the person cannot book: `out_of_range` outside the bookable days, else not free."""

    def __init__(self, *, out_of_range: bool) -> None:
        super().__init__("out of range" if out_of_range else "no free times")
        self.out_of_range = out_of_range


@dataclass(frozen=True)
class CalendarDay:
    day: date
    free: bool  # has free times for this service and patient
    bookable: bool  # inside the booking window (notice to horizon)


@dataclass(frozen=True)
class MonthView:
    service: str  # the service's label
    zone: str  # the clinic's time zone abbreviation now (EST, EDT...)
    month: date  # its first day
    weeks: list[list[CalendarDay | None]]  # Monday first; None pads the first and last week
    previous: date | None  # the first day of the month before, when any of it is bookable
    following: date | None
    selected: date | None  # the day the chat is showing, if it is in this month


@dataclass(frozen=True)
class TimeOption:
    start: datetime
    label: str  # clinic time, e.g. "9:30 AM"


@dataclass(frozen=True)
class DayView:
    day: date
    label: str  # "Tue 2 Mar"
    zone: str
    times: list[TimeOption]


@dataclass(frozen=True)
class Outcome:
    """A choice's result: for the page (`choice`, `when`) and for the chat (`reply`)."""

    choice: WebChoice
    when: str
    reply: Reply
    chat_id: int | None = None
    day: DayView | None = None  # after a clash: the day's remaining times, to choose again


@dataclass(frozen=True)
class _Context:
    patient: Patient
    draft: Draft
    service: str
    now: datetime

    @property
    def patient_id(self) -> int:
        assert self.patient.id is not None
        return self.patient.id


class MiniAppBooking:
    """The calendar page's reads and its one write, over the chat's booking flow."""

    def __init__(self, *, flow: BookingFlow) -> None:
        self.flow = flow
        self.screens = flow.screens
        self.booking = flow.booking
        self.tz = flow.tz

    def month(self, user_id: int, *, month: date | None = None) -> MonthView:
        """The free days of one month (default: the month the chat's calendar is showing)."""
        context = self._context(user_id)
        first, last = self.screens.bookable_range(context.now)
        shown = month or _month_of(context)
        if shown is None:
            found = self.booking.next_free(
                service=context.service, count=1, for_patient=context.patient_id
            )
            shown = local_day(found[0].start, self.tz) if found else first
        start = max(first, shown.replace(day=1))
        if start > last:
            start = last
        month_first = start.replace(day=1)
        month_last = month_first.replace(day=calendar.monthrange(start.year, start.month)[1])
        free = set(
            self.booking.bookable_days(
                service=context.service,
                first_day=max(month_first, first),
                last_day=min(month_last, last),
                for_patient=context.patient_id,
            )
            if month_last >= first and month_first <= last
            else []
        )
        weeks: list[list[CalendarDay | None]] = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(start.year, start.month):
            weeks.append(
                [
                    CalendarDay(day=d, free=d in free, bookable=first <= d <= last)
                    if d.month == start.month
                    else None
                    for d in week
                ]
            )
        before = month_first - timedelta(days=1)
        after = month_last + timedelta(days=1)
        selected = _selected_day(context.draft)
        return MonthView(
            service=self.screens.service_label(context.service),
            zone=self.screens.zone(context.now),
            month=month_first,
            weeks=weeks,
            previous=before.replace(day=1) if before >= first else None,
            following=after if after <= last else None,
            selected=selected if selected and selected.month == start.month else None,
        )

    def day(self, user_id: int, *, day: date) -> DayView:
        """The free start times of one day, in clinic time."""
        context = self._context(user_id)
        return self._day(context, day)

    def choose(self, user_id: int, *, start: datetime, first_name: str = "") -> Outcome:
        """Put `start` into the draft as the chat's time button would, or say it has gone."""
        context = self._context(user_id)
        first, last = self.screens.bookable_range(context.now)
        if not first <= local_day(start, self.tz) <= last:
            raise DayRefused(out_of_range=True)  # never a time the page offered: no chat message
        chat_id = context.patient.telegram_chat_id or user_id
        who = Who(user_id=user_id, chat_id=chat_id, first_name=first_name)
        choice, reply = self.flow.choose_time_from_web(who, start=start)
        if choice in (WebChoice.NO_CONSENT, WebChoice.NOT_NOW):
            raise MiniAppRefused(choice)
        day = None
        if choice is WebChoice.TAKEN:
            try:
                day = self._day(context, local_day(start, self.tz))
            except DayRefused:
                day = None
        return Outcome(
            choice=choice,
            when=when_long(start, self.tz),
            reply=reply,
            chat_id=chat_id,
            day=day,
        )

    def _day(self, context: _Context, day: date) -> DayView:
        first, last = self.screens.bookable_range(context.now)
        if not first <= day <= last:
            raise DayRefused(out_of_range=True)
        slots = self.screens.slots_on(
            context.service, day, now=context.now, patient_id=context.patient_id
        )
        times = [TimeOption(start=s.start, label=clock_time(s.start, self.tz)) for s in slots]
        zone = self.screens.zone(slots[0].start) if slots else self.screens.zone(context.now)
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=self.tz)
        return DayView(day=day, label=day_label(noon, self.tz), zone=zone, times=times)

    def _context(self, user_id: int) -> _Context:
        """The patient and their booking waiting for a day or time, or MiniAppRefused."""
        now = self.flow.clock.now()
        with self.flow.db.session(write=False) as session:
            patient = session.exec(
                select(Patient).where(col(Patient.telegram_user_id) == user_id)
            ).one_or_none()
        if patient is None or patient.erased_at is not None or patient.telegram_consent_at is None:
            raise MiniAppRefused(WebChoice.NO_CONSENT)
        draft = self.flow.drafts.load(user_id)
        if (
            draft is None
            or not draft.active(now)
            or draft.step not in WEB_STEPS
            or "service" not in draft.data
        ):
            raise MiniAppRefused(WebChoice.NOT_NOW)
        return _Context(patient=patient, draft=draft, service=str(draft.data["service"]), now=now)


def _selected_day(draft: Draft) -> date | None:
    raw = draft.data.get("day")
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def _month_of(context: _Context) -> date | None:
    """The month the chat's calendar shows: its chosen day, else its week."""
    selected = _selected_day(context.draft)
    if selected is not None:
        return selected
    week = context.draft.data.get("week")
    try:
        return monday_of(date.fromisoformat(str(week))) if week else None
    except ValueError:
        return None
