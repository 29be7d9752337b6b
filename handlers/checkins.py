"""The patient's check-in answer buttons ("ci:<check-in>:<question>:<option>")."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.domain.callback_data import CheckinAnswer, matches, unpack_as
from bot.messaging.telegram import inline_keyboard
from bot.services.checkin_rows import AnswerStatus
from bot.services.checkins import CheckinService
from bot.texts import Texts

log = logging.getLogger(__name__)


class CheckinCore(Protocol):
    checkins: CheckinService
    texts: Texts


def register(application: Application[Any, Any, Any, Any, Any, Any], core: CheckinCore) -> None:
    """Add the check-in answer button handler."""

    async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Record the answer, then show the next question, a fixed reply or thanks."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or query.data is None or chat is None:
            return
        pressed = unpack_as(query.data, CheckinAnswer)
        if pressed is None:
            await query.answer(core.texts.plain("checkin_not_asked"))
            return
        result = await core.checkins.answer(
            telegram_user_id=query.from_user.id,
            checkin_id=pressed.checkin_id,
            question=pressed.question,
            value=pressed.option,
        )
        await query.answer(result.notice)
        if result.status is AnswerStatus.RECORDED and result.answered is not None:
            await _quietly(query.edit_message_text(result.answered, parse_mode=ParseMode.HTML))
        elif result.status is AnswerStatus.CLOSED:
            await _quietly(query.edit_message_reply_markup(reply_markup=None))
        for message in result.messages:
            await context.bot.send_message(
                chat_id=chat.id,
                text=message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=inline_keyboard(message),
            )

    application.add_handler(CallbackQueryHandler(on_answer, pattern=matches(CheckinAnswer)))


async def _quietly(edit: Any) -> None:
    """Edits are cosmetic: an old or unchanged message must not stop the next question."""
    try:
        await edit
    except TelegramError as exc:
        log.info("could not edit a check-in message: %s", exc)
