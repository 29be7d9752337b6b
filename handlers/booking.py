"""The booking in progress: /book, its buttons (`bk:`), typed answers and a shared contact."""

from __future__ import annotations

from typing import Protocol

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.domain.callback_data import BookingStep, Prefix, has_prefix, unpack_as
from bot.messaging.telegram import inline_keyboard
from bot.services.booking_flow import BookingFlow
from bot.services.chat_replies import Reply, Who
from bot.services.checkins import CheckinService
from handlers.common import AnyApplication, respond


class BookingNeeds(Protocol):
    flow: BookingFlow
    checkins: CheckinService

    def kick_outbox(self) -> None: ...


def register(application: AnyApplication, core: BookingNeeds) -> None:
    """Add the booking handlers."""
    flow = core.flow
    # New messages only: an edited old message is not a new answer.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE

    def kick(reply: Reply) -> None:
        if reply.changed:
            core.kick_outbox()

    async def book(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Start a booking, or offer to resume the one underway."""
        await respond(update, context, flow.begin_booking)

    async def step_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Apply a booking button, if it belongs to the current step."""
        query = update.callback_query
        step = unpack_as(query.data if query else None, BookingStep)

        def press(who: Who) -> Reply:
            if step is None:
                return flow.expired_button(who)
            return flow.press(who, verb=step.verb, version=step.version, arg=step.arg)

        await respond(update, context, press, after=kick)

    async def typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Take typed text as the answer to the current step."""
        message = update.effective_message
        text = message.text if message is not None and message.text else ""
        user, chat = update.effective_user, update.effective_chat
        if user is not None and chat is not None:
            # Typed "6" or "yes" while a check-in question is open answers it (issue 11).
            answered = await core.checkins.answer_typed(telegram_user_id=user.id, text=text)
            if answered is not None:
                for outgoing in answered.messages:
                    await context.bot.send_message(
                        chat_id=chat.id,
                        text=outgoing.text,
                        parse_mode=ParseMode.HTML,
                        reply_markup=inline_keyboard(outgoing),
                    )
                return
        await respond(update, context, lambda who: flow.text(who, text), after=kick)

    async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Take a shared contact as the phone number."""
        message = update.effective_message
        shared = message.contact if message is not None else None
        phone = shared.phone_number if shared is not None else ""
        owner = shared.user_id if shared is not None else None
        await respond(
            update, context, lambda who: flow.shared_contact(who, phone=phone, owner_id=owner)
        )

    application.add_handler(CommandHandler("book", book, filters=private))
    application.add_handler(CallbackQueryHandler(step_button, pattern=has_prefix(Prefix.BOOKING)))
    application.add_handler(MessageHandler(filters.CONTACT & private, contact))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & private, typed))
