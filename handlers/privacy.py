"""/mydata (a copy of one's data, or a request to delete it) and "stop" in a patient's chat."""

from __future__ import annotations

import asyncio
import logging
from datetime import time
from typing import Protocol

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.domain.callback_data import PrivacyPress, matches, unpack_as
from bot.presentation.chat_replies import Reply, Who
from bot.profile import ClinicProfile
from bot.services.privacy import PrivacyChat
from bot.services.retention import RetentionService
from handlers.common import AnyApplication, respond

log = logging.getLogger(__name__)

STOP_WORDS = r"(?i)^\s*(stop|/stop)\s*[.!]?\s*$"
RETENTION_JOB = "retention"
RETENTION_AT = time(3, 15)  # clinic time: quiet, and before the morning digest


class PrivacyNeeds(Protocol):
    profile: ClinicProfile
    privacy_chat: PrivacyChat
    retention: RetentionService

    def kick_outbox(self) -> None: ...


def register(application: AnyApplication, core: PrivacyNeeds) -> None:
    """Add /mydata, its buttons (`pv:`) and stop."""
    chat = core.privacy_chat
    new_messages = filters.UpdateType.MESSAGE

    def kick(reply: Reply) -> None:
        if reply.changed:
            core.kick_outbox()

    async def mydata(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Offer a copy of the patient's data, or to ask for its deletion."""
        await respond(update, context, chat.offer)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send the copy, or take the deletion request (only the patient, in their own chat)."""
        query = update.callback_query
        press = unpack_as(query.data if query else None, PrivacyPress)
        verb = press.verb if press is not None else None
        await respond(update, context, lambda who: chat.press(who, verb), after=kick)

    async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop care messages in this chat, saying how to restart."""

        def compute(who: Who) -> Reply:
            return chat.stop(who)

        await respond(update, context, compute)

    application.add_handler(CommandHandler("mydata", mydata, filters=new_messages))
    application.add_handler(CallbackQueryHandler(button, pattern=matches(PrivacyPress)))
    application.add_handler(
        CommandHandler("stop", stop, filters=filters.ChatType.PRIVATE & new_messages)
    )
    application.add_handler(
        MessageHandler(filters.Regex(STOP_WORDS) & filters.ChatType.PRIVATE & new_messages, stop)
    )

    schedule_retention(application, core)


def schedule_retention(application: AnyApplication, core: PrivacyNeeds) -> None:
    """Daily: remove what the profile keeps only for a while; finish erasures no longer held."""
    queue = application.job_queue
    if queue is None:
        log.warning("no JobQueue: the daily retention job is not scheduled")
        return

    async def retention(_context: ContextTypes.DEFAULT_TYPE) -> None:
        done = await asyncio.to_thread(core.retention.run)
        report = done.report
        log.info(
            "retention: removed %d draft(s), %d message body(ies), %d code(s), %d inbound "
            "item(s), %d idle send-limit slot(s); %d held erasure(s) done",
            report.drafts,
            report.message_bodies,
            report.codes,
            report.inbound,
            report.rate_slots,
            done.erased,
        )

    queue.run_daily(
        retention, time=RETENTION_AT.replace(tzinfo=core.profile.tz), name=RETENTION_JOB
    )
