"""Staff operations: open red flags and tasks, closing them with an outcome, and the daily digest."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from bot.db.models import Escalation, Outbox, Patient, StaffTask
from bot.domain.availability import local_day, local_to_utc
from bot.domain.enums import AppointmentStatus, Channel, CloseOutcome, OutboxKind, OutboxStatus
from bot.presentation.staff_report_messages import render_digest
from bot.presentation.staff_views import Digest, FlagItem, ScheduleEntry
from bot.profile import ServiceKind
from bot.services.audit import audit
from bot.services.escalation_ladder import KEY_PREFIX as ESCALATION_KEY_PREFIX
from bot.services.outbox import enqueue
from bot.services.staff_base import StaffOpsBase
from bot.services.staff_records import (
    ESCALATION_TASK_PREFIX,
    OPEN_SESSION_LOOKBACK,
    TaskClosed,
    TaskNotFound,
)

log = logging.getLogger(__name__)


def close_escalation(
    session: Session, escalation: Escalation, *, actor: str, outcome: str, now: datetime
) -> None:
    """Record the outcome; a flag closed before anyone acknowledged it stops paging too."""
    escalation.closed_at = now
    escalation.closed_by = actor[:64]
    escalation.outcome = outcome
    if escalation.acknowledged_at is None:
        escalation.acknowledged_at = now
        escalation.acknowledged_by = actor[:64]
        session.exec(
            update(Outbox)
            .where(
                col(Outbox.kind).in_([OutboxKind.ESCALATION_PAGE, OutboxKind.ESCALATION_DEADLINE])
            )
            .where(col(Outbox.dedupe_key).startswith(f"{ESCALATION_KEY_PREFIX}{escalation.id}:"))
            .where(col(Outbox.status) == OutboxStatus.PENDING)
            .values(status=OutboxStatus.CANCELLED, last_error="closed")
        )


class FlagOps(StaffOpsBase):
    """The open flags and tasks (/flags), closing them, and the morning digest that leads with them."""

    # --- flags and tasks ----------------------------------------------------------------

    def open_flags(self) -> list[FlagItem]:
        """Open red flags and staff tasks, once each, by level (urgent first) then deadline.

        A red flag's own task is not listed again: the flag is the item, open until closed.
        """
        now = self.clock.now()
        with self.db.session(write=False) as session:
            escalations = session.exec(
                select(Escalation, Patient.name)
                .join(Patient, col(Patient.id) == col(Escalation.patient_id))
                .where(col(Escalation.closed_at).is_(None))
            ).all()
            tasks = session.exec(
                select(StaffTask, Patient.name)
                .join(Patient, col(Patient.id) == col(StaffTask.patient_id), isouter=True)
                .where(col(StaffTask.done_at).is_(None))
                .where(
                    or_(
                        col(StaffTask.dedupe_key).is_(None),
                        ~col(StaffTask.dedupe_key).startswith(ESCALATION_TASK_PREFIX),
                    )
                )
            ).all()
        items = [
            FlagItem(
                kind="escalation",
                id=e.id or 0,
                created_at=e.created_at,
                patient_id=e.patient_id,
                patient_name=name,
                label=e.level,
                detail=e.detail or e.rule,
                appointment_id=None,
                deadline_at=e.deadline_at,
                acknowledged=e.acknowledged_at is not None,
                overdue=e.acknowledged_at is None
                and e.deadline_at is not None
                and e.deadline_at <= now,
            )
            for e, name in escalations
        ] + [
            FlagItem(
                kind="task",
                id=t.id or 0,
                created_at=t.created_at,
                patient_id=t.patient_id,
                patient_name=name,
                label=t.kind,
                detail=t.detail,
                appointment_id=t.appointment_id,
            )
            for t, name in tasks
        ]
        return sorted(items, key=lambda i: (i.rank, i.due, i.created_at, i.kind, i.id))

    def close_task(
        self, *, task_id: int, actor: str, outcome: CloseOutcome = CloseOutcome.CALLED
    ) -> TaskClosed:
        """Close a staff task with what was done; a second press changes nothing.

        A red flag's task closes its flag too (and the other way round, in `close_flag`).
        """
        now = self.clock.now()
        with self.db.session() as session:
            task = session.get(StaffTask, task_id)
            if task is None:
                raise TaskNotFound(str(task_id))
            patient = session.get(Patient, task.patient_id) if task.patient_id else None
            name = patient.name if patient is not None else None
            if task.done_at is not None:
                return TaskClosed(
                    task_id, name, already=True, done_by=task.done_by, outcome=task.outcome
                )
            task.done_at = now
            task.done_by = actor[:64]
            task.outcome = outcome
            key = task.dedupe_key or ""
            if (
                key.startswith(ESCALATION_TASK_PREFIX)
                and key[len(ESCALATION_TASK_PREFIX) :].isdigit()
            ):
                escalation = session.get(Escalation, int(key[len(ESCALATION_TASK_PREFIX) :]))
                if escalation is not None:
                    close_escalation(session, escalation, actor=actor, outcome=outcome, now=now)
            audit(
                session,
                at=now,
                actor=actor,
                action="staff.task_done",
                subject=f"task:{task_id}",
                detail={"outcome": str(outcome)},
            )
            return TaskClosed(task_id, name, already=False, done_by=task.done_by, outcome=outcome)

    def close_flag(self, *, escalation_id: int, actor: str, outcome: CloseOutcome) -> TaskClosed:
        """Close a red flag with what was done (it stops paging if nobody had taken it)."""
        now = self.clock.now()
        with self.db.session() as session:
            escalation = session.get(Escalation, escalation_id)
            if escalation is None:
                raise TaskNotFound(str(escalation_id))
            patient = session.get(Patient, escalation.patient_id)
            name = patient.name if patient is not None else None
            if escalation.closed_at is not None:
                return TaskClosed(
                    escalation_id,
                    name,
                    already=True,
                    done_by=escalation.closed_by,
                    outcome=escalation.outcome,
                )
            close_escalation(session, escalation, actor=actor, outcome=outcome, now=now)
            task = session.exec(
                select(StaffTask).where(
                    col(StaffTask.dedupe_key) == f"{ESCALATION_TASK_PREFIX}{escalation_id}"
                )
            ).one_or_none()
            if task is not None and task.done_at is None:
                task.done_at, task.done_by, task.outcome = now, actor[:64], outcome
            audit(
                session,
                at=now,
                actor=actor,
                action="staff.flag_closed",
                subject=f"escalation:{escalation_id}",
                detail={"outcome": str(outcome)},
            )
            return TaskClosed(escalation_id, name, already=False, done_by=actor, outcome=outcome)

    # --- daily digest -------------------------------------------------------------------

    def digest(self, *, day: date) -> Digest:
        """Today's appointments, who has not confirmed (today and tomorrow), open flags."""
        today, tomorrow = self.schedule(first_day=day, last_day=day + timedelta(days=1))
        now = self.clock.now()
        unconfirmed = tuple(
            e
            for e in (*today.entries, *tomorrow.entries)
            if e.status == AppointmentStatus.BOOKED and not e.confirmed and e.starts_at > now
        )
        return Digest(
            day=day,
            today=today,
            unconfirmed=unconfirmed,
            # Overdue flags lead the digest; then by level and deadline as in /flags.
            flags=tuple(sorted(self.open_flags(), key=lambda i: not i.overdue)),
            open_sessions=tuple(self.open_sessions()),
        )

    def open_sessions(self) -> list[ScheduleEntry]:
        """Treatment sessions of the last week nobody closed after both prompts, or assumed."""
        now = self.clock.now()
        rules = self.profile.session_end
        asked_twice = timedelta(minutes=rules.prompt_after_minutes + rules.repeat_after_minutes)
        treatments = set(self.treatment_codes())
        with self.db.session(write=False) as session:
            entries = self._entries(
                session,
                start=now - OPEN_SESSION_LOOKBACK,
                end=now,
                statuses=(AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED),
            )
        return [
            e
            for e in entries
            if e.service in treatments
            and (
                e.assumed
                or (e.status == AppointmentStatus.BOOKED and e.ends_at + asked_twice <= now)
            )
        ]

    def treatment_codes(self) -> list[str]:
        return [
            code
            for code, service in self.profile.services.items()
            if service.kind is ServiceKind.TREATMENT
        ]

    def queue_daily_digest(self, *, now: datetime | None = None) -> bool:
        """Queue today's digest for the staff chat once the clinic opens; once a day at most.

        Safe to call often and from several replicas: the outbox key is the day. Returns whether
        a digest was queued now.
        """
        moment = now or self.clock.now()
        day = local_day(moment, self.tz)
        hours = self.profile.opening_ranges(day.weekday())
        if not hours or self._closure(day) is not None:
            return False
        opening = local_to_utc(day, hours[0][0], self.tz) or self._day_start(day)
        closing = local_to_utc(day, hours[-1][1], self.tz) or self._day_start(day + timedelta(1))
        if not opening <= moment < closing:
            return False
        html = render_digest(self.texts, self.profile, self.digest(day=day))
        with self.db.session() as session:
            queued = enqueue(
                session,
                kind=OutboxKind.STAFF_NOTICE,
                channel=Channel.STAFF,
                due_at=moment,
                dedupe_key=f"staff:digest:{day.isoformat()}",
                now=moment,
                payload={"event": "message", "html": html},
            )
        if queued:
            log.info("daily digest for %s queued", day.isoformat())
        return queued
