"""The booking flow's steps: service, week, day, time (also from the Mini App), the health
questions, name, the summary with Change / Keep / Confirm, and the booking itself."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, date, datetime
from enum import StrEnum

from bot.db.models import (
    Appointment,
    WaitlistOffer,
)
from bot.domain.availability import local_day
from bot.domain.enums import Channel, DraftStep, OutboxKind
from bot.domain.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    InvalidSlot,
    NotApproved,
    PatientBusy,
    SlotTaken,
    TooLateToCancel,
)
from bot.domain.screening import SCREENING_CODES
from bot.presentation.chat_replies import Reply, Screen, Who
from bot.presentation.formatting import date_short, same_day_time, when_long
from bot.services.audit import audit
from bot.services.booking_phone import FlowPhone
from bot.services.booking_screens import minutes_arg, monday_of
from bot.services.booking_turn import MAX_MEDICINES, Turn, clean_free_text
from bot.services.drafts import (
    ANSWERS,
    BOOK,
    HEALTH_KEYS,
    RESCHEDULE,
    SCREEN,
    Draft,
    next_step,
    record_screening,
    request_key,
)
from bot.services.outbox import enqueue
from bot.services.routing import MAX_NAME_CHARS, InvalidPatientName, clean_patient_name
from bot.services.screening_notice import screening_notice_html
from bot.services.waitlist_intake import OFFER_KEY, OfferLapsed

log = logging.getLogger(__name__)


class BookingSteps(FlowPhone):
    """The steps of a booking draft, each answering one button or typed reply."""

    def _on_service(self, turn: Turn, arg: str) -> Reply:
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

    def _on_week(self, turn: Turn, arg: str) -> Reply:
        week = _parse_day(arg)
        if week is None:
            return self._show_current(turn)
        first, last = self.screens.bookable_range(turn.now)
        data = turn.open_draft.copy_data()
        data["week"] = monday_of(max(min(week, last), first)).isoformat()
        return self._advance(turn, data)

    def _on_day(self, turn: Turn, arg: str) -> Reply:
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

    def _on_time(self, turn: Turn, arg: str) -> Reply:
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

    def _on_other_days(self, turn: Turn, arg: str) -> Reply:
        data = turn.open_draft.copy_data()
        for key in ("day", "start", "offered"):
            data.pop(key, None)
        return self._advance(turn, data)

    def _on_screening(self, turn: Turn, arg: str) -> Reply:
        answer = ANSWERS.get(arg)
        data = turn.open_draft.copy_data()
        screening = dict(data.get("screening") or {})
        if answer is None or len(screening) >= len(SCREENING_CODES):
            return self._show_current(turn)
        screening[SCREENING_CODES[len(screening)]] = answer.value
        data["screening"] = screening
        return self._advance(turn, data)

    def _on_no_medicines(self, turn: Turn, arg: str) -> Reply:
        data = turn.open_draft.copy_data()
        data["medicines"] = self.texts.plain("book_medicines_none")
        return self._advance(turn, data)

    def _on_pain(self, turn: Turn, arg: str) -> Reply:
        if not arg.isdigit() or not 0 <= int(arg) <= 10:
            return self._show_current(turn)
        data = turn.open_draft.copy_data()
        now_asked = turn.open_draft.step is DraftStep.PAIN_NOW
        data["pain_now" if now_asked else "pain_average"] = int(arg)
        return self._advance(turn, data)

    def _on_driver(self, turn: Turn, arg: str) -> Reply:
        answer = ANSWERS.get(arg)
        if answer is None:
            return self._show_current(turn)
        data = turn.open_draft.copy_data()
        data["driver"] = answer.value
        return self._advance(turn, data)

    def _on_sms(self, turn: Turn, arg: str) -> Reply:
        if arg not in {"y", "n"}:
            return self._show_current(turn)
        data = turn.open_draft.copy_data()
        data["sms"] = arg == "y"
        return self._advance(turn, data)

    def _on_name(self, turn: Turn, text: str) -> Reply:
        try:
            name = clean_patient_name(text)
        except InvalidPatientName:
            return self._again(turn, "book_name_invalid", max=MAX_NAME_CHARS)
        data = turn.open_draft.copy_data()
        data["name"] = name
        return self._advance(turn, data, send=True)

    def _on_medicines(self, turn: Turn, text: str) -> Reply:
        answer = clean_free_text(text)
        if not answer:
            return self._again(turn, "book_use_buttons")
        if len(answer) > MAX_MEDICINES:
            return self._again(turn, "book_medicines_too_long", max=MAX_MEDICINES)
        data = turn.open_draft.copy_data()
        data["medicines"] = answer
        return self._advance(turn, data, send=True)

    def _on_change(self, turn: Turn, arg: str) -> Reply:
        if arg not in _CHANGES:
            return self._show_current(turn)
        data = turn.open_draft.copy_data()
        data["changing"] = arg == ""
        for key in _CHANGES[arg]:
            data.pop(key, None)
        return self._advance(turn, data)

    def _on_keep(self, turn: Turn, arg: str) -> Reply:
        """Abandon a reschedule: the appointment stays as it was."""
        draft = turn.open_draft
        self.drafts.finish(draft, now=turn.now)
        appointment = self._own_appointment(turn, int(draft.data.get("appointment_id", 0)))
        if appointment is None:
            return Reply(edit=Screen(self.texts.html("book_stopped")))
        return Reply(edit=self.screens.kept(appointment))

    def _on_stop(self, turn: Turn, arg: str) -> Reply:
        self.drafts.finish(turn.open_draft, now=turn.now)
        stopped = self.texts.html("book_stopped")
        return Reply(edit=self.screens.menu(turn.patient, lead=stopped))

    def _on_resume(self, turn: Turn, arg: str) -> Reply:
        return self._show_current(turn)

    def _on_restart(self, turn: Turn, arg: str) -> Reply:
        return Reply(edit=self._new_booking(turn, expired=False))

    def _on_confirm(self, turn: Turn, arg: str) -> Reply:
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

    def _book(self, turn: Turn, draft: Draft, start: datetime) -> Appointment:
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

    def _send_screening(self, turn: Turn, draft: Draft) -> Reply:
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

    def _screening_notice(self, turn: Turn, draft: Draft) -> str:
        answers = dict(draft.data.get("screening") or {})
        return screening_notice_html(
            self.texts, name=turn.patient.name, patient_id=turn.patient_id, answers=answers
        )

    def _offer_lapsed(self, turn: Turn, lapsed: OfferLapsed, start: datetime) -> Screen:
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
        self, turn: Turn, start: datetime, *, taken: bool, key: str | None = None
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


OFFERED_TIMES = 4


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


# The steps at which the Mini App's calendar stands in for the chat's day and time buttons.
WEB_STEPS = frozenset({DraftStep.DATE, DraftStep.TIME})


class WebChoice(StrEnum):
    """What became of a time chosen in the Mini App."""

    CHOSEN = "chosen"  # in the draft; the chat goes on to the next step
    TAKEN = "taken"  # no longer free: the chat offers the next free times
    NO_CONSENT = "no_consent"  # no patient here, or one who has not agreed to messages
    NOT_NOW = "not_now"  # no booking waiting for a day or time (it moved on, or never began)


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


def _answers_offer(draft: Draft, start: datetime) -> bool:
    """Whether a booking draft is the answer to a waitlist offer of `start` (not re-chosen)."""
    return (
        isinstance(draft.data.get(OFFER_KEY), int) and draft.data.get("start") == start.isoformat()
    )
