"""Fakes for the outside world (not mocks): they record what was sent and can be told to fail."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.messaging.channels import DeliveryFailed, OutgoingMessage


@dataclass
class FakeTelegram:
    sent: list[tuple[int, OutgoingMessage]] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    failures: list[DeliveryFailed] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    async def send(self, *, chat_id: int, message: OutgoingMessage) -> int:
        if self.failures:
            raise self.failures.pop(0)
        if chat_id in self.blocked:
            raise DeliveryFailed(
                "forbidden: bot was blocked by the user", permanent=True, code="403"
            )
        self.sent.append((chat_id, message))
        return next(self._ids)

    def texts_to(self, chat_id: int) -> list[str]:
        return [m.text for c, m in self.sent if c == chat_id]


@dataclass
class FakeSms:
    sent: list[tuple[str, str]] = field(default_factory=list)
    failures: list[DeliveryFailed] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    async def send_sms(self, *, to: str, body: str) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((to, body))
        return f"SM{next(self._ids):032x}"

    def bodies_to(self, number: str) -> list[str]:
        return [b for t, b in self.sent if t == number]


@dataclass
class FakeVoice:
    """Records the calls placed: (number, what is said, the press-1 callback's query)."""

    calls: list[tuple[str, str, str]] = field(default_factory=list)
    failures: list[DeliveryFailed] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    async def call(self, *, to: str, say: str, ack_query: str) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.calls.append((to, say, ack_query))
        return f"CA{next(self._ids):032x}"

    def to(self, number: str) -> list[str]:
        return [say for t, say, _ in self.calls if t == number]
