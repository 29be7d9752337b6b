"""The booking flow's common ground: one update's turn (who, their patient row and draft, the
time), moving the draft from step to step, and the look-ups every part of the flow shares
(bot/services/booking_flow.py puts the parts together)."""

from __future__ import annotations

import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import (
    Appointment,
    BookingDraft,
    Patient,
)
from bot.domain.availability import local_day
from bot.domain.callback_data import BookingStep, BookingVerb, unpack_as
from bot.domain.clock import Clock
from bot.domain.enums import AppointmentStatus, Channel, DraftStep
from bot.domain.typed_answers import matching_label
from bot.presentation.booking_words import monday_of
from bot.presentation.chat_replies import Reply, Screen, Who
from bot.profile import ClinicProfile
from bot.services.booking import BookingService
from bot.services.booking_screens import BookingScreens
from bot.services.calendar_files import event_chain
from bot.services.drafts import (
    BOOK,
    DRAFT_COLUMNS,
    Draft,
    DraftStore,
    draft_on,
    next_step,
    snapshot_columns,
)
from bot.services.patients import (
    get_or_create_telegram_patient,
)
from bot.services.routing import MAX_NAME_CHARS, InvalidPatientName, clean_patient_name
from bot.texts import Texts


class FlowBase(ABC):
    """What every part of the booking flow shares: the turn, the draft's moves, the look-ups.

    The attributes are set by `BookingFlow.__init__` (bot/services/booking_flow.py).
    """

    db: Database
    sms_available: Callable[[], bool]
    profile: ClinicProfile
    clock: Clock
    texts: Texts
    booking: BookingService
    tz: ZoneInfo
    drafts: DraftStore
    screens: BookingScreens

    @abstractmethod
    def press(self, who: Who, *, verb: BookingVerb, version: int, arg: str) -> Reply:
        """A button of the draft pressed (or its label typed): `BookingFlow.press`."""

    def _advance(
        self,
        turn: Turn,
        data: dict[str, Any],
        *,
        send: bool = False,
        before: tuple[Screen, ...] = (),
    ) -> Reply:
        """Store the new choices, move to the first unanswered step and show it."""
        draft = turn.open_draft
        step = self._prepare(draft.flow, data)
        saved = self.drafts.save(draft, step=step, data=data, now=turn.now)
        if saved is None:
            # Another update moved this draft first (a double tap): it has already answered.
            return Reply(toast=self.texts.plain("book_toast_noted"))
        turn.draft = saved
        screen = self._current(turn)
        if send or screen.contact_button is not None:
            return Reply((*before, screen))
        return Reply(before, edit=screen)

    def _prepare(self, flow: str, data: dict[str, Any]) -> DraftStep:
        """The step the data leads to, with the calendar opened at the first free week."""
        step = next_step(flow, data, self.profile)
        if step is DraftStep.DATE and "week" not in data:
            first = self.booking.next_free(service=str(data["service"]), count=1)
            if first:
                data["week"] = monday_of(local_day(first[0].start, self.tz)).isoformat()
        if step is not DraftStep.SUMMARY:
            data.pop("changing", None)
        return step

    def _new_booking(self, turn: Turn, *, expired: bool) -> Screen:
        patient = turn.patient
        data = self._known_details(patient)
        services = self.booking.services_for(patient)
        if len(services) == 1:
            data["service"] = services[0]
        self._begin(turn, flow=BOOK, data=data)
        if expired:
            turn.notes.append(self.texts.html("book_draft_expired"))
        return self._current(turn)

    @staticmethod
    def _known_details(patient: Patient) -> dict[str, Any]:
        """What a booking need not ask again: the name, and a number already proved theirs."""
        data: dict[str, Any] = {}
        if patient.name:
            data["name"] = patient.name
        if patient.phone_e164 and patient.phone_verified_at is not None:
            data["phone"] = patient.phone_e164
            data["phone_verified"] = True
            if patient.sms_consent_at is not None and patient.sms_opted_out_at is None:
                data["sms"] = True
        return data

    def _begin(self, turn: Turn, *, flow: str, data: dict[str, Any]) -> None:
        step = self._prepare(flow, data)
        turn.draft = self.drafts.begin(
            user_id=turn.who.user_id,
            patient_id=turn.patient_id,
            flow=flow,
            step=step,
            data=data,
            now=turn.now,
        )

    def _current(self, turn: Turn) -> Screen:
        """The prompt for the step the draft is at, with this turn's notes on top."""
        screen = self.screens.step(turn.open_draft, turn.patient, now=turn.now)
        notes, turn.notes = turn.notes, []
        return screen.under("\n\n".join(notes))

    def _show_current(self, turn: Turn) -> Reply:
        return Reply(edit=self._current(turn))

    def _again(self, turn: Turn, key: str, **values: object) -> Reply:
        """Ask the current step again, as a new message, under a kind note."""
        turn.notes.append(self.texts.html(key, **values))
        return Reply((self._current(turn),))

    def _turn(self, who: Who, *, session: Session | None = None) -> Turn | None:
        """Load the patient and draft; None when the patient has not agreed to chat here.

        `session`: read inside that transaction (one BEGIN for the update's reads).
        """
        now = self.clock.now()
        # One query for both: this runs for every update, so it is kept cheap.
        params = {"user_id": who.user_id, "address": str(who.user_id)}
        if session is not None:
            found = session.connection().execute(_TURN, params).one_or_none()
        else:
            with self.db.engine.connect() as connection:
                found = connection.execute(_TURN, params).one_or_none()
        if found is None:
            return None
        values = found._mapping
        patient = Patient(**{name: values[name] for name in _PATIENT_FIELDS})
        if patient.erased_at is not None or patient.telegram_consent_at is None:
            return None
        return Turn(who=who, patient=patient, draft=snapshot_columns(values), now=now)

    def _lost(self, who: Who, lead: str, *, patient: Patient | None = None) -> Reply:
        """Something we can't act on: say so, then show where the person can go from here."""
        now = self.clock.now()
        patient = patient or self._find_patient(who)
        if patient is None or patient.telegram_consent_at is None:
            return Reply((self.screens.consent(lead=lead),))
        draft = self.drafts.load(who.user_id)
        if draft is not None and draft.active(now):
            turn = Turn(who=who, patient=patient, draft=draft, now=now, notes=[lead])
            return Reply((self._current(turn),))
        return Reply((self.screens.menu(patient, lead=lead),))

    def _consent_needed(self) -> Reply:
        lead = self.texts.html("start_consent_needed")
        return Reply((self.screens.consent(lead=lead),))

    def _idle_note(self, turn: Turn) -> str:
        if turn.draft is not None and turn.draft.expired(turn.now):
            return self.texts.html("book_draft_cleared")
        return self.texts.html("book_nothing_to_do")

    def _ensure_patient(self, who: Who, *, now: datetime) -> Patient:
        existing = self._find_patient(who)
        if existing is not None and existing.telegram_chat_id == who.chat_id:
            return existing
        with self.db.session() as session:
            return get_or_create_telegram_patient(
                session, telegram_user_id=who.user_id, chat_id=who.chat_id, now=now
            )

    def _find_patient(self, who: Who) -> Patient | None:
        with self.db.session(write=False) as session:
            return self._patient_row(session, who)

    def _patient_row(self, session: Session, who: Who) -> Patient | None:
        patient = session.exec(_PATIENT_OF, params={"user_id": who.user_id}).one_or_none()
        if patient is not None and patient.erased_at is not None:
            return None
        return patient

    def _repaired_answers(self, turn: Turn, data: dict[str, Any]) -> dict[str, Any] | None:
        """Typed answers a draft saved before they were checked, cleaned or cleared to ask again.

        None when all are fine: a NUL in a name would otherwise fail every Confirm.
        """
        changed = False
        name = data.get("name")
        if isinstance(name, str):
            try:
                clean_patient_name(name)
            except InvalidPatientName:
                data.pop("name")
                turn.notes.append(self.texts.html("book_name_invalid", max=MAX_NAME_CHARS))
                changed = True
        medicines = data.get("medicines")
        if isinstance(medicines, str) and clean_free_text(medicines) != medicines:
            answer = clean_free_text(medicines)
            if answer and len(answer) <= MAX_MEDICINES:
                data["medicines"] = answer
            else:
                data.pop("medicines")
            changed = True
        return data if changed else None

    def _appointments_screen(self, turn: Turn, *, session: Session | None = None) -> Screen:
        if session is None:
            with self.db.session(write=False) as own:
                return self._appointments_screen(turn, session=own)
        params = {"patient_id": turn.patient.id, "now": turn.now}
        upcoming = list(session.exec(_UPCOMING, params=params).all())
        return self.screens.appointments(upcoming, turn.patient)

    def _appointments_gone(self, turn: Turn) -> Reply:
        gone = self.texts.html("appts_gone")
        return Reply((self._appointments_screen(turn).under(gone),))

    def _own_appointment(self, turn: Turn, appointment_id: int) -> Appointment | None:
        with self.db.session(write=False) as session:
            appointment = session.get(Appointment, appointment_id)
        if appointment is None or appointment.patient_id != turn.patient.id:
            return None
        if appointment.status != AppointmentStatus.BOOKED:
            return None
        return appointment

    def _reschedule_root(self, appointment: Appointment) -> tuple[int, int]:
        """The first appointment of a chain of moves, and how many moves since (for SEQUENCE)."""
        with self.db.session(write=False) as session:
            return event_chain(session, appointment)

    def _typed_button(self, turn: Turn, text: str) -> BookingStep | None:
        """The step button whose label the text says ("yes", "6", "six")."""
        screen = self.screens.step(turn.open_draft, turn.patient, now=turn.now)
        steps = [
            (b.text, step)
            for row in screen.buttons
            for b in row
            if (step := unpack_as(b.data, BookingStep)) is not None
        ]
        index = matching_label(text, [label for label, _ in steps])
        return steps[index][1] if index is not None else None


MAX_MEDICINES = 1000


_PATIENT_OF = select(Patient).where(col(Patient.telegram_user_id) == bindparam("user_id"))


_PATIENTS = Patient.__table__  # type: ignore[attr-defined]


_PATIENT_FIELDS = tuple(column.name for column in _PATIENTS.columns)


_TURN = (
    select(_PATIENTS, *DRAFT_COLUMNS)
    .select_from(_PATIENTS.outerjoin(BookingDraft, draft_on(Channel.TELEGRAM.value)))
    .where(_PATIENTS.c.telegram_user_id == bindparam("user_id"))
)


@dataclass
class Turn:
    """One update's context: who, their patient row and draft, the time, notes for the reply."""

    who: Who
    patient: Patient
    draft: Draft | None
    now: datetime
    notes: list[str] = field(default_factory=list)

    @property
    def open_draft(self) -> Draft:
        assert self.draft is not None
        return self.draft

    @property
    def patient_id(self) -> int:
        assert self.patient.id is not None
        return self.patient.id


def clean_free_text(raw: str) -> str:
    """The typed answer without NUL, other control characters or lone surrogates, trimmed."""
    # PostgreSQL refuses NUL in text and UTF-8 can't hold a lone surrogate; lines and tabs stay.
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    kept = (ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    return "".join(kept).strip()


UPCOMING_SHOWN = 10

# My appointments, built once: a statement built per update costs more than its query (its
# cache key is worked out anew each time).
_UPCOMING = (
    select(Appointment)
    .where(col(Appointment.patient_id) == bindparam("patient_id"))
    .where(col(Appointment.status) == AppointmentStatus.BOOKED)
    .where(col(Appointment.starts_at) > bindparam("now"))
    .order_by(col(Appointment.starts_at))
    .limit(UPCOMING_SHOWN)
)
