"""The waitlist's buttons in a patient's chat (`wl:`): choices, join, leave, accept, decline."""

from __future__ import annotations

from typing import Protocol

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.domain.callback_data import Prefix, WaitlistChoices, WaitlistPress, has_prefix, unpack
from bot.services.booking_flow import BookingFlow
from bot.services.chat_replies import Reply, Who
from bot.services.waitlist_chat import WaitlistChat
from handlers.common import AnyApplication, respond


class WaitlistNeeds(Protocol):
    flow: BookingFlow
    waitlist_chat: WaitlistChat

    def kick_outbox(self) -> None: ...


def register(application: AnyApplication, core: WaitlistNeeds) -> None:
    """Add the waitlist button handler."""
    flow = core.flow
    chat = core.waitlist_chat

    def kick(reply: Reply) -> None:
        if reply.changed:
            core.kick_outbox()

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Apply a waitlist button."""
        query = update.callback_query
        pressed = unpack(query.data if query else None)

        def act(who: Who) -> Reply:
            if not isinstance(pressed, WaitlistChoices | WaitlistPress):
                return flow.expired_button(who)
            return chat.press(who, pressed)

        await respond(update, context, act, after=kick)

    application.add_handler(CallbackQueryHandler(button, pattern=has_prefix(Prefix.WAITLIST)))
