"""What a sender awaits before each message so the bot stays inside Telegram's limits.

The limits are shared by every replica, so the real pacer keeps them in the database
(bot.services.rate_limits.SharedPacer); `NoPacing` is for a local Bot API double, which has none.
"""

from __future__ import annotations

from typing import Protocol


class Pacing(Protocol):
    async def wait(self, chat: int | str) -> None:
        """Return when a message to `chat` may be sent, and count it as sent."""
        ...

    async def pause_chat(self, chat: int | str, seconds: float) -> None:
        """Telegram answered 429 (retry_after) for `chat`: hold its messages that long."""
        ...


class NoPacing:
    async def wait(self, chat: int | str) -> None:
        return None

    async def pause_chat(self, chat: int | str, seconds: float) -> None:
        return None
