"""The small interfaces every outbound channel implements, and how they fail."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class DeliveryFailed(Exception):
    """A send did not happen.

    permanent=True means retrying cannot help (blocked bot, unsubscribed or invalid number); the
    outbox then routes to the fallback channel or to staff. Otherwise the outbox retries with backoff,
    no sooner than `retry_after` seconds when the provider said so (Telegram 429).
    """

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool,
        code: str | None = None,
        retry_after: float | None = None,
        migrate_to: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.code = code
        self.retry_after = retry_after
        # Telegram moved the chat (a group became a supergroup): send there instead.
        self.migrate_to = migrate_to


@dataclass(frozen=True)
class Button:
    """An inline button: `data` is compact callback data (<= 64 bytes), `url` for a link, or
    `web_app` for the https URL of a Mini App Telegram opens inside the chat."""

    text: str
    data: str | None = None
    url: str | None = None
    web_app: str | None = None


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class OutgoingMessage:
    """A channel-neutral message: HTML-safe text for Telegram, plain text for SMS."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    attachment: Attachment | None = None
    # For a voice call: the query string of its "press 1" callback (e.g. "escalation=12").
    voice_ack: str | None = None


class SmsSender(Protocol):
    async def send_sms(self, *, to: str, body: str) -> str:
        """Send one SMS and return the provider's message id; raise DeliveryFailed."""
        ...


class TelegramSender(Protocol):
    async def send(self, *, chat_id: int, message: OutgoingMessage) -> int:
        """Send to a Telegram chat and return the message id; raise DeliveryFailed."""
        ...


class VoiceCaller(Protocol):
    async def call(self, *, to: str, say: str, ack_query: str) -> str:
        """Call `to`, say `say` and ask for 1 to acknowledge; return the call's id."""
        ...
