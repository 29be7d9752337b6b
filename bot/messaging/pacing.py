"""Send pacing that keeps within Telegram's limits: 1 message/s per chat, ~30/s per bot overall.

We stay under them (defaults 1/s and 25/s) so a burst of reminders never earns a 429.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable


class Pacer:
    def __init__(
        self,
        *,
        per_chat_interval: float = 1.0,
        global_per_second: int = 25,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_chat_interval = per_chat_interval
        self.global_per_second = global_per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._last_by_chat: dict[int | str, float] = {}
        self._recent: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def wait(self, chat: int | str) -> None:
        """Return when a message to `chat` may be sent, and count it as sent."""
        async with self._lock:
            while True:
                now = self._monotonic()
                while self._recent and now - self._recent[0] >= 1.0:
                    self._recent.popleft()
                delay = 0.0
                last = self._last_by_chat.get(chat)
                if last is not None:
                    delay = max(delay, last + self.per_chat_interval - now)
                if len(self._recent) >= self.global_per_second:
                    delay = max(delay, self._recent[0] + 1.0 - now)
                if delay <= 0:
                    break
                await self._sleep(delay)
            self._last_by_chat[chat] = now
            self._recent.append(now)
            if len(self._last_by_chat) > 10_000:
                # Forget chats idle for over a second: their limit cannot bite any more.
                self._last_by_chat = {
                    c: t for c, t in self._last_by_chat.items() if now - t < self.per_chat_interval
                }
