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
"""

from __future__ import annotations

import html
import logging
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import CrisisMessage, Escalation, Outbox, Patient
from bot.domain.callback_data import CrisisCheckPress
from bot.domain.checkin_parsing import parse_checkin_catalog
from bot.domain.clock import Clock
from bot.domain.crisis import CheckAnswer, CrisisKind, CrisisMatch, CrisisMatcher, CrisisTier
from bot.domain.crisis_model import load_model
from bot.domain.enums import Channel, EscalationLevel, OutboxKind, OutboxStatus
from bot.domain.errors import ConfigError
from bot.domain.language import Language
from bot.domain.redflags import RedFlag
from bot.domain.refs import flag_ref
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.messaging.channels import Button, OutgoingMessage
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.escalation import EscalationService
from bot.services.escalation_ladder import CRISIS_RULE_PREFIX, KEY_PREFIX
from bot.services.outbox import enqueue
from bot.services.patients import (
    get_or_create_sms_patient,
    get_or_create_telegram_patient,
    patient_by_phone,
    patient_by_telegram,
)
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.texts import Texts, profile_texts
from bot.texts.i18n import use_language

log = logging.getLogger(__name__)

# Staff see a flood as one follow-up line a minute per escalation, each naming how many came.
FOLLOWUP_EVERY = timedelta(minutes=1)
# What staff read of one message: enough for any real message, never a wall of text.
QUOTE_LIMIT = 500
SMS_KEYS = {
    (CrisisKind.EMERGENCY,): "sms_crisis_emergency",
    (CrisisKind.SELF_HARM,): "sms_crisis_self_harm",
    (CrisisKind.EMERGENCY, CrisisKind.SELF_HARM): "sms_crisis_both",
}
_TAG = re.compile(r"<[^>]*>")
# A possible crisis (the soft tier) is an escalation "crisis_check_<kind>" until it is urgent.
CHECK_RULE_PREFIX = f"{CRISIS_RULE_PREFIX}check_"
CHECK_SMS_KEYS = ("sms_crisis_check", "sms_crisis_check_safe", "sms_crisis_check_call")


@dataclass(frozen=True)
class CrisisRaised:
    """What recording one crisis message did."""

    escalation_id: int
    paged: bool  # True: it raised a new escalation (paged now); False: it joined an open one
    patient_id: int


@dataclass(frozen=True)
class CheckOutcome:
    """What an answer to the safety check did."""

    answer: CheckAnswer
    kind: CrisisKind
    escalation_id: int
    paged: bool  # on-call is paged now (No / Call me)


def rule_of(kind: CrisisKind) -> str:
    return f"{CRISIS_RULE_PREFIX}{kind}"


def check_rule(kind: CrisisKind) -> str:
    return f"{CHECK_RULE_PREFIX}{kind}"


def _kind_of(rule: str) -> CrisisKind:
    suffix = rule.removeprefix(CHECK_RULE_PREFIX)
    return CrisisKind(suffix) if suffix in set(CrisisKind) else CrisisKind.SELF_HARM


def _strong(kind: CrisisKind, phrase: str) -> CrisisMatch:
    return CrisisMatch(kind=kind, phrase=phrase, kinds=(kind,))


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The patient's words as staff read them: one line per line, capped."""
    cleaned = " ".join(text.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


class CrisisService:
    """Read free text for crisis words; answer, escalate, and keep every message."""

    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        clock: Clock,
        texts: Texts,
        escalation: EscalationService,
        matcher: CrisisMatcher,
    ) -> None:
        self.db = db
        self.profile = profile
        self.clock = clock
        self.texts = texts
        self.escalation = escalation
        self.matcher = matcher

    @property
    def renderers(self) -> Renderers:
        return {OutboxKind.CRISIS_FOLLOWUP: self.render_followup}

    # --- reading and replying -------------------------------------------------------------

    def match(self, text: str) -> CrisisMatch | None:
        """The strong crisis words in `text`, or None (pure, fast: safe on the event loop)."""
        return self.matcher.match(text)

    def assess(self, text: str) -> CrisisMatch | None:
        """Strong crisis words, else a soft sign, else None (pure, fast)."""
        return self.matcher.assess(text)

    def telegram_reply_for(self, kind: CrisisKind) -> str:
        """The fixed reply for one class (HTML)."""
        return self.telegram_reply(_strong(kind, str(kind)))

    def telegram_reply(self, found: CrisisMatch) -> str:
        """The fixed reply(s) for Telegram (HTML): emergency first, then who was alerted."""
        replies = [
            f"<b>{html.escape(self.texts.plain(f'crisis_reply_{kind}'), quote=False)}</b>"
            for kind in found.kinds
        ]
        return "\n\n".join([*replies, self.texts.html("crisis_alerted")])

    def sms_reply(self, found: CrisisMatch) -> str:
        """The fixed reply by SMS: neutral words a lock screen may show (checked at start-up)."""
        if found.tier is CrisisTier.SOFT:
            return self._sms_text("sms_crisis_check")
        key = SMS_KEYS.get(found.kinds, SMS_KEYS[(found.kind,)])
        values = {"clinic": self.profile.clinic.name}
        text = self.texts.plain(key, **values)
        try:
            assert_sms_safe(text, max_segments=2)
        except UnsafeSmsText:
            log.error("texts.%s is not SMS-safe; sending the built-in wording", key)
            text = Texts().plain(key, **values)
        return text

    # --- recording ------------------------------------------------------------------------

    def record_telegram(
        self, *, user_id: int, chat_id: int, first_name: str, text: str, found: CrisisMatch
    ) -> CrisisRaised:
        """Record a crisis message from a Telegram chat (own transaction); page the caller."""
        now = self.clock.now()
        with self.db.session() as session:
            known = patient_by_telegram(session, user_id) is not None
            patient = get_or_create_telegram_patient(
                session, telegram_user_id=user_id, chat_id=chat_id, now=now
            )
            if not known:
                patient.created_by = "crisis"
            sender = ""
            if not patient.name:
                sender = self.texts.plain(
                    "crisis_sender_telegram", name=first_name or "?", user_id=user_id
                )
            return self._record(
                session,
                patient,
                channel=Channel.TELEGRAM,
                sender=sender,
                text=text,
                found=found,
                now=now,
            )

    def record_sms(
        self, session: Session, *, phone: str, text: str, found: CrisisMatch, now: datetime
    ) -> CrisisRaised:
        """Record a crisis text in the SMS webhook's transaction (any sender, even opted out)."""
        patient = patient_by_phone(session, phone)
        sender = ""
        if patient is None:
            # The number texted us: enough to call back. No consent is recorded with it.
            patient = get_or_create_sms_patient(
                session, phone_e164=phone, now=now, created_by="sms:crisis"
            )
            sender = self.texts.plain("crisis_sender_unknown")
        elif patient.sms_opted_out_at is not None:
            sender = self.texts.plain("crisis_sender_opted_out")
        return self._record(
            session, patient, channel=Channel.SMS, sender=sender, text=text, found=found, now=now
        )

    def _record(
        self,
        session: Session,
        patient: Patient,
        *,
        channel: Channel,
        sender: str,
        text: str,
        found: CrisisMatch,
        now: datetime,
    ) -> CrisisRaised:
        assert patient.id is not None
        open_one = self.escalation.open_urgent(session, patient_id=patient.id)
        check = self.open_check(session, patient_id=patient.id)
        if open_one is None and found.tier is CrisisTier.SOFT:
            open_one = check  # more soft words while the check waits: staff see them
        if open_one is not None:
            assert open_one.id is not None
            self._join(session, open_one, patient, channel=channel, text=text, found=found, now=now)
            return CrisisRaised(open_one.id, paged=False, patient_id=patient.id)
        if found.tier is CrisisTier.SOFT:
            return self._raise_check(
                session, patient, channel=channel, sender=sender, text=text, found=found, now=now
            )
        kinds = ", ".join(self.texts.plain(f"crisis_kind_{kind}") for kind in found.kinds)
        summary = self.texts.plain(
            "crisis_summary",
            kinds=kinds,
            channel=self.texts.plain(f"crisis_channel_{channel}"),
            sender=sender,
            quote=quote(text),
            phrase=found.phrase,
        )
        if check is not None:
            # Strong words while the safety check waits: that escalation pages now.
            assert check.id is not None
            self.escalation.escalate_check(
                session, check, reason=summary, now=now, rule=rule_of(found.kind)
            )
            session.add(self._message(check.id, patient.id, channel, text, found, now, True))
            audit(
                session,
                at=now,
                actor=f"patient:{patient.id}",
                action="crisis.raise",
                subject=f"escalation:{check.id}",
                detail={"channel": str(channel), "kinds": [str(k) for k in found.kinds]},
            )
            return CrisisRaised(check.id, paged=True, patient_id=patient.id)
        flag = RedFlag(
            rule=rule_of(found.kind),
            level=EscalationLevel.URGENT,
            reply_key=f"crisis_reply_{found.kind}",
            reply_text=self.texts.plain(f"crisis_reply_{found.kind}"),
            staff_summary=summary,
            questions=(),
        )
        escalation = self.escalation.raise_flag(
            session, patient_id=patient.id, flag=flag, now=now, channel=channel
        )
        assert escalation.id is not None
        session.add(self._message(escalation.id, patient.id, channel, text, found, now, True))
        audit(
            session,
            at=now,
            actor=f"patient:{patient.id}",
            action="crisis.raise",
            subject=f"escalation:{escalation.id}",
            detail={"channel": str(channel), "kinds": [str(k) for k in found.kinds]},
        )
        log.warning("crisis words (%s) by %s: escalation %s", found.kind, channel, escalation.id)
        return CrisisRaised(escalation.id, paged=True, patient_id=patient.id)

    def _join(
        self,
        session: Session,
        escalation: Escalation,
        patient: Patient,
        *,
        channel: Channel,
        text: str,
        found: CrisisMatch,
        now: datetime,
    ) -> None:
        """Keep the message with the open escalation and plan a follow-up line (one a minute)."""
        assert escalation.id is not None and patient.id is not None
        session.add(self._message(escalation.id, patient.id, channel, text, found, now, False))
        prefix = _followup_prefix(escalation.id)
        planned = session.exec(
            select(Outbox)
            .where(col(Outbox.dedupe_key).startswith(prefix))
            .order_by(col(Outbox.due_at).desc())
        ).all()
        if not any(row.status == OutboxStatus.PENDING for row in planned):
            # The alert itself, or the last line, showed what came before: wait a minute after it.
            last = planned[0].due_at if planned else escalation.created_at
            due = max(now, last + FOLLOWUP_EVERY)
            enqueue(
                session,
                kind=OutboxKind.CRISIS_FOLLOWUP,
                channel=Channel.STAFF,
                due_at=due,
                dedupe_key=f"{prefix}{int(due.timestamp())}",
                now=now,
                patient_id=patient.id,
                payload={"escalation_id": escalation.id},
            )
        audit(
            session,
            at=now,
            actor=f"patient:{patient.id}",
            action="crisis.follow_up",
            subject=f"escalation:{escalation.id}",
            detail={"channel": str(channel), "kinds": [str(k) for k in found.kinds]},
        )
        log.warning("more crisis words by %s joined escalation %s", channel, escalation.id)

    @staticmethod
    def _message(
        escalation_id: int,
        patient_id: int,
        channel: Channel,
        text: str,
        found: CrisisMatch,
        now: datetime,
        raised: bool,
    ) -> CrisisMessage:
        return CrisisMessage(
            escalation_id=escalation_id,
            patient_id=patient_id,
            channel=channel,
            kind=found.kind,
            phrase=found.phrase[:120],
            text=quote(text, limit=2000),
            received_at=now,
            raised=raised,
            shown_at=now if raised else None,
        )

    # --- the soft tier: "are you safe right now?" -------------------------------------------

    def telegram_check(self, found: CrisisMatch) -> tuple[str, list[list[Button]]]:
        """The gentle check for a soft sign (HTML) and its Yes / No / Call me buttons."""
        kind = found.kind
        buttons = [
            [
                Button(
                    self.texts.plain("crisis_btn_safe"),
                    data=CrisisCheckPress(CheckAnswer.SAFE, kind).pack(),
                ),
                Button(
                    self.texts.plain("crisis_btn_not_safe"),
                    data=CrisisCheckPress(CheckAnswer.NOT_SAFE, kind).pack(),
                ),
                Button(
                    self.texts.plain("crisis_btn_call"),
                    data=CrisisCheckPress(CheckAnswer.CALL, kind).pack(),
                ),
            ]
        ]
        return self.texts.html(f"crisis_check_{kind}"), buttons

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
            return self.sms_reply(_strong(outcome.kind, "not safe"))
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
        return self.telegram_reply(_strong(outcome.kind, "not safe"))

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
                    found=_strong(kind, str(answer)),
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
                found=_strong(kind, str(answer)),
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

    def open_check(self, session: Session, *, patient_id: int) -> Escalation | None:
        """The patient's newest possible-crisis escalation whose check waits for an answer."""
        found = session.exec(
            select(Escalation)
            .where(col(Escalation.patient_id) == patient_id)
            .where(col(Escalation.rule).startswith(CHECK_RULE_PREFIX))
            .where(col(Escalation.level) != EscalationLevel.URGENT)
            .where(col(Escalation.acknowledged_at).is_(None))
            .where(col(Escalation.closed_at).is_(None))
            .order_by(col(Escalation.created_at).desc(), col(Escalation.id).desc())
            .limit(1)
        ).first()
        if found is None or found.id is None:
            return None
        return found if self.escalation.pending_check(session, found.id) is not None else None

    def _raise_check(
        self,
        session: Session,
        patient: Patient,
        *,
        channel: Channel,
        sender: str,
        text: str,
        found: CrisisMatch,
        now: datetime,
    ) -> CrisisRaised:
        assert patient.id is not None
        kinds = ", ".join(self.texts.plain(f"crisis_kind_{kind}") for kind in found.kinds)
        summary = self.texts.plain(
            "crisis_check_summary",
            kinds=kinds,
            channel=self.texts.plain(f"crisis_channel_{channel}"),
            sender=sender,
            quote=quote(text),
            phrase=found.phrase,
        )
        escalation = self.escalation.raise_check(
            session,
            patient_id=patient.id,
            rule=check_rule(found.kind),
            summary=summary,
            asked=self.texts.plain(f"crisis_reply_check_{found.kind}"),
            within=timedelta(minutes=self.profile.crisis.check_minutes),
            now=now,
            channel=channel,
        )
        assert escalation.id is not None
        session.add(self._message(escalation.id, patient.id, channel, text, found, now, True))
        audit(
            session,
            at=now,
            actor=f"patient:{patient.id}",
            action="crisis.check",
            subject=f"escalation:{escalation.id}",
            detail={"channel": str(channel), "kinds": [str(k) for k in found.kinds]},
        )
        log.warning("possible crisis (%s) by %s: escalation %s", found.kind, channel, escalation.id)
        return CrisisRaised(escalation.id, paged=False, patient_id=patient.id)

    def _sms_text(self, key: str) -> str:
        values = {"clinic": self.profile.clinic.name}
        text = self.texts.plain(key, **values)
        try:
            assert_sms_safe(text, max_segments=2)
        except UnsafeSmsText:
            log.error("texts.%s is not SMS-safe; sending the built-in wording", key)
            text = Texts().plain(key, **values)
        return text

    # --- the follow-up line ---------------------------------------------------------------

    def render_followup(self, ctx: RenderContext) -> OutgoingMessage:
        """Every crisis message not yet shown to staff, as one line quoting the latest."""
        escalation_id = int(ctx.payload.get("escalation_id", 0))
        waiting = ctx.session.exec(
            select(CrisisMessage)
            .where(col(CrisisMessage.escalation_id) == escalation_id)
            .where(col(CrisisMessage.shown_at).is_(None))
            .order_by(col(CrisisMessage.received_at), col(CrisisMessage.id))
        ).all()
        if not waiting:
            raise Skip("nothing new since the last line")
        for message in waiting:
            message.shown_at = ctx.now
        return OutgoingMessage(
            self.texts.html(
                "crisis_staff_followup",
                escalation_id=flag_ref(escalation_id),
                count=len(waiting),
                quote=quote(waiting[-1].text),
            )
        )


def _followup_prefix(escalation_id: int) -> str:
    # Under the escalation's own key prefix, so page_now() sends a line that is due at once.
    return f"{KEY_PREFIX}{escalation_id}:crisis_followup:"


def build_matcher(
    profile: ClinicProfile, texts: Texts, *, second_stage: bool = True
) -> CrisisMatcher:
    """The matcher with the clinic's added phrases, ignoring the bot's own texts pasted back,
    and (unless `second_stage` is False) the learned model asked when the phrases find nothing."""
    return _matcher(
        tuple(profile.crisis.self_harm),
        tuple(profile.crisis.emergency),
        tuple(profile.crisis.negations),
        tuple(bot_texts_to_ignore(profile, texts)),
        tuple(profile.crisis.soft_self_harm),
        tuple(profile.crisis.soft_emergency),
        second_stage,
        profile.crisis.model_threshold,
    )


@lru_cache(maxsize=8)
def _matcher(
    self_harm: tuple[str, ...],
    emergency: tuple[str, ...],
    negations: tuple[str, ...],
    quoted: tuple[str, ...],
    soft_self_harm: tuple[str, ...] = (),
    soft_emergency: tuple[str, ...] = (),
    second_stage: bool = True,
    threshold: float | None = None,
) -> CrisisMatcher:
    # Building reads every bot text (a few hundred ms): once per set of words, not per Core.
    model = load_model() if threshold is None else load_model().with_threshold(threshold)
    return CrisisMatcher(
        extra_self_harm=self_harm,
        extra_emergency=emergency,
        extra_negations=negations,
        quoted=quoted,
        extra_soft_self_harm=soft_self_harm,
        extra_soft_emergency=soft_emergency,
        second_stage=model if second_stage else None,
    )


def check_crisis_sms_texts(texts: Texts, profile: ClinicProfile) -> None:
    """Refuse to start when a crisis SMS reply (e.g. a profile override) breaks the SMS policy."""
    for key in sorted({*SMS_KEYS.values(), *CHECK_SMS_KEYS}):
        try:
            assert_sms_safe(texts.plain(key, clinic=profile.clinic.name), max_segments=2)
        except UnsafeSmsText as exc:
            raise ConfigError(f"clinic profile texts.{key}: {exc}") from None


def bot_texts_to_ignore(profile: ClinicProfile, texts: Texts) -> list[str]:
    """Every text the bot itself sends, in pieces between placeholders, to ignore when pasted."""
    catalog = parse_checkin_catalog(profile.model_dump())
    found: list[str] = []
    keys = texts.keys()  # Texts is not a dict: it lists its keys
    for language in Language:  # a Spanish question quoted back is no more a crisis
        with use_language(language):
            found += [
                profile_texts.question(code, question.text)
                for code, question in catalog.questions.items()
            ]
            found += [profile_texts.reply(key, text) for key, text in catalog.replies.items()]
            for key in keys:
                found.extend(_literal_pieces(texts.raw(key)))
    return list(dict.fromkeys(found))


def _literal_pieces(template: str) -> Iterator[str]:
    for literal, _name, _spec, _conversion in string.Formatter().parse(template):
        piece = html.unescape(_TAG.sub(" ", literal)).strip()
        if piece:
            yield piece
