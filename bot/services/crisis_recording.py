"""Recording crisis messages and raising their escalations (bot/services/crisis.py): the first
message pages (or asks the safety check, for a soft sign), later ones join the open escalation
and reach staff as one follow-up line a minute."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.db.models import CrisisMessage, Escalation, Outbox, Patient
from bot.domain.crisis import CrisisKind, CrisisMatch, CrisisTier
from bot.domain.enums import Channel, EscalationLevel, OutboxKind, OutboxStatus
from bot.domain.redflags import RedFlag
from bot.domain.refs import flag_ref
from bot.messaging.channels import OutgoingMessage
from bot.services.audit import audit
from bot.services.crisis_replies import CrisisReplies
from bot.services.escalation_ladder import CRISIS_RULE_PREFIX, KEY_PREFIX
from bot.services.outbox import enqueue
from bot.services.patients import (
    get_or_create_sms_patient,
    get_or_create_telegram_patient,
    patient_by_phone,
    patient_by_telegram,
)
from bot.services.rendering import RenderContext, Renderers, Skip

# Logged under the service's name, as before its parts moved to modules of their own.
log = logging.getLogger("bot.services.crisis")

# Staff see a flood as one follow-up line a minute per escalation, each naming how many came.
FOLLOWUP_EVERY = timedelta(minutes=1)
# What staff read of one message: enough for any real message, never a wall of text.
QUOTE_LIMIT = 500
# A possible crisis (the soft tier) is an escalation "crisis_check_<kind>" until it is urgent.
CHECK_RULE_PREFIX = f"{CRISIS_RULE_PREFIX}check_"


@dataclass(frozen=True)
class CrisisRaised:
    """What recording one crisis message did."""

    escalation_id: int
    paged: bool  # True: it raised a new escalation (paged now); False: it joined an open one
    patient_id: int


def rule_of(kind: CrisisKind) -> str:
    return f"{CRISIS_RULE_PREFIX}{kind}"


def check_rule(kind: CrisisKind) -> str:
    return f"{CHECK_RULE_PREFIX}{kind}"


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The patient's words as staff read them: one line per line, capped."""
    cleaned = " ".join(text.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


class CrisisRecording(CrisisReplies):
    """Recording and escalating crisis messages (the middle of CrisisService)."""

    @property
    def renderers(self) -> Renderers:
        return {OutboxKind.CRISIS_FOLLOWUP: self.render_followup}

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
        return self._recorded(session, escalation, patient, channel, text, found, now, paged=True)

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
        assert escalation.id is not None
        assert patient.id is not None
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
        return self._recorded(session, escalation, patient, channel, text, found, now, paged=False)

    def _recorded(
        self,
        session: Session,
        escalation: Escalation,
        patient: Patient,
        channel: Channel,
        text: str,
        found: CrisisMatch,
        now: datetime,
        *,
        paged: bool,
    ) -> CrisisRaised:
        """The words kept against the new escalation, audited (a page, or a safety check)."""
        assert escalation.id is not None
        assert patient.id is not None
        session.add(self._message(escalation.id, patient.id, channel, text, found, now, True))
        audit(
            session,
            at=now,
            actor=f"patient:{patient.id}",
            action="crisis.raise" if paged else "crisis.check",
            subject=f"escalation:{escalation.id}",
            detail={"channel": str(channel), "kinds": [str(k) for k in found.kinds]},
        )
        what = "crisis words" if paged else "possible crisis"
        log.warning("%s (%s) by %s: escalation %s", what, found.kind, channel, escalation.id)
        return CrisisRaised(escalation.id, paged=paged, patient_id=patient.id)

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
