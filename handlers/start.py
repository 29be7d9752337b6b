"""/start, /help, /contact, /privacy and the main menu's buttons (`mn:`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.services.chat_replies import Reply, Who
from handlers.common import AnyApplication, flow_of, respond, unpack

if TYPE_CHECKING:
    from bot.app import Core


def register(application: AnyApplication, core: Core) -> None:
    """Add the welcome, information and menu handlers."""
    flow = flow_of(core)
    # New messages only: an edited old message is not a new answer.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greet, ask for consent to message here once, then show the menu."""
        await respond(update, context, flow.start)

    async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """List what the bot can do."""
        await respond(update, context, lambda _who: flow.help())

    async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Show the clinic's address, phone and opening hours."""
        await respond(update, context, lambda _who: flow.contact_details())

    async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Explain how the clinic looks after the patient's data."""
        await respond(update, context, lambda _who: flow.privacy())

    async def menu_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Act on a menu or consent button."""
        query = update.callback_query
        data = unpack(query.data if query else None)
        verb = data.verb if data is not None else ""

        def choose(who: Who) -> Reply:
            if verb == "bk":
                return flow.begin_booking(who)
            if verb == "ap":
                return flow.appointments(who)
            if verb == "ct":
                return flow.contact_details()
            if verb == "pv":
                return flow.privacy()
            if verb in ("cy", "cn"):
                return flow.consent(who, agreed=verb == "cy")
            if verb == "lg" and data is not None:
                return flow.choose_language(who, data.text(0))
            return flow.expired_button(who)

        await respond(update, context, choose)

    application.add_handler(CommandHandler("start", start, filters=private))
    application.add_handler(CommandHandler("help", help_, filters=private))
    application.add_handler(CommandHandler("contact", contact, filters=private))
    application.add_handler(CommandHandler("privacy", privacy, filters=private))
    application.add_handler(CallbackQueryHandler(menu_button, pattern=r"^mn:"))
