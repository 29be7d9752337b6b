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
import html
import logging
import re
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, or_, update
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import CheckInAnswer, Escalation, Outbox, Patient, StaffTask
from bot.domain.callback_data import EscalationAck
from bot.domain.checkins import CheckinCatalog
from bot.domain.clock import Clock
from bot.domain.deadlines import PAGED_AT_DEADLINE, Deadline, Owner, deadline_for
from bot.domain.enums import Channel, EscalationLevel, OutboxKind, OutboxStatus
from bot.domain.privacy import mask_phone
from bot.domain.redflags import RedFlag
from bot.domain.refs import flag_ref, patient_ref
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.messaging.channels import Button, OutgoingMessage
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.dispatch import Dispatcher, DispatchReport
from bot.services.formatting import clock_time, when_short
from bot.services.outbox import enqueue
from bot.services.planner import staff_notice
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.texts import Texts

log = logging.getLogger(__name__)

REPAGE_AFTER = timedelta(minutes=10)
CALL_AFTER_PAGES = 2  # unacknowledged rounds of pages before on-call gets a voice call
# A self-harm Yes whose follow-up questions stay unanswered this long is paged as urgent.
FOLLOWUP_WITHIN = timedelta(minutes=15)
TASK_KIND = "red_flag"
PAGE_CHANNELS = (Channel.STAFF, Channel.ONCALL)
BACKUP_CHANNELS = (Channel.BACKUP, Channel.BACKUP_CALL)
# Every outbox row an escalation plans (its pages, its staff notice) has a key under this.
KEY_PREFIX = "esc:"
# "ACK", "ACK F-12", "ack 12", "Ack #12": the on-call clinician's reply to a page SMS.
_SMS_ACK = re.compile(
    r"\s*ack(?:nowledged?)?\s*(?:#|f\s*-?)?\s*(\d{1,12})?\s*[.!]?\s*", re.IGNORECASE
)
# Pages send themselves and what they plan for now (a call when the staff chat is lost).
_PAGE_PASSES = 3
# Escalations raised by crisis words in free text (bot.services.crisis): "crisis_<kind>".
CRISIS_RULE_PREFIX = "crisis_"


def page_key(escalation_id: int, page: int, channel: Channel | str) -> str:
    """Dedupe key of one page of one escalation on one channel."""
    return f"{_rows_of(escalation_id)}page{page}:{channel}"


def _rows_of(escalation_id: int) -> str:
    """The key prefix of every outbox row one escalation plans."""
    return f"{KEY_PREFIX}{escalation_id}:"


def deadline_key(escalation_id: int) -> str:
    return f"{_rows_of(escalation_id)}deadline"


def check_key(escalation_id: int) -> str:
    """The time limit of a possible crisis's safety check (bot.services.crisis)."""
    return f"{_rows_of(escalation_id)}check"


def is_sms_ack(body: str) -> bool:
    """Whether an inbound text is an acknowledgement ("ACK", "ACK 12")."""
    return _SMS_ACK.fullmatch(body or "") is not None


class AckStatus(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    ALREADY = "already"
    NOT_FOUND = "not_found"
    REFUSED = "refused"  # from a number or person who may not acknowledge


@dataclass(frozen=True)
class Acknowledgement:
    status: AckStatus
    escalation_id: int
    by: str | None = None
    at: datetime | None = None


class EscalationService:
    """Raise red flags, page up the ladder until acknowledged, and record acknowledgements."""

    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        clock: Clock,
        texts: Texts,
        catalog: CheckinCatalog,
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
        self._dispatcher: Dispatcher | None = None
        # Paging tasks in flight: the loop keeps only weak references to tasks.
        self._paging: set[asyncio.Task[None]] = set()

    def use_dispatcher(self, dispatcher: Dispatcher) -> None:
        """Page through this dispatcher (wired once the Telegram bot exists)."""
        self._dispatcher = dispatcher

    @property
    def renderers(self) -> Renderers:
        return {
            OutboxKind.ESCALATION_PAGE: self.render_page,
            OutboxKind.ESCALATION_DEADLINE: self.render_deadline,
            OutboxKind.ESCALATION_TAKEN: self.render_taken,
        }

    # --- deadlines --------------------------------------------------------------------------

    def opening(self, day: date) -> Sequence[tuple[time, time]]:
        """The clinic's opening ranges on a local date (none on a closure day)."""
        if any(closure.covers(day) for closure in self.profile.closures):
            return []
        return self.profile.opening_ranges(day.weekday())

    def deadline(self, level: EscalationLevel, *, now: datetime) -> Deadline:
        """By when a flag of `level` raised `now` must be taken, and whose it is."""
        return deadline_for(level, now=now, opening=self.opening, tz=self.profile.tz)

    def deadline_text(self, escalation: Escalation) -> str:
        """The deadline and owner as staff read them on every alert (plain text)."""
        owner = self.texts.plain(f"esc_owner_{escalation.owner or Owner.STAFF}")
        if escalation.level == EscalationLevel.URGENT or escalation.deadline_at is None:
            return self.texts.plain("esc_deadline_now", owner=owner)
        return self.texts.plain(
            "esc_deadline_at",
            when=when_short(escalation.deadline_at, self.profile.tz),
            owner=owner,
        )

    def promise(self, escalation: Escalation) -> str | None:
        """What a patient is told after a lower-level flag: when we call, and what meanwhile.

        Plain, SMS-safe words from the deadline in clinic time ("We will call you today, before
        5:30 PM. If it gets worse, call 911."); None for urgent flags, whose reply says it all.
        """
        if escalation.level == EscalationLevel.URGENT or escalation.deadline_at is None:
            return None
        tz = self.profile.tz
        if escalation.climbed_at is not None:
            return self.texts.plain("sms_esc_promise_on_call")
        deadline = escalation.deadline_at.astimezone(tz)
        if deadline.date() == escalation.created_at.astimezone(tz).date():
            return self.texts.plain("sms_esc_promise_today", time=clock_time(deadline, tz))
        return self.texts.plain("sms_esc_promise_by", when=when_short(deadline, tz))

    def watch_followup(
        self,
        session: Session,
        escalation: Escalation,
        *,
        checkin_id: int,
        questions: Sequence[str],
        now: datetime,
    ) -> None:
        """Page as urgent if these follow-up questions (C-SSRS) are not all answered in time."""
        assert escalation.id is not None
        enqueue(
            session,
            kind=OutboxKind.ESCALATION_DEADLINE,
            channel=Channel.STAFF,
            due_at=now + FOLLOWUP_WITHIN,
            dedupe_key=f"{_rows_of(escalation.id)}followup",
            now=now,
            patient_id=escalation.patient_id,
            payload={
                "escalation_id": escalation.id,
                "checkin_id": checkin_id,
                "followup": list(questions),
            },
        )

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

    def _climb(self, session: Session, escalation: Escalation, *, now: datetime) -> None:
        """Start the ladder for a lower-level flag: its deadline passed or is after hours."""
        escalation.climbed_at = now
        escalation.owner = Owner.ONCALL
        self._plan_round(session, escalation, page=1, due=now, now=now)

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
                    patient=_patient_line(patient),
                    summary=html.escape(summary, quote=False),
                    reply=html.escape(asked, quote=False),
                    time=clock_time(due, self.profile.tz),
                    minutes=int(within.total_seconds() // 60),
                ),
                "escalation_id": escalation.id,
                "ack_escalation_id": escalation.id,
            },
            key=f"{_rows_of(escalation.id)}notice",
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
            key=f"{_rows_of(escalation.id)}safe",
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

    @staticmethod
    def _followup_answered(session: Session, checkin_id: object, codes: Sequence[str]) -> bool:
        if not isinstance(checkin_id, int):
            return False
        answered = set(
            session.exec(
                select(CheckInAnswer.question)
                .where(col(CheckInAnswer.checkin_id) == checkin_id)
                .where(col(CheckInAnswer.question).in_(list(codes)))
            ).all()
        )
        return answered >= set(codes)

    async def page_now(self, escalation_ids: Collection[int]) -> DispatchReport | None:
        """Send what these escalations queued and is due: their own rows only, never the backlog."""
        if not escalation_ids:
            return None
        theirs = or_(*(col(Outbox.dedupe_key).startswith(_rows_of(e)) for e in escalation_ids))
        return await self._send_due(theirs)

    async def page_now_for_phone(self, phone: str) -> DispatchReport | None:
        """Send what escalations of this number's patient queued and is due (the SMS webhook)."""
        patients = select(Patient.id).where(col(Patient.phone_e164) == phone.strip())
        return await self._send_due(col(Outbox.patient_id).in_(patients))

    def page_soon(self, escalation_ids: Collection[int]) -> None:
        """`page_now()` in a background task, so the patient's reply goes out without waiting."""
        wanted = tuple(escalation_ids)
        self._in_background(lambda: self.page_now(wanted), name="page-escalations")

    def page_soon_for_phone(self, phone: str) -> None:
        """`page_now_for_phone()` in a background task: the TwiML reply must not wait for it."""
        self._in_background(lambda: self.page_now_for_phone(phone), name="page-after-sms")

    async def wait_for_pages(self) -> None:
        """Return once the pages handed to the background have been sent (or have failed)."""
        while self._paging:
            await asyncio.gather(*self._paging, return_exceptions=True)

    async def _send_due(self, which: ColumnElement[bool]) -> DispatchReport | None:
        report: DispatchReport | None = None
        # A pass can plan more that is due now (a call once the staff chat is found lost).
        for _ in range(_PAGE_PASSES):
            with self.db.session(write=False) as session:
                found = session.exec(
                    select(Outbox.id)
                    .where(col(Outbox.dedupe_key).startswith(KEY_PREFIX))
                    .where(col(Outbox.status) == OutboxStatus.PENDING)
                    .where(col(Outbox.due_at) <= self.clock.now())
                    .where(which)
                ).all()
            ids = [row_id for row_id in found if row_id is not None]
            if not ids:
                break
            if self._dispatcher is None:
                log.error("no dispatcher wired: pages wait for the outbox tick")
                return None
            done = await self._dispatcher.run_due(ids=ids)
            report = done if report is None else _merged(report, done)
        return report

    def _in_background(
        self, paging: Callable[[], Awaitable[DispatchReport | None]], *, name: str
    ) -> None:
        loop = asyncio.get_running_loop()  # first: no coroutine is left unawaited without one
        task = loop.create_task(_logged(paging()), name=name)
        self._paging.add(task)
        task.add_done_callback(self._paging.discard)

    def _rungs(self, page: int) -> tuple[Channel, ...]:
        """The channels of one round of pages: the ladder climbs with every unanswered round."""
        rungs = list(PAGE_CHANNELS)
        if page > self.call_after_pages:
            rungs.append(Channel.ONCALL_CALL)
        if page > self.call_after_pages + 1:
            rungs += BACKUP_CHANNELS
        channels = self._dispatcher.channels if self._dispatcher is not None else None
        if channels is None:
            return tuple(rungs)
        # Rungs this deployment cannot use (no voice, no backup phone) are not planned at all.
        return tuple(
            rung
            for rung in rungs
            if rung in PAGE_CHANNELS
            or (channels.phone_for(rung) and (channels.voice if "call" in rung else channels.sms))
        )

    def _plan_round(
        self, session: Session, escalation: Escalation, *, page: int, due: datetime, now: datetime
    ) -> None:
        for channel in self._rungs(page):
            self._plan_page(session, escalation, page=page, channel=channel, due=due, now=now)

    def _plan_page(
        self,
        session: Session,
        escalation: Escalation,
        *,
        page: int,
        channel: Channel,
        due: datetime,
        now: datetime,
    ) -> None:
        assert escalation.id is not None
        enqueue(
            session,
            kind=OutboxKind.ESCALATION_PAGE,
            channel=channel,
            due_at=due,
            dedupe_key=page_key(escalation.id, page, channel),
            now=now,
            patient_id=escalation.patient_id,
            payload={"escalation_id": escalation.id, "page": page},
        )

    def _notify(
        self,
        session: Session,
        escalation: Escalation,
        flag: RedFlag,
        *,
        now: datetime,
        paging: bool = False,
    ) -> None:
        """A lower-level flag: a task on the staff list and a flagged notice with its deadline."""
        assert escalation.id is not None
        patient = session.get(Patient, escalation.patient_id)
        level = self.texts.plain(f"esc_level_{flag.level}")
        session.add(
            StaffTask(
                kind=TASK_KIND,
                patient_id=escalation.patient_id,
                detail=f"{level}: {flag.staff_summary}",
                created_at=now,
                dedupe_key=f"escalation:{escalation.id}",
            )
        )
        if paging:
            return  # the page itself tells staff, with the reason and the deadline
        staff_notice(
            session,
            appointment=None,
            event="message",
            now=now,
            patient_id=escalation.patient_id,
            extra={
                "html": self.texts.raw("esc_notice").format(
                    level=html.escape(level, quote=False),
                    escalation_id=flag_ref(escalation.id),
                    patient=_patient_line(patient),
                    summary=html.escape(flag.staff_summary, quote=False),
                    reply=html.escape(flag.reply_text, quote=False),
                    deadline=html.escape(self.deadline_text(escalation), quote=False),
                ),
                "escalation_id": escalation.id,
            },
            key=f"{_rows_of(escalation.id)}notice",
        )

    # --- paging -------------------------------------------------------------------------------

    def render_page(self, ctx: RenderContext) -> OutgoingMessage:
        """One page: skipped once acknowledged; otherwise it plans the next round first."""
        escalation = ctx.session.get(Escalation, int(ctx.payload.get("escalation_id", 0)))
        if escalation is None:
            raise Skip("escalation not found")
        if escalation.acknowledged_at is not None:
            raise Skip("acknowledged")
        if escalation.closed_at is not None:
            raise Skip("closed")
        assert escalation.id is not None
        page = int(ctx.payload.get("page", 1))
        planned_on = Channel(ctx.row.channel)
        if planned_on is Channel.STAFF and ctx.channel is Channel.ONCALL:
            # No staff chat, or it refuses messages: on-call gets a call now, not rounds later.
            self._plan_page(
                ctx.session,
                escalation,
                page=page,
                channel=Channel.ONCALL_CALL,
                due=ctx.now,
                now=ctx.now,
            )
            # The dispatcher sends staff pages to on-call, which has its own row.
            twin = ctx.session.exec(
                select(Outbox.id).where(
                    col(Outbox.dedupe_key) == page_key(escalation.id, page, Channel.ONCALL)
                )
            ).first()
            if twin is not None:
                raise Skip("the on-call page covers it")
        self._plan_round(
            ctx.session, escalation, page=page + 1, due=ctx.now + self.repage_after, now=ctx.now
        )
        escalation.pages_sent = max(escalation.pages_sent, page)
        escalation.last_paged_at = ctx.now
        if planned_on in BACKUP_CHANNELS:
            escalation.owner = Owner.BACKUP
        elif escalation.owner != Owner.BACKUP:
            escalation.owner = Owner.ONCALL
        if ctx.channel in (Channel.ONCALL_CALL, Channel.BACKUP_CALL):
            return OutgoingMessage(
                self._call_text(escalation, page), voice_ack=f"escalation={escalation.id}"
            )
        if ctx.is_sms or ctx.channel in (Channel.ONCALL, Channel.BACKUP):
            return OutgoingMessage(self._oncall_text(ctx, escalation, page))
        return OutgoingMessage(
            self._alert_text(ctx, escalation, page),
            buttons=[
                [Button(self.texts.plain("esc_btn_ack"), data=EscalationAck(escalation.id).pack())]
            ],
        )

    def _alert_text(self, ctx: RenderContext, escalation: Escalation, page: int) -> str:
        reply = self._reply_for(escalation)
        if page > 1:
            key = "esc_alert_repeat"
        elif escalation.level == EscalationLevel.URGENT:
            key = "esc_alert"
        else:
            key = "esc_alert_climbed"
        why = (
            self.texts.plain("esc_why_after_hours")
            if escalation.deadline_at is not None
            and escalation.deadline_at <= escalation.created_at
            else self.texts.plain("esc_why_deadline_passed")
        )
        return self.texts.raw(key).format(
            escalation_id=flag_ref(escalation.id),
            page=page,
            patient=_patient_line(ctx.patient),
            summary=html.escape(escalation.detail, quote=False),
            reply=html.escape(reply, quote=False),
            level=html.escape(self.texts.plain(f"esc_level_{escalation.level}"), quote=False),
            why=html.escape(why, quote=False),
            deadline=html.escape(self.deadline_text(escalation), quote=False),
        )

    def _oncall_text(self, ctx: RenderContext, escalation: Escalation, page: int) -> str:
        patient = ctx.patient
        callback = f" on {patient.phone_e164}" if patient is not None and patient.phone_e164 else ""
        values = {
            "clinic": ctx.profile.clinic.name,
            "escalation_id": flag_ref(escalation.id),
            "patient_ref": patient_ref(escalation.patient_id),
            "callback": callback,
            "repeat": self.texts.plain("sms_oncall_repeat", page=page) if page > 1 else "",
        }
        return self._sms_safe("sms_oncall_page", values)

    def _call_text(self, escalation: Escalation, page: int) -> str:
        values = {"clinic": self.profile.clinic.name, "escalation_id": escalation.id}
        return self._sms_safe("voice_oncall_call", values)

    def _sms_safe(self, key: str, values: Mapping[str, object]) -> str:
        """A text a lock screen (or a loudspeaker) may carry: a profile override that is not
        neutral falls back to the built-in wording."""
        text = self.texts.plain(key, **values)
        try:
            assert_sms_safe(text, max_segments=2)
        except UnsafeSmsText:
            log.error("texts.%s is not SMS-safe; sending the built-in wording", key)
            text = Texts().plain(key, **values)
        return text

    def _reply_for(self, escalation: Escalation) -> str:
        """The fixed reply the rule gives the patient, quoted in the staff alert."""
        if escalation.rule.startswith(CRISIS_RULE_PREFIX):
            kind = escalation.rule.removeprefix(CRISIS_RULE_PREFIX)
            key = f"crisis_reply_{kind}"
            return self.texts.plain(key) if key in self.texts else ""
        for rule in self.catalog.red_flags:
            if rule.code == escalation.rule:
                return self.catalog.replies.get(rule.reply, "")
        return ""

    def render_taken(self, ctx: RenderContext) -> OutgoingMessage:
        """Tell the patient a clinician has taken what they reported."""
        if ctx.patient is None:
            raise Skip("no patient")
        if ctx.is_sms:
            return OutgoingMessage(
                self._sms_safe("sms_esc_taken", {"clinic": self.profile.clinic.name})
            )
        return OutgoingMessage(self.texts.html("esc_taken"))

    # --- acknowledging ------------------------------------------------------------------------

    def acknowledge(
        self, *, escalation_id: int, actor: str, via: str | None = None
    ) -> Acknowledgement:
        """Record who took the alert, stop the ladder and tell the patient; again: nothing.

        `via` names a phone acknowledgement ("on-call, SMS reply"): staff see it in the chat.
        """
        now = self.clock.now()
        with self.db.session() as session:
            escalation = session.get(Escalation, escalation_id)
            if escalation is None:
                return Acknowledgement(AckStatus.NOT_FOUND, escalation_id)
            # Conditional update: two staff pressing at once acknowledge it once.
            result = session.exec(
                update(Escalation)
                .where(col(Escalation.id) == escalation_id)
                .where(col(Escalation.acknowledged_at).is_(None))
                .values(acknowledged_at=now, acknowledged_by=actor[:64])
            )
            if not result.rowcount:
                session.refresh(escalation)
                return Acknowledgement(
                    AckStatus.ALREADY,
                    escalation_id,
                    by=escalation.acknowledged_by,
                    at=escalation.acknowledged_at,
                )
            session.exec(
                update(Outbox)
                .where(
                    col(Outbox.kind).in_(
                        [OutboxKind.ESCALATION_PAGE, OutboxKind.ESCALATION_DEADLINE]
                    )
                )
                .where(col(Outbox.dedupe_key).startswith(_rows_of(escalation_id)))
                .where(col(Outbox.status) == OutboxStatus.PENDING)
                .values(status=OutboxStatus.CANCELLED, last_error="acknowledged")
            )
            self._tell_patient(session, escalation, now=now)
            if via is not None:
                staff_notice(
                    session,
                    appointment=None,
                    event="message",
                    now=now,
                    patient_id=escalation.patient_id,
                    extra={
                        "html": self.texts.html(
                            "esc_acked",
                            escalation_id=flag_ref(escalation_id),
                            name=via,
                            time=clock_time(now, self.profile.tz),
                        )
                    },
                    key=f"{_rows_of(escalation_id)}acked",
                )
            audit(
                session,
                at=now,
                actor=actor,
                action="escalation.acknowledge",
                subject=f"escalation:{escalation_id}",
                detail={"level": escalation.level, "rule": escalation.rule, "via": via},
            )
        return Acknowledgement(AckStatus.ACKNOWLEDGED, escalation_id, by=actor, at=now)

    def _tell_patient(self, session: Session, escalation: Escalation, *, now: datetime) -> None:
        assert escalation.id is not None
        patient = session.get(Patient, escalation.patient_id)
        if patient is None:
            return
        channel = escalation.patient_channel or patient.preferred_channel
        enqueue(
            session,
            kind=OutboxKind.ESCALATION_TAKEN,
            channel=Channel.SMS if channel == Channel.SMS else Channel.TELEGRAM,
            due_at=now,
            dedupe_key=f"{_rows_of(escalation.id)}taken",
            now=now,
            patient_id=escalation.patient_id,
            payload={"escalation_id": escalation.id},
        )

    def responder(self, phone: str) -> str | None:
        """Which clinician's phone this is ("oncall" / "backup"), None for anyone else."""
        channels = self._dispatcher.channels if self._dispatcher is not None else None
        number = phone.strip()
        if channels is None or not number:
            return None
        if number == channels.oncall_phone:
            return str(Owner.ONCALL)
        if number == channels.backup_phone:
            return str(Owner.BACKUP)
        return None

    def acknowledge_sms(self, *, phone: str, body: str) -> str:
        """Act on "ACK 12" (or plain "ACK" with one alert open) texted by on-call or backup.

        Anyone else is refused and audited. Returns the reply to text back.
        """
        match = _SMS_ACK.fullmatch(body or "")
        who = self.responder(phone)
        if who is None or match is None:
            self._refused(phone=phone, how="sms")
            return self._sms_safe("sms_ack_refused", {"clinic": self.profile.clinic.name})
        if match.group(1) is not None:
            escalation_id = int(match.group(1))
        else:
            open_ids = self.paged_open()
            if len(open_ids) != 1:
                return self._sms_safe(
                    "sms_ack_which",
                    {"ids": ", ".join(flag_ref(i) for i in open_ids[:5]) or "none"},
                )
            escalation_id = open_ids[0]
        ack = self.acknowledge(
            escalation_id=escalation_id,
            actor=f"{who}:sms",
            via=self.texts.plain(f"esc_via_{who}_sms"),
        )
        if ack.status is AckStatus.NOT_FOUND:
            return self._sms_safe("sms_ack_unknown", {"escalation_id": flag_ref(escalation_id)})
        if ack.status is AckStatus.ALREADY:
            return self._sms_safe(
                "sms_ack_already",
                {
                    "escalation_id": flag_ref(escalation_id),
                    "time": clock_time(ack.at or self.clock.now(), self.profile.tz),
                },
            )
        return self._sms_safe("sms_ack_done", {"escalation_id": flag_ref(escalation_id)})

    def acknowledge_call(self, *, escalation_id: int, callee: str, digits: str) -> AckStatus:
        """Act on a key pressed on a page call: 1 acknowledges, from on-call or backup only."""
        who = self.responder(callee)
        if who is None:
            self._refused(phone=callee, how="call")
            return AckStatus.REFUSED
        if digits.strip() != "1":
            return AckStatus.NOT_FOUND
        ack = self.acknowledge(
            escalation_id=escalation_id,
            actor=f"{who}:call",
            via=self.texts.plain(f"esc_via_{who}_call"),
        )
        return ack.status

    def paged_open(self) -> list[int]:
        """Escalations being paged and not yet acknowledged, oldest first."""
        with self.db.session(write=False) as session:
            found = session.exec(
                select(Escalation.id)
                .where(col(Escalation.acknowledged_at).is_(None))
                .where(col(Escalation.closed_at).is_(None))
                .where(col(Escalation.last_paged_at).is_not(None))
                .order_by(col(Escalation.created_at), col(Escalation.id))
            ).all()
        return [i for i in found if i is not None]

    def _refused(self, *, phone: str, how: str) -> None:
        now = self.clock.now()
        with self.db.session() as session:
            audit(
                session,
                at=now,
                actor=f"{how}:{mask_phone(phone)}",
                action="escalation.ack_refused",
                subject="escalation",
                detail={"how": how},
            )
        log.warning("acknowledgement by %s from %s refused", how, mask_phone(phone))

    def ack_line(self, ack: Acknowledgement, *, name: str) -> str:
        """The staff-chat line that shows who acknowledged (HTML)."""
        at = ack.at or self.clock.now()
        return self.texts.html(
            "esc_acked",
            escalation_id=flag_ref(ack.escalation_id),
            name=name,
            time=clock_time(at, self.profile.tz),
        )

    def ack_toast(self, ack: Acknowledgement) -> str:
        """The short answer to the Acknowledge press (plain)."""
        if ack.status is AckStatus.ACKNOWLEDGED:
            return self.texts.plain("esc_ack_toast")
        if ack.status is AckStatus.ALREADY and ack.at is not None:
            return self.texts.plain("esc_ack_already", time=clock_time(ack.at, self.profile.tz))
        return self.texts.plain("esc_ack_unknown")


def _merged(first: DispatchReport, second: DispatchReport) -> DispatchReport:
    return DispatchReport(
        sent=first.sent + second.sent,
        skipped=first.skipped + second.skipped,
        failed=first.failed + second.failed,
        retried=first.retried + second.retried,
        postponed=first.postponed + second.postponed,
        errors=[*first.errors, *second.errors],
    )


async def _logged(paging: Awaitable[DispatchReport | None]) -> None:
    """Run a background paging; a failure is logged, and its rows stay for the outbox tick."""
    try:
        report = await paging
    except asyncio.CancelledError:
        log.warning("paging cancelled; the outbox tick sends what is left")
        raise
    except Exception as exc:
        # Database errors quote the statement's parameters (a phone number): the type only.
        log.error(
            "paging failed (%s); the outbox tick retries what was not sent", type(exc).__name__
        )
        log.debug("paging failed", exc_info=True)
        return
    if report is not None and report.errors:
        log.error("paging: %d page(s) failed; see the outbox", len(report.errors))


def _patient_line(patient: Patient | None) -> str:
    if patient is None:
        return "(unknown patient)"
    name = html.escape(patient.name or "(no name)", quote=False)
    phone = patient.phone_e164 or "no phone"
    return f"<b>{name}</b> · {phone} · {patient_ref(patient.id)}"
