"""A bot process for the crash test: serves the webhook, stores updates, then hangs on replies.

Run as `python -m tests.inbox_crash_child <sqlite file> <port>`; the test kills it with SIGKILL
after /telegram answered 200, i.e. after the update was stored and before it was processed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.db.engine import Database
from bot.domain.clock import FixedClock
from bot.runtime import run_webhook
from bot.sandbox.telegram_double import FakeBotApi
from tests.journey_helpers import journey_core

WEBHOOK_SECRET = "crash-test-secret"


class HangingReplies(FakeBotApi):
    """Start-up calls answer; every reply to a patient hangs (the process is killed meanwhile)."""

    async def do_request(self, url: str, method: str, request_data: Any = None, **kwargs: Any):
        if url.rsplit("/", 1)[-1] in ("sendMessage", "editMessageText", "answerCallbackQuery"):
            print("processing", flush=True)
            await asyncio.sleep(3600)
        return await super().do_request(url, method, request_data, **kwargs)


async def main(path: Path, port: int) -> None:
    from datetime import UTC, datetime

    clock = FixedClock(datetime(2027, 3, 1, 13, 0, tzinfo=UTC))
    core = journey_core(Database(f"sqlite:///{path}"), clock)
    core.settings = dataclasses.replace(
        core.settings,
        public_base_url="https://bot.example.org",
        telegram_webhook_secret=WEBHOOK_SECRET,
        port=port,
    )
    double = HangingReplies(clock=clock)
    application = build_application(core, request=double, updates_request=double)
    await run_webhook(application, core)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
