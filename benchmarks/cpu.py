"""CPU time per Telegram update: what limits how many patients one process answers at once.

    python -m benchmarks cpu [--patients 30] [--crowd 200] [--runs 3]

Wall-clock latency on a shared machine is noise; CPU time is not (much). This drives the same
path as `benchmarks/concurrency.py` (inbox store, per-chat processor, handlers, services, SQLite,
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
from pathlib import Path
from typing import Any

from benchmarks.concurrency import FIRST_USER, _running, book_own_slot
from tests.journey_helpers import start_and_consent


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
