"""Red flags reach people at once (CLINICAL.md section 4): staff alert, on-call page, re-pages.

A red flag is an `Escalation` row written in the caller's transaction. An URGENT one becomes
ESCALATION_PAGE outbox rows for the staff chat (with an Acknowledge button) and the on-call
phone, due now; the caller then hands the escalation to `page_soon()`, which sends those rows,
and only those, in a background task: a page never waits for the outbox tick or its backlog,
and the patient's fixed reply never waits for the pages.
Each page that goes out plans the next one `repage_after` later on the same channel, until
someone acknowledges (a page rendered after that is skipped). Lower levels go to the staff chat
as a flagged notice plus a StaffTask, with no page. Staff and on-call channels ignore patient
opt-outs, and pages ignore SMS quiet hours (`dispatch.SAFETY_KINDS`).
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, or_, update
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Escalation, Outbox, Patient, StaffTask
from bot.domain.checkins import CheckinCatalog
from bot.domain.clock import Clock
from bot.domain.enums import Channel, EscalationLevel, OutboxKind, OutboxStatus
from bot.domain.redflags import RedFlag
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.messaging.channels import Button, OutgoingMessage
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.dispatch import Dispatcher, DispatchReport
from bot.services.formatting import clock_time
from bot.services.outbox import enqueue
from bot.services.planner import staff_notice
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.texts import Texts

log = logging.getLogger(__name__)

REPAGE_AFTER = timedelta(minutes=10)
ACK_PREFIX = "esc:ack:"
TASK_KIND = "red_flag"
PAGE_CHANNELS = (Channel.STAFF, Channel.ONCALL)
# Every outbox row an escalation plans (its pages, its staff notice) has a key under this.
KEY_PREFIX = "esc:"
# Escalations raised by crisis words in free text (bot.services.crisis): "crisis_<kind>".
CRISIS_RULE_PREFIX = "crisis_"


def page_key(escalation_id: int, page: int, channel: Channel | str) -> str:
    """Dedupe key of one page of one escalation on one channel."""
    return f"{_rows_of(escalation_id)}page{page}:{channel}"


def _rows_of(escalation_id: int) -> str:
    """The key prefix of every outbox row one escalation plans."""
    return f"{KEY_PREFIX}{escalation_id}:"


def ack_data(escalation_id: int) -> str:
    return f"{ACK_PREFIX}{escalation_id}"


class AckStatus(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    ALREADY = "already"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Acknowledgement:
    status: AckStatus
    escalation_id: int
    by: str | None = None
    at: datetime | None = None


class EscalationService:
    """Raise red flags, page until acknowledged, and record acknowledgements."""

    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        clock: Clock,
        texts: Texts,
        catalog: CheckinCatalog,
        repage_after: timedelta = REPAGE_AFTER,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.profile = profile
        self.clock = clock
        self.texts = texts
        self.repage_after = repage_after
        self._dispatcher: Dispatcher | None = None
        # Paging tasks in flight: the loop keeps only weak references to tasks.
        self._paging: set[asyncio.Task[None]] = set()

    def use_dispatcher(self, dispatcher: Dispatcher) -> None:
        """Page through this dispatcher (wired once the Telegram bot exists)."""
        self._dispatcher = dispatcher

    @property
    def renderers(self) -> Renderers:
        return {OutboxKind.ESCALATION_PAGE: self.render_page}

    # --- raising ----------------------------------------------------------------------------

    def raise_flag(
        self,
        session: Session,
        *,
        patient_id: int,
        flag: RedFlag,
        now: datetime,
        checkin_id: int | None = None,
    ) -> Escalation:
        """Record a red flag and queue what staff must see, in the caller's transaction.

        The caller sends `flag.reply_text` to the patient itself and, once its transaction has
        committed, hands the escalation to `page_soon()`.
        """
        escalation = Escalation(
            patient_id=patient_id,
            checkin_id=checkin_id,
            level=flag.level,
            rule=flag.rule,
            detail=flag.staff_summary,
            created_at=now,
        )
        session.add(escalation)
        session.flush()
        assert escalation.id is not None
        if flag.level is EscalationLevel.URGENT:
            for channel in PAGE_CHANNELS:
                self._plan_page(session, escalation, page=1, channel=channel, due=now, now=now)
        else:
            self._notify(session, escalation, flag, now=now)
        audit(
            session,
            at=now,
            actor="system",
            action="escalation.raise",
            subject=f"escalation:{escalation.id}",
            detail={"rule": flag.rule, "level": str(flag.level), "checkin_id": checkin_id},
        )
        # The rule's name says what the patient answered: it stays in the database.
        log.warning("red flag (%s) raised as escalation %s", flag.level, escalation.id)
        return escalation

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
            return None
        if self._dispatcher is None:
            log.error("no dispatcher wired: pages wait for the outbox tick")
            return None
        return await self._dispatcher.run_due(ids=ids)

    def _in_background(
        self, paging: Callable[[], Awaitable[DispatchReport | None]], *, name: str
    ) -> None:
        loop = asyncio.get_running_loop()  # first: no coroutine is left unawaited without one
        task = loop.create_task(_logged(paging()), name=name)
        self._paging.add(task)
        task.add_done_callback(self._paging.discard)

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
        self, session: Session, escalation: Escalation, flag: RedFlag, *, now: datetime
    ) -> None:
        """A lower-level flag: a task on the staff list and a flagged notice, no page."""
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
        staff_notice(
            session,
            appointment=None,
            event="message",
            now=now,
            patient_id=escalation.patient_id,
            extra={
                "html": self.texts.raw("esc_notice").format(
                    level=html.escape(level, quote=False),
                    escalation_id=escalation.id,
                    patient=_patient_line(patient),
                    summary=html.escape(flag.staff_summary, quote=False),
                    reply=html.escape(flag.reply_text, quote=False),
                ),
                "escalation_id": escalation.id,
            },
            key=f"{_rows_of(escalation.id)}notice",
        )

    # --- paging -------------------------------------------------------------------------------

    def render_page(self, ctx: RenderContext) -> OutgoingMessage:
        """One page: skipped once acknowledged; otherwise it plans the next one first."""
        escalation = ctx.session.get(Escalation, int(ctx.payload.get("escalation_id", 0)))
        if escalation is None:
            raise Skip("escalation not found")
        if escalation.acknowledged_at is not None:
            raise Skip("acknowledged")
        assert escalation.id is not None
        page = int(ctx.payload.get("page", 1))
        planned_on = Channel(ctx.row.channel)
        if planned_on is Channel.STAFF and ctx.channel is Channel.ONCALL:
            # No staff chat: the dispatcher sends staff pages to on-call, which has its own row.
            twin = ctx.session.exec(
                select(Outbox.id).where(
                    col(Outbox.dedupe_key) == page_key(escalation.id, page, Channel.ONCALL)
                )
            ).first()
            if twin is not None:
                raise Skip("the on-call page covers it")
        self._plan_page(
            ctx.session,
            escalation,
            page=page + 1,
            channel=planned_on,
            due=ctx.now + self.repage_after,
            now=ctx.now,
        )
        escalation.pages_sent = max(escalation.pages_sent, page)
        escalation.last_paged_at = ctx.now
        if ctx.is_sms:
            return OutgoingMessage(self._oncall_text(ctx, escalation, page))
        reply = self._reply_for(escalation)
        key = "esc_alert" if page == 1 else "esc_alert_repeat"
        text = self.texts.raw(key).format(
            escalation_id=escalation.id,
            page=page,
            patient=_patient_line(ctx.patient),
            summary=html.escape(escalation.detail, quote=False),
            reply=html.escape(reply, quote=False),
        )
        return OutgoingMessage(
            text,
            buttons=[[Button(self.texts.plain("esc_btn_ack"), data=ack_data(escalation.id))]],
        )

    def _oncall_text(self, ctx: RenderContext, escalation: Escalation, page: int) -> str:
        patient = ctx.patient
        callback = f" on {patient.phone_e164}" if patient is not None and patient.phone_e164 else ""
        values = {
            "clinic": ctx.profile.clinic.name,
            "escalation_id": escalation.id,
            "patient_ref": f"ref {escalation.patient_id}",
            "callback": callback,
            "repeat": self.texts.plain("sms_oncall_repeat", page=page) if page > 1 else "",
        }
        text = self.texts.plain("sms_oncall_page", **values)
        try:
            assert_sms_safe(text, max_segments=2)
        except UnsafeSmsText:
            # A profile override must never leak symptoms to a lock screen: fall back to ours.
            log.error("texts.sms_oncall_page is not SMS-safe; sending the built-in wording")
            text = Texts().plain("sms_oncall_page", **values)
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

    # --- acknowledging ------------------------------------------------------------------------

    def acknowledge(self, *, escalation_id: int, actor: str) -> Acknowledgement:
        """Record who took the alert and stop re-paging; pressing again changes nothing."""
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
                .where(col(Outbox.kind) == OutboxKind.ESCALATION_PAGE)
                .where(col(Outbox.dedupe_key).startswith(f"{_rows_of(escalation_id)}page"))
                .where(col(Outbox.status) == OutboxStatus.PENDING)
                .values(status=OutboxStatus.CANCELLED, last_error="acknowledged")
            )
            audit(
                session,
                at=now,
                actor=actor,
                action="escalation.acknowledge",
                subject=f"escalation:{escalation_id}",
                detail={"level": escalation.level, "rule": escalation.rule},
            )
        return Acknowledgement(AckStatus.ACKNOWLEDGED, escalation_id, by=actor, at=now)

    def ack_line(self, ack: Acknowledgement, *, name: str) -> str:
        """The staff-chat line that shows who acknowledged (HTML)."""
        at = ack.at or self.clock.now()
        return self.texts.html(
            "esc_acked",
            escalation_id=ack.escalation_id,
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
    return f"<b>{name}</b> · {phone} · ref {patient.id}"
