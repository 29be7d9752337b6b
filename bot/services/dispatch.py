"""Sends what the outbox says is due: claim, route, render, send, record (DESIGN.md rule 2)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlmodel import Session

from bot.db.engine import Database
from bot.db.models import Appointment, Outbox, Patient
from bot.domain.clock import Clock
from bot.domain.enums import Channel, OutboxKind, OutboxStatus
from bot.domain.reminders import next_sms_window
from bot.messaging.channels import (
    DeliveryFailed,
    OutgoingMessage,
)
from bot.profile import ClinicProfile
from bot.services.dispatch_failures import (
    STAFF_REFUSED,
    DispatchFailures,
    DispatchReport,
    PermanentFailureHook,
)
from bot.services.dispatch_routes import (
    CALL_CHANNELS,
    CODE_KINDS,
    SAFETY_KINDS,
    TIMER_KINDS,
    TO_NUMBER_KINDS,
    Channels,
    addressee_language,
    any_hour,
    care_stopped,
    route_patient,
    sms_usable,
    telegram_usable,
)
from bot.services.outbox import begin_send, claim_due, forget_code, lane_of, payload_of
from bot.services.rendering import Postpone, RenderContext, Renderers, Skip
from bot.texts import Texts
from bot.texts.i18n import use_language

log = logging.getLogger(__name__)


class Dispatcher(DispatchFailures):
    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        texts: Texts,
        clock: Clock,
        channels: Channels,
        renderers: Renderers,
        on_permanent_failure: PermanentFailureHook,
        batch_size: int = 50,
        concurrency: int = 8,
    ) -> None:
        self.db = db
        self.profile = profile
        self.texts = texts
        self.clock = clock
        self.channels = channels
        self.renderers = renderers
        self.on_permanent_failure = on_permanent_failure
        self.batch_size = batch_size
        self.concurrency = concurrency  # addressees sent to at once

    async def run_due(
        self, *, max_rows: int | None = None, ids: Collection[int] | None = None
    ) -> DispatchReport:
        """Send everything due now (or only the rows `ids` names), batch by batch, oldest first."""
        report = DispatchReport()
        self.channels.refresh_staff_chat()
        while max_rows is None or report.handled < max_rows:
            now = self.clock.now()
            # Database work runs in worker threads: the event loop keeps answering patients.
            rows = await asyncio.to_thread(
                claim_due, self.db, now=now, limit=self.batch_size, ids=ids
            )
            if not rows:
                break
            await self._deliver_all(rows, report)
        return report

    async def _deliver_all(self, rows: Sequence[Outbox], report: DispatchReport) -> None:
        """Several addressees at once (each send waits ~100 ms on the provider), each one's rows
        in order: a patient's reminder never overtakes their calendar file, nor a staff notice
        an earlier one. The shared limits still pace the whole."""
        lanes: dict[str, list[Outbox]] = {}
        for row in rows:
            lanes.setdefault(lane_of(row), []).append(row)
        gate = asyncio.Semaphore(self.concurrency)

        async def send_lane(queue: list[Outbox]) -> None:
            async with gate:
                for row in queue:
                    await self._deliver(row, report)

        await asyncio.gather(*(send_lane(queue) for queue in lanes.values()))

    async def _deliver(self, row: Outbox, report: DispatchReport) -> None:
        assert row.id is not None
        now = self.clock.now()
        try:
            await self._deliver_or_raise(row, report, now)
        except Exception as exc:  # a bug in one message must not stop the others
            log.exception("outbox row %s (%s) failed unexpectedly", row.id, row.kind)
            await asyncio.to_thread(
                self._finish, row, status=OutboxStatus.FAILED, now=now, error=f"bug: {exc!r}"
            )
            report.failed += 1
            report.errors.append(f"{row.id}: {exc!r}")
        if OutboxKind(row.kind) in CODE_KINDS:
            await asyncio.to_thread(forget_code, self.db, row.id)

    async def _deliver_or_raise(self, row: Outbox, report: DispatchReport, now: datetime) -> None:
        ready = await asyncio.to_thread(self._prepare, row, report, now)
        if ready is not None:
            channel, message = ready
            await self._send(row, channel, message, report, now)

    def _prepare(
        self, row: Outbox, report: DispatchReport, now: datetime
    ) -> tuple[Channel, OutgoingMessage] | None:
        """Route and render one row (in a worker thread); None when it was settled without a send."""
        assert row.id is not None
        if row.send_started_at is not None and OutboxKind(row.kind) not in SAFETY_KINDS:
            # Its last dispatcher died between calling the provider and recording the outcome.
            # Neither Telegram's sendMessage nor Twilio's Messages API takes an idempotency key,
            # so a resend could be a duplicate: staff are told instead. Safety pages are resent
            # (a second page is harmless; a missing one is not).
            self._possibly_sent(row, now)
            report.skipped += 1
            return None
        if row.not_after is not None and now >= row.not_after:
            self._skip_late(row, now, "purpose passed")
            report.skipped += 1
            return None
        renderer = self.renderers.get(OutboxKind(row.kind))
        if renderer is None:
            self._finish(row, status=OutboxStatus.FAILED, now=now, error="no renderer")
            report.failed += 1
            return None
        with self.db.session() as session:
            patient = session.get(Patient, row.patient_id) if row.patient_id else None
            appointment = (
                session.get(Appointment, row.appointment_id) if row.appointment_id else None
            )
            channel = self._route(row, patient)
            if care_stopped(row, patient):
                channel, outcome = None, "skip:stopped by patient"
            elif channel is None:
                self._unreachable(session, row, patient, appointment, "no usable channel", now)
                outcome = "skip-unreachable"
            elif channel is Channel.SMS and not any_hour(row):
                window = next_sms_window(now, self.profile.tz)
                outcome = "postpone" if window > now else "send"
            else:
                outcome = "send"
            message: OutgoingMessage | None = None
            postponed = Postpone(now, "")
            if outcome == "send":
                assert channel is not None
                try:
                    # In the language of whoever reads it: the patient on their own channels,
                    # the clinic's language in the staff chat and on the on-call phone.
                    with use_language(addressee_language(channel, patient)):
                        message = renderer(
                            self._context(session, row, patient, appointment, channel, now)
                        )
                except Skip as skip:
                    outcome = f"skip:{skip.reason}"
                except Postpone as later:
                    outcome = "later"
                    postponed = later
        if outcome == "skip-unreachable":
            self._finish(row, status=OutboxStatus.SKIPPED, now=now, error="no usable channel")
            report.skipped += 1
            return None
        if outcome.startswith("skip:"):
            self._finish(row, status=OutboxStatus.SKIPPED, now=now, error=outcome[5:])
            report.skipped += 1
            return None
        if outcome == "later":
            if row.not_after is not None and postponed.until >= row.not_after:
                self._skip_late(row, now, postponed.reason)
                report.skipped += 1
            else:
                self._finish(
                    row,
                    status=OutboxStatus.PENDING,
                    now=now,
                    error=postponed.reason,
                    retry_at=postponed.until,
                )
                report.postponed += 1
            return None
        if outcome == "postpone":
            window = next_sms_window(now, self.profile.tz)
            if row.not_after is not None and window >= row.not_after:
                self._skip_late(row, now, "quiet hours")
                report.skipped += 1
            else:
                self._finish(
                    row,
                    status=OutboxStatus.PENDING,
                    now=now,
                    error="quiet hours",
                    retry_at=window,
                )
                report.postponed += 1
            return None
        assert message is not None
        assert channel is not None
        return channel, message

    def _route(self, row: Outbox, patient: Patient | None) -> Channel | None:
        channel = Channel(row.channel)
        kind = OutboxKind(row.kind)
        if kind in TIMER_KINDS:
            return channel
        if channel is Channel.STAFF:
            has_chat = (
                self.channels.staff_chat_id is not None and self.channels.telegram is not None
            )
            # A chat known to refuse messages is still tried once per message, so a chat that
            # works again is noticed; a page it refused goes to on-call straight after.
            refused_this_one = (row.last_error or "").startswith(STAFF_REFUSED)
            if has_chat and not refused_this_one:
                return Channel.STAFF
            # No staff chat, or it refuses messages: safety pages still reach the on-call phone.
            if kind in SAFETY_KINDS and self.channels.oncall_phone and self.channels.sms:
                return Channel.ONCALL
            return None
        if channel in (Channel.ONCALL, Channel.BACKUP):
            texts = self.channels.phone_for(channel) is not None and self.channels.sms is not None
            return channel if texts else None
        if channel in CALL_CHANNELS:
            calls = self.channels.phone_for(channel) is not None and self.channels.voice is not None
            return channel if calls else None
        if OutboxKind(row.kind) in CODE_KINDS:
            return Channel.SMS if self.channels.sms is not None else None
        if OutboxKind(row.kind) in TO_NUMBER_KINDS:
            # An answer to a text goes back to the number that sent it, patient or not; the
            # driver's pick-up text goes to the driver's number.
            return Channel.SMS if self.channels.sms and payload_of(row).get("to") else None
        if patient is None:
            return None
        if kind is OutboxKind.ESCALATION_TAKEN:
            # The patient hears it where they wrote from, when that still works.
            if channel is Channel.SMS and sms_usable(patient, self.channels):
                return channel
            if channel is Channel.TELEGRAM and telegram_usable(patient, self.channels):
                return channel
        return route_patient(patient, self.channels)

    def _context(
        self,
        session: Session,
        row: Outbox,
        patient: Patient | None,
        appointment: Appointment | None,
        channel: Channel,
        now: datetime,
    ) -> RenderContext:
        return RenderContext(
            session=session,
            row=row,
            payload=payload_of(row),
            patient=patient,
            appointment=appointment,
            channel=channel,
            now=now,
            profile=self.profile,
            texts=self.texts,
        )

    async def _transmit(self, channel: Channel, row: Outbox, message: OutgoingMessage) -> str:
        if channel is Channel.STAFF:
            assert self.channels.telegram is not None
            assert self.channels.staff_chat_id is not None
            sent_id = await self.channels.telegram.send(
                chat_id=self.channels.staff_chat_id, message=message
            )
            return str(sent_id)
        if channel in (Channel.ONCALL, Channel.BACKUP):
            number = self.channels.phone_for(channel)
            assert self.channels.sms is not None
            assert number is not None
            return await self.channels.sms.send_sms(to=number, body=message.text)
        if channel in CALL_CHANNELS:
            number = self.channels.phone_for(channel)
            assert self.channels.voice is not None
            assert number is not None
            return await self.channels.voice.call(
                to=number, say=message.text, ack_query=message.voice_ack or ""
            )
        if OutboxKind(row.kind) in CODE_KINDS or OutboxKind(row.kind) in TO_NUMBER_KINDS:
            assert self.channels.sms is not None
            return await self.channels.sms.send_sms(
                to=str(payload_of(row)["to"]), body=message.text
            )
        patient = await asyncio.to_thread(self._patient, row.patient_id)
        assert patient is not None
        if channel is Channel.TELEGRAM:
            assert self.channels.telegram is not None
            assert patient.telegram_chat_id is not None
            return str(
                await self.channels.telegram.send(chat_id=patient.telegram_chat_id, message=message)
            )
        assert self.channels.sms is not None
        assert patient.phone_e164 is not None
        return await self.channels.sms.send_sms(to=patient.phone_e164, body=message.text)

    async def _send(
        self,
        row: Outbox,
        channel: Channel,
        message: OutgoingMessage,
        report: DispatchReport,
        now: datetime,
    ) -> None:
        assert row.id is not None
        if not await asyncio.to_thread(begin_send, self.db, row, now=self.clock.now()):
            log.warning("outbox row %s: claim lost before sending; left to its new holder", row.id)
            return
        try:
            provider_id = await self._transmit(channel, row, message)
        except DeliveryFailed as failure:
            if channel is Channel.STAFF and await asyncio.to_thread(
                self._staff_chat_failed, row, failure, now
            ):
                report.retried += 1
                return
            await asyncio.to_thread(self._failed, row, channel, failure, report, now)
            return
        if channel is Channel.STAFF and self.channels.staff_chat_lost is not None:
            if self.channels.staff_chat is not None:
                await asyncio.to_thread(self.channels.staff_chat.restored, now=now)
            self.channels.staff_chat_lost = None
        await asyncio.to_thread(
            self._finish,
            row,
            status=OutboxStatus.SENT,
            now=now,
            provider_id=provider_id,
            sent_on=channel if channel != Channel(row.channel) else None,
        )
        report.sent += 1
        log.info("sent outbox row %s kind=%s via %s", row.id, row.kind, channel)

    def _patient(self, patient_id: int | None) -> Patient | None:
        with self.db.session(write=False) as session:
            return session.get(Patient, patient_id) if patient_id is not None else None
