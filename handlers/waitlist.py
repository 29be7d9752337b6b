"""The waitlist's buttons in a patient's chat (`wl:`): choices, join, leave, accept, decline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.services.chat_replies import Reply, Who
from bot.services.waitlist_chat import WaitlistChat
from handlers.common import AnyApplication, flow_of, respond, unpack

if TYPE_CHECKING:
    from bot.app import Core

WAITLIST_KEY = "waitlist"


def register(application: AnyApplication, core: Core) -> None:
    """Add the waitlist button handler."""
    flow = flow_of(core)
    chat = WaitlistChat(waitlist=core.extras[WAITLIST_KEY], screens=flow.screens)

    def kick(reply: Reply) -> None:
        if reply.changed:
            core.kick_outbox()

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Apply a waitlist button."""
        query = update.callback_query
        data = unpack(query.data if query else None)

        def act(who: Who) -> Reply:
            if data is None:
                return flow.expired_button(who)
            return chat.press(who, verb=data.verb, args=data.args)

        await respond(update, context, act, after=kick)

    application.add_handler(CallbackQueryHandler(button, pattern=r"^wl:"))
