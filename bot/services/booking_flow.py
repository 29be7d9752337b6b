"""The patient's journey in a chat: consent, the booking draft state machine, and appointments.

Every choice lives in the `BookingDraft` row (`bot.services.drafts`), whose version grows with
each step: a restart loses nothing, and buttons from older prompts are recognised. Each entry
point handles one kind of update and returns a `Reply` the Telegram handlers render.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.db.engine import Database
from bot.db.models import (
    Patient,
    WaitlistEntry,
    WaitlistOffer,
)
from bot.domain.availability import local_day
from bot.domain.callback_data import BookingVerb
from bot.domain.clock import Clock
from bot.domain.enums import DraftStep
from bot.domain.language import Language, language_from_code
from bot.presentation.chat_replies import Reply, Screen, Who
from bot.presentation.formatting import same_day_time
from bot.profile import ClinicProfile
from bot.services.appointment_actions import AppointmentActions
from bot.services.audit import audit
from bot.services.booking import BookingService
from bot.services.booking_screens import BookingScreens
from bot.services.booking_turn import Turn
from bot.services.drafts import (
    BOOK,
    SCREEN,
    DraftStore,
    next_step,
    recorded_answers,
)
from bot.services.patients import (
    choose_language,
)
from bot.services.waitlist_intake import OFFER_KEY, hold_offer
from bot.texts import Texts
from bot.texts.i18n import current_language, use_language

__all__ = ["BookingFlow", "Reply", "Screen", "Who"]

log = logging.getLogger(__name__)

# A press on the prompt just answered, this soon after, is a double tap: acknowledge it quietly.
DOUBLE_TAP = timedelta(seconds=10)
_ALL_OPEN_STEPS = frozenset(DraftStep) - {DraftStep.DONE}


_Step = Callable[[Turn, str], Reply]


class BookingFlow(AppointmentActions):
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

    # --- my appointments -----------------------------------------------------------------

    # --- steps -------------------------------------------------------------------------

    # --- moving the draft ----------------------------------------------------------------

    # --- look-ups ------------------------------------------------------------------------
