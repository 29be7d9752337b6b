"""What every handler shares: rendering a `Reply` as Bot API calls, and answering presses.

Callback data (what buttons carry) is packed and read by `bot.domain.callback_data` only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
    WebAppInfo,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes

from bot.messaging.channels import Button
from bot.presentation.chat_replies import Reply, Screen, Who
from bot.updates import InboxQueue

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
CAPTION_LIMIT = 1024
# The hot sends give the Bot API its fields as plain dicts (link_preview_options, an inline
# keyboard): PTB turns its own objects into dicts attribute by attribute on every call.
_NO_PREVIEW = {"is_disabled": True}


def inline_markup(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Inline keyboard from channel-neutral buttons (callback data, a URL, or a Mini App)."""
    keyboard = [[_inline_button(b) for b in row] for row in rows if row]
    return InlineKeyboardMarkup(keyboard) if keyboard else None


def _inline_button(button: Button) -> InlineKeyboardButton:
    if button.web_app:
        return InlineKeyboardButton(button.text, web_app=WebAppInfo(button.web_app))
    if button.url:
        return InlineKeyboardButton(button.text, url=button.url)
    return InlineKeyboardButton(button.text, callback_data=button.data)


def _inline_fields(rows: Sequence[Sequence[Button]]) -> dict[str, Any] | None:
    """`inline_markup(rows)` as the Bot API's JSON fields, built without PTB's objects."""
    keyboard = [[_button_fields(b) for b in row] for row in rows if row]
    return {"inline_keyboard": keyboard} if keyboard else None


def _button_fields(button: Button) -> dict[str, Any]:
    if button.web_app:
        return {"text": button.text, "web_app": {"url": button.web_app}}
    if button.url:
        return {"text": button.text, "url": button.url}
    if button.data is None:  # as PTB leaves out an empty field
        return {"text": button.text}
    return {"text": button.text, "callback_data": button.data}


def reply_markup(
    screen: Screen,
) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    if screen.contact_button is not None:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(screen.contact_button, request_contact=True)]],
            one_time_keyboard=True,
            resize_keyboard=True,
        )
    if screen.clear_keyboard:
        return ReplyKeyboardRemove()
    return inline_markup(screen.buttons)


def who_of(update: Update) -> Who | None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    return Who(user_id=user.id, chat_id=chat.id, first_name=user.first_name or "")


async def answer_quietly(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str | None = None
) -> None:
    """Answer the button press (once) so the client stops its spinner.

    Not when the webhook's response answered it already (bot/updates.py `answer_on_receipt`).
    """
    query = update.callback_query
    if query is None:
        return
    queue = context.application.update_queue
    if isinstance(queue, InboxQueue) and queue.answered_on_receipt(query.id):
        if text:  # ANSWERED_ON_RECEIPT lists a prefix whose replies can carry a toast
            prefix = (query.data or "").partition(":")[0]
            log.warning("toast not shown: a %r press was answered on receipt", prefix)
        return
    try:
        await query.answer(text=text[:200] if text else None)
    except BadRequest as exc:
        # A press older than Telegram keeps queries (after a long restart) cannot be answered.
        log.info("callback query not answered: %s", exc.message)


async def respond(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    compute: Callable[[Who], Reply],
    *,
    after: Callable[[Reply], None] | None = None,
) -> None:
    """Run one service call off the event loop (SQLite may wait for a lock), then render it."""
    who = who_of(update)
    if who is None:
        await answer_quietly(update, context)
        return
    try:
        reply = await asyncio.to_thread(compute, who)
    except Exception:
        await answer_quietly(update, context)  # the global error handler speaks to the person
        raise
    await render(update, context, reply)
    if after is not None:
        after(reply)


async def render(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Answer the press, replace the pressed message if asked, then send the screens.

    The press is answered while the screens go out (two round trips at once, not one after
    the other); the answer is asked first, and the update ends once both are done.
    """
    chat = update.effective_chat
    if chat is None:
        return
    if update.callback_query is None:
        await _show(update, context, chat.id, reply)
        return
    answered, shown = await asyncio.gather(
        answer_quietly(update, context, reply.toast),
        _show(update, context, chat.id, reply),
        return_exceptions=True,
    )
    for outcome in (shown, answered):
        if isinstance(outcome, BaseException):
            raise outcome


async def _show(
    update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply
) -> None:
    screens = list(reply.screens)
    if reply.edit is not None:
        query = update.callback_query
        message = query.message if query is not None else None
        if not (isinstance(message, Message) and await _edited(context, message, reply.edit)):
            screens.insert(0, reply.edit)
    for screen in screens:
        await send_screen(context, chat_id, screen)


async def _edited(context: ContextTypes.DEFAULT_TYPE, message: Message, screen: Screen) -> bool:
    """Replace the pressed message; False when it cannot be (then the screen is sent instead)."""
    markup = inline_markup(screen.buttons)
    if not _can_edit(message, screen, markup):
        return False
    try:
        await _call(
            context.bot,
            "editMessageText",
            chat_id=message.chat_id,
            message_id=message.message_id,
            text=screen.text,
            parse_mode=ParseMode.HTML,
            reply_markup=_inline_fields(screen.buttons),
            link_preview_options=_NO_PREVIEW,
        )
    except BadRequest as exc:
        # Deleted by the person, or too old to edit: the answer still has to reach them.
        log.info("edit refused, sending instead: %s", exc.message)
        return False
    return True


async def _call(bot: Bot, method: str, **params: object) -> None:
    """A Bot API call whose answer is not read. `bot.send_message` and `edit_message_text` make
    a Message of the answer (a hundred attributes, set one by one) that nobody here looks at."""
    await bot._post(method, params)


def _can_edit(message: Message, screen: Screen, markup: InlineKeyboardMarkup | None) -> bool:
    """Edit only a text message, and only when the edit changes it (Telegram refuses no-ops)."""
    if message.text is None or screen.attachment is not None:
        return False
    if screen.contact_button is not None or screen.clear_keyboard:
        return False
    same_markup = message.reply_markup == markup
    return not (same_markup and message.text_html == screen.text)


async def deliver(bot: Bot, chat_id: int, reply: Reply) -> None:
    """Send a reply that answers no update (a time chosen in the Mini App): each screen anew."""
    screens = (reply.edit, *reply.screens) if reply.edit is not None else reply.screens
    for screen in screens:
        await send_screen_with(bot, chat_id, screen)


async def send_screen(context: ContextTypes.DEFAULT_TYPE, chat_id: int, screen: Screen) -> None:
    await send_screen_with(context.bot, chat_id, screen)


async def send_screen_with(bot: Bot, chat_id: int, screen: Screen) -> None:
    if screen.attachment is not None:
        attachment = screen.attachment
        await bot.send_document(
            chat_id=chat_id,
            document=InputFile(attachment.content, filename=attachment.filename),
            caption=screen.text[:CAPTION_LIMIT] or None,
            parse_mode=ParseMode.HTML,
            reply_markup=reply_markup(screen),
        )
        return
    plain_inline = screen.contact_button is None and not screen.clear_keyboard
    await _call(
        bot,
        "sendMessage",
        chat_id=chat_id,
        text=screen.text,
        parse_mode=ParseMode.HTML,
        reply_markup=_inline_fields(screen.buttons) if plain_inline else reply_markup(screen),
        link_preview_options=_NO_PREVIEW,
    )
