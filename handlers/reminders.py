"""Reminder buttons: I'll be there / driver arranged / no driver yet."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.domain.callback_data import ReminderPress, ReminderVerb, matches, unpack_as
from bot.domain.errors import AppointmentNotActive, AppointmentNotFound
from bot.presentation.formatting import when_long
from bot.profile import ClinicProfile
from bot.services.confirmations import ConfirmationService, Outcome
from bot.texts import Texts
from handlers.common import answer_quietly


class ReminderNeeds(Protocol):
    confirmations: ConfirmationService
    texts: Texts
    profile: ClinicProfile

    def kick_outbox(self) -> None: ...


def register(application: Application[Any, Any, Any, Any, Any, Any], core: ReminderNeeds) -> None:
    service = core.confirmations

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Record a reminder answer and thank the patient."""
        query = update.callback_query
        pressed = unpack_as(query.data if query is not None else None, ReminderPress)
        if query is None or pressed is None:
            return  # the pattern lets only reminder buttons through
        action, appointment_id = pressed.verb, pressed.appointment_id
        texts = core.texts
        # Database work in a worker thread: the event loop keeps serving other chats.
        patient_id = await asyncio.to_thread(service.patient_for_telegram, query.from_user.id)
        try:
            if patient_id is None:
                raise AppointmentNotFound("no patient for this Telegram user")
            if action is ReminderVerb.CONFIRM:
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
                    arranged=action is ReminderVerb.DRIVER_YES,
                    actor=f"patient:{patient_id}",
                )
        except (AppointmentNotFound, AppointmentNotActive):
            await answer_quietly(update, context)
            await reply(update, context, texts.html("appointment_not_active"))
            return
        when = when_long(result.appointment.starts_at, core.profile.tz)
        text = {
            Outcome.CONFIRMED: texts.html("confirmed_thanks", when=when),
            Outcome.ALREADY: texts.html("already_confirmed", when=when),
            Outcome.DRIVER_NOTED: texts.html("driver_thanks"),
            Outcome.DRIVER_MISSING: texts.html("driver_required"),
        }[result.outcome]
        await answer_quietly(update, context)
        await reply(update, context, text)
        core.kick_outbox()

    application.add_handler(CallbackQueryHandler(on_button, pattern=matches(ReminderPress)))


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat_id=chat.id, text=text, parse_mode=ParseMode.HTML)
