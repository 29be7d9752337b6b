"""Telegram's limits for what handlers send directly (replies), through PTB's rate limiter hook.

The outbox paces its own sends (`PtbTelegramSender` waits for a slot under the bot's, the chat's
or the group's limit, and turns a 429 into a retry later); it marks its calls `PACED` and they pass
through here untouched. Everything else a handler sends waits here for a slot under the bot-wide
limit (25/s for all replicas together) and, in a group, the group's 19/min (Telegram allows 20). A private chat is not
throttled here: a reply of two or three messages to one tap is what Telegram's per-chat guidance
tolerates, and when it does not, its 429 is obeyed: the chat is paused for every replica and the
call made again, so the patient still gets the next question.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

PACED = "paced"  # rate_limit_args of a call whose sender already waited for its slot
# Methods that put a message in a chat (Telegram counts them against its limits).
SENDING = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "sendVoice",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendLocation",
        "sendContact",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)
MAX_RETRIES = 3
MAX_RETRY_AFTER = 30.0  # longer than this, the caller hears the error (no handler waits minutes)


class ReplyPacing(Protocol):
    async def wait_reply(self, chat: int | str) -> None:
        """Return when a direct reply to `chat` may go (bot-wide and group limits)."""
        ...

    async def pause_chat(self, chat: int | str, seconds: float) -> None:
        """Telegram answered 429 for `chat`: hold it for everyone that long."""
        ...


class SharedReplyLimiter(BaseRateLimiter[str]):
    """PTB's rate limiter: direct replies inside the limits every replica shares."""

    def __init__(self, pacing: ReplyPacing) -> None:
        self.pacing = pacing

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat = data.get("chat_id")
        if rate_limit_args == PACED or endpoint not in SENDING or chat is None:
            return await callback(*args, **kwargs)
        for attempt in range(MAX_RETRIES + 1):
            await self.pacing.wait_reply(chat)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                retry = exc.retry_after
                seconds = retry if isinstance(retry, int | float) else retry.total_seconds()
                if attempt == MAX_RETRIES or seconds > MAX_RETRY_AFTER:
                    raise
                log.warning("telegram asked to wait %.0f s before %s; waiting", seconds, endpoint)
                await self.pacing.pause_chat(chat, float(seconds))
                await asyncio.sleep(float(seconds))
        raise AssertionError("unreachable")  # the loop returns or raises
