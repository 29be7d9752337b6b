"""The waitlist's buttons in a patient's chat (`wl:`): choices, join, leave, accept, decline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.domain.callback_data import Prefix, WaitlistChoices, WaitlistPress, has_prefix, unpack
from bot.services.chat_replies import Reply, Who
from bot.services.waitlist_chat import WaitlistChat
from handlers.common import AnyApplication, flow_of, respond

if TYPE_CHECKING:
    from bot.app import Core

WAITLIST_KEY = "waitlist"


def register(application: AnyApplication, core: Core) -> None:
    """Add the waitlist button handler."""
    flow = flow_of(core)
    chat = WaitlistChat(
        waitlist=core.extras[WAITLIST_KEY], screens=flow.screens, intake=flow.begin_from_offer
    )

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
