"""The patient's journey in a chat: consent, the booking draft state machine, and appointments.

Every choice lives in the `BookingDraft` row (`bot.services.drafts`), whose version grows with
each step: a restart loses nothing, and buttons from older prompts are recognised. Each entry
point handles one kind of update and returns a `Reply` the Telegram handlers render.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import (
    Appointment,
    BookingDraft,
    CheckIn,
    Escalation,
    Outbox,
    Patient,
    ScreeningAnswer,
    StaffTask,
    WaitlistEntry,
    WaitlistOffer,
)
from bot.domain.availability import local_day
from bot.domain.callback_data import AppointmentVerb, BookingStep, BookingVerb, unpack_as
from bot.domain.clock import Clock
from bot.domain.enums import AppointmentStatus, Channel, DraftStep, OutboxKind
from bot.domain.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    InvalidPhone,
    InvalidSlot,
    NotApproved,
    PatientBusy,
    SlotTaken,
    TooLateToCancel,
)
from bot.domain.language import Language, language_from_code
from bot.domain.phone_codes import CODE_VALID_FOR, as_code
from bot.domain.typed_answers import matching_label
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.booking import BookingService
from bot.services.booking_screens import BookingScreens, minutes_arg, monday_of
from bot.services.calendar_files import event_chain
from bot.services.chat_replies import Reply, Screen, Who
from bot.services.drafts import (
    ANSWERS,
    BOOK,
    DRAFT_COLUMNS,
    HEALTH_KEYS,
    RESCHEDULE,
    SCREEN,
    SCREENING_CODES,
    Draft,
    DraftStore,
    draft_on,
    next_step,
    record_screening,
    recorded_answers,
    request_key,
    snapshot_columns,
)
from bot.services.formatting import date_short, same_day_time, when_long
from bot.services.outbox import enqueue
from bot.services.patients import (
    choose_language,
    get_or_create_telegram_patient,
    patient_by_phone,
)
from bot.services.phone_claims import (
    CodeOutcome,
    CodeResult,
    Verified,
    apply_verified,
    check_code,
    request_code,
)
from bot.services.phones import normalize_phone
from bot.services.routing import MAX_NAME_CHARS, InvalidPatientName, clean_patient_name
from bot.services.screening_notice import screening_notice_html
from bot.services.waitlist_intake import OFFER_KEY, OfferLapsed, hold_offer
from bot.texts import Texts
from bot.texts.i18n import current_language, use_language

__all__ = ["WEB_STEPS", "BookingFlow", "Reply", "Screen", "WebChoice", "Who"]

log = logging.getLogger(__name__)

MAX_MEDICINES = 1000
OFFERED_TIMES = 4
UPCOMING_SHOWN = 10
# A press on the prompt just answered, this soon after, is a double tap: acknowledge it quietly.
DOUBLE_TAP = timedelta(seconds=10)
_ALL_OPEN_STEPS = frozenset(DraftStep) - {DraftStep.DONE}
# Rows that make a chat's own patient record more than an empty shell (then it is not merged).
_HISTORY = (
    Appointment.patient_id,
    ScreeningAnswer.patient_id,
    CheckIn.patient_id,
    Escalation.patient_id,
    StaffTask.patient_id,
    Outbox.patient_id,
)
_PATIENT_OF = select(Patient).where(col(Patient.telegram_user_id) == bindparam("user_id"))
_PATIENTS = Patient.__table__  # type: ignore[attr-defined]
_PATIENT_FIELDS = tuple(column.name for column in _PATIENTS.columns)
_TURN = (
    select(_PATIENTS, *DRAFT_COLUMNS)
    .select_from(_PATIENTS.outerjoin(BookingDraft, draft_on(Channel.TELEGRAM.value)))
    .where(_PATIENTS.c.telegram_user_id == bindparam("user_id"))
)
# What "Change something" clears, so the person walks through it again.
_CHANGES: dict[str, tuple[str, ...]] = {
    "": (),
    "sum": (),
    "svc": ("service", "day", "start", "week", "offered"),
    "when": ("day", "start", "week", "offered"),
    "name": ("name",),
    "phone": ("phone", "phone_claim", "phone_verified", "sms"),
    "health": HEALTH_KEYS,
    "sms": ("sms",),
}


@dataclass
class _Turn:
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


_Step = Callable[[_Turn, str], Reply]
# The steps at which the Mini App's calendar stands in for the chat's day and time buttons.
WEB_STEPS = frozenset({DraftStep.DATE, DraftStep.TIME})


class WebChoice(StrEnum):
    """What became of a time chosen in the Mini App."""

    CHOSEN = "chosen"  # in the draft; the chat goes on to the next step
    TAKEN = "taken"  # no longer free: the chat offers the next free times
    NO_CONSENT = "no_consent"  # no patient here, or one who has not agreed to messages
    NOT_NOW = "not_now"  # no booking waiting for a day or time (it moved on, or never began)


class BookingFlow:
    """Consent, menu, booking and appointment changes for patients chatting on Telegram."""

    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        clock: Clock,
        texts: Texts,
        booking: BookingService,
        sms_available: Callable[[], bool] = lambda: False,
        mini_app_url: str | None = None,
    ) -> None:
        self.db = db
        # Whether a code can be texted now (SMS configured): without it a typed number is kept
        # unconfirmed, for staff to call, and never used for texts.
        self.sms_available = sms_available
        self.profile = profile
        self.clock = clock
        self.texts = texts
        self.booking = booking
        self.tz = profile.tz
        self.drafts = DraftStore(db=db, expiry=timedelta(hours=profile.booking.draft_expiry_hours))
        self.screens = BookingScreens(
            profile=profile, texts=texts, booking=booking, mini_app_url=mini_app_url
        )
        self._verbs: dict[BookingVerb, tuple[frozenset[DraftStep], _Step]] = {
            BookingVerb.SERVICE: (frozenset({DraftStep.SERVICE}), self._on_service),
            BookingVerb.WEEK: (frozenset({DraftStep.DATE}), self._on_week),
            BookingVerb.DAY: (frozenset({DraftStep.DATE}), self._on_day),
            BookingVerb.TIME: (frozenset({DraftStep.TIME}), self._on_time),
            BookingVerb.OTHER_DAYS: (
                frozenset({DraftStep.TIME, DraftStep.SUMMARY}),
                self._on_other_days,
            ),
            BookingVerb.SCREENING: (frozenset({DraftStep.SCREENING}), self._on_screening),
            BookingVerb.NO_MEDICINES: (frozenset({DraftStep.MEDICINES}), self._on_no_medicines),
            BookingVerb.PAIN: (
                frozenset({DraftStep.PAIN_NOW, DraftStep.PAIN_AVERAGE}),
                self._on_pain,
            ),
            BookingVerb.DRIVER: (frozenset({DraftStep.DRIVER}), self._on_driver),
            BookingVerb.SMS: (frozenset({DraftStep.SMS_CONSENT}), self._on_sms),
            BookingVerb.PHONE_CODE: (frozenset({DraftStep.PHONE_CODE}), self._on_code_button),
            BookingVerb.CONFIRM: (frozenset({DraftStep.SUMMARY}), self._on_confirm),
            BookingVerb.CHANGE: (frozenset({DraftStep.SUMMARY}), self._on_change),
            BookingVerb.KEEP: (
                frozenset({DraftStep.DATE, DraftStep.TIME, DraftStep.SUMMARY}),
                self._on_keep,
            ),
            BookingVerb.STOP: (_ALL_OPEN_STEPS, self._on_stop),
            BookingVerb.RESUME: (_ALL_OPEN_STEPS, self._on_resume),
            BookingVerb.RESTART: (_ALL_OPEN_STEPS, self._on_restart),
        }

    # --- welcome, consent and information ----------------------------------------------

    def start(self, who: Who) -> Reply:
        """/start: greet, ask for consent once, then offer the menu (or the booking underway)."""
        now = self.clock.now()
        patient = self._ensure_patient(who, now=now)
        if patient.language is None and patient.id is not None:
            # Chosen for them from their Telegram app's language; a button changes it.
            choose_language(self.db, patient.id, current_language(), now=now)
        first_name = who.first_name or "there"
        if patient.telegram_consent_at is None:
            welcome = self.texts.html(
                "start_welcome", first_name=first_name, clinic=self.profile.clinic.name
            )
            return Reply((self.screens.consent(lead=welcome),))
        resumed = self._resume_care_messages(patient, now=now)
        draft = self.drafts.load(who.user_id)
        if draft is not None and draft.active(now):
            return Reply((self.screens.resume_offer(draft),))
        welcome_back = self.texts.html("start_welcome_back", first_name=first_name)
        if resumed:
            welcome_back = f"{self.texts.html('start_messages_resumed')}\n\n{welcome_back}"
        return Reply((self.screens.menu(patient, lead=welcome_back),))

    def _resume_care_messages(self, patient: Patient, *, now: datetime) -> bool:
        """/start after "stop": care messages are on again (audited)."""
        if patient.care_messages_stopped_at is None:
            return False
        with self.db.session() as session:
            row = session.get(Patient, patient.id)
            if row is None or row.care_messages_stopped_at is None:
                return False
            row.care_messages_stopped_at = None
            audit(
                session,
                at=now,
                actor=f"patient:{row.id}",
                action="consent.care_messages_resumed",
                subject=f"patient:{row.id}",
            )
        return True

    def consent(self, who: Who, *, agreed: bool) -> Reply:
        """Store the answer to "may we message you here?" with its time."""
        now = self.clock.now()
        patient = self._ensure_patient(who, now=now)
        if not agreed:
            declined = self.texts.html("start_consent_declined", phone=self.profile.clinic.phone)
            return Reply(edit=Screen(declined))
        if patient.telegram_consent_at is None:
            with self.db.session() as session:
                row = session.get(Patient, patient.id)
                assert row is not None
                if row.telegram_consent_at is None:
                    row.telegram_consent_at = now
                    audit(
                        session,
                        at=now,
                        actor=f"patient:{row.id}",
                        action="consent.telegram",
                        subject=f"patient:{row.id}",
                    )
                patient = row
        thanks = self.texts.html("start_consent_thanks")
        return Reply(edit=self.screens.menu(patient, lead=thanks))

    def _phone_reason(self, exc: Exception) -> str:
        """Why a typed number was refused, in the patient's words (normalize_phone's reasons)."""
        invalid = "not valid" in str(exc)
        return self.texts.plain(
            "book_phone_reason_invalid" if invalid else "book_phone_reason_format"
        )

    def choose_language(self, who: Who, code: str) -> Reply:
        """The language button (welcome and menu): store it and answer in it from now on."""
        now = self.clock.now()
        patient = self._ensure_patient(who, now=now)
        if code not in {language.value for language in Language} or patient.id is None:
            return self.expired_button(who)
        language = language_from_code(code)
        choose_language(self.db, patient.id, language, now=now)
        with use_language(language):
            if patient.telegram_consent_at is None:
                welcome = self.texts.html(
                    "start_welcome",
                    first_name=who.first_name or "there",
                    clinic=self.profile.clinic.name,
                )
                return Reply(edit=self.screens.consent(lead=welcome))
            lead = self.texts.html("language_chosen")
            return Reply(edit=self.screens.menu(patient, lead=lead))

    def contact_details(self) -> Reply:
        return Reply((self.screens.contact_details(),))

    def privacy(self) -> Reply:
        return Reply((self.screens.privacy(),))

    def help(self) -> Reply:
        return Reply((self.screens.help(),))

    def unknown_command(self, who: Who) -> Reply:
        return self._lost(who, self.texts.html("input_unknown_command"))

    def unsupported(self, who: Who) -> Reply:
        return self._lost(who, self.texts.html("input_unsupported"))

    def expired_button(self, who: Who) -> Reply:
        """A button this bot no longer knows (or never made)."""
        return self._lost(who, self.texts.html("book_button_expired"))

    # --- the booking ---------------------------------------------------------------------

    def begin_booking(self, who: Who) -> Reply:
        """/book or the menu's Book: a new draft, or an offer to resume the one underway."""
        turn = self._turn(who)
        if turn is None:
            return self._consent_needed()
        draft = turn.draft
        if draft is not None and draft.active(turn.now):
            return Reply((self.screens.resume_offer(draft),))
        expired = draft is not None and draft.expired(turn.now)
        return Reply((self._new_booking(turn, expired=expired),))

    def begin_from_offer(self, who: Who, *, offer_id: int) -> Reply | None:
        """Accept on a waitlist offer with questions still unanswered: hold the time, ask them.

        None when there is nothing to ask (or the offer is not open): the caller books at once
        or says why not, as before (`bot.services.waitlist_intake`).
        """
        turn = self._turn(who)
        if turn is None:
            return None
        with self.db.session() as session:
            offer = session.get(WaitlistOffer, offer_id)
            if offer is None or offer.patient_id != turn.patient_id:
                return None
            start = offer.starts_at
            data = self._known_details(turn.patient)
            # Health answers given while waiting (the invitation on joining) are not asked again.
            entry = session.get(WaitlistEntry, offer.entry_id)
            if entry is not None:
                data.update(recorded_answers(session, turn.patient_id, since=entry.joined_at))
            data.update(
                service=offer.service,
                day=local_day(start, self.tz).isoformat(),
                start=start.isoformat(),
            )
            data[OFFER_KEY] = offer_id
            if next_step(BOOK, data, self.profile) is DraftStep.SUMMARY:
                return None
            held = hold_offer(
                session,
                offer_id=offer_id,
                patient_id=turn.patient_id,
                now=turn.now,
                minimum_notice=timedelta(hours=self.profile.booking.minimum_notice_hours),
            )
        if held is None:
            return None
        self._begin(turn, flow=BOOK, data=data)
        deadline = same_day_time(held, now=turn.now, tz=self.tz)
        turn.notes.append(self.texts.html("wl_intake_held", deadline=deadline))
        log.info("waitlist offer %s held for patient %s until %s", offer_id, turn.patient_id, held)
        return Reply(edit=self._current(turn), changed=True)

    def begin_screening(self, who: Who) -> Reply:
        """The health questions alone, for a patient never asked them (the menu's button, or the
        clinic's request): answered, they go to the patient's record and staff are told."""
        turn = self._turn(who)
        if turn is None:
            return self._consent_needed()
        draft = turn.draft
        if draft is not None and draft.active(turn.now):
            if draft.flow == SCREEN:
                return Reply((self._current(turn),))
            # A booking underway asks the same questions: finish (or stop) it first.
            return Reply((self.screens.resume_offer(draft),))
        self._begin(turn, flow=SCREEN, data={})
        return Reply((self._current(turn),))

    def press(self, who: Who, *, verb: BookingVerb, version: int, arg: str) -> Reply:
        """A `bk:` button: check it belongs to the current step, then apply it."""
        turn = self._turn(who)
        if turn is None:
            return self._consent_needed()
        draft = turn.draft
        if (
            draft is not None
            and turn.now - draft.updated_at < DOUBLE_TAP
            and (
                version == draft.version - 1
                # Confirm tapped again while the first tap booked: the booking also finished
                # the draft (two versions on), and each repeat gets the toast, not a menu.
                or (version < draft.version and not draft.active(turn.now))
            )
        ):
            # The prompt this press came from was answered a moment ago (a double tap).
            return Reply(toast=self.texts.plain("book_toast_noted"))
        if draft is None or not draft.active(turn.now):
            return self._lost(who, self.texts.html("book_button_expired"), patient=turn.patient)
        entry = self._verbs.get(verb)
        if version != draft.version or entry is None or draft.step not in entry[0]:
            turn.notes.append(self.texts.html("book_button_expired_here"))
            return Reply((self._current(turn),))
        return entry[1](turn, arg)

    def text(self, who: Who, text: str) -> Reply:
        """Typed text: an answer at a typing step, otherwise a kind pointer to the buttons."""
        turn = self._turn(who)
        if turn is None:
            return self._consent_needed()
        draft = turn.draft
        if draft is None or not draft.active(turn.now):
            return Reply((self.screens.menu(turn.patient, lead=self._idle_note(turn)),))
        text = text.strip()
        if draft.step is DraftStep.NAME:
            return self._on_name(turn, text)
        if draft.step is DraftStep.PHONE:
            return self._on_phone(turn, text)
        if draft.step is DraftStep.PHONE_CODE:
            return self._on_code(turn, text)
        if draft.step is DraftStep.MEDICINES:
            return self._on_medicines(turn, text)
        pressed = self._typed_button(turn, text)
        if pressed is not None:
            return self.press(who, verb=pressed.verb, version=pressed.version, arg=pressed.arg)
        return self._again(turn, "book_use_buttons")

    def _typed_button(self, turn: _Turn, text: str) -> BookingStep | None:
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

    def shared_contact(self, who: Who, *, phone: str, owner_id: int | None) -> Reply:
        """A contact shared with the reply keyboard: only the person's own number counts."""
        turn = self._turn(who)
        if turn is None:
            return self._consent_needed()
        draft = turn.draft
        if draft is None or not draft.active(turn.now):
            return Reply((self.screens.menu(turn.patient, lead=self._idle_note(turn)),))
        if draft.step not in (DraftStep.PHONE, DraftStep.PHONE_CODE):
            return self._again(turn, "book_use_buttons")
        if owner_id != who.user_id:
            return self._again(turn, "book_phone_not_yours")
        number = phone.strip()
        if number and not number.startswith("+"):
            number = "+" + number  # Telegram shares numbers without the plus sign
        try:
            phone = normalize_phone(number, region=self.profile.clinic.phone_region)
        except InvalidPhone as exc:
            button = self.texts.plain("book_share_phone")
            return self._again(
                turn, "book_phone_invalid", reason=self._phone_reason(exc), button=button
            )
        return self._phone_proved(turn, phone, via=Verified.CONTACT)

    # --- my appointments -----------------------------------------------------------------

    def appointments(self, who: Who) -> Reply:
        """My appointments: the upcoming ones, each with Change and Cancel."""
        turn = self._turn(who)
        if turn is None:
            return self._consent_needed()
        return Reply((self._appointments_screen(turn),))

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

    # --- steps -------------------------------------------------------------------------

    def _on_service(self, turn: _Turn, arg: str) -> Reply:
        if arg not in self.booking.services_for(turn.patient):
            return self._show_current(turn)
        data = turn.open_draft.copy_data()
        for key in ("day", "start", "week", "offered"):
            data.pop(key, None)
        if arg != data.get("service"):
            for key in HEALTH_KEYS:
                data.pop(key, None)
        data["service"] = arg
        return self._advance(turn, data)

    def _on_week(self, turn: _Turn, arg: str) -> Reply:
        week = _parse_day(arg)
        if week is None:
            return self._show_current(turn)
        first, last = self.screens.bookable_range(turn.now)
        data = turn.open_draft.copy_data()
        data["week"] = monday_of(max(min(week, last), first)).isoformat()
        return self._advance(turn, data)

    def _on_day(self, turn: _Turn, arg: str) -> Reply:
        day = _parse_day(arg)
        data = turn.open_draft.copy_data()
        if day is None or not self.screens.slots_on(
            str(data["service"]), day, now=turn.now, patient_id=turn.patient_id
        ):
            shown = date_short(day) if day else ""
            turn.notes.append(self.texts.html("book_day_full", day=shown))
            return self._show_current(turn)
        data["day"] = day.isoformat()
        data.pop("start", None)
        data.pop("offered", None)
        return self._advance(turn, data)

    def _on_time(self, turn: _Turn, arg: str) -> Reply:
        start = _from_minutes(arg)
        data = turn.open_draft.copy_data()
        service = str(data["service"])
        free = (
            self.screens.slots_on(
                service, local_day(start, self.tz), now=turn.now, patient_id=turn.patient_id
            )
            if start is not None
            else []
        )
        if start is None or not any(slot.start == start for slot in free):
            if start is not None and data.get("offered"):
                # The list offered after a clash is stale too: offer the next free times afresh.
                return self._offer_next(turn, start, taken=True)
            turn.notes.append(self.texts.html("book_time_gone"))
            return self._show_current(turn)
        data["start"] = start.isoformat()
        data["day"] = local_day(start, self.tz).isoformat()
        data.pop("offered", None)
        return self._advance(turn, data)

    def choose_time_from_web(self, who: Who, *, start: datetime) -> tuple[WebChoice, Reply]:
        """A time chosen in the Mini App: as if its button had been pressed in the chat.

        The reply answers no update, so the runtime sends all of it as new messages.
        """
        turn = self._turn(who)
        if turn is None:
            return WebChoice.NO_CONSENT, Reply()
        draft = turn.draft
        if (
            draft is None
            or not draft.active(turn.now)
            or draft.step not in WEB_STEPS
            or "service" not in draft.data
        ):
            return WebChoice.NOT_NOW, Reply()
        data = draft.copy_data()
        free = self.screens.slots_on(
            str(data["service"]),
            local_day(start, self.tz),
            now=turn.now,
            patient_id=turn.patient_id,
        )
        if not any(slot.start == start for slot in free):
            # Offered as after a clash in the chat, at the time step (from the calendar too).
            data["day"] = local_day(start, self.tz).isoformat()
            turn.draft = replace(draft, data=data)
            reply = self._offer_next(turn, start, taken=True)
            if reply.toast is not None:
                return WebChoice.NOT_NOW, Reply()
            return WebChoice.TAKEN, reply
        data["start"] = start.isoformat()
        data["day"] = local_day(start, self.tz).isoformat()
        data.pop("offered", None)
        turn.notes.append(self.texts.html("book_mini_app_chosen", when=when_long(start, self.tz)))
        reply = self._advance(turn, data, send=True)
        if reply.toast is not None:
            # Another update moved the draft first: that one has answered in the chat.
            return WebChoice.NOT_NOW, Reply()
        return WebChoice.CHOSEN, reply

    def _on_other_days(self, turn: _Turn, arg: str) -> Reply:
        data = turn.open_draft.copy_data()
        for key in ("day", "start", "offered"):
            data.pop(key, None)
        return self._advance(turn, data)

    def _on_screening(self, turn: _Turn, arg: str) -> Reply:
        answer = ANSWERS.get(arg)
        data = turn.open_draft.copy_data()
        screening = dict(data.get("screening") or {})
        if answer is None or len(screening) >= len(SCREENING_CODES):
            return self._show_current(turn)
        screening[SCREENING_CODES[len(screening)]] = answer.value
        data["screening"] = screening
        return self._advance(turn, data)

    def _on_no_medicines(self, turn: _Turn, arg: str) -> Reply:
        data = turn.open_draft.copy_data()
        data["medicines"] = self.texts.plain("book_medicines_none")
        return self._advance(turn, data)

    def _on_pain(self, turn: _Turn, arg: str) -> Reply:
        if not arg.isdigit() or not 0 <= int(arg) <= 10:
            return self._show_current(turn)
        data = turn.open_draft.copy_data()
        now_asked = turn.open_draft.step is DraftStep.PAIN_NOW
        data["pain_now" if now_asked else "pain_average"] = int(arg)
        return self._advance(turn, data)

    def _on_driver(self, turn: _Turn, arg: str) -> Reply:
        answer = ANSWERS.get(arg)
        if answer is None:
            return self._show_current(turn)
        data = turn.open_draft.copy_data()
        data["driver"] = answer.value
        return self._advance(turn, data)

    def _on_sms(self, turn: _Turn, arg: str) -> Reply:
        if arg not in {"y", "n"}:
            return self._show_current(turn)
        data = turn.open_draft.copy_data()
        data["sms"] = arg == "y"
        return self._advance(turn, data)

    def _on_name(self, turn: _Turn, text: str) -> Reply:
        try:
            name = clean_patient_name(text)
        except InvalidPatientName:
            return self._again(turn, "book_name_invalid", max=MAX_NAME_CHARS)
        data = turn.open_draft.copy_data()
        data["name"] = name
        return self._advance(turn, data, send=True)

    def _on_phone(self, turn: _Turn, text: str) -> Reply:
        """A typed number is a claim: text it a code, never saying whether a record holds it."""
        try:
            phone = normalize_phone(text, region=self.profile.clinic.phone_region)
        except InvalidPhone as exc:
            button = self.texts.plain("book_share_phone")
            return self._again(
                turn, "book_phone_invalid", reason=self._phone_reason(exc), button=button
            )
        if phone == turn.patient.phone_e164 and turn.patient.phone_verified_at is not None:
            return self._phone_settled(turn, phone, verified=True, key="book_phone_saved")
        if not self.sms_available():
            return self._phone_settled(turn, phone, verified=False)
        data = turn.open_draft.copy_data()
        for key in ("phone", "phone_verified"):
            data.pop(key, None)
        data["phone_claim"] = phone
        result = self._request_code(turn, phone)
        reply = self._advance(turn, data, send=True)
        return replace(reply, changed=result.outcome is CodeOutcome.SENT)

    def _on_code(self, turn: _Turn, text: str) -> Reply:
        """The code typed back: the number is proved, or say what went wrong."""
        data = turn.open_draft.copy_data()
        phone = str(data.get("phone_claim") or "")
        code = as_code(text)
        if code is None:
            pressed = self._typed_button(turn, text)
            if pressed is not None:
                return self.press(
                    turn.who, verb=pressed.verb, version=pressed.version, arg=pressed.arg
                )
            return self._again(turn, "book_phone_code_format")
        with self.db.session() as session:
            result = check_code(
                session,
                patient_id=turn.patient_id,
                telegram_user_id=turn.who.user_id,
                phone=phone,
                code=code,
                now=turn.now,
            )
        if result.outcome is CodeOutcome.VERIFIED:
            return self._phone_proved(turn, phone, via=Verified.CODE)
        key, values = self._code_note(result, phone)
        return self._again(turn, key, **values)

    def _on_code_button(self, turn: _Turn, arg: str) -> Reply:
        data = turn.open_draft.copy_data()
        phone = str(data.get("phone_claim") or "")
        if arg == "r" and phone:
            result = self._request_code(turn, phone)
            sent = result.outcome is CodeOutcome.SENT
            return replace(Reply((self._current(turn),)), changed=sent)
        if arg == "o":
            for key in ("phone", "phone_claim", "phone_verified"):
                data.pop(key, None)
            return self._advance(turn, data, send=True)
        if arg == "s" and phone:
            return self._phone_settled(turn, phone, verified=False)
        return self._show_current(turn)

    def _request_code(self, turn: _Turn, phone: str) -> CodeResult:
        with self.db.session() as session:
            result = request_code(
                session,
                patient_id=turn.patient_id,
                telegram_user_id=turn.who.user_id,
                phone=phone,
                now=turn.now,
            )
        if result.outcome is CodeOutcome.SENT:
            turn.notes.append(self._sent_note(phone))
        else:
            key, values = self._code_note(result, phone)
            turn.notes.append(self.texts.html(key, **values))
        return result

    def _sent_note(self, phone: str) -> str:
        minutes = int(CODE_VALID_FOR.total_seconds() // 60)
        return self.texts.html("book_phone_code_sent", phone=phone, minutes=minutes)

    def _code_note(self, result: CodeResult, phone: str) -> tuple[str, dict[str, object]]:
        """The text key and values that tell the person what happened to their code."""
        resend = self.texts.plain("book_phone_code_resend")
        until = when_long(result.until, self.tz) if result.until is not None else ""
        minutes = int(CODE_VALID_FOR.total_seconds() // 60)
        outcome = result.outcome
        if outcome is CodeOutcome.WRONG:
            word = "book_phone_code_try" if result.tries_left == 1 else "book_phone_code_tries"
            return "book_phone_code_wrong", {
                "tries": result.tries_left,
                "tries_word": self.texts.plain(word),
            }
        if outcome is CodeOutcome.EXPIRED:
            return "book_phone_code_expired", {"minutes": minutes, "button": resend}
        if outcome is CodeOutcome.LOCKED:
            return "book_phone_code_locked", {"until": until}
        if outcome is CodeOutcome.TOO_SOON:
            return "book_phone_code_too_soon", {"button": resend}
        if outcome is CodeOutcome.TOO_MANY:
            return "book_phone_code_too_many", {"until": until}
        if outcome is CodeOutcome.OTHER_NUMBER:
            return "book_phone_code_other_number", {"phone": phone}
        if outcome is CodeOutcome.OTHER_ACCOUNT:
            return "book_phone_code_other_account", {}
        return "book_phone_code_none", {"phone": phone, "button": resend}

    def _phone_proved(self, turn: _Turn, phone: str, *, via: Verified) -> Reply:
        """The number is the sender's: it may join their record to one holding it, and is theirs.

        Whether another record holds it is never said: the reply is the same either way.
        """
        data = turn.open_draft.copy_data()
        self._link_own_phone(turn, phone, name=str(data.get("name") or ""))
        with self.db.session() as session:
            patient = session.get(Patient, turn.patient_id)
            if patient is not None:
                apply_verified(
                    session,
                    patient=patient,
                    phone=phone,
                    via=via,
                    actor=f"patient:{patient.id}",
                    now=turn.now,
                )
                session.flush()
                session.refresh(patient)
                session.expunge(patient)
                turn.patient = patient
        key = "book_phone_confirmed" if via is Verified.CODE else "book_phone_saved"
        return self._phone_settled(turn, phone, verified=True, key=key)

    def _phone_settled(
        self, turn: _Turn, phone: str, *, verified: bool, key: str = "book_phone_unconfirmed"
    ) -> Reply:
        """Note the number (proved or not) and move on; an unproved one never gets texts."""
        data = turn.open_draft.copy_data()
        data.pop("phone_claim", None)
        data["phone"] = phone
        data["phone_verified"] = verified
        if not verified:
            data["sms"] = False
        saved = Screen(self.texts.html(key, phone=phone), clear_keyboard=True)
        return self._advance(turn, data, send=True, before=(saved,))

    def _on_medicines(self, turn: _Turn, text: str) -> Reply:
        answer = clean_free_text(text)
        if not answer:
            return self._again(turn, "book_use_buttons")
        if len(answer) > MAX_MEDICINES:
            return self._again(turn, "book_medicines_too_long", max=MAX_MEDICINES)
        data = turn.open_draft.copy_data()
        data["medicines"] = answer
        return self._advance(turn, data, send=True)

    def _on_change(self, turn: _Turn, arg: str) -> Reply:
        if arg not in _CHANGES:
            return self._show_current(turn)
        data = turn.open_draft.copy_data()
        data["changing"] = arg == ""
        for key in _CHANGES[arg]:
            data.pop(key, None)
        return self._advance(turn, data)

    def _on_keep(self, turn: _Turn, arg: str) -> Reply:
        """Abandon a reschedule: the appointment stays as it was."""
        draft = turn.open_draft
        self.drafts.finish(draft, now=turn.now)
        appointment = self._own_appointment(turn, int(draft.data.get("appointment_id", 0)))
        if appointment is None:
            return Reply(edit=Screen(self.texts.html("book_stopped")))
        return Reply(edit=self.screens.kept(appointment))

    def _on_stop(self, turn: _Turn, arg: str) -> Reply:
        self.drafts.finish(turn.open_draft, now=turn.now)
        stopped = self.texts.html("book_stopped")
        return Reply(edit=self.screens.menu(turn.patient, lead=stopped))

    def _on_resume(self, turn: _Turn, arg: str) -> Reply:
        return self._show_current(turn)

    def _on_restart(self, turn: _Turn, arg: str) -> Reply:
        return Reply(edit=self._new_booking(turn, expired=False))

    def _on_confirm(self, turn: _Turn, arg: str) -> Reply:
        draft = turn.open_draft
        if next_step(draft.flow, draft.data, self.profile) is not DraftStep.SUMMARY:
            return self._advance(turn, draft.copy_data())
        if draft.flow == BOOK:
            repaired = self._repaired_answers(turn, draft.copy_data())
            if repaired is not None:
                return self._advance(turn, repaired)
        # Claim this confirmation first: of many simultaneous taps, one books and answers.
        claimed = self.drafts.save(
            draft, step=DraftStep.SUMMARY, data=draft.copy_data(), now=turn.now
        )
        if claimed is None:
            return Reply(toast=self.texts.plain("book_toast_noted"))
        turn.draft = claimed
        if claimed.flow == SCREEN:
            return self._send_screening(turn, claimed)
        start = datetime.fromisoformat(str(claimed.data["start"]))
        try:
            appointment = self._book(turn, claimed, start)
        except SlotTaken:
            if _answers_offer(claimed, start):
                # The offered time went to someone faster: they keep their place on the list.
                self.drafts.finish(claimed, now=turn.now)
                return Reply(edit=self._offer_lapsed(turn, OfferLapsed("gone"), start))
            return self._offer_next(turn, start, taken=True)
        except PatientBusy:
            return self._offer_next(turn, start, taken=False, key="book_patient_busy")
        except InvalidSlot:
            return self._offer_next(turn, start, taken=False)
        except NotApproved:
            data = claimed.copy_data()
            for stale in ("service", "day", "start", "week"):
                data.pop(stale, None)
            turn.notes.append(self.texts.html("book_not_approved"))
            return self._advance(turn, data)
        except TooLateToCancel:
            self.drafts.finish(claimed, now=turn.now)
            return Reply(edit=self.screens.too_late())
        except OfferLapsed as lapsed:
            # The waitlist offer these answers were for went meanwhile: they keep their place.
            self.drafts.finish(claimed, now=turn.now)
            return Reply(edit=self._offer_lapsed(turn, lapsed, start), changed=True)
        except (AppointmentNotActive, AppointmentNotFound):
            self.drafts.finish(claimed, now=turn.now)
            return self._appointments_gone(turn)
        log.info("appointment %s booked from chat draft %s", appointment.id, claimed.id)
        return self._confirmation(appointment, moved=claimed.flow == RESCHEDULE)

    def _book(self, turn: _Turn, draft: Draft, start: datetime) -> Appointment:
        actor = f"patient:{turn.patient_id}"
        if draft.flow == RESCHEDULE:
            return self.booking.reschedule(
                appointment_id=int(draft.data["appointment_id"]),
                new_start=start,
                actor=actor,
                request_key=request_key(draft),
            )
        return self.booking.book(
            patient_id=turn.patient_id,
            service=str(draft.data["service"]),
            start=start,
            actor=actor,
            request_key=request_key(draft),
        )

    def _send_screening(self, turn: _Turn, draft: Draft) -> Reply:
        """Record the health answers on the patient's record and tell staff, once."""
        patient_id = turn.patient_id
        with self.db.session() as session:
            count = record_screening(
                session, patient_id, draft.data, appointment_id=None, now=turn.now
            )
            audit(
                session,
                at=turn.now,
                actor=f"patient:{patient_id}",
                action="screening.answered",
                subject=f"patient:{patient_id}",
                detail={"answers": count, "draft": draft.id},
            )
            enqueue(
                session,
                kind=OutboxKind.STAFF_NOTICE,
                channel=Channel.STAFF,
                due_at=turn.now,
                dedupe_key=f"staff:screening:{patient_id}:{draft.id}:{draft.version}",
                now=turn.now,
                patient_id=patient_id,
                payload={"event": "message", "html": self._screening_notice(turn, draft)},
            )
        self.drafts.finish(draft, now=turn.now)
        log.info("screening answers recorded for patient %s from draft %s", patient_id, draft.id)
        thanks = self.texts.html("screen_sent")
        return Reply(edit=self.screens.menu(turn.patient, lead=thanks), changed=True)

    def _screening_notice(self, turn: _Turn, draft: Draft) -> str:
        answers = dict(draft.data.get("screening") or {})
        return screening_notice_html(
            self.texts, name=turn.patient.name, patient_id=turn.patient_id, answers=answers
        )

    def _offer_lapsed(self, turn: _Turn, lapsed: OfferLapsed, start: datetime) -> Screen:
        offer_id = turn.open_draft.data.get(OFFER_KEY)
        with self.db.session(write=False) as session:
            offer = session.get(WaitlistOffer, offer_id) if isinstance(offer_id, int) else None
            deadline = offer.expires_at if offer is not None else start
        if lapsed.reason == "gone":
            text = self.texts.html("wl_gone")
        else:
            when = same_day_time(deadline, now=turn.now, tz=self.tz)
            text = self.texts.html("wl_too_late", deadline=when)
        return self.screens.menu(turn.patient, lead=text)

    def _offer_next(
        self, turn: _Turn, start: datetime, *, taken: bool, key: str | None = None
    ) -> Reply:
        """The chosen time went: say so and offer the next free ones."""
        data = turn.open_draft.copy_data()
        following = self.booking.next_free(
            service=str(data["service"]), count=OFFERED_TIMES, for_patient=turn.patient_id
        )
        data.pop("start", None)
        key = key or ("book_slot_taken" if taken else "book_slot_unavailable")
        turn.notes.append(self.texts.html(key, when=when_long(start, self.tz)))
        if following:
            data["offered"] = [int(minutes_arg(slot.start)) for slot in following]
        else:
            data.pop("day", None)
            data.pop("week", None)
        return self._advance(turn, data)

    def _confirmation(self, appointment: Appointment, *, moved: bool) -> Reply:
        root, sequence = self._reschedule_root(appointment)
        confirmation, calendar = self.screens.confirmation(
            appointment, moved=moved, root=root, sequence=sequence, now=self.clock.now()
        )
        return Reply((calendar,), edit=confirmation, changed=True)

    # --- moving the draft ----------------------------------------------------------------

    def _advance(
        self,
        turn: _Turn,
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

    def _new_booking(self, turn: _Turn, *, expired: bool) -> Screen:
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

    def _begin_reschedule(self, turn: _Turn, appointment: Appointment) -> Screen:
        data = {
            "appointment_id": appointment.id,
            "service": appointment.service,
            "was": appointment.starts_at.isoformat(),
        }
        self._begin(turn, flow=RESCHEDULE, data=data)
        return self._current(turn)

    def _begin(self, turn: _Turn, *, flow: str, data: dict[str, Any]) -> None:
        step = self._prepare(flow, data)
        turn.draft = self.drafts.begin(
            user_id=turn.who.user_id,
            patient_id=turn.patient_id,
            flow=flow,
            step=step,
            data=data,
            now=turn.now,
        )

    def _current(self, turn: _Turn) -> Screen:
        """The prompt for the step the draft is at, with this turn's notes on top."""
        screen = self.screens.step(turn.open_draft, turn.patient, now=turn.now)
        notes, turn.notes = turn.notes, []
        return screen.under("\n\n".join(notes))

    def _show_current(self, turn: _Turn) -> Reply:
        return Reply(edit=self._current(turn))

    def _again(self, turn: _Turn, key: str, **values: object) -> Reply:
        """Ask the current step again, as a new message, under a kind note."""
        turn.notes.append(self.texts.html(key, **values))
        return Reply((self._current(turn),))

    # --- look-ups ------------------------------------------------------------------------

    def _turn(self, who: Who) -> _Turn | None:
        """Load the patient and draft; None when the patient has not agreed to chat here."""
        now = self.clock.now()
        # One query for both: this runs for every update, so it is kept cheap.
        with self.db.engine.connect() as connection:
            found = connection.execute(
                _TURN, {"user_id": who.user_id, "address": str(who.user_id)}
            ).one_or_none()
        if found is None:
            return None
        values = found._mapping
        patient = Patient(**{name: values[name] for name in _PATIENT_FIELDS})
        if patient.erased_at is not None or patient.telegram_consent_at is None:
            return None
        return _Turn(who=who, patient=patient, draft=snapshot_columns(values), now=now)

    def _lost(self, who: Who, lead: str, *, patient: Patient | None = None) -> Reply:
        """Something we can't act on: say so, then show where the person can go from here."""
        now = self.clock.now()
        patient = patient or self._find_patient(who)
        if patient is None or patient.telegram_consent_at is None:
            return Reply((self.screens.consent(lead=lead),))
        draft = self.drafts.load(who.user_id)
        if draft is not None and draft.active(now):
            turn = _Turn(who=who, patient=patient, draft=draft, now=now, notes=[lead])
            return Reply((self._current(turn),))
        return Reply((self.screens.menu(patient, lead=lead),))

    def _consent_needed(self) -> Reply:
        lead = self.texts.html("start_consent_needed")
        return Reply((self.screens.consent(lead=lead),))

    def _idle_note(self, turn: _Turn) -> str:
        if turn.draft is not None and turn.draft.expired(turn.now):
            return self.texts.html("book_draft_cleared")
        return self.texts.html("book_nothing_to_do")

    def _appointments_screen(self, turn: _Turn) -> Screen:
        with self.db.session(write=False) as session:
            upcoming = list(
                session.exec(
                    select(Appointment)
                    .where(col(Appointment.patient_id) == turn.patient.id)
                    .where(col(Appointment.status) == AppointmentStatus.BOOKED)
                    .where(col(Appointment.starts_at) > turn.now)
                    .order_by(col(Appointment.starts_at))
                    .limit(UPCOMING_SHOWN)
                ).all()
            )
        return self.screens.appointments(upcoming, turn.patient)

    def _appointments_gone(self, turn: _Turn) -> Reply:
        gone = self.texts.html("appts_gone")
        return Reply((self._appointments_screen(turn).under(gone),))

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

    def _own_appointment(self, turn: _Turn, appointment_id: int) -> Appointment | None:
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

    def _refused_late(self, appointment: Appointment, now: datetime) -> bool:
        policy = self.profile.booking.late_cancellation_policy
        return policy == "refuse" and self.booking.is_late(appointment, now=now)

    def _repaired_answers(self, turn: _Turn, data: dict[str, Any]) -> dict[str, Any] | None:
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

    def _link_own_phone(self, turn: _Turn, phone: str, *, name: str) -> None:
        """Join this chat to the record holding `phone`, proved to be the sender's.

        Proved by a contact Telegram says is theirs, or by the code texted to it.

        Only when it is safe: that record has no Telegram account of its own (two accounts
        claiming one number is for staff to sort out) and no other name than the one typed (a
        number can pass to a new owner), and this chat's record is still an empty shell (nothing
        booked or answered). Then the chat moves onto the phone's record, with its appointments
        and consents, and the shell is removed. Otherwise nothing changes here and the booking
        raises a duplicate-record task for staff.
        """
        try:
            with self.db.session() as session:
                owner = patient_by_phone(session, phone)
                shell = session.get(Patient, turn.patient_id)
                if owner is None or shell is None or owner.id == shell.id:
                    return
                if not _may_take_over(session, owner=owner, shell=shell, name=name):
                    return
                user_id, chat_id = shell.telegram_user_id, shell.telegram_chat_id
                consent_at = shell.telegram_consent_at
                # The Telegram id is unique: it must leave the shell before the owner takes it.
                shell.telegram_user_id = None
                shell.telegram_chat_id = None
                session.flush()
                owner.telegram_user_id, owner.telegram_chat_id = user_id, chat_id
                owner.telegram_consent_at = consent_at
                owner.telegram_blocked_at = None
                owner.preferred_channel = Channel.TELEGRAM
                session.execute(
                    update(BookingDraft)
                    .where(col(BookingDraft.patient_id) == shell.id)
                    .values(patient_id=owner.id)
                )
                session.flush()
                session.delete(shell)
                audit(
                    session,
                    at=turn.now,
                    actor=f"patient:{owner.id}",
                    action="patient.telegram_linked",
                    subject=f"patient:{owner.id}",
                    detail={
                        "from": f"patient:{shell.id}",
                        "via": "shared_contact",
                        "telegram_consent_at": consent_at,
                    },
                )
        except (IntegrityError, StaleDataError):
            # A simultaneous update (a double tap) linked or changed the records first.
            return
        log.info("telegram chat of patient %s moved onto patient %s", shell.id, owner.id)
        turn.patient = owner


def _answers_offer(draft: Draft, start: datetime) -> bool:
    """Whether a booking draft is the answer to a waitlist offer of `start` (not re-chosen)."""
    return (
        isinstance(draft.data.get(OFFER_KEY), int) and draft.data.get("start") == start.isoformat()
    )


def clean_free_text(raw: str) -> str:
    """The typed answer without NUL, other control characters or lone surrogates, trimmed."""
    # PostgreSQL refuses NUL in text and UTF-8 can't hold a lone surrogate; lines and tabs stay.
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    kept = (ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    return "".join(kept).strip()


def _may_take_over(session: Session, *, owner: Patient, shell: Patient, name: str) -> bool:
    """Whether the chat's record `shell` may move onto the phone record `owner` unattended."""
    if owner.telegram_user_id is not None or owner.erased_at is not None:
        return False
    if owner.name is not None and _comparable(owner.name) != _comparable(name):
        return False
    if shell.phone_e164 is not None or shell.approved_at is not None:
        return False
    return all(
        session.exec(select(column).where(column == shell.id).limit(1)).first() is None
        for column in _HISTORY
    )


def _comparable(name: str) -> str:
    return " ".join(name.casefold().split())


def _parse_day(text: str) -> date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _from_minutes(text: str) -> datetime | None:
    if not text.isdigit() or len(text) > 12:
        return None
    return datetime.fromtimestamp(int(text) * 60, UTC)
