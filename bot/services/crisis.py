"""Crisis language in free text (CLINICAL.md 4b): the fixed reply, and an urgent escalation.

Every text a patient sends, on Telegram or by SMS and in any state, is read by the matcher
(`bot.domain.crisis`) before anything else. On a match the caller sends the fixed reply at once,
then records the message here: the first one raises an URGENT escalation whose staff alert quotes
what the patient wrote (the on-call SMS stays neutral), and pages now. Further crisis messages
while that escalation is open (not acknowledged) join it instead of paging again: each is kept
(`CrisisMessage`) and staff see them as follow-up lines, at most one a minute per escalation so a
flood cannot bury the staff chat (Telegram allows a group 20 messages a minute). The patient gets
the reply every time: someone typing "I can't breathe" twice must never meet silence, and a
reply costs nothing next to the risk of the one that was not sent.

A sender with no patient record (an unknown Telegram user, a number that never texted before) gets
one, as /start and STOP already do: an escalation belongs to a patient, the alert needs a callback
number or chat, and the record carries no consent, so nothing else is ever sent to it.

The service in parts, by topic: the matcher it reads with (bot/services/crisis_matching.py), the
replies and the safety check's question (crisis_replies.py), recording and escalating
(crisis_recording.py), and here the answers to the safety check.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.db.models import Patient
from bot.domain.crisis import CheckAnswer, CrisisKind
from bot.domain.enums import Channel
from bot.services.audit import audit
from bot.services.crisis_matching import bot_texts_to_ignore, build_matcher
from bot.services.crisis_recording import CHECK_RULE_PREFIX, CrisisRecording
from bot.services.crisis_replies import check_crisis_sms_texts, strong_match
from bot.services.patients import (
    get_or_create_telegram_patient,
    patient_by_phone,
    patient_by_telegram,
)

__all__ = [
    "CheckOutcome",
    "CrisisService",
    "bot_texts_to_ignore",
    "build_matcher",
    "check_crisis_sms_texts",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckOutcome:
    """What an answer to the safety check did."""

    answer: CheckAnswer
    kind: CrisisKind
    escalation_id: int
    paged: bool  # on-call is paged now (No / Call me)


def _kind_of(rule: str) -> CrisisKind:
    suffix = rule.removeprefix(CHECK_RULE_PREFIX)
    return CrisisKind(suffix) if suffix in set(CrisisKind) else CrisisKind.SELF_HARM


class CrisisService(CrisisRecording):
    """Read free text for crisis words; answer, escalate, and keep every message.

    The parts: reading and replies in CrisisReplies (bot/services/crisis_replies.py), recording
    and escalating in CrisisRecording (bot/services/crisis_recording.py); here, the answers to
    the safety check."""

    def answer_check_telegram(
        self,
        *,
        user_id: int,
        chat_id: int,
        first_name: str,
        answer: CheckAnswer,
        kind: CrisisKind | None,
        typed: bool,
    ) -> CheckOutcome | None:
        """Act on an answer to the safety check (own transaction).

        A typed answer with no check waiting is not one (None: the journey takes the words).
        A pressed No / Call me always reaches on-call, even on an old or closed check.
        """
        now = self.clock.now()
        with self.db.session() as session:
            patient = patient_by_telegram(session, user_id)
            if patient is None:
                if typed or answer is CheckAnswer.SAFE:
                    return None
                patient = get_or_create_telegram_patient(
                    session, telegram_user_id=user_id, chat_id=chat_id, now=now
                )
                patient.created_by = "crisis"
            sender = ""
            if not patient.name:
                sender = self.texts.plain(
                    "crisis_sender_telegram", name=first_name or "?", user_id=user_id
                )
            return self._answer(
                session,
                patient,
                answer=answer,
                kind=kind,
                typed=typed,
                channel=Channel.TELEGRAM,
                sender=sender,
                now=now,
            )

    def answer_check_sms(
        self, session: Session, *, phone: str, answer: CheckAnswer, now: datetime
    ) -> str | None:
        """A texted answer to the safety check: the reply, or None when no check is waiting."""
        patient = patient_by_phone(session, phone)
        if patient is None:
            return None
        outcome = self._answer(
            session,
            patient,
            answer=answer,
            kind=None,
            typed=True,
            channel=Channel.SMS,
            sender="",
            now=now,
        )
        if outcome is None:
            return None
        if outcome.answer is CheckAnswer.NOT_SAFE:
            return self.sms_reply(strong_match(outcome.kind, "not safe"))
        key = (
            "sms_crisis_check_safe"
            if outcome.answer is CheckAnswer.SAFE
            else "sms_crisis_check_call"
        )
        return self._sms_text(key)

    def check_reply_telegram(self, outcome: CheckOutcome) -> str:
        """What the patient reads after answering the check (HTML)."""
        if outcome.answer is CheckAnswer.SAFE:
            return self.texts.html("crisis_check_thanks")
        if outcome.answer is CheckAnswer.CALL:
            return self.texts.html("crisis_check_calling")
        return self.telegram_reply(strong_match(outcome.kind, "not safe"))

    def _answer(
        self,
        session: Session,
        patient: Patient,
        *,
        answer: CheckAnswer,
        kind: CrisisKind | None,
        typed: bool,
        channel: Channel,
        sender: str,
        now: datetime,
    ) -> CheckOutcome | None:
        assert patient.id is not None
        check = self.open_check(session, patient_id=patient.id)
        if check is not None:
            kind = _kind_of(check.rule)
        kind = kind or CrisisKind.SELF_HARM
        if check is None:
            urgent = self.escalation.open_urgent(session, patient_id=patient.id)
            if answer is CheckAnswer.SAFE and not typed and urgent is not None:
                # "I'm safe" pressed after on-call was paged: staff see it on the open alert,
                # which stays open until someone takes it.
                assert urgent.id is not None
                self._join(
                    session,
                    urgent,
                    patient,
                    channel=channel,
                    text=self.texts.plain("crisis_check_pressed_safe"),
                    found=strong_match(kind, str(answer)),
                    now=now,
                )
                self._audit_answer(session, patient.id, urgent.id, answer, channel, now)
                return CheckOutcome(answer, kind, urgent.id, paged=False)
            if typed or answer is CheckAnswer.SAFE:
                return None
            # A No / Call me pressed on an old check: never left unanswered.
            key = (
                "crisis_check_pressed_not_safe"
                if answer is CheckAnswer.NOT_SAFE
                else "crisis_check_pressed_call"
            )
            raised = self._record(
                session,
                patient,
                channel=channel,
                sender=sender,
                text=self.texts.plain(key),
                found=strong_match(kind, str(answer)),
                now=now,
            )
            self._audit_answer(session, patient.id, raised.escalation_id, answer, channel, now)
            return CheckOutcome(answer, kind, raised.escalation_id, paged=True)
        assert check.id is not None
        if answer is CheckAnswer.SAFE:
            self.escalation.settle_check(session, check, now=now)
            paged = False
        else:
            reason = self.texts.plain(
                "crisis_check_said_not_safe"
                if answer is CheckAnswer.NOT_SAFE
                else "crisis_check_said_call"
            )
            self.escalation.escalate_check(session, check, reason=reason, now=now)
            paged = True
        self._audit_answer(session, patient.id, check.id, answer, channel, now)
        return CheckOutcome(answer, kind, check.id, paged=paged)

    @staticmethod
    def _audit_answer(
        session: Session,
        patient_id: int,
        escalation_id: int,
        answer: CheckAnswer,
        channel: Channel,
        now: datetime,
    ) -> None:
        audit(
            session,
            at=now,
            actor=f"patient:{patient_id}",
            action="crisis.check_answer",
            subject=f"escalation:{escalation_id}",
            detail={"answer": str(answer), "channel": str(channel)},
        )
        log.warning("safety check %s answered (%s) by %s", escalation_id, answer, channel)
