"""The last resort: unknown commands, unsupported messages, unknown buttons, and the error handler.

`register` must run after every other handler module, so these only see what nobody else took.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.profile import ClinicProfile
from bot.services.booking_flow import BookingFlow
from bot.texts import Texts
from handlers.common import AnyApplication, answer_quietly, respond


class FallbackNeeds(Protocol):
    flow: BookingFlow


class ErrorNeeds(Protocol):
    texts: Texts
    profile: ClinicProfile


ErrorCallback = Callable[[object, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]

log = logging.getLogger(__name__)


def register(application: AnyApplication, core: FallbackNeeds) -> None:
    """Add the fallbacks that answer whatever no other handler took."""
    flow = core.flow
    # New messages only: an edited old message is not a new answer.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE

    async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Say the command is unknown and show what the bot can do."""
        await respond(update, context, flow.unknown_command)

    async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Explain that only text and buttons are read (stickers, photos, voice...)."""
        await respond(update, context, flow.unsupported)

    async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer a button nobody handles: expired in a private chat, silent elsewhere."""
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            await answer_quietly(update, context)
            return
        await respond(update, context, flow.expired_button)

    application.add_handler(MessageHandler(filters.COMMAND & private, unknown_command))
    application.add_handler(
        MessageHandler(private & ~filters.COMMAND & ~filters.StatusUpdate.ALL, unsupported)
    )
    application.add_handler(CallbackQueryHandler(unknown_button))


def error_handler(core: ErrorNeeds) -> ErrorCallback:
    """The one global error handler: log first, then tell the person something kind."""
    texts = core.texts
    phone = core.profile.clinic.phone

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure (no message bodies) and apologise in a private chat."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update %s failed", update_id, exc_info=context.error)
        if not isinstance(update, Update):
            return
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        try:
            await context.bot.send_message(
                chat_id=chat.id,
                text=texts.html("error_generic", phone=phone),
                parse_mode=ParseMode.HTML,
            )
        except TelegramError as exc:
            # Blocked, gone, or Telegram itself failing: nothing more to say to this chat.
            log.warning("could not apologise in chat: %s", exc.message)

    return on_error
