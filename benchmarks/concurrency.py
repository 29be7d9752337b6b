"""Many patients at once, through the webhook's path, with a slow and an instant Bot API.

    python -m benchmarks concurrency [--patients 30] [--crowd 200] [--latency 0.12]

Black-box style: every patient action goes the way a webhook update goes (stored in the inbox,
queued, run by the per-chat processor, handlers, services, SQLite, replies to the Telegram double)
and the patient waits for it to be processed before the next action, as a person waits for the
reply. Measured:
- 30 patients booking a consultation at once (start, consent, day, time, name, phone, screening,
  SMS consent, confirm), with the double answering every Bot API call in 120 ms vs instantly
  (target: at most 1.5x as long), and one patient alone with the slow Bot API (the latency
  floor: once the crowd is processed faster than that, the ratio above grows for no fault);
- 200 patients sending a message at the same moment (the menu's "My appointments"), each reply's
  time from arrival to processed: p50 / p95 (target p95 < 400 ms with the 120 ms Bot API).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import select

from bot.app import build_application, build_core, inbox_of
from bot.db.models import Appointment
from bot.domain.clock import FixedClock
from bot.sandbox.telegram_double import FakeBotApi
from bot.settings import parse_settings
from bot.updates import ChatOrderedProcessor, InboxQueue

# The journeys the tests drive (run from the repository root, like every benchmark).
from tests.journey_helpers import (
    STAFF_CHAT,
    STAFF_USER,
    answer_screening,
    start_and_consent,
)

FIRST_USER = 300_000
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
    assert isinstance(queue, InboxQueue) and isinstance(processor, ChatOrderedProcessor)
    double.queue = queue

    async def processed(update: object) -> None:
        await queue.processed(update)
        await double.processed(update)

    processor.on_processed = processed
    return core, double, application


def buttons_with(user: Any, prefix: str) -> list[str]:
    message = user.last_message()
    return [data for row in message.buttons for _label, data in row if data.startswith(prefix)]


async def book_own_slot(user: Any, n: int) -> None:
    """Patient n takes their own free hour (day n mod 5), so the crowd does not all race for one
    slot: that would measure "this time has just been taken" 29 times, not 30 bookings."""
    await user.press("📅 Book a consultation")
    days = buttons_with(user, "bk:dy:")
    await user.press(days[n % len(days)])
    times = buttons_with(user, "bk:tm:")
    # Every 4th quarter-hour: a consultation takes 45 min plus a 15 min buffer.
    await user.press(times[(n // len(days)) * 4 % len(times)])
    await user.send_text(f"Pat Bench {n}")
    await user.share_contact(f"+1201555{100 + n % 100:04d}")
    await answer_screening(user)
    await user.press("Yes, text me too")


async def booking_crowd(folder: Path, *, patients: int, latency: float) -> tuple[float, int]:
    core, double, application = await _running(folder, latency)
    async with application:
        await application.start()
        try:
            users = [double.user(FIRST_USER + n, f"Patient{n}") for n in range(patients)]

            async def journey(user: Any) -> None:
                await start_and_consent(user)
                await book_own_slot(user, user.id - FIRST_USER)
                await user.press("✅ Confirm booking")
                for _ in range(
                    10
                ):  # taken meanwhile: take the next free time offered, as people do
                    if "just taken" not in user.last_message().text:
                        break
                    await user.press(buttons_with(user, "bk:tm:")[0])
                    await user.press("✅ Confirm booking")

            started = time.perf_counter()
            await asyncio.gather(*(journey(u) for u in users))
            elapsed = time.perf_counter() - started
        finally:
            await application.stop()
    with core.db.session(write=False) as session:
        booked = len(session.exec(select(Appointment)).all())
    core.db.dispose()
    return elapsed, booked


async def reply_crowd(folder: Path, *, patients: int, latency: float) -> list[float]:
    core, double, application = await _running(folder, latency)
    async with application:
        await application.start()
        try:
            users = [double.user(FIRST_USER + n, f"Patient{n}") for n in range(patients)]
            await asyncio.gather(*(start_and_consent(u) for u in users))
            double.durations.clear()
            await asyncio.gather(*(u.press("🗂 My appointments") for u in users))
            durations = list(double.durations)
        finally:
            await application.stop()
    core.db.dispose()
    return durations


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def measure(patients: int, crowd: int, latency: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runs = {}
        for name, lat in (("instant", 0.0), ("slow", latency)):
            folder = Path(tmp) / f"book-{name}"
            folder.mkdir()
            runs[name] = await booking_crowd(folder, patients=patients, latency=lat)
        # One patient alone with the slow Bot API: the floor no concurrency can go under (each
        # step waits for its Bot API calls). Once processing is faster than that floor, the
        # ratio to the instant run grows although nothing got slower: both are printed.
        folder = Path(tmp) / "book-alone"
        folder.mkdir()
        alone = (await booking_crowd(folder, patients=1, latency=latency))[0]
        fast, slow = runs["instant"][0], runs["slow"][0]
        print(
            f"{patients} patients booking at once: instant Bot API {fast:6.1f} s, "
            f"{latency * 1000:.0f} ms Bot API {slow:6.1f} s, ratio {slow / fast:4.2f} "
            f"(target <= 1.5); one patient alone with the {latency * 1000:.0f} ms Bot API "
            f"{alone:4.1f} s (the crowd takes {slow / alone:4.2f}x that); "
            f"bookings made {runs['instant'][1]} / {runs['slow'][1]}"
        )
        folder = Path(tmp) / "crowd"
        folder.mkdir()
        durations = await reply_crowd(folder, patients=crowd, latency=latency)
        print(
            f"{crowd} patients replying at once ({latency * 1000:.0f} ms Bot API): "
            f"p50 {statistics.median(durations) * 1000:5.0f} ms, "
            f"p95 {percentile(durations, 0.95) * 1000:5.0f} ms, "
            f"max {max(durations) * 1000:5.0f} ms (target p95 < 400 ms; n={len(durations)})"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--patients", type=int, default=30)
    parser.add_argument("--crowd", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.12)
    args = parser.parse_args(argv or [])
    asyncio.run(measure(args.patients, args.crowd, args.latency))


if __name__ == "__main__":
    main(sys.argv[1:])
