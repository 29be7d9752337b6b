"""Answers to a check-in: record each once, escalate what it raises, move the check-in on.

Buttons and typed answers on Telegram, replies by SMS (`answer_sms`, in the SMS service's
transaction). A red flag is escalated before the next question; its pages go out once the
answer is committed. The last answer closes the check-in with its scores in the audit log.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import (
    BookingDraft,
    CheckIn,
    CheckInAnswer,
    Outbox,
    Patient,
)
from bot.domain.checkins import (
    CheckinCatalog,
    InvalidAnswer,
    Question,
    QuestionKind,
)
from bot.domain.clock import Clock
from bot.domain.enums import (
    Channel,
    DraftStep,
    EscalationLevel,
    OutboxStatus,
)
from bot.domain.sms_keywords import Inbound, InboundKind
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.domain.typed_answers import matching_label
from bot.messaging.channels import OutgoingMessage
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.checkin_flags import CheckinFlags
from bot.services.checkin_questions import CheckinQuestions, option_label
from bot.services.checkin_rows import (
    CLOSED,
    FLOW_CHECKIN,
    SMS_ANSWER_WINDOW,
    AnswerResult,
    AnswerStatus,
    CheckinStatus,
    Step,
    answers_of,
    codes_of,
    draft_checkin_id,
    drop_sms_draft,
    first_unanswered,
    insert_after,
    nudge_key,
    score_answers,
    task_key,
)
from bot.services.escalation import EscalationService
from bot.services.patients import patient_by_telegram
from bot.services.sms_conversation import sms_draft
from bot.texts import Texts

log = logging.getLogger(__name__)


class CheckinAnswers:
    """Record check-in answers and escalate the red flags they raise."""

    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        clock: Clock,
        catalog: CheckinCatalog,
        texts: Texts,
        escalation: EscalationService,
        questions: CheckinQuestions,
    ) -> None:
        self.db = db
        self.profile = profile
        self.clock = clock
        self.catalog = catalog
        self.texts = texts
        self.escalation = escalation
        self.questions = questions
        self._flags = CheckinFlags(profile=profile, catalog=catalog, questions=questions)

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
            return self.questions.telegram_result(checkin, step), tuple(step.escalations)

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
            answers = answers_of(session, checkin.id)
            code = first_unanswered(codes_of(checkin), answers)
            question = self.questions.question(code) if code is not None else None
            if code is None or question is None:
                return None
            index = matching_label(
                text, [option_label(question, option) for option in question.options]
            )
            if index is None:  # English words are understood whatever the language
                index = matching_label(text, [option.label for option in question.options])
            if index is None or self._booking_waits(session, telegram_user_id, checkin, now):
                return None
            step = self._step(session, checkin, code, question.options[index].code, now, sms=False)
            result = self.questions.telegram_result(checkin, step)
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
        draft = sms_draft(session, patient.phone_e164)
        checkin_id = draft_checkin_id(draft) if draft is not None else None
        checkin = session.get(CheckIn, checkin_id) if checkin_id is not None else None
        if checkin is None or checkin.patient_id != patient_id or checkin.status in CLOSED:
            if draft is not None and draft.flow == FLOW_CHECKIN:
                session.delete(draft)
            return self.questions.sms_plain("sms_checkin_closed"), False
        assert checkin.id is not None
        code = first_unanswered(codes_of(checkin), answers_of(session, checkin.id))
        if code is None:
            return self.questions.sms_plain("sms_checkin_closed"), False
        question = self.questions.question(code)
        value = _sms_value(question, inbound) if question is not None else None
        if question is None or value is None:
            numeric = question is not None and question.kind is QuestionKind.SCALE_0_10
            return self.questions.sms_plain(
                "sms_checkin_number" if numeric else "sms_checkin_yes_no"
            ), False
        step = self._step(session, checkin, code, value, now, sms=True)
        if step.status is not AnswerStatus.RECORDED:
            return self.questions.sms_plain("sms_checkin_closed"), False
        if step.flags:
            reply = self.questions.sms_reply(step.flags[0])
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
            return self.questions.sms(
                "sms_checkin_next", self.questions.sms_question(step.next_code)
            ), False
        return self.questions.sms_plain("sms_checkin_done"), False

    def _step(
        self,
        session: Session,
        checkin: CheckIn,
        code: str,
        value: str,
        now: datetime,
        *,
        sms: bool,
    ) -> Step:
        """Record one answer once, escalate what it raises, and move the check-in on."""
        if checkin.status in CLOSED:
            return Step(AnswerStatus.CLOSED)
        assert checkin.id is not None
        codes = codes_of(checkin)
        question = self.questions.question(code)
        if code not in codes or question is None:
            return Step(AnswerStatus.NOT_ASKED)
        answers = answers_of(session, checkin.id)
        if code in answers:
            return Step(AnswerStatus.ALREADY_ANSWERED)
        try:
            option = question.option(value)
        except InvalidAnswer:
            return Step(AnswerStatus.NOT_ASKED)
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
            return Step(AnswerStatus.ALREADY_ANSWERED)
        flags, ask_next = self._flags.evaluate(session, checkin, code, value, answers, sms=sms)
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
            codes = insert_after(codes, code, ask_next)
        next_code = None if ended else first_unanswered(codes, answers)
        checkin.questions = json.dumps(codes)
        checkin.position = codes.index(next_code) if next_code is not None else len(codes)
        if checkin.status == CheckinStatus.MISSED:
            checkin.status = CheckinStatus.OPEN
        if next_code is None:
            self._finish(session, checkin, answers, now)
        return Step(
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

    def _finish(
        self, session: Session, checkin: CheckIn, answers: Mapping[str, str], now: datetime
    ) -> None:
        assert checkin.id is not None
        checkin.status = CheckinStatus.DONE
        checkin.completed_at = now
        session.exec(
            update(Outbox)
            .where(col(Outbox.dedupe_key).in_([nudge_key(checkin.id), task_key(checkin.id)]))
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


def _with_promise(reply: str, promise: str) -> str:
    """The red-flag reply, then when we call; a closing sentence both end with is said once."""
    last = promise.rsplit(". ", 1)[-1].strip()
    if last and reply.endswith(last) and reply != last:
        reply = reply[: -len(last)].rstrip()
    return f"{reply} {promise}"


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
