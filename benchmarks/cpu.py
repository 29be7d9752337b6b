"""CPU time per Telegram update: what limits how many patients one process answers at once.

    python -m benchmarks cpu [--patients 30] [--crowd 200] [--runs 3]

Wall-clock latency on a shared machine is noise; CPU time is not (much). This drives the same
path as `benchmarks/concurrency.py` in one process (inbox store, per-chat processor, handlers, services, SQLite,
replies to the in-process Telegram double, with an instant Bot API) and divides the process's CPU
time (`time.process_time`: every thread) by the updates processed:
- a booking conversation: `--patients` patients at once, from /start and consent to a confirmed
  booking (name, phone, screening, SMS consent), the outbox's confirmations included;
- one reply: `--crowd` patients pressing "My appointments" at once.
The in-process double (making each update, answering each Bot API call) is counted too: it is
part of what the concurrency benchmark's process has to do. Each figure is the best of `--runs`
runs (the least disturbed by other processes), with the median beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.concurrency import FIRST_USER, book_own_slot
from bot.app import build_application, build_core, inbox_of
from bot.domain.clock import FixedClock
from bot.sandbox.telegram_double import FakeBotApi
from bot.settings import parse_settings
from bot.updates import ChatOrderedProcessor, InboxQueue
from tests.journey_helpers import STAFF_CHAT, STAFF_USER, start_and_consent

NOW = datetime(2027, 3, 1, 13, 0, tzinfo=UTC)


class QueuedDouble(FakeBotApi):
    """A person's action is posted the webhook's way; the person then waits until it is done."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.queue: InboxQueue | None = None
        self.waiting: dict[int, asyncio.Future[None]] = {}
        self.durations: list[float] = []

    async def deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        assert self.queue is not None
        done = asyncio.get_running_loop().create_future()
        self.waiting[int(update["update_id"])] = done
        started = time.perf_counter()
        await self.queue.accept(update)
        await done
        self.durations.append(time.perf_counter() - started)
        return update

    async def processed(self, update: Any) -> None:
        future = self.waiting.pop(update.update_id, None)
        if future is not None and not future.done():
            future.set_result(None)


async def _running(folder: Path, latency: float) -> tuple[Any, QueuedDouble, Any]:
    clock = FixedClock(NOW)
    settings = parse_settings(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "STAFF_CHAT_ID": str(STAFF_CHAT),
            "STAFF_USER_IDS": str(STAFF_USER),
        }
    )
    core = build_core(settings, clock=clock)
    double = QueuedDouble(clock=clock, latency=latency)
    double.group(STAFF_CHAT, title="Front desk")
    application = build_application(core, request=double, updates_request=double)
    queue = inbox_of(application)
    processor = application.update_processor
    assert isinstance(queue, InboxQueue)
    assert isinstance(processor, ChatOrderedProcessor)
    double.queue = queue

    async def processed(update: object) -> None:
        await queue.processed(update)
        await double.processed(update)

    processor.on_processed = processed
    return core, double, application


async def _measured(folder: Path, patients: int, *, booking: bool) -> tuple[float, int]:
    """CPU seconds and updates processed for one crowd (the replies' crowd consents first)."""
    core, double, application = await _running(folder, 0.0)
    async with application:
        await application.start()
        try:
            users = [double.user(FIRST_USER + n, f"Patient{n}") for n in range(patients)]

            async def journey(user: Any) -> None:
                await start_and_consent(user)
                await book_own_slot(user, user.id - FIRST_USER)
                await user.press("✅ Confirm booking")

            if not booking:
                await asyncio.gather(*(start_and_consent(u) for u in users))
            double.durations.clear()
            gc.collect()
            started = time.process_time()
            if booking:
                await asyncio.gather(*(journey(u) for u in users))
            else:
                await asyncio.gather(*(u.press("🗂 My appointments") for u in users))
            # What the updates left to the outbox (confirmations, staff notices) is their cost.
            await core.ticker.tick()
            cpu = time.process_time() - started
            count = len(double.durations)
        finally:
            await application.stop()
    core.db.dispose()
    return cpu, count


def _line(label: str, samples: list[float], count: int) -> str:
    per = [s * 1000 / count for s in samples]
    return (
        f"{label}: {min(per):5.2f} ms CPU per update (best of {len(per)}; median "
        f"{statistics.median(per):5.2f} ms; {count} updates a run)"
    )


async def measure(patients: int, crowd: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for label, size, booking in (
            (f"booking conversation, {patients} patients at once", patients, True),
            (f"'My appointments', {crowd} patients at once", crowd, False),
        ):
            samples: list[float] = []
            count = 0
            for run in range(runs):
                folder = Path(tmp) / f"{'book' if booking else 'reply'}-{run}"
                folder.mkdir()
                cpu, count = await _measured(folder, size, booking=booking)
                samples.append(cpu)
            print(_line(label, samples, count), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--patients", type=int, default=30)
    parser.add_argument("--crowd", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv or [])
    asyncio.run(measure(args.patients, args.crowd, args.runs))


if __name__ == "__main__":
    main(sys.argv[1:])
