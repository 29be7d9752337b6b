"""The soft crisis tier's safety check (bot.services.crisis): "are you safe right now?" raised as
a same-day escalation with a deadline row, made urgent by a No, a Call me, strong words or no
answer in time, and settled by "safe"."""

from __future__ import annotations

import html
import logging
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.db.models import Escalation, Outbox, Patient, StaffTask
from bot.domain.deadlines import Owner
from bot.domain.enums import Channel, EscalationLevel, OutboxKind, OutboxStatus
from bot.domain.refs import flag_ref
from bot.presentation.formatting import clock_time
from bot.services.audit import audit
from bot.services.escalation_ladder import TASK_KIND, check_key, patient_line, rows_of
from bot.services.escalation_paging import EscalationPaging
from bot.services.outbox import enqueue
from bot.services.planner import staff_notice
from bot.services.rendering import RenderContext

log = logging.getLogger(__name__)


class CrisisChecks(EscalationPaging):
    """The "are you safe?" check of the soft crisis tier."""

    def raise_check(
        self,
        session: Session,
        *,
        patient_id: int,
        rule: str,
        summary: str,
        asked: str,
        within: timedelta,
        now: datetime,
        channel: Channel | str,
    ) -> Escalation:
        """A possible crisis: staff are told at once (a notice with Acknowledge and a task); if
        the patient does not answer the safety check `within`, the ladder starts.

        Same-day level while it waits, owned by staff; on-call is paged only by `escalate_check`
        (a "no" or "call me") or the check's time limit (`render_deadline`).
        """
        due = now + within
        escalation = Escalation(
            patient_id=patient_id,
            level=EscalationLevel.SAME_DAY,
            rule=rule,
            detail=summary,
            created_at=now,
            deadline_at=due,
            owner=Owner.STAFF,
            patient_channel=str(channel),
            trigger="check",
        )
        session.add(escalation)
        session.flush()
        assert escalation.id is not None
        patient = session.get(Patient, patient_id)
        level = self.texts.plain(f"esc_level_{EscalationLevel.SAME_DAY}")
        session.add(
            StaffTask(
                kind=TASK_KIND,
                patient_id=patient_id,
                detail=f"{level}: {summary}",
                created_at=now,
                dedupe_key=f"escalation:{escalation.id}",
            )
        )
        staff_notice(
            session,
            appointment=None,
            event="message",
            now=now,
            patient_id=patient_id,
            extra={
                "html": self.texts.raw("crisis_check_notice").format(
                    escalation_id=flag_ref(escalation.id),
                    patient=patient_line(patient),
                    summary=html.escape(summary, quote=False),
                    reply=html.escape(asked, quote=False),
                    time=clock_time(due, self.profile.tz),
                    minutes=int(within.total_seconds() // 60),
                ),
                "escalation_id": escalation.id,
                "ack_escalation_id": escalation.id,
            },
            key=f"{rows_of(escalation.id)}notice",
        )
        enqueue(
            session,
            kind=OutboxKind.ESCALATION_DEADLINE,
            channel=Channel.STAFF,
            due_at=due,
            dedupe_key=check_key(escalation.id),
            now=now,
            patient_id=patient_id,
            payload={"escalation_id": escalation.id, "check": True},
        )
        audit(
            session,
            at=now,
            actor="system",
            action="escalation.raise",
            subject=f"escalation:{escalation.id}",
            detail={
                "rule": rule,
                "level": str(EscalationLevel.SAME_DAY),
                "check": True,
                "deadline": due.isoformat(),
                "owner": str(Owner.STAFF),
                "paged": False,
            },
        )
        log.warning("possible crisis raised as escalation %s, check until deadline", escalation.id)
        return escalation

    def pending_check(self, session: Session, escalation_id: int) -> Outbox | None:
        """The check's time-limit row while the patient has not answered, else None."""
        return session.exec(
            select(Outbox)
            .where(col(Outbox.dedupe_key) == check_key(escalation_id))
            .where(col(Outbox.status) == OutboxStatus.PENDING)
        ).first()

    def escalate_check(
        self,
        session: Session,
        escalation: Escalation,
        *,
        reason: str,
        now: datetime,
        rule: str | None = None,
    ) -> None:
        """A "no", a "call me" or strong words: the possible crisis is urgent, on-call paged now."""
        assert escalation.id is not None
        self._end_check(session, escalation.id, why="escalated")
        escalation.level = EscalationLevel.URGENT
        if rule is not None:
            escalation.rule = rule
        escalation.detail = f"{escalation.detail}. {reason}"
        self._climb(session, escalation, now=now)
        audit(
            session,
            at=now,
            actor="system",
            action="escalation.check_escalated",
            subject=f"escalation:{escalation.id}",
            detail={"rule": escalation.rule},
        )
        log.warning("possible crisis %s is urgent now, paging", escalation.id)

    def settle_check(self, session: Session, escalation: Escalation, *, now: datetime) -> None:
        """The patient says they are safe: no page; staff follow up today (or next opening)."""
        assert escalation.id is not None
        self._end_check(session, escalation.id, why="patient answered safe")
        deadline = self.deadline(EscalationLevel.SAME_DAY, now=now)
        if deadline.page_now:
            # After hours: nobody is paged for a patient who says they are safe; the desk
            # calls at the next opening.
            deadline = self.deadline(EscalationLevel.NEXT_BUSINESS_DAY, now=now)
        escalation.deadline_at = deadline.at
        escalation.owner = Owner.STAFF
        escalation.trigger = "check:safe"
        staff_notice(
            session,
            appointment=None,
            event="message",
            now=now,
            patient_id=escalation.patient_id,
            extra={
                "html": self.texts.raw("crisis_check_safe_staff").format(
                    escalation_id=flag_ref(escalation.id),
                    deadline=html.escape(self.deadline_text(escalation), quote=False),
                )
            },
            key=f"{rows_of(escalation.id)}safe",
        )

    def _end_check(self, session: Session, escalation_id: int, *, why: str) -> None:
        session.exec(
            update(Outbox)
            .where(col(Outbox.dedupe_key) == check_key(escalation_id))
            .where(col(Outbox.status) == OutboxStatus.PENDING)
            .values(status=OutboxStatus.CANCELLED, last_error=why[:64])
        )

    def _check_unanswered(self, ctx: RenderContext, escalation: Escalation) -> None:
        minutes = int(self.profile.crisis.check_minutes)
        escalation.level = EscalationLevel.URGENT
        escalation.detail = (
            f"{escalation.detail}. {self.texts.plain('crisis_check_no_answer', minutes=minutes)}"
        )
        self._climb(ctx.session, escalation, now=ctx.now)
        audit(
            ctx.session,
            at=ctx.now,
            actor="system",
            action="crisis.check_unanswered",
            subject=f"escalation:{escalation.id}",
            detail={"minutes": minutes},
        )
        log.warning("escalation %s: safety check unanswered, paging", escalation.id)

    def open_urgent(self, session: Session, *, patient_id: int) -> Escalation | None:
        """The patient's newest urgent escalation nobody has acknowledged yet, if any."""
        return session.exec(
            select(Escalation)
            .where(col(Escalation.patient_id) == patient_id)
            .where(col(Escalation.level) == EscalationLevel.URGENT)
            .where(col(Escalation.acknowledged_at).is_(None))
            .order_by(col(Escalation.created_at).desc(), col(Escalation.id).desc())
            .limit(1)
        ).first()
