"""Pages going out: sending the due pages now or in the background, and the words of a page (the
staff alert with its Acknowledge button, the on-call SMS, the call script) and of "taken"."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping

from sqlalchemy import ColumnElement, or_
from sqlmodel import col, select

from bot.db.models import Escalation, Outbox, Patient
from bot.domain.callback_data import EscalationAck
from bot.domain.deadlines import Owner
from bot.domain.enums import Channel, EscalationLevel, OutboxStatus
from bot.domain.refs import flag_ref, patient_ref
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.messaging.channels import Button, OutgoingMessage
from bot.services.dispatch_failures import DispatchReport
from bot.services.escalation_ladder import (
    BACKUP_CHANNELS,
    CRISIS_RULE_PREFIX,
    KEY_PREFIX,
    PAGE_PASSES,
    EscalationLadder,
    logged_paging,
    merged_reports,
    page_key,
    patient_line,
    rows_of,
)
from bot.services.rendering import RenderContext, Skip
from bot.texts import Texts

log = logging.getLogger(__name__)


class EscalationPaging(EscalationLadder):
    """Send and word the pages of an escalation."""

    async def page_now(self, escalation_ids: Collection[int]) -> DispatchReport | None:
        """Send what these escalations queued and is due: their own rows only, never the backlog."""
        if not escalation_ids:
            return None
        theirs = or_(*(col(Outbox.dedupe_key).startswith(rows_of(e)) for e in escalation_ids))
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
        for _ in range(PAGE_PASSES):
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
            done = await self.dispatcher.run_due(ids=ids)
            report = done if report is None else merged_reports(report, done)
        return report

    def _in_background(
        self, paging: Callable[[], Awaitable[DispatchReport | None]], *, name: str
    ) -> None:
        loop = asyncio.get_running_loop()  # first: no coroutine is left unawaited without one
        task = loop.create_task(logged_paging(paging()), name=name)
        self._paging.add(task)
        task.add_done_callback(self._paging.discard)

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
            patient=patient_line(ctx.patient),
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
