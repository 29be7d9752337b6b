"""/start, /help, /contact, /privacy and the main menu's buttons (`mn:`)."""

from __future__ import annotations

from typing import Protocol

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.domain.callback_data import MenuPress, MenuVerb, Prefix, has_prefix, unpack_as
from bot.services.booking_flow import BookingFlow
from bot.services.chat_replies import Reply, Who
from handlers.common import AnyApplication, respond


class StartNeeds(Protocol):
    flow: BookingFlow


def register(application: AnyApplication, core: StartNeeds) -> None:
    """Add the welcome, information and menu handlers."""
    flow = core.flow
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
        press = unpack_as(query.data if query else None, MenuPress)
        verb = press.verb if press is not None else None

        def choose(who: Who) -> Reply:
            if verb is MenuVerb.BOOK:
                return flow.begin_booking(who)
            if verb is MenuVerb.APPOINTMENTS:
                return flow.appointments(who)
            if verb is MenuVerb.CONTACT:
                return flow.contact_details()
            if verb is MenuVerb.PRIVACY:
                return flow.privacy()
            if verb is MenuVerb.SCREENING:
                return flow.begin_screening(who)
            if verb in (MenuVerb.CONSENT_YES, MenuVerb.CONSENT_NO):
                return flow.consent(who, agreed=verb is MenuVerb.CONSENT_YES)
            if verb is MenuVerb.LANGUAGE and press is not None:
                return flow.choose_language(who, press.language)
            return flow.expired_button(who)

        await respond(update, context, choose)

    application.add_handler(CommandHandler("start", start, filters=private))
    application.add_handler(CommandHandler("help", help_, filters=private))
    application.add_handler(CommandHandler("contact", contact, filters=private))
    application.add_handler(CommandHandler("privacy", privacy, filters=private))
    application.add_handler(CallbackQueryHandler(menu_button, pattern=has_prefix(Prefix.MENU)))
