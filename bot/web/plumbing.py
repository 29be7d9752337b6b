"""What the HTTP routes share: the database workers, the outbox kick, capped bodies, refusals.

Every route module (Twilio, Telegram, health; the console and the Mini App through `in_worker`)
runs its blocking database work through one `WebContext`, so they queue for the same workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

if TYPE_CHECKING:
    from bot.core import Core

T = TypeVar("T")

DB_WORKERS = 16  # concurrent webhook handlers on PostgreSQL (SQLite: one)
KICK_INTERVAL_SECONDS = 1.0


class TooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """Read at most `limit` bytes; raise TooLarge past it, whatever Content-Length claims."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge
    return bytes(body)


def too_large() -> Response:
    return PlainTextResponse("request body too large", status_code=413)


def forbidden() -> Response:
    return PlainTextResponse("forbidden", status_code=403)


def unavailable() -> Response:
    # Telegram and Twilio both retry a 503: nothing is lost while the database is away.
    return PlainTextResponse("database unavailable, retry later", status_code=503)


class WebContext:
    """The core the routes call, the workers their database work runs in, the outbox kick."""

    def __init__(self, core: Core) -> None:
        self.core = core
        # SQLite takes one writer at a time: threads queueing on its lock spin in its busy
        # handler and the unlucky ones wait seconds. One worker turns that into a fair queue.
        self.db_workers = anyio.CapacityLimiter(1 if core.db.is_sqlite else DB_WORKERS)
        self._last_kick = float("-inf")

    async def in_worker(self, work: Callable[[], T]) -> T:
        """Run blocking database work off the event loop, within the database's concurrency."""
        return await anyio.to_thread.run_sync(work, limiter=self.db_workers)

    def kick_outbox(self) -> None:
        """Let staff notices a webhook queued go out now, at most once a second under load."""
        now = time.monotonic()
        if now - self._last_kick >= KICK_INTERVAL_SECONDS:
            self._last_kick = now
            self.core.kick_outbox()
