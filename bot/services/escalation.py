"""Red flags reach a person in time (CLINICAL.md section 4 and 4a): deadlines and the ladder.

A red flag is an `Escalation` row written in the caller's transaction, with a deadline and an
owner (`bot.domain.deadlines`). An URGENT one becomes ESCALATION_PAGE outbox rows for the staff
chat (with an Acknowledge button) and the on-call phone, due now; the caller then hands the
escalation to `page_soon()`, which sends those rows, and only those, in a background task: a page
never waits for the outbox tick or its backlog, and the patient's fixed reply never waits for
the pages.

The ladder is rounds of pages `repage_after` apart, each round planned by the one before it,
until someone acknowledges (a page rendered after that is skipped): staff chat and on-call SMS
every round; from round `call_after_pages + 1` also a voice call to on-call; from the round after
that also an SMS and a call to the backup phone. A staff chat that refuses messages sends its
pages to on-call, with a call at once.

Lower levels go to the staff chat as a flagged notice plus a StaffTask. "Callback within 1 h" and
"same day" also get an ESCALATION_DEADLINE row at their deadline: unacknowledged then, the
ladder starts. A deadline outside opening hours starts it at once. Task levels (next business
day) stay tasks, first in the digest once overdue. Acknowledging (button, "ACK 12" by SMS from
the on-call or backup phone, 1 on the call) stops the ladder and tells the patient, on the
channel they used, that a clinician has taken it. Staff and on-call channels ignore patient
opt-outs, and pages ignore SMS quiet hours (`dispatch.SAFETY_KINDS`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.db.engine import Database
from bot.db.models import Escalation
from bot.domain.checkins import CheckinCatalog
from bot.domain.clock import Clock
from bot.domain.deadlines import PAGED_AT_DEADLINE
from bot.domain.enums import Channel, EscalationLevel, OutboxKind
from bot.domain.redflags import RedFlag
from bot.messaging.channels import OutgoingMessage
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.dispatch import Dispatcher
from bot.services.escalation_acks import EscalationAcks
from bot.services.escalation_ladder import CALL_AFTER_PAGES, REPAGE_AFTER, deadline_key
from bot.services.outbox import enqueue
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.texts import Texts

log = logging.getLogger(__name__)


class EscalationService(EscalationAcks):
    """Raise red flags, page up the ladder until acknowledged, and record acknowledgements."""

    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        clock: Clock,
        texts: Texts,
        catalog: CheckinCatalog,
        dispatcher: Dispatcher,
        repage_after: timedelta = REPAGE_AFTER,
        call_after_pages: int = CALL_AFTER_PAGES,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.profile = profile
        self.clock = clock
        self.texts = texts
        self.repage_after = repage_after
        self.call_after_pages = call_after_pages
        # Pages go out through it at once (`page_soon`); it renders them with `renderers` below.
        self.dispatcher = dispatcher
        # Paging tasks in flight: the loop keeps only weak references to tasks.
        self._paging: set[asyncio.Task[None]] = set()

    @property
    def renderers(self) -> Renderers:
        return {
            OutboxKind.ESCALATION_PAGE: self.render_page,
            OutboxKind.ESCALATION_DEADLINE: self.render_deadline,
            OutboxKind.ESCALATION_TAKEN: self.render_taken,
        }

    # --- deadlines --------------------------------------------------------------------------

    # --- raising ----------------------------------------------------------------------------

    def raise_flag(
        self,
        session: Session,
        *,
        patient_id: int,
        flag: RedFlag,
        now: datetime,
        checkin_id: int | None = None,
        channel: Channel | str | None = None,
    ) -> Escalation:
        """Record a red flag and queue what staff must see, in the caller's transaction.

        `channel` is where the patient wrote from (telegram / sms): they hear there when a
        clinician takes it. The caller sends `flag.reply_text` to the patient itself and, once
        its transaction has committed, hands the escalation to `page_soon()`.
        """
        deadline = self.deadline(flag.level, now=now)
        escalation = Escalation(
            patient_id=patient_id,
            checkin_id=checkin_id,
            level=flag.level,
            rule=flag.rule,
            detail=flag.staff_summary,
            created_at=now,
            deadline_at=deadline.at,
            owner=deadline.owner,
            patient_channel=str(channel) if channel is not None else None,
            trigger=",".join(flag.questions)[:64] or None,
        )
        session.add(escalation)
        session.flush()
        assert escalation.id is not None
        if flag.level is EscalationLevel.URGENT:
            self._plan_round(session, escalation, page=1, due=now, now=now)
        else:
            self._notify(session, escalation, flag, now=now, paging=deadline.page_now)
            if deadline.page_now:
                self._climb(session, escalation, now=now)
            elif flag.level in PAGED_AT_DEADLINE:
                enqueue(
                    session,
                    kind=OutboxKind.ESCALATION_DEADLINE,
                    channel=Channel.STAFF,
                    due_at=deadline.at,
                    dedupe_key=deadline_key(escalation.id),
                    now=now,
                    patient_id=patient_id,
                    payload={"escalation_id": escalation.id},
                )
        audit(
            session,
            at=now,
            actor="system",
            action="escalation.raise",
            subject=f"escalation:{escalation.id}",
            detail={
                "rule": flag.rule,
                "level": str(flag.level),
                "checkin_id": checkin_id,
                "deadline": deadline.at.isoformat(),
                "owner": str(deadline.owner),
                "paged": flag.level is EscalationLevel.URGENT or deadline.page_now,
            },
        )
        # The rule's name says what the patient answered: it stays in the database.
        log.warning(
            "red flag (%s) raised as escalation %s, owner %s",
            flag.level,
            escalation.id,
            deadline.owner,
        )
        return escalation

    def render_deadline(self, ctx: RenderContext) -> OutgoingMessage:
        """At the deadline: taken already, nothing; otherwise the ladder starts now."""
        escalation = ctx.session.get(Escalation, int(ctx.payload.get("escalation_id", 0)))
        if escalation is None:
            raise Skip("escalation not found")
        if escalation.acknowledged_at is not None or escalation.closed_at is not None:
            raise Skip("taken before the deadline")
        if ctx.payload.get("check"):
            # The safety check went unanswered: a possible crisis is treated as a crisis.
            self._check_unanswered(ctx, escalation)
            raise Skip("safety check unanswered: the ladder started")
        followup = [str(code) for code in ctx.payload.get("followup", [])]
        if followup:
            if self._followup_answered(ctx.session, ctx.payload.get("checkin_id"), followup):
                raise Skip("follow-up answered")
            # An abandoned C-SSRS rules nothing out: treated as urgent (issue 10 item 6).
            escalation.level = EscalationLevel.URGENT
            escalation.detail = (
                f"{escalation.detail}. {self.texts.plain('esc_followup_unanswered')}"
            )
        self._climb(ctx.session, escalation, now=ctx.now)
        audit(
            ctx.session,
            at=ctx.now,
            actor="system",
            action="escalation.deadline_passed",
            subject=f"escalation:{escalation.id}",
            detail={"level": escalation.level},
        )
        log.warning("escalation %s: deadline passed unacknowledged, paging", escalation.id)
        raise Skip("deadline passed: the ladder started")

    # --- the soft tier's safety check (bot.services.crisis) ----------------------------------

    # --- paging -------------------------------------------------------------------------------

    # --- acknowledging ------------------------------------------------------------------------
