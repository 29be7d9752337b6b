"""Crisis words in anything a patient writes, read before every other handler (CLINICAL.md 4b).

Registered in group -1, so it sees each private text (and caption) first, whatever the chat's
state: no draft, mid-booking at a typed step, mid-check-in, before consent, unknown sender. On a
match the fixed reply goes out at once, before anything is written; then the message is recorded
(an urgent escalation, or a follow-up on the open one) and paged in the background. The update
then stops here: crisis words are never taken as a name or an answer, and the booking in
progress is left as it was.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import TYPE_CHECKING

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes, MessageHandler, filters

from handlers.common import AnyApplication

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

# Before the journey's handlers (group 0), which would take the words as an answer.
GROUP = -1


def register(application: AnyApplication, core: Core) -> None:
    """Add the crisis reader ahead of every other handler."""
    crisis = core.crisis
    # Edited messages too: words typed into an old message are still the patient's words.
    private_words = filters.ChatType.PRIVATE & (filters.TEXT | filters.CAPTION)

    async def on_words(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer crisis words at once, page on-call, and keep the conversation where it was."""
        message = update.effective_message
        user = update.effective_user
        chat = update.effective_chat
        if message is None or user is None or chat is None:
            return
        text = message.text or message.caption or ""
        found = crisis.match(text)
        if found is None:
            return  # not ours: the journey's handlers take it
        try:
            await context.bot.send_message(
                chat_id=chat.id, text=crisis.telegram_reply(found), parse_mode=ParseMode.HTML
            )
        except TelegramError as exc:
            # Blocked or gone: staff must still hear of it, so record and page all the same.
            log.warning("crisis reply not delivered: %s", exc)
        record = partial(
            crisis.record_telegram,
            user_id=user.id,
            chat_id=chat.id,
            first_name=user.first_name or "",
            text=text,
            found=found,
        )
        try:
            raised = await asyncio.to_thread(record)
        except Exception:
            log.exception("crisis words could not be recorded; nothing was paged")
            raise ApplicationHandlerStop from None
        core.escalation.page_soon([raised.escalation_id])
        raise ApplicationHandlerStop

    application.add_handler(MessageHandler(private_words, on_words), group=GROUP)
