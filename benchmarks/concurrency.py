"""Many patients at once, black-box: webhooks in over HTTP, the Bot API out over HTTP.

    python -m benchmarks concurrency [--patients 30] [--crowd 200] [--latency 0.12]

`--patients 0` skips the bookings (the crowd of replies alone). `--bot-cpus 0` runs the bot with
CPU_AFFINITY=0 and keeps this process (the patients and the Bot API double: Telegram's side) on
the other CPUs. Profiling the bot during the
crowd: BENCH_CPROFILE=PREFIX (cProfile of CPU time, the event loop and the worker threads apart,
benchmarks/thread_profile.py), or BENCH_PYSPY=FILE (py-spy's samples, if installed in the venv by
hand; BENCH_PYSPY_ARGS adds options, e.g. --nonblocking).

The bot runs in its own process, as `python -m bot run` runs it in webhook mode (SQLite, the
inbox, the per-chat processor, handlers, services), with the Bot API double in this process
answering it over HTTP (the double's work is Telegram's in production, not the bot's CPU).
Patients post their actions to /telegram as Telegram does and each waits until the update has
been processed (its inbox row closed) before the next action, as a person waits for the reply.
The bot is given PTB's own HTTP request, like the double in the tests: it keeps to no Telegram
limits (in production the bot-wide 25 messages/s would pace a crowd of 200 over 8 s) and the
double answers no 429s. Measured:
- 30 patients booking a consultation at once (start, consent, day, time, name, phone, screening,
  SMS consent, confirm), with the double answering every Bot API call in 120 ms vs instantly
  (target: at most 1.5x as long), and one patient alone with the slow Bot API (the latency
  floor: once the crowd is processed faster than that, the ratio above grows for no fault);
- 200 patients sending a message at the same moment (the menu's "My appointments"), each reply's
  time from the webhook post to the Bot API's answer to the reply: p50 / p95 (target p95 < 400
  ms with the 120 ms Bot API), and the bot process's CPU time per update meanwhile.

BENCH_VARIANT=httpx (PTB's default HTTPXRequest: one pool of 256 connections to the Bot API, as
before bot/messaging/telegram_http.py) and/or nofreeze
(start-up objects left in the garbage collector's sight) run the bot as it was before those
changes, for a before/after comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import uvicorn
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.routing import Route

from benchmarks.common import buttons_with
from benchmarks.replicas import (
    PATIENT_TIMEOUT,
    ROOT,
    SECRET,
    STAFF_CHAT,
    HttpBotApi,
    _call_chat,
    _chat_of,
    free_port,
    replica_env,
    wait_for_port,
)
from bot.runtime import keep_to_cpus

# The journeys the tests drive (run from the repository root, like every benchmark).
from tests.journey_helpers import answer_screening, start_and_consent

FIRST_USER = 300_000
POLL_SECONDS = 0.01  # how often the inbox is read for processed updates


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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- the bot in its own process, the double in this one ---------------------------------------


class UnlimitedHttpBotApi(HttpBotApi):
    """The Bot API double over HTTP, without Telegram's 429s (the bot under test is built with
    an HTTP request of its own, so it keeps to no limits either: this measures processing, not
    pacing), telling each waiting patient the moment their update is processed."""

    def __init__(self, *, latency: float, webhook_url: str, engine: Engine) -> None:
        super().__init__(latency=latency, webhook_url=webhook_url, engine=engine)
        self.done: dict[str, asyncio.Future[None]] = {}
        # The crowd's webhooks go out through aiohttp, as the bot's Bot API calls do: this
        # process (patients and double) must not be slower than the bot it measures, or its
        # own CPU is what the latencies show (httpx cost it ~0.8 ms of its event loop a post).
        self.posting: aiohttp.ClientSession | None = None

    def _over_limit(self, method: str, params: dict[str, Any], now: float) -> int | None:
        return None

    async def deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        update_id = str(update["update_id"])
        chat = _chat_of(update)
        done = asyncio.get_running_loop().create_future()
        self.done[update_id] = done
        if self.posting is None:
            connector = aiohttp.TCPConnector(limit=100)  # as httpx's default client had
            self.posting = aiohttp.ClientSession(connector=connector)
        started = time.monotonic()
        async with self.posting.post(
            self.webhook_target, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        ) as answer:
            answer.raise_for_status()
            response = await answer.read()
        await self.webhook_response(response)  # a Bot API call in it: Telegram makes it
        self.posted += 1
        self._waiting.add(update_id)
        await asyncio.wait_for(done, PATIENT_TIMEOUT)
        # The patient sees the reply when the Bot API has answered its first call in the chat
        # (the calls are in time order: only those since the post are looked at).
        firsts = []
        for call in reversed(self.calls):
            if call.at < started:
                break
            if _call_chat(call.params) == chat:
                firsts.append(call.at)
        if firsts:
            self.reply_times.append(min(firsts) - started)
        return update

    async def watch_processed(self) -> None:
        while True:
            waiting = list(self._waiting)
            if waiting:
                finished = await asyncio.to_thread(self._processed_among, waiting)
                self._waiting.difference_update(finished)
                for update_id in finished:
                    future = self.done.pop(update_id, None)
                    if future is not None and not future.done():
                        future.set_result(None)
            await asyncio.sleep(POLL_SECONDS)

    def _processed_among(self, ids: list[str]) -> set[str]:
        query = text(
            "SELECT external_id FROM inbox WHERE source = 'telegram' "
            "AND processed_at IS NOT NULL AND external_id IN :ids"
        ).bindparams(bindparam("ids", expanding=True))
        with self.engine.connect() as connection:
            return {row[0] for row in connection.execute(query, {"ids": ids})}


def parse_cpus(text: str) -> frozenset[int]:
    from bot.settings import parse_settings

    cpus = parse_settings({"CPU_AFFINITY": text}).cpu_affinity
    assert cpus is not None
    return cpus


def start_profiler(pid: int) -> subprocess.Popen[bytes] | None:
    """BENCH_PYSPY=FILE: py-spy (installed by hand, not in the lock) samples the bot process
    during the crowd, all threads, idle frames left out, into FILE as collapsed stacks."""
    out = os.environ.get("BENCH_PYSPY")
    if not out:
        return None
    spy = Path(sys.executable).parent / "py-spy"
    command = [
        str(spy),
        "record",
        "--pid",
        str(pid),
        "--rate",
        "500",
        "--format",
        "raw",
        *os.environ.get("BENCH_PYSPY_ARGS", "").split(),
    ]
    profiler = subprocess.Popen([*command, "--threads", "-o", out], stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # attached before the crowd starts
    return profiler


async def stop_profiler(profiler: subprocess.Popen[bytes] | None) -> None:
    if profiler is not None:
        profiler.send_signal(signal.SIGINT)
        await asyncio.to_thread(profiler.wait, 30)


def cpu_seconds(pid: int, task: int | None = None) -> float:
    """A process's CPU time so far (user and system, all threads), from /proc; `task`: one
    thread's (the main thread's id is the process's)."""
    stat = Path(f"/proc/{pid}/stat" if task is None else f"/proc/{pid}/task/{task}/stat")
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Running:
    """One bot process (`python -m benchmarks.concurrency serve`) on a fresh SQLite file and
    the Bot API double it calls over HTTP, served by this process."""

    def __init__(self, folder: Path, latency: float) -> None:
        self.folder = folder
        self.latency = latency
        self.cpus_before = os.sched_getaffinity(0)
        self.process: subprocess.Popen[bytes] | None = None
        self.server: uvicorn.Server | None = None
        self.serving: asyncio.Task[None] | None = None
        self.watcher: asyncio.Task[None] | None = None

    async def __aenter__(self) -> UnlimitedHttpBotApi:
        api_port, port = free_port(), free_port()
        env = replica_env(f"sqlite:///{self.folder / 'bench.db'}", api_port, port, port)
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "migrate"],
            env=env,
            cwd=self.folder,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        engine = create_engine(f"sqlite:///{self.folder / 'bench.db'}")
        double = UnlimitedHttpBotApi(
            latency=self.latency, webhook_url=f"http://127.0.0.1:{port}/telegram", engine=engine
        )
        await double.initialize()
        double.group(STAFF_CHAT, title="Front desk")
        app = Starlette(routes=[Route("/bot{token}/{method}", double.endpoint, methods=["POST"])])
        config = uvicorn.Config(
            app, host="127.0.0.1", port=api_port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.serving = asyncio.create_task(self.server.serve())
        await wait_for_port(api_port)
        self.process = start_bot(self.folder, env)
        bot_cpus = env.get("CPU_AFFINITY")
        if bot_cpus:  # --bot-cpus: this process (Telegram's side) keeps off the bot's CPUs
            others = self.cpus_before - parse_cpus(bot_cpus)
            keep_to_cpus(others or self.cpus_before)
        await wait_for_port(port)
        self.watcher = asyncio.create_task(double.watch_processed())
        self.double = double
        return double

    async def __aexit__(self, *exc: object) -> None:
        keep_to_cpus(self.cpus_before)
        if self.watcher is not None:
            self.watcher.cancel()
        if self.process is not None:
            self.process.terminate()
            await asyncio.to_thread(self.process.wait, 30)
        if self.server is not None and self.serving is not None:
            self.server.should_exit = True
            await self.serving
        await self.double.http.aclose()
        if self.double.posting is not None:
            await self.double.posting.close()
        self.double.engine.dispose()


def start_bot(folder: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = (folder / "bot.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks.concurrency", "serve"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )


def booked_count(folder: Path) -> int:
    engine = create_engine(f"sqlite:///{folder / 'bench.db'}")
    with engine.connect() as connection:
        count = connection.execute(
            text("SELECT count(*) FROM appointment WHERE status = 'booked'")
        ).scalar_one()
    engine.dispose()
    return int(count)


async def booking_crowd_http(folder: Path, *, patients: int, latency: float) -> tuple[float, int]:
    async with Running(folder, latency) as double:
        users = [double.user(FIRST_USER + n, f"Patient{n}") for n in range(patients)]
        started = time.perf_counter()
        await asyncio.gather(*(booking_journey(u) for u in users))
        elapsed = time.perf_counter() - started
    return elapsed, booked_count(folder)


async def booking_journey(user: Any) -> None:
    await start_and_consent(user)
    await book_own_slot(user, user.id - FIRST_USER)
    await user.press("✅ Confirm booking")
    for _ in range(10):  # taken meanwhile: take the next free time offered, as people do
        if "just taken" not in user.last_message().text:
            break
        await user.press(buttons_with(user, "bk:tm:")[0])
        await user.press("✅ Confirm booking")


BYSTANDERS = 40  # patients who get the outbox backlog (not in the crowd: their chats are apart)


def plan_backlog(engine: Engine, count: int) -> None:
    """`count` patient notices due now, to the bystanders in turn (as a reminder wave would be)."""
    from sqlmodel import Session, col, select

    from bot.db.models import Outbox, Patient
    from bot.domain.enums import Channel, OutboxKind, OutboxStatus

    now = datetime.now(UTC)
    with Session(engine) as session:
        ids = session.exec(
            select(Patient.id).where(col(Patient.telegram_user_id) >= FIRST_USER + 10_000)
        ).all()
        for n in range(count):
            session.add(
                Outbox(
                    dedupe_key=f"bench:backlog:{n}",
                    kind=OutboxKind.PATIENT_NOTICE,
                    channel=Channel.TELEGRAM,
                    patient_id=ids[n % len(ids)],
                    due_at=now,
                    status=OutboxStatus.PENDING,
                    payload=json.dumps({"text_key": "approved"}),
                    created_at=now,
                )
            )
        session.commit()


def backlog_sent(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'bench:backlog:%' AND status IN ('sent', 'delivered')"
                )
            ).scalar_one()
        )


async def reply_crowd_http(
    folder: Path, *, patients: int, latency: float, backlog: int = 0
) -> tuple[list[float], float, float]:
    """Each reply's time (post to the Bot API's answer to the reply), and the bot's CPU
    seconds per update while the crowd was answered: in all, and its event loop's (the main
    thread; the rest is worker threads: database work, handlers' service calls)."""
    running = Running(folder, latency)
    async with running as double:
        users = [double.user(FIRST_USER + n, f"Patient{n}") for n in range(patients)]
        await asyncio.gather(*(start_and_consent(u) for u in users))
        if backlog:
            # An outbox backlog going out while the crowd writes: is a reply kept waiting?
            others = [double.user(FIRST_USER + 10_000 + n, f"Other{n}") for n in range(BYSTANDERS)]
            await asyncio.gather(*(start_and_consent(u) for u in others))
            await asyncio.to_thread(plan_backlog, double.engine, backlog)
            async with asyncio.timeout(45):  # the outbox ticker looks every 30 s
                while await asyncio.to_thread(backlog_sent, double.engine) < 5:  # noqa: ASYNC110 (a row in another process)
                    await asyncio.sleep(0.1)
            sent_before = await asyncio.to_thread(backlog_sent, double.engine)
        double.reply_times.clear()
        assert running.process is not None
        profiler = start_profiler(running.process.pid)
        if os.environ.get("BENCH_CPROFILE"):
            running.process.send_signal(signal.SIGUSR1)
            await asyncio.sleep(0.5)
        pid = running.process.pid
        cpu_before, loop_before = cpu_seconds(pid), cpu_seconds(pid, pid)
        ours_before = time.process_time()
        await asyncio.gather(*(u.press("🗂 My appointments") for u in users))
        cpu = cpu_seconds(pid) - cpu_before
        loop_cpu = cpu_seconds(pid, pid) - loop_before
        ours = time.process_time() - ours_before
        print(
            f"the patients and the Bot API double (this process) used {ours * 1000 / patients:.2f}"
            " ms CPU per update",
            flush=True,
        )
        await stop_profiler(profiler)
        if backlog:
            sent = await asyncio.to_thread(backlog_sent, double.engine) - sent_before
            print(
                f"outbox backlog of {backlog}: {sent} sent while the crowd was answered", flush=True
            )
        if os.environ.get("BENCH_CPROFILE"):
            running.process.send_signal(signal.SIGUSR2)
            await asyncio.sleep(1.0)
        durations = list(double.reply_times)
    count = max(1, len(durations))
    return durations, cpu / count, loop_cpu / count


async def measure(patients: int, crowd: int, latency: float, backlog: int = 0) -> None:
    slow_ms = f"{latency * 1000:.0f} ms"
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        if patients > 0:  # --patients 0: the crowd of replies alone
            runs = {}
            for name, lat in (("instant", 0.0), ("slow", latency)):
                folder = Path(tmp) / f"book-{name}"
                folder.mkdir()
                runs[name] = await booking_crowd_http(folder, patients=patients, latency=lat)
            # One patient alone with the slow Bot API: the floor no concurrency can go under (each
            # step waits for its Bot API calls). Once processing is faster than that floor, the
            # ratio to the instant run grows although nothing got slower: both are printed.
            folder = Path(tmp) / "book-alone"
            folder.mkdir()
            alone = (await booking_crowd_http(folder, patients=1, latency=latency))[0]
            fast, slow = runs["instant"][0], runs["slow"][0]
            print(
                f"{patients} patients booking at once: instant Bot API {fast:6.1f} s, "
                f"{slow_ms} Bot API {slow:6.1f} s, ratio {slow / fast:4.2f} "
                f"(target <= 1.5); one patient alone with the {slow_ms} Bot API "
                f"{alone:4.1f} s (the crowd takes {slow / alone:4.2f}x that); "
                f"bookings made {runs['instant'][1]} / {runs['slow'][1]}",
                flush=True,
            )
        folder = Path(tmp) / "crowd"
        folder.mkdir()
        durations, cpu, loop_cpu = await reply_crowd_http(
            folder, patients=crowd, latency=latency, backlog=backlog
        )
        print(
            f"{crowd} patients replying at once ({slow_ms} Bot API): "
            f"p50 {statistics.median(durations) * 1000:5.0f} ms, "
            f"p95 {percentile(durations, 0.95) * 1000:5.0f} ms, "
            f"max {max(durations) * 1000:5.0f} ms (target p95 < 400 ms; n={len(durations)}); "
            f"the bot's process used {cpu * 1000:.2f} ms CPU per update "
            f"({loop_cpu * 1000:.2f} ms of it on the event loop)",
            flush=True,
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)


def serve() -> int:
    """The bot under test: `python -m bot run`'s webhook mode, its HTTP connections to the Bot
    API too, but handed in (as a local Bot API is: no limits kept, like the double in the tests)."""
    from telegram.request import BaseRequest

    from bot.app import build_application, build_core
    from bot.logs import configure_logging
    from bot.messaging.telegram_http import AiohttpRequest
    from bot.runtime import run_webhook
    from bot.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_level)
    keep_to_cpus(settings.cpu_affinity)  # --bot-cpus, as run_telegram does
    core = build_core(settings)
    request: BaseRequest = AiohttpRequest()  # what the bot has in production
    variant = os.environ.get("BENCH_VARIANT", "")
    if "httpx" in variant:
        from telegram.request import HTTPXRequest

        request = HTTPXRequest(connection_pool_size=256)
    if "nofreeze" in variant:
        import bot.runtime

        bot.runtime.freeze_start_up_objects = lambda: None
    application = build_application(core, request=request)
    if os.environ.get("BENCH_CPROFILE"):
        from benchmarks.thread_profile import run_profiled

        run_profiled(run_webhook(application, core), os.environ["BENCH_CPROFILE"])
    else:
        asyncio.run(run_webhook(application, core))
    core.db.dispose()
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--patients", type=int, default=30)
    parser.add_argument("--crowd", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.12)
    parser.add_argument(
        "--backlog", type=int, default=0, help="outbox messages due as the crowd writes"
    )
    parser.add_argument(
        "--bot-cpus",
        help="the bot's CPU_AFFINITY (e.g. 0); the patients and the double keep to the others",
    )
    args = parser.parse_args(argv or [])
    if args.bot_cpus:
        parse_cpus(args.bot_cpus)  # a bad list is refused here, not in the bot's log
        os.environ["CPU_AFFINITY"] = args.bot_cpus
    asyncio.run(measure(args.patients, args.crowd, args.latency, args.backlog))


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        raise SystemExit(serve())
    main(sys.argv[1:])
