"""Reminder buttons: I'll be there / driver arranged / no driver yet."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.domain.errors import AppointmentNotActive, AppointmentNotFound
from bot.services.confirmations import ConfirmationService, Outcome
from bot.services.formatting import when_long

PATTERN = re.compile(r"^rm:(ok|dy|dn):(\d{1,12})$")


def register(application: Application[Any, Any, Any, Any, Any, Any], core: Any) -> None:
    service = ConfirmationService(db=core.db, clock=core.clock)

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Record a reminder answer and thank the patient."""
        query = update.callback_query
        assert query is not None and query.data is not None
        match = PATTERN.match(query.data)
        assert match is not None
        action, appointment_id = match.group(1), int(match.group(2))
        texts = core.texts
        # Database work in a worker thread: the event loop keeps serving other chats.
        patient_id = await asyncio.to_thread(service.patient_for_telegram, query.from_user.id)
        try:
            if patient_id is None:
                raise AppointmentNotFound("no patient for this Telegram user")
            if action == "ok":
                result = await asyncio.to_thread(
                    service.confirm,
                    appointment_id=appointment_id,
                    patient_id=patient_id,
                    actor=f"patient:{patient_id}",
                )
            else:
                result = await asyncio.to_thread(
                    service.driver,
                    appointment_id=appointment_id,
                    patient_id=patient_id,
                    arranged=action == "dy",
                    actor=f"patient:{patient_id}",
                )
        except (AppointmentNotFound, AppointmentNotActive):
            await query.answer()
            await reply(update, context, texts.html("appointment_not_active"))
            return
        when = when_long(result.appointment.starts_at, core.profile.tz)
        text = {
            Outcome.CONFIRMED: texts.html("confirmed_thanks", when=when),
            Outcome.ALREADY: texts.html("already_confirmed", when=when),
            Outcome.DRIVER_NOTED: texts.html("driver_thanks"),
            Outcome.DRIVER_MISSING: texts.html("driver_required"),
        }[result.outcome]
        await query.answer()
        await reply(update, context, text)
        core.kick_outbox()

    application.add_handler(CallbackQueryHandler(on_button, pattern=PATTERN))


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat_id=chat.id, text=text, parse_mode=ParseMode.HTML)
