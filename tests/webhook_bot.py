"""The bot as `run_webhook` runs it (its own HTTP server on a free port), with the Bot API double:
for tests that post to /telegram over HTTP as Telegram does."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from bot.app import build_application
from bot.runtime import run_webhook
from bot.sandbox.telegram_double import FakeBotApi
from bot.web.app import RunningServer
from tests.journey_helpers import journey_core

SECRET = "s3cret-token"
PUBLIC_URL = "https://bot.example.org"


@dataclass
class WebhookBot:
    double: FakeBotApi
    server: RunningServer

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"


@contextlib.asynccontextmanager
async def webhook_bot(database: Any, clock: Any) -> AsyncIterator[WebhookBot]:
    """Run the bot in webhook mode until the block ends (then it stops, server included)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    core = journey_core(database, clock)
    core.settings = dataclasses.replace(
        core.settings, public_base_url=PUBLIC_URL, telegram_webhook_secret=SECRET, port=port
    )
    double = FakeBotApi(clock=clock)
    application = build_application(core, request=double, updates_request=double)
    stop = asyncio.Event()
    servers: list[RunningServer] = []
    running = asyncio.create_task(
        run_webhook(application, core, stop=stop, on_listening=servers.append)
    )
    threshold = gc.get_threshold()  # run_webhook raises it for the process
    try:
        async with asyncio.timeout(10):
            while not servers:  # noqa: ASYNC110 (state outside any event)
                await asyncio.sleep(0.02)
        yield WebhookBot(double, servers[0])
    finally:
        stop.set()
        await asyncio.wait_for(running, 15)
        gc.unfreeze()  # run_webhook froze start-up objects; the test process goes on
        gc.set_threshold(*threshold)
