"""The staff's planning and reporting commands: /series, /block, /unblock, /flags, /export,
/outcomes, /newpatient and /help."""

from __future__ import annotations

import asyncio

from telegram import (
    InputFile,
    Update,
)
from telegram.constants import ParseMode

from bot.domain.errors import (
    InvalidPhone,
    NotApproved,
    UnknownService,
)
from bot.domain.refs import (
    RefKind,
    block_ref,
    patient_ref,
)
from bot.presentation import staff_messages as views
from bot.presentation import staff_plan_messages as plan_views
from bot.presentation import staff_report_messages as report_views
from bot.services.staff_records import (
    BlockNotFound,
    InvalidRequest,
    NotATreatment,
    SeriesDoesNotFit,
)
from handlers.staff_args import (
    BadArgument,
    parse_block,
    parse_id,
    parse_new_patient,
    parse_range,
    parse_series,
)
from handlers.staff_commands import StaffCommands
from handlers.staff_plumbing import Context


class StaffPlanCommands(StaffCommands):
    """Series, blocks, flags, export, outcomes, phone-only patients, help."""

    async def series(self, update: Update, context: Context) -> None:
        """Plan a treatment series at the next free times, for staff to confirm."""
        args = parse_series(self.args(context), services=self.treatments())
        match = await self.resolve(update, context, args.patient)
        if match is None:
            return
        try:
            plan = await asyncio.to_thread(
                self.ops.plan_series,
                patient_id=match.id,
                service=args.service,
                count=args.count,
                actor=self.actor(update),
            )
        except NotApproved:
            await self.send(
                update,
                context,
                self.texts.html(
                    "staff_not_approved",
                    name=views.patient_name(match.name),
                    id=patient_ref(match.id),
                ),
            )
            return
        except (SeriesDoesNotFit, InvalidRequest) as exc:
            await self.send(
                update, context, self.texts.html("staff_series_no_fit", reason=str(exc))
            )
            return
        except (NotATreatment, UnknownService):
            await self.send(
                update,
                context,
                self.texts.html(
                    "staff_not_treatment",
                    service=args.service,
                    services=", ".join(self.treatments()),
                ),
            )
            return
        await self.send(
            update, context, plan_views.render_series_plan(self.texts, self.profile, plan)
        )

    async def block(self, update: Update, context: Context) -> None:
        """Close time; booked patients in it are listed, never cancelled."""
        args = parse_block(
            self.args(context),
            today=self.ops.today(),
            pools=self.profile.resources,
            month_first=self.month_first,
        )
        try:
            outcome = await asyncio.to_thread(
                self.ops.block_time,
                day=args.day,
                start=args.start,
                end=args.end,
                pool=args.pool,
                reason=args.reason,
                actor=self.actor(update),
            )
        except InvalidRequest as exc:
            raise BadArgument(str(exc)) from None
        await self.send(
            update, context, plan_views.render_block_outcome(self.texts, self.profile, outcome)
        )

    async def unblock(self, update: Update, context: Context) -> None:
        """List upcoming blocks, or reopen one by its number."""
        words = self.args(context)
        if not words:
            blocks = await asyncio.to_thread(self.ops.upcoming_blocks)
            await self.send(
                update, context, plan_views.render_blocks(self.texts, self.profile, blocks)
            )
            return
        block_id = parse_id(words, RefKind.BLOCK)
        try:
            block = await asyncio.to_thread(
                self.ops.unblock, block_id=block_id, actor=self.actor(update)
            )
        except BlockNotFound:
            await self.send(
                update, context, self.texts.html("staff_block_not_found", id=block_ref(block_id))
            )
            return
        await self.send(
            update, context, plan_views.render_unblocked(self.texts, self.profile, block)
        )

    async def flags(self, update: Update, context: Context) -> None:
        """Open escalations and staff tasks, oldest first."""
        flags = await asyncio.to_thread(self.ops.open_flags)
        await self.send(update, context, plan_views.render_flags(self.texts, self.profile, flags))

    async def export(self, update: Update, context: Context) -> None:
        """A CSV of appointments and outcomes, as a document."""
        words = self.args(context)
        if not words:
            raise BadArgument("the dates are missing")
        first, last = parse_range(words, today=self.ops.today(), month_first=self.month_first)
        try:
            export = await asyncio.to_thread(
                self.ops.export_csv, first_day=first, last_day=last, actor=self.actor(update)
            )
        except InvalidRequest as exc:
            raise BadArgument(str(exc)) from None
        chat = update.effective_chat
        assert chat is not None
        await context.bot.send_document(
            chat_id=chat.id,
            document=InputFile(export.content, filename=export.filename),
            caption=report_views.render_export_caption(self.texts, export),
            parse_mode=ParseMode.HTML,
        )

    async def outcomes(self, update: Update, context: Context) -> None:
        """The clinic's outcomes (CLINICAL.md section 5), all time or for a date range."""
        words = self.args(context)
        first = last = None
        if words:
            first, last = parse_range(words, today=self.ops.today(), month_first=self.month_first)
        # The first summary after a start reads every patient (about a second on two years of
        # history): off the event loop, so other chats are not kept waiting.
        summary = await asyncio.to_thread(self.ops.clinic_outcomes, first_day=first, last_day=last)
        await self.send(
            update, context, report_views.render_outcomes(self.texts, summary, self.catalog)
        )

    async def new_patient(self, update: Update, context: Context) -> None:
        """Add a patient without Telegram and offer consultation times as buttons."""
        phone, name = parse_new_patient(self.args(context))
        try:
            offer = await asyncio.to_thread(
                self.ops.new_phone_patient, phone=phone, name=name, actor=self.actor(update)
            )
        except (InvalidPhone, InvalidRequest) as exc:
            raise BadArgument(str(exc)) from None
        await self.send(update, context, report_views.render_offer(self.texts, self.profile, offer))

    async def help(self, update: Update, context: Context) -> None:
        """The staff commands."""
        await self.send(
            update,
            context,
            self.texts.html(
                "staff_help",
                services=", ".join(self.profile.services),
                resources=", ".join(self.profile.resources),
            ),
        )
