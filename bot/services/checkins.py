"""The check-in conversation after a treatment session (CLINICAL.md sections 3 and 4).

A check-in is a `CheckIn` row planned by the aftercare service with a CHECKIN outbox row. When
that row goes out, its renderer opens the check-in: it fixes the question list (safety screen
first; PHQ-9 instead of PHQ-2 after a positive PHQ-2), plans one nudge, and shows the intro, the
emergency notice and the first question. Every answer is stored once, evaluated for red flags at
once (a flag is escalated before the next question), may add follow-up questions (C-SSRS), and the
last one closes the check-in with thanks and its scores in the audit log. No reply: one nudge
after the profile's delay, then a staff task (not an emergency). Nothing goes to the patient in
the check-in quiet hours: a message that falls there waits for the morning, except the
evening safety check-in, which goes at any hour inside its window (issue 11 item 5).

By SMS the check-in asks only what a lock screen may show: the safety screen in plain words that
pass the SMS policy (the urgent signs together in one question, then each other one in the
profile's own words when they are SMS-safe), and one 0-10 score in neutral words. A Yes whose follow-up questions cannot be asked
by SMS is paged as urgent. The SMS service hands open-check-in replies to `answer_sms` while a
BookingDraft with flow "checkin" is open for the phone number.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import (
    Appointment,
    BookingDraft,
    CheckIn,
    CheckInAnswer,
    Escalation,
    Outbox,
    Patient,
    ScreeningAnswer,
    StaffTask,
)
from bot.domain.callback_data import CheckinAnswer
from bot.domain.checkins import (
    PERIOD_PLACEHOLDER,
    PHQ2_SET,
    PHQ9_SET,
    SAFETY_SET,
    CheckinCatalog,
    EveningSlot,
    InvalidAnswer,
    Option,
    Question,
    QuestionKind,
    RuleMatch,
    in_quiet_hours,
    nudge_due,
    peg_score,
    phq2_total,
    phq9_due_next,
    phq9_total,
    questions_for,
    staff_task_due,
)
from bot.domain.clock import Clock
from bot.domain.enums import (
    AppointmentStatus,
    Channel,
    DraftStep,
    EscalationLevel,
    OutboxKind,
    OutboxStatus,
)
from bot.domain.errors import ConfigError
from bot.domain.outcomes import PainReport, baseline_pain, percent_reduction
from bot.domain.redflags import RedFlag, evaluate_answer
from bot.domain.refs import appointment_ref
from bot.domain.sms_keywords import Inbound, InboundKind
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.domain.typed_answers import matching_label
from bot.messaging.channels import Button, OutgoingMessage
from bot.profile import ClinicProfile, ServiceKind
from bot.services.audit import audit
from bot.services.escalation import EscalationService
from bot.services.formatting import when_long
from bot.services.outbox import cancel_pending, enqueue
from bot.services.patients import patient_by_telegram
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.services.staff_notices import called_row, patient_line
from bot.texts import Texts, profile_texts
from bot.texts.checkins import DEFAULTS as CHECKIN_TEXTS
from bot.texts.escalations import DEFAULTS as ESCALATION_TEXTS

log = logging.getLogger(__name__)

# The combined SMS question "any of the URGENT warning signs 1-3?" is stored under this code.
SMS_SIGNS = "SMS_SAFE"
# By SMS, the pre-session check's Yes/No items are one question in words a lock screen may show,
# stored under this code; a Yes raises what a Yes to any of them raises (staff call the patient).
SMS_PRESESSION = "SMS_PS"
# The SMS service routes replies to `answer_sms` while a draft of this flow is open.
FLOW_CHECKIN = "checkin"
# How long a text reply still counts as an answer; later a "Y" means what it means elsewhere.
SMS_ANSWER_WINDOW = timedelta(hours=48)
# The screening answer (average pain over the last week, 0-10) that sets baseline pain.
# The booking flow stores screening S11 "average pain" under this code (bot/services/drafts.py).
BASELINE_SCREENING_CODE = "S11_avg"
TASK_KIND = "checkin_missed"


class CheckinStatus(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    DONE = "done"
    MISSED = "missed"  # no reply (staff task), or a newer check-in went out; answers still count
    CANCELLED = "cancelled"


CLOSED = (CheckinStatus.DONE, CheckinStatus.CANCELLED)


class AnswerStatus(StrEnum):
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"
    CLOSED = "closed"
    NOT_ASKED = "not_asked"  # a button for a question this check-in does not (or no longer) ask
    NOT_FOUND = "not_found"  # no such check-in for this person


@dataclass(frozen=True)
class CheckinScores:
    peg: float | None
    phq2: int | None
    phq9: int | None
    phq9_next: bool  # the next check-in asks the full PHQ-9


def score_answers(answers: Mapping[str, str], catalog: CheckinCatalog) -> CheckinScores:
    """PEG (mean), PHQ-2 and PHQ-9 totals of one check-in, None where not (fully) answered."""
    known = {code: value for code, value in answers.items() if code in catalog.questions}
    return CheckinScores(
        peg=peg_score(known, catalog),
        phq2=phq2_total(known, catalog),
        phq9=phq9_total(known, catalog),
        phq9_next=phq9_due_next(known, catalog),
    )


@dataclass(frozen=True)
class AnswerResult:
    """What a button press did, and what to show for it."""

    status: AnswerStatus
    answered: str | None = None  # HTML replacing the pressed message: the question and answer
    messages: tuple[OutgoingMessage, ...] = ()  # fixed red-flag replies, then next question/thanks
    flags: tuple[RedFlag, ...] = ()
    finished: bool = False
    notice: str | None = None  # short text for the button's toast when nothing was recorded


@dataclass
class _Step:
    status: AnswerStatus
    question: Question | None = None
    option: Option | None = None
    flags: tuple[RedFlag, ...] = ()
    next_code: str | None = None
    finished: bool = False
    ended_by_flag: bool = False
    first: bool = False  # the answered question opened the check-in
    escalations: tuple[int, ...] = ()  # raised by this answer, to page once committed
    promises: tuple[str | None, ...] = ()  # per flag: when we call, and what to do meanwhile


class CheckinService:
    """Open check-ins, record answers, escalate red flags, nudge, and hand misses to staff."""

    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        clock: Clock,
        catalog: CheckinCatalog,
        texts: Texts,
        escalation: EscalationService,
    ) -> None:
        self.db = db
        self.profile = profile
        self.clock = clock
        self.catalog = catalog
        self.texts = texts
        self.escalation = escalation
        self._builtin = Texts()
        # Recall periods by code, to name a slot's period in the patient's language.
        self._periods: dict[str, str] = dict(
            profile.model_dump().get("checkins", {}).get("periods", {}) or {}
        )
        safety = list(catalog.sets[SAFETY_SET])
        # Safety items whose Yes ends the check-in with an emergency reply are asked together by
        # SMS; the others (self-harm, with its follow-ups) one by one.
        self._urgent_items = tuple(code for code in safety if self._ends_with_yes(code))
        self._safety_numbers = {code: n for n, code in enumerate(safety, 1)}
        first = catalog.questions[safety[0]]
        self._signs_question = Question(
            code=SMS_SIGNS,
            kind=QuestionKind.YES_NO,
            text=self._signs_text(),
            label=(
                "by SMS, one question for the urgent signs (chest or breathing, passing out, "
                "one-sided weakness, speech or sight, swelling)"
            ),
            options=first.options,
        )
        self._presession_items = self._presession_yes_no(catalog)
        self._presession_question = Question(
            code=SMS_PRESESSION,
            kind=QuestionKind.YES_NO,
            text=texts.plain("sms_checkin_q_presession"),
            label=(
                "by SMS, one question for the pre-session items (medicines, pregnancy, alcohol "
                "or drugs, fasting, ride home, bladder, an effect still there)"
            ),
            options=first.options,
        )

    @staticmethod
    def _presession_yes_no(catalog: CheckinCatalog) -> tuple[str, ...]:
        plan = catalog.presession
        if plan is None:
            return ()
        codes = dict.fromkeys(code for name in plan.sets for code in catalog.sets[name])
        return tuple(code for code in codes if catalog.questions[code].kind is QuestionKind.YES_NO)

    @property
    def renderers(self) -> Renderers:
        return {
            OutboxKind.CHECKIN: self.render_checkin,
            OutboxKind.CHECKIN_NUDGE: self.render_nudge,
        }

    # --- opening ----------------------------------------------------------------------------

    def render_checkin(self, ctx: RenderContext) -> OutgoingMessage:
        """Open the check-in: intro, emergency notice and the first question."""
        checkin = self._checkin_of(ctx)
        if checkin.status in CLOSED:
            raise Skip(f"check-in {checkin.status}")
        appointment = ctx.appointment
        presession = self._is_presession(checkin.slot)
        if presession:
            if (
                appointment is None
                or appointment.status != AppointmentStatus.BOOKED
                or appointment.starts_at <= ctx.now
            ):
                raise Skip("the session is no longer ahead")
        elif appointment is None or appointment.status != AppointmentStatus.COMPLETED:
            raise Skip("session not completed")
        assert checkin.id is not None
        if checkin.status != CheckinStatus.PLANNED and self._answers(ctx.session, checkin.id):
            raise Skip("check-in already under way")
        if not self._is_evening(checkin.slot):
            # The evening safety check-in goes at any hour inside its window (issue 11 item 5).
            self._wait_for_morning(ctx)
        if checkin.slot.startswith(self.catalog.weekly.prefix) and self._relief_lost(
            ctx.session, checkin, appointment
        ):
            self._stop_weekly(ctx, checkin)
            raise Skip("relief lost: weekly check-ins end (CLINICAL.md section 3)")
        codes = self._codes(ctx.session, checkin, sms=ctx.is_sms)
        if not codes:
            raise Skip("nothing to ask on this channel")
        self._open(ctx, checkin, codes)
        if ctx.is_sms:
            return OutgoingMessage(self._sms("sms_checkin_open", self._sms_question(codes[0])))
        lead = (
            self.texts.html(
                "checkin_presession_intro",
                when=when_long(appointment.starts_at, self.profile.tz),
                emergency=self.texts.plain("emergency_notice"),
            )
            if presession
            else self._intro()
        )
        return self._question_message(checkin, codes[0], lead=lead)

    def _open(self, ctx: RenderContext, checkin: CheckIn, codes: Sequence[str]) -> None:
        session, now = ctx.session, ctx.now
        assert checkin.id is not None
        # A newer check-in supersedes an unfinished older one: its nudge would only confuse.
        session.exec(
            update(CheckIn)
            .where(col(CheckIn.patient_id) == checkin.patient_id)
            .where(col(CheckIn.id) != checkin.id)
            .where(col(CheckIn.status) == CheckinStatus.OPEN)
            .values(status=CheckinStatus.MISSED)
        )
        checkin.questions = json.dumps(list(codes))
        checkin.position = 0
        checkin.status = CheckinStatus.OPEN
        checkin.sent_at = now
        enqueue(
            session,
            kind=OutboxKind.CHECKIN_NUDGE,
            channel=Channel(ctx.row.channel),
            due_at=nudge_due(sent_at=now, tz=self.profile.tz, catalog=self.catalog),
            # A nudge is pointless once the next check-in is due (e.g. after downtime).
            not_after=_nudge_until(ctx),
            dedupe_key=_nudge_key(checkin.id),
            now=now,
            patient_id=checkin.patient_id,
            appointment_id=checkin.appointment_id,
            payload={"checkin_id": checkin.id},
        )
        if ctx.is_sms and ctx.patient is not None:
            self._save_sms_draft(session, ctx.patient, checkin, codes[0], now)

    def _codes(self, session: Session, checkin: CheckIn, *, sms: bool) -> list[str]:
        try:
            phq9_due = not self._is_presession(checkin.slot) and self._phq9_due(session, checkin)
            questions = questions_for(checkin.slot, self.catalog, phq9_due=phq9_due)
        except ValueError:
            raise Skip(f"slot {checkin.slot} is no longer in the profile") from None
        # Answers come from buttons (or SMS keywords), so free text cannot be asked here.
        codes = [q.code for q in questions if q.kind is not QuestionKind.FREE_TEXT]
        return self._sms_codes(codes) if sms else codes

    def _sms_codes(self, codes: Sequence[str]) -> list[str]:
        """What SMS may ask of a check-in: the safety screen by numbers, the pre-session items
        as one question, and one 0-10 score."""
        asked: list[str] = []
        if any(code in self._urgent_items for code in codes):
            asked.append(SMS_SIGNS)
        if any(code in self._presession_items for code in codes):
            asked.append(SMS_PRESESSION)
        asked += [code for code in codes if code in self._safety_numbers and code not in asked]
        asked = [code for code in asked if code not in self._urgent_items]
        score = next(
            (c for c in codes if self.catalog.questions[c].kind is QuestionKind.SCALE_0_10), None
        )
        if score is not None:
            asked.append(score)
        return asked

    def _phq9_due(self, session: Session, checkin: CheckIn) -> bool:
        """After a positive PHQ-2 the next check-in asks the full PHQ-9, once."""
        phq2 = self.catalog.sets[PHQ2_SET]
        latest = session.exec(
            select(CheckInAnswer.checkin_id)
            .where(col(CheckInAnswer.patient_id) == checkin.patient_id)
            .where(col(CheckInAnswer.checkin_id) != checkin.id)
            .where(col(CheckInAnswer.question).in_(phq2))
            .order_by(col(CheckInAnswer.answered_at).desc(), col(CheckInAnswer.id).desc())
            .limit(1)
        ).first()
        if latest is None:
            return False
        previous = session.get(CheckIn, latest)
        if previous is None:
            return False
        extra = set(self.catalog.sets[PHQ9_SET]) - set(phq2)
        if extra & set(_codes_of(previous)):
            return False  # that one was the follow-up PHQ-9 already
        return phq9_due_next(self._answers(session, latest), self.catalog)

    def _save_sms_draft(
        self, session: Session, patient: Patient, checkin: CheckIn, code: str, now: datetime
    ) -> None:
        if patient.phone_e164 is None:
            return
        draft = _sms_draft(session, patient.phone_e164)
        if draft is None:
            draft = BookingDraft(
                channel=Channel.SMS, address=patient.phone_e164, step=code, updated_at=now
            )
            session.add(draft)
        draft.flow = FLOW_CHECKIN
        draft.step = code
        draft.patient_id = patient.id
        draft.data = json.dumps({"checkin_id": checkin.id})
        draft.version += 1
        draft.updated_at = now
        draft.expires_at = now + SMS_ANSWER_WINDOW

    # --- nudge and staff task -----------------------------------------------------------------

    def render_nudge(self, ctx: RenderContext) -> OutgoingMessage:
        """One reminder of an unanswered check-in; at the staff stage, a task for staff."""
        checkin = self._checkin_of(ctx)
        if ctx.payload.get("stage") == "staff":
            return self._staff_task(ctx, checkin)
        if checkin.status != CheckinStatus.OPEN:
            raise Skip(f"check-in {checkin.status}")
        assert checkin.id is not None
        answers = self._answers(ctx.session, checkin.id)
        codes = _codes_of(checkin)
        if ctx.is_sms:
            codes = self._switch_to_sms(ctx, checkin, answers)
        code = _next_code(codes, answers)
        if code is None:
            raise Skip("answered")
        self._wait_for_morning(ctx)
        checkin.nudged_at = ctx.now
        enqueue(
            ctx.session,
            kind=OutboxKind.CHECKIN_NUDGE,
            channel=Channel.STAFF,
            due_at=staff_task_due(nudged_at=ctx.now, catalog=self.catalog),
            dedupe_key=_task_key(checkin.id),
            now=ctx.now,
            patient_id=checkin.patient_id,
            appointment_id=checkin.appointment_id,
            payload={"checkin_id": checkin.id, "stage": "staff"},
        )
        if ctx.is_sms:
            return OutgoingMessage(self._sms("sms_checkin_nudge", self._sms_question(code)))
        lead = f"{self.texts.html('checkin_nudge')}\n\n{self._emergency()}"
        return self._question_message(checkin, code, lead=lead)

    def _switch_to_sms(
        self, ctx: RenderContext, checkin: CheckIn, answers: Mapping[str, str]
    ) -> list[str]:
        """A check-in opened in Telegram continues by SMS with what SMS may ask."""
        codes = _codes_of(checkin)
        sms_codes = self._sms_codes(self._codes(ctx.session, checkin, sms=False))
        if all(code in sms_codes for code in codes if code not in answers):
            return codes
        codes = [c for c in codes if c in answers] + [c for c in sms_codes if c not in answers]
        checkin.questions = json.dumps(codes)
        code = _next_code(codes, answers)
        if code is not None and ctx.patient is not None:
            self._save_sms_draft(ctx.session, ctx.patient, checkin, code, ctx.now)
        return codes

    def _staff_task(self, ctx: RenderContext, checkin: CheckIn) -> OutgoingMessage:
        if checkin.status not in (CheckinStatus.OPEN, CheckinStatus.MISSED):
            raise Skip(f"check-in {checkin.status}")
        assert checkin.id is not None
        answers = self._answers(ctx.session, checkin.id)
        codes = _codes_of(checkin)
        key = f"{TASK_KIND}:{checkin.id}"
        task = ctx.session.exec(
            select(StaffTask).where(col(StaffTask.dedupe_key) == key)
        ).one_or_none()
        if task is None:
            task = StaffTask(
                kind=TASK_KIND,
                patient_id=checkin.patient_id,
                appointment_id=checkin.appointment_id,
                detail=f"{checkin.slot} check-in: {len(answers)} of {len(codes)} answered",
                created_at=ctx.now,
                dedupe_key=key,
            )
            ctx.session.add(task)
            ctx.session.flush()
        checkin.status = CheckinStatus.MISSED
        text = self.texts.raw("checkin_staff_missed").format(
            slot=html.escape(checkin.slot),
            appointment_id=appointment_ref(checkin.appointment_id),
            patient=patient_line(ctx, ctx.patient),
            answered=len(answers),
            total=len(codes),
        )
        return OutgoingMessage(text, buttons=[called_row(self.texts, task.id)])

    def _wait_for_morning(self, ctx: RenderContext) -> None:
        """Inside quiet hours (a late retry, a restart): send the same message at quiet end."""
        tz, quiet = self.profile.tz, self.catalog.quiet
        if not in_quiet_hours(ctx.now, tz=tz, quiet=quiet):
            return
        local = ctx.now.astimezone(tz)
        day = local.date() if local.time() < quiet.end else local.date() + timedelta(days=1)
        due = datetime.combine(day, quiet.end, tzinfo=tz).astimezone(UTC)
        enqueue(
            ctx.session,
            kind=OutboxKind(ctx.row.kind),
            channel=Channel(ctx.row.channel),
            due_at=due,
            dedupe_key=f"{ctx.row.dedupe_key}:{due:%Y%m%d}",
            now=ctx.now,
            patient_id=ctx.row.patient_id,
            appointment_id=ctx.row.appointment_id,
            not_after=ctx.row.not_after,
            payload=dict(ctx.payload),
        )
        raise Skip("quiet hours: moved to the morning")

    # --- answering ----------------------------------------------------------------------------

    async def answer(
        self, *, telegram_user_id: int, checkin_id: int, question: str, value: str
    ) -> AnswerResult:
        """Record a button answer; a red flag is escalated, and its pages are on their way.

        The pages go out in a background task started here: the handler shows the patient the
        fixed reply in `messages` at once, never after the staff alert and on-call SMS are sent
        (nor after anything else the outbox holds).
        """
        # The database work runs off the event loop: other chats' updates go on meanwhile.
        result, escalations = await asyncio.to_thread(
            self._answer, telegram_user_id, checkin_id, question, value
        )
        if escalations:
            self.escalation.page_soon(escalations)
        return result

    def _answer(
        self, telegram_user_id: int, checkin_id: int, question: str, value: str
    ) -> tuple[AnswerResult, tuple[int, ...]]:
        now = self.clock.now()
        with self.db.session() as session:
            patient = patient_by_telegram(session, telegram_user_id)
            checkin = session.get(CheckIn, checkin_id)
            if patient is None or checkin is None or checkin.patient_id != patient.id:
                notice = self.texts.plain("checkin_not_found")
                return AnswerResult(AnswerStatus.NOT_FOUND, notice=notice), ()
            step = self._step(session, checkin, question, value, now, sms=False)
            return self._telegram_result(checkin, step), tuple(step.escalations)

    async def answer_typed(self, *, telegram_user_id: int, text: str) -> AnswerResult | None:
        """Typed text saying an option of the open question ("6", "six", "yes") answers it.

        None when the text is not such an answer, or a booking the person touched after the
        question was asked is waiting for it: then the text is the booking's.
        """
        found = await asyncio.to_thread(self._answer_typed, telegram_user_id, text)
        if found is None:
            return None
        result, escalations = found
        if escalations:
            self.escalation.page_soon(escalations)
        return result

    def _answer_typed(
        self, telegram_user_id: int, text: str
    ) -> tuple[AnswerResult, tuple[int, ...]] | None:
        now = self.clock.now()
        with self.db.session() as session:
            patient = patient_by_telegram(session, telegram_user_id)
            if patient is None or patient.id is None:
                return None
            checkin = session.exec(
                select(CheckIn)
                .where(col(CheckIn.patient_id) == patient.id)
                .where(col(CheckIn.status).in_([CheckinStatus.OPEN, CheckinStatus.MISSED]))
                .where(col(CheckIn.sent_at) > now - SMS_ANSWER_WINDOW)
                .order_by(col(CheckIn.sent_at).desc())
                .limit(1)
            ).first()
            if checkin is None or checkin.id is None or checkin.sent_at is None:
                return None
            answers = self._answers(session, checkin.id)
            code = _next_code(_codes_of(checkin), answers)
            question = self._question(code) if code is not None else None
            if code is None or question is None:
                return None
            index = matching_label(text, [_label(question, option) for option in question.options])
            if index is None:  # English words are understood whatever the language
                index = matching_label(text, [option.label for option in question.options])
            if index is None or self._booking_waits(session, telegram_user_id, checkin, now):
                return None
            step = self._step(session, checkin, code, question.options[index].code, now, sms=False)
            result = self._telegram_result(checkin, step)
            if result.status is AnswerStatus.RECORDED and result.answered is not None:
                # No button was pressed, so the question is not edited: say what was recorded.
                result = replace(
                    result, messages=(OutgoingMessage(result.answered), *result.messages)
                )
            return result, step.escalations

    @staticmethod
    def _booking_waits(
        session: Session, telegram_user_id: int, checkin: CheckIn, now: datetime
    ) -> bool:
        """A booking step shown after the check-in's last question gets typed text first."""
        draft = session.exec(
            select(BookingDraft)
            .where(col(BookingDraft.channel) == Channel.TELEGRAM)
            .where(col(BookingDraft.address) == str(telegram_user_id))
        ).one_or_none()
        if draft is None or draft.step == DraftStep.DONE:
            return False
        if draft.expires_at is not None and draft.expires_at <= now:
            return False
        last_asked = session.exec(
            select(CheckInAnswer.answered_at)
            .where(col(CheckInAnswer.checkin_id) == checkin.id)
            .order_by(col(CheckInAnswer.answered_at).desc())
            .limit(1)
        ).first()
        asked = max(filter(None, (checkin.sent_at, last_asked)))
        return draft.updated_at > asked

    def answer_sms(
        self,
        session: Session,
        patient_id: int,
        inbound: Inbound,
        now: datetime,
        *,
        opted_out: bool = False,
    ) -> str | None:
        """The SMS seam: an answer to the open check-in question, in the caller's transaction.

        Returns the reply to send back. When the answer raised a red flag, its pages are due
        now: once the reply is committed the caller has them sent with
        `EscalationService.page_soon_for_phone()`. From an opted-out number the answer counts
        and escalates as usual, but the only reply is a red flag's fixed safety reply: STOP
        means no further questions, thanks or prompts by text.
        """
        reply, flagged = self._answer_sms(session, patient_id, inbound, now)
        return reply if flagged or not opted_out else None

    def _answer_sms(
        self, session: Session, patient_id: int, inbound: Inbound, now: datetime
    ) -> tuple[str | None, bool]:
        """The reply to an SMS answer, and whether it is a red flag's safety reply."""
        patient = session.get(Patient, patient_id)
        if patient is None or patient.phone_e164 is None:
            return None, False
        draft = _sms_draft(session, patient.phone_e164)
        checkin_id = _draft_checkin_id(draft) if draft is not None else None
        checkin = session.get(CheckIn, checkin_id) if checkin_id is not None else None
        if checkin is None or checkin.patient_id != patient_id or checkin.status in CLOSED:
            if draft is not None and draft.flow == FLOW_CHECKIN:
                session.delete(draft)
            return self._sms_plain("sms_checkin_closed"), False
        assert checkin.id is not None
        code = _next_code(_codes_of(checkin), self._answers(session, checkin.id))
        if code is None:
            return self._sms_plain("sms_checkin_closed"), False
        question = self._question(code)
        value = _sms_value(question, inbound) if question is not None else None
        if question is None or value is None:
            numeric = question is not None and question.kind is QuestionKind.SCALE_0_10
            return self._sms_plain("sms_checkin_number" if numeric else "sms_checkin_yes_no"), False
        step = self._step(session, checkin, code, value, now, sms=True)
        if step.status is not AnswerStatus.RECORDED:
            return self._sms_plain("sms_checkin_closed"), False
        if step.flags:
            reply = self._sms_reply(step.flags[0])
            promise = step.promises[0] if step.promises else None
            if promise is not None:
                with_promise = _with_promise(reply, promise)
                try:
                    assert_sms_safe(with_promise, max_segments=3)
                    reply = with_promise
                except UnsafeSmsText as exc:
                    log.error("the SMS red-flag reply with its promise is not SMS-safe (%s)", exc)
            return reply, True
        if step.next_code is not None:
            if draft is not None:
                draft.step = step.next_code
                draft.updated_at = now
            return self._sms("sms_checkin_next", self._sms_question(step.next_code)), False
        return self._sms_plain("sms_checkin_done"), False

    def _step(
        self,
        session: Session,
        checkin: CheckIn,
        code: str,
        value: str,
        now: datetime,
        *,
        sms: bool,
    ) -> _Step:
        """Record one answer once, escalate what it raises, and move the check-in on."""
        if checkin.status in CLOSED:
            return _Step(AnswerStatus.CLOSED)
        assert checkin.id is not None
        codes = _codes_of(checkin)
        question = self._question(code)
        if code not in codes or question is None:
            return _Step(AnswerStatus.NOT_ASKED)
        answers = self._answers(session, checkin.id)
        if code in answers:
            return _Step(AnswerStatus.ALREADY_ANSWERED)
        try:
            option = question.option(value)
        except InvalidAnswer:
            return _Step(AnswerStatus.NOT_ASKED)
        try:
            # A double tap racing this one loses on the unique (check-in, question) key.
            with session.begin_nested():
                session.add(
                    CheckInAnswer(
                        checkin_id=checkin.id,
                        patient_id=checkin.patient_id,
                        question=code,
                        value=value,
                        answered_at=now,
                    )
                )
        except IntegrityError:
            return _Step(AnswerStatus.ALREADY_ANSWERED)
        flags, ask_next = self._evaluate(session, checkin, code, value, answers, sms=sms)
        escalations: list[int] = []
        promises: list[str | None] = []
        ended = any(flag.ends_checkin for flag in flags) or (sms and bool(flags))
        for flag in flags:
            escalation = self.escalation.raise_flag(
                session,
                patient_id=checkin.patient_id,
                flag=flag,
                now=now,
                checkin_id=checkin.id,
                channel=Channel.SMS if sms else Channel.TELEGRAM,
            )
            assert escalation.id is not None
            escalations.append(escalation.id)
            promises.append(self.escalation.promise(escalation))
            if ask_next and not ended and flag.level is not EscalationLevel.URGENT:
                # The C-SSRS follow-up left unanswered for 15 minutes is paged as urgent.
                self.escalation.watch_followup(
                    session, escalation, checkin_id=checkin.id, questions=ask_next, now=now
                )
        answers[code] = value
        if not ended and ask_next:
            codes = _insert_after(codes, code, ask_next)
        next_code = None if ended else _next_code(codes, answers)
        checkin.questions = json.dumps(codes)
        checkin.position = codes.index(next_code) if next_code is not None else len(codes)
        if checkin.status == CheckinStatus.MISSED:
            checkin.status = CheckinStatus.OPEN
        if next_code is None:
            self._finish(session, checkin, answers, now)
        return _Step(
            AnswerStatus.RECORDED,
            question=question,
            option=option,
            flags=tuple(flags),
            next_code=next_code,
            finished=next_code is None,
            ended_by_flag=ended,
            first=codes[0] == code,
            escalations=tuple(escalations),
            promises=tuple(promises),
        )

    def _evaluate(
        self,
        session: Session,
        checkin: CheckIn,
        code: str,
        value: str,
        answers: Mapping[str, str],
        *,
        sms: bool,
    ) -> tuple[list[RedFlag], list[str]]:
        """Red flags this answer raises now, and the follow-up questions it asks."""
        assert checkin.id is not None
        # A rule fires again for another answer (liver signs, then a rash with fever); rows
        # without the answers behind them block their whole rule, as before.
        raised = {
            rule if trigger is None else f"{rule}:{trigger}"
            for rule, trigger in session.exec(
                select(Escalation.rule, Escalation.trigger).where(
                    col(Escalation.checkin_id) == checkin.id
                )
            ).all()
        }
        if code == SMS_SIGNS:
            return self._signs_flags(checkin, value, raised), []
        if code == SMS_PRESESSION:
            return self._presession_flags(checkin, value, raised), []
        verdict = evaluate_answer(
            code,
            value,
            slot=checkin.slot,
            answers=answers,
            baseline_pain=self._baseline(session, checkin, code),
            previous=self._previous(session, checkin, code),
            catalog=self.catalog,
            raised=raised,
        )
        flags = list(verdict.flags)
        ask_next = [q.code for q in verdict.ask_next]
        if sms and ask_next and flags:
            # Its follow-up questions cannot be asked by SMS, so nothing rules out the worst.
            flags = [
                replace(
                    flag,
                    level=EscalationLevel.URGENT,
                    staff_summary=f"{flag.staff_summary}. By SMS: follow-up questions not "
                    "asked, so paged as urgent",
                    ends_checkin=True,
                )
                for flag in flags
            ]
        return flags, ask_next

    def _signs_flags(self, checkin: CheckIn, value: str, raised: set[str]) -> list[RedFlag]:
        """A Yes by SMS to "any of the urgent warning signs": every rule a Yes to one raises."""
        if self._signs_question.score(value) < 1:
            return []
        flags: dict[str, RedFlag] = {}
        for item in self._urgent_items:
            verdict = evaluate_answer(
                item,
                "yes",
                slot=checkin.slot,
                answers={},
                baseline_pain=None,
                previous=None,
                catalog=self.catalog,
                raised=raised,
            )
            for flag in verdict.flags:
                flags.setdefault(flag.rule, flag)
        numbers = self._signs_numbers()
        return [
            replace(
                flag,
                staff_summary=f"{self._rule_label(flag.rule)} ({checkin.slot}): by SMS, Yes to "
                f"the urgent signs question (safety items {numbers[0]}-{numbers[1]} asked "
                "together: chest or breathing, passing out, one-sided weakness, speech or sight, "
                "swelling; which one is not known)",
                questions=(SMS_SIGNS,),
            )
            for flag in flags.values()
        ]

    def _presession_flags(self, checkin: CheckIn, value: str, raised: set[str]) -> list[RedFlag]:
        """A Yes by SMS to the combined pre-session question: what a Yes to its first item raises,
        saying that which item is not known (staff call the patient before the session)."""
        if self._presession_question.score(value) < 1 or not self._presession_items:
            return []
        verdict = evaluate_answer(
            self._presession_items[0],
            "yes",
            slot=checkin.slot,
            answers={},
            baseline_pain=None,
            previous=None,
            catalog=self.catalog,
            raised=raised,
        )
        labels = ", ".join(self.catalog.questions[c].label for c in self._presession_items)
        return [
            replace(
                flag,
                staff_summary=f"{self._rule_label(flag.rule)} ({checkin.slot}): by SMS, Yes to "
                f"the pre-session question (asked together: {labels}; which one is not known): "
                "call the patient before the session",
                questions=(SMS_PRESESSION,),
            )
            for flag in verdict.flags
        ]

    def _relief_lost(self, session: Session, checkin: CheckIn, appointment: Appointment) -> bool:
        """Two consecutive check-ins since this session below the responder threshold."""
        baseline = self._patient_baseline(session, checkin)
        if baseline is None:
            return False
        code = self.catalog.outcomes.pain_question
        question = self.catalog.questions[code]
        values = session.exec(
            select(CheckInAnswer.value)
            .join(CheckIn, col(CheckIn.id) == col(CheckInAnswer.checkin_id))
            .where(col(CheckIn.appointment_id) == appointment.id)
            .where(col(CheckInAnswer.question) == code)
            .order_by(col(CheckInAnswer.answered_at).desc())
            .limit(2)
        ).all()
        if len(values) < 2:
            return False
        threshold = self.catalog.outcomes.responder_pct
        reductions = [
            percent_reduction(baseline=baseline, pain=question.score(value)) for value in values
        ]
        return all(r is not None and r < threshold for r in reductions)

    def _stop_weekly(self, ctx: RenderContext, checkin: CheckIn) -> None:
        """Cancel the rest of this session's weekly check-ins; staff see it in the audit log."""
        ctx.session.exec(
            update(CheckIn)
            .where(col(CheckIn.appointment_id) == checkin.appointment_id)
            .where(col(CheckIn.status) == CheckinStatus.PLANNED)
            .values(status=CheckinStatus.CANCELLED)
        )
        cancel_pending(
            ctx.session,
            appointment_id=checkin.appointment_id,
            kinds=(OutboxKind.CHECKIN,),
            reason="relief lost",
        )
        audit(
            ctx.session,
            at=ctx.now,
            actor="system",
            action="checkin.weekly_stopped",
            subject=f"appointment:{checkin.appointment_id}",
            detail={"reason": "relief lost", "slot": checkin.slot},
        )

    def _baseline(self, session: Session, checkin: CheckIn, code: str) -> float | None:
        rules = [r for r in self.catalog.red_flags if r.match is RuleMatch.ABOVE_BASELINE]
        if not any(code in rule.questions for rule in rules):
            return None
        return self._patient_baseline(session, checkin)

    def _patient_baseline(self, session: Session, checkin: CheckIn) -> float | None:
        """Mean "average pain" before the first treatment session (CLINICAL.md section 5)."""
        treatments = [
            c for c, s in self.profile.services.items() if s.kind is ServiceKind.TREATMENT
        ]
        first = session.exec(
            select(Appointment.starts_at)
            .where(col(Appointment.patient_id) == checkin.patient_id)
            .where(col(Appointment.service).in_(treatments))
            .where(col(Appointment.status) == AppointmentStatus.COMPLETED)
            .order_by(col(Appointment.starts_at))
            .limit(1)
        ).first()
        if first is None:
            return None
        reports = [
            PainReport(at=at, score=float(answer))
            for at, answer in session.exec(
                select(ScreeningAnswer.answered_at, ScreeningAnswer.answer)
                .where(col(ScreeningAnswer.patient_id) == checkin.patient_id)
                .where(col(ScreeningAnswer.code) == BASELINE_SCREENING_CODE)
            ).all()
            if answer.strip().isdigit()
        ]
        reports += [
            PainReport(at=at, score=float(value))
            for at, value in session.exec(
                select(CheckInAnswer.answered_at, CheckInAnswer.value)
                .where(col(CheckInAnswer.patient_id) == checkin.patient_id)
                .where(col(CheckInAnswer.question) == self.catalog.outcomes.pain_question)
            ).all()
            if value.isdigit()
        ]
        return baseline_pain(reports, first_session_start=first)

    def _previous(self, session: Session, checkin: CheckIn, code: str) -> dict[str, str]:
        """The patient's latest earlier answer to this question (for "new or worse")."""
        if not any(rule.new_or_worse and code in rule.questions for rule in self.catalog.red_flags):
            return {}
        value = session.exec(
            select(CheckInAnswer.value)
            .where(col(CheckInAnswer.patient_id) == checkin.patient_id)
            .where(col(CheckInAnswer.question) == code)
            .where(col(CheckInAnswer.checkin_id) != checkin.id)
            .order_by(col(CheckInAnswer.answered_at).desc(), col(CheckInAnswer.id).desc())
            .limit(1)
        ).first()
        return {} if value is None else {code: value}

    def _finish(
        self, session: Session, checkin: CheckIn, answers: Mapping[str, str], now: datetime
    ) -> None:
        assert checkin.id is not None
        checkin.status = CheckinStatus.DONE
        checkin.completed_at = now
        session.exec(
            update(Outbox)
            .where(col(Outbox.dedupe_key).in_([_nudge_key(checkin.id), _task_key(checkin.id)]))
            .where(col(Outbox.status) == OutboxStatus.PENDING)
            .values(status=OutboxStatus.CANCELLED, last_error="check-in answered")
        )
        drop_sms_draft(session, checkin_ids=[checkin.id], patient_id=checkin.patient_id)
        scores = score_answers(answers, self.catalog)
        audit(
            session,
            at=now,
            actor=f"patient:{checkin.patient_id}",
            action="checkin.done",
            subject=f"checkin:{checkin.id}",
            detail={
                "slot": checkin.slot,
                "answered": len(answers),
                "peg": scores.peg,
                "phq2": scores.phq2,
                "phq9": scores.phq9,
                "phq9_next": scores.phq9_next,
            },
        )

    # --- words and buttons --------------------------------------------------------------------

    def _telegram_result(self, checkin: CheckIn, step: _Step) -> AnswerResult:
        if step.status is not AnswerStatus.RECORDED:
            key = {
                AnswerStatus.ALREADY_ANSWERED: "checkin_already_recorded",
                AnswerStatus.CLOSED: "checkin_closed",
            }.get(step.status, "checkin_not_asked")
            return AnswerResult(step.status, notice=self.texts.plain(key))
        assert step.question is not None and step.option is not None
        answered = self.texts.html(
            "checkin_answered",
            question=self._display_text(step.question, checkin.slot),
            answer=_label(step.question, step.option),
        )
        if step.first:
            answered = f"{self._intro()}\n\n{answered}"
        replies = [
            reply if promise is None else f"{reply}\n{promise}"
            for reply, promise in zip(
                (profile_texts.reply(flag.reply_key, flag.reply_text) for flag in step.flags),
                (*step.promises, *([None] * len(step.flags))),
                strict=False,
            )
        ]
        messages = [OutgoingMessage(html.escape(reply, quote=False)) for reply in _unique(replies)]
        if step.next_code is not None:
            messages.append(self._question_message(checkin, step.next_code))
        elif not step.ended_by_flag:
            messages.append(OutgoingMessage(self.texts.html("checkin_done")))
        return AnswerResult(
            AnswerStatus.RECORDED,
            answered=answered,
            messages=tuple(messages),
            flags=step.flags,
            finished=step.finished,
        )

    def _question_message(
        self, checkin: CheckIn, code: str, *, lead: str | None = None
    ) -> OutgoingMessage:
        question = self._question(code)
        if question is None:
            raise Skip(f"question {code} is no longer in the profile")
        assert checkin.id is not None
        text = html.escape(self._display_text(question, checkin.slot), quote=False)
        if lead:
            text = f"{lead}\n\n{text}"
        return OutgoingMessage(text, buttons=_buttons(checkin.id, question))

    def _is_presession(self, slot: str) -> bool:
        plan = self.catalog.presession
        return plan is not None and slot == plan.code

    def _is_evening(self, slot: str) -> bool:
        try:
            return isinstance(self.catalog.slot(slot), EveningSlot)
        except ValueError:
            return False

    def _display_text(self, question: Question, slot: str) -> str:
        try:
            period = self.catalog.slot(slot).period
        except ValueError:
            period = None
        text = profile_texts.question(question.code, question.text)
        if period is None:
            return text
        return text.replace(
            PERIOD_PLACEHOLDER, profile_texts.period_in_language(period, self._periods)
        )

    def _intro(self) -> str:
        return self.texts.html("checkin_intro", emergency=self.texts.plain("emergency_notice"))

    def _emergency(self) -> str:
        return html.escape(self.texts.plain("emergency_notice"), quote=False)

    def _question(self, code: str) -> Question | None:
        if code == SMS_SIGNS:
            return self._signs_question
        if code == SMS_PRESESSION:
            return self._presession_question
        return self.catalog.questions.get(code)

    def _signs_numbers(self) -> tuple[int, int]:
        numbers = [self._safety_numbers[code] for code in self._urgent_items] or [1]
        return min(numbers), max(numbers)

    def _signs_text(self) -> str:
        first, last = self._signs_numbers()
        return self.texts.plain("sms_checkin_q_signs", first=first, last=last)

    def _sms_question(self, code: str) -> str:
        if code == SMS_SIGNS:
            return self._signs_text()
        if code == SMS_PRESESSION:
            return self._presession_question.text
        if code in self._safety_numbers:
            # The profile's own plain words, when a lock screen may show them.
            asked = self.catalog.questions[code]
            words = profile_texts.question(code, asked.text)
            words = words.replace(PERIOD_PLACEHOLDER, "").strip()
            question = self.texts.plain(
                "sms_checkin_q_sign", text=words, number=self._safety_numbers[code]
            )
            try:
                assert_sms_safe(question, max_segments=2)
            except UnsafeSmsText:
                return self.texts.plain(
                    "sms_checkin_q_sign_other", number=self._safety_numbers[code]
                )
            return question
        if code != self.catalog.outcomes.pain_question:
            # Another 0-10 (how they felt after the last session: 10 is best, unlike pain): its
            # own words and ends of the scale, when a lock screen may show them.
            own = self.texts.plain(
                "sms_checkin_q_own_score",
                text=self.catalog.questions[code].text.replace(PERIOD_PLACEHOLDER, "").strip(),
            )
            try:
                assert_sms_safe(own, max_segments=2)
            except UnsafeSmsText:
                pass
            else:
                return own
        return self.texts.plain("sms_checkin_q_score")

    def _sms(self, key: str, question: str) -> str:
        return self._safe(key, question=question)

    def _sms_plain(self, key: str) -> str:
        return self._safe(key)

    def _sms_reply(self, flag: RedFlag) -> str:
        key = f"sms_checkin_reply_{flag.reply_key}"
        try:
            self.texts.raw(key)
        except KeyError:
            key = "sms_checkin_reply"  # a reply the profile added without an SMS wording
        return self._safe(key)

    def _safe(self, key: str, **values: str) -> str:
        """An SMS text, checked: a profile override that is not SMS-safe is never sent."""
        values = {"clinic": self.profile.clinic.name, **values}
        text = self.texts.plain(key, **values)
        try:
            assert_sms_safe(text, max_segments=2)
        except UnsafeSmsText as exc:
            log.error("texts.%s is not SMS-safe (%s); sending the built-in wording", key, exc)
            text = self._builtin.plain(key, **values)
        return text

    def _ends_with_yes(self, code: str) -> bool:
        question = self.catalog.questions[code]
        return any(
            rule.ends_checkin
            and rule.match is RuleMatch.ANSWER
            and code in rule.questions
            and any(
                option.score >= rule.min_score
                and (rule.max_score is None or option.score <= rule.max_score)
                for option in question.options
            )
            for rule in self.catalog.red_flags
        )

    def _rule_label(self, code: str) -> str:
        return next((r.label for r in self.catalog.red_flags if r.code == code), code)

    # --- rows ---------------------------------------------------------------------------------

    @staticmethod
    def _checkin_of(ctx: RenderContext) -> CheckIn:
        checkin = ctx.session.get(CheckIn, int(ctx.payload.get("checkin_id", 0)))
        if checkin is None:
            raise Skip("check-in not found")
        return checkin

    @staticmethod
    def _answers(session: Session, checkin_id: int) -> dict[str, str]:
        rows = session.exec(
            select(CheckInAnswer.question, CheckInAnswer.value)
            .where(col(CheckInAnswer.checkin_id) == checkin_id)
            .order_by(col(CheckInAnswer.id))
        ).all()
        return {question: value for question, value in rows}


def check_sms_texts(texts: Texts, profile: ClinicProfile) -> None:
    """Refuse to start when a check-in or on-call SMS text (e.g. an override) is not SMS-safe."""
    samples: dict[str, object] = {
        "clinic": profile.clinic.name,
        "first": 1,
        "last": 9,
        "number": 9,
        "page": 99,
        "escalation_id": 999999,
        "patient_ref": "ref 999999",
        "callback": " on +15555550123",
        "ids": "999997, 999998, 999999",
        "time": "12:59 PM",
        "when": "Wed 30 Sep 12:59 PM",
    }
    samples["repeat"] = texts.plain("sms_oncall_repeat", **samples)
    samples["text"] = "Are you having thoughts of harming yourself?"
    questions = [
        texts.plain(key, **samples)
        for key in (
            "sms_checkin_q_signs",
            "sms_checkin_q_sign",
            "sms_checkin_q_sign_other",
            "sms_checkin_q_score",
            "sms_checkin_q_presession",
        )
    ]
    for key in [*CHECKIN_TEXTS, *ESCALATION_TEXTS]:
        # Spoken call texts are as public as an SMS (a loudspeaker, a voicemail).
        if not key.startswith(("sms_", "voice_")):
            continue
        for question in questions:
            try:
                assert_sms_safe(texts.plain(key, question=question, **samples), max_segments=2)
            except UnsafeSmsText as exc:
                raise ConfigError(f"clinic profile texts.{key}: {exc}") from None


def _with_promise(reply: str, promise: str) -> str:
    """The red-flag reply, then when we call; a closing sentence both end with is said once."""
    last = promise.rsplit(". ", 1)[-1].strip()
    if last and reply.endswith(last) and reply != last:
        reply = reply[: -len(last)].rstrip()
    return f"{reply} {promise}"


def drop_sms_draft(session: Session, *, checkin_ids: Iterable[int], patient_id: int) -> None:
    """Close the SMS answer window of these check-ins (answered, cancelled)."""
    patient = session.get(Patient, patient_id)
    if patient is None or patient.phone_e164 is None:
        return
    draft = _sms_draft(session, patient.phone_e164)
    if draft is not None and _draft_checkin_id(draft) in set(checkin_ids):
        session.delete(draft)


def _sms_draft(session: Session, phone: str) -> BookingDraft | None:
    return session.exec(
        select(BookingDraft)
        .where(col(BookingDraft.channel) == Channel.SMS)
        .where(col(BookingDraft.address) == phone)
    ).one_or_none()


def _draft_checkin_id(draft: BookingDraft) -> int | None:
    if draft.flow != FLOW_CHECKIN:
        return None
    try:
        data = json.loads(draft.data or "{}")
    except ValueError:
        return None
    value = data.get("checkin_id") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def _sms_value(question: Question, inbound: Inbound) -> str | None:
    """The option an SMS reply stands for, None when it does not answer this question."""
    if question.kind is QuestionKind.SCALE_0_10:
        if inbound.kind is InboundKind.NUMBER and inbound.number is not None:
            return str(inbound.number)
        return None
    if inbound.kind is InboundKind.YES:
        wanted = "yes"
    elif inbound.kind is InboundKind.NO:
        wanted = "no"
    else:
        return None
    return wanted if any(option.code == wanted for option in question.options) else None


def _label(question: Question, option: Option) -> str:
    """An answer's label in the patient's language."""
    return profile_texts.option_label(str(question.kind), question.code, option.code, option.label)


def _buttons(checkin_id: int, question: Question) -> list[list[Button]]:
    buttons = [
        Button(
            _label(question, option),
            data=CheckinAnswer(checkin_id, question.code, option.code).pack(),
        )
        for option in question.options
    ]
    longest = max((len(_label(question, option)) for option in question.options), default=0)
    # Numbers side by side, short words three to a row, long answers one per row.
    width = 6 if longest <= 2 else 3 if longest <= 12 else 1
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def _codes_of(checkin: CheckIn) -> list[str]:
    try:
        codes = json.loads(checkin.questions or "[]")
    except ValueError:
        return []
    return [str(code) for code in codes] if isinstance(codes, list) else []


def _next_code(codes: Sequence[str], answers: Mapping[str, str]) -> str | None:
    return next((code for code in codes if code not in answers), None)


def _insert_after(codes: Sequence[str], code: str, extra: Sequence[str]) -> list[str]:
    """Follow-ups go right after the answer that asked them, ahead of the rest."""
    rest = [c for c in codes if c not in extra]
    at = rest.index(code) + 1
    return [*rest[:at], *extra, *rest[at:]]


def _unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def _nudge_until(ctx: RenderContext) -> datetime | None:
    """The evening check-in's row closes with its window; its nudge, at the next check-in."""
    until = ctx.payload.get("nudge_until")
    if isinstance(until, str):
        try:
            return datetime.fromisoformat(until)
        except ValueError:
            pass
    return ctx.row.not_after


def _nudge_key(checkin_id: int) -> str:
    return f"checkin:{checkin_id}:nudge"


def _task_key(checkin_id: int) -> str:
    return f"checkin:{checkin_id}:task"
