"""Sends channel-neutral messages through python-telegram-bot, paced, with errors mapped."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.messaging.channels import DeliveryFailed, OutgoingMessage
from bot.messaging.pacing import Pacing

log = logging.getLogger(__name__)


def inline_keyboard(message: OutgoingMessage) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.text, url=b.url)
                if b.url
                else InlineKeyboardButton(b.text, callback_data=b.data)
                for b in row
            ]
            for row in message.buttons
        ]
    )


class PtbTelegramSender:
    """The TelegramSender used by the outbox dispatcher and escalations."""

    def __init__(self, bot: Bot, *, pacer: Pacing) -> None:
        self.bot = bot
        self.pacer = pacer

    async def send(self, *, chat_id: int, message: OutgoingMessage) -> int:
        await self.pacer.wait(chat_id)
        markup = inline_keyboard(message)
        try:
            if message.attachment is not None:
                sent = await self.bot.send_document(
                    chat_id=chat_id,
                    document=InputFile(
                        message.attachment.content, filename=message.attachment.filename
                    ),
                    caption=message.text[:1024] or None,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
            else:
                sent = await self.bot.send_message(
                    chat_id=chat_id,
                    text=message.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=None,
                )
        except ChatMigrated as exc:
            raise DeliveryFailed(
                "chat migrated to a supergroup",
                permanent=False,
                code="migrated",
                migrate_to=int(exc.new_chat_id),
            ) from None
        except Forbidden as exc:
            raise DeliveryFailed(f"forbidden: {exc.message}", permanent=True, code="403") from None
        except RetryAfter as exc:
            retry = exc.retry_after
            seconds = retry if isinstance(retry, int | float) else retry.total_seconds()
            # Every replica holds this chat now, not only the one that was told.
            await self.pacer.pause_chat(chat_id, float(seconds))
            raise DeliveryFailed(
                "rate limited", permanent=False, code="429", retry_after=float(seconds)
            ) from None
        except BadRequest as exc:
            # "chat not found" and malformed requests: retrying the same request cannot succeed.
            raise DeliveryFailed(
                f"bad request: {exc.message}", permanent=True, code="400"
            ) from None
        except (TimedOut, NetworkError) as exc:
            raise DeliveryFailed(f"network: {exc.message}", permanent=False) from None
        except TelegramError as exc:
            raise DeliveryFailed(f"telegram: {exc.message}", permanent=False) from None
        return sent.message_id
