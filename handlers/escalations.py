"""The Acknowledge button on urgent red-flag alerts in the staff chat ("esc:ack:<id>")."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.domain.callback_data import EscalationAck, matches, unpack_as
from bot.domain.clock import Clock
from bot.services.escalation import EscalationService
from bot.services.escalation_ladder import AckStatus
from bot.services.staff_auth import Admission, StaffDirectory
from bot.texts import Texts

log = logging.getLogger(__name__)


class EscalationCore(Protocol):
    escalation: EscalationService
    staff: StaffDirectory
    clock: Clock
    texts: Texts


def without_button(message: object, data: str) -> InlineKeyboardMarkup | None:
    """The message's keyboard minus the rows holding the button pressed (None when empty)."""
    markup = getattr(message, "reply_markup", None)
    if not isinstance(markup, InlineKeyboardMarkup):
        return None
    rows = [
        list(row)
        for row in markup.inline_keyboard
        if not any(button.callback_data == data for button in row)
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def register(application: Application[Any, Any, Any, Any, Any, Any], core: EscalationCore) -> None:
    """Add the Acknowledge button handler (staff only)."""

    async def on_acknowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Record who took the alert, stop re-paging, and show it in the staff chat."""
        query = update.callback_query
        pressed = unpack_as(query.data if query is not None else None, EscalationAck)
        if query is None or query.data is None or pressed is None:
            return  # the pattern lets only Acknowledge buttons through
        user, chat = query.from_user, update.effective_chat
        admission = await asyncio.to_thread(
            core.staff.admit,
            user_id=user.id,
            chat_id=chat.id if chat else None,
            private=chat is not None and chat.type == ChatType.PRIVATE,
            action="escalation.ack",
            now=core.clock.now(),
        )
        if admission is not Admission.ALLOWED:
            key = (
                "staff_wrong_place" if admission is Admission.WRONG_PLACE else "esc_not_authorised"
            )
            await query.answer(core.texts.plain(key), show_alert=True)
            return
        escalation_id = pressed.escalation_id
        ack = await asyncio.to_thread(
            core.escalation.acknowledge,
            escalation_id=escalation_id,
            actor=StaffDirectory.actor(user.id),
        )
        await query.answer(core.escalation.ack_toast(ack))
        if ack.status is AckStatus.NOT_FOUND:
            return
        if ack.status is AckStatus.ACKNOWLEDGED:
            core.escalation.page_soon([escalation_id])  # the patient hears it now
        try:
            # Only this alert's button goes: a /flags list keeps the others working.
            await query.edit_message_reply_markup(
                reply_markup=without_button(query.message, query.data)
            )
        except TelegramError as exc:
            log.info("could not remove the Acknowledge button: %s", exc)
        if ack.status is AckStatus.ACKNOWLEDGED and query.message is not None:
            await context.bot.send_message(
                chat_id=query.message.chat.id,
                text=core.escalation.ack_line(ack, name=user.full_name),
                parse_mode=ParseMode.HTML,
                reply_to_message_id=query.message.message_id,
            )

    application.add_handler(CallbackQueryHandler(on_acknowledge, pattern=matches(EscalationAck)))
