"""Issue 5 benchmark: inbound SMS webhooks per second through signature check + keywords (SQLite).

The real app runs under uvicorn (bot.web.app.serve) in its own process on a loopback port; this
process is the client (httpx), signing every request as Twilio would. Two runs, each bounded in
count and time: a fixed 50 requests/s (target: p99 under 50 ms), then flat out.
The request mix is what patients send: C, HELP, free text, R (offers 3 times: an availability
query and a draft write) and an out-of-range number answering that offer.

Run: python -m benchmarks.sms_webhook [--rate 50] [--seconds 10] [--flat-out 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

NOW = datetime(2027, 3, 1, 13, tzinfo=UTC)
PUBLIC = "https://bench.example.org"
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
PATIENTS = 60
MIX = ("C", "HELP", "what time is it", "R", "9")
MAX_SECONDS_PER_RUN = 60.0


def _settings_env(db_path: Path) -> dict[str, str | None]:
    return {
        "DATABASE_URL": f"sqlite:///{db_path}",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": "+15005550006",
        "PUBLIC_BASE_URL": PUBLIC,
    }


def patient_phone(index: int) -> str:
    return f"+1202555{index:04d}"


def _seed(db_path: Path) -> None:
    """Patients with one booked consultation each, so C and R have work to do."""
    from sqlmodel import SQLModel

    from bot.app import build_core
    from bot.db.engine import Database
    from bot.domain.clock import FixedClock
    from bot.services.routing import create_phone_patient
    from bot.settings import parse_settings

    database = Database(f"sqlite:///{db_path}")
    SQLModel.metadata.create_all(database.engine)
    core = build_core(
        parse_settings(_settings_env(db_path)),
        clock=FixedClock(NOW),
        db=database,
        migrate_db=False,
    )
    for index in range(PATIENTS):
        with core.db.session() as session:
            patient = create_phone_patient(
                session,
                phone=patient_phone(index),
                name=f"Bench {index}",
                staff_actor="staff:bench",
                now=NOW,
            )
            patient_id = patient.id
        assert patient_id is not None
        [slot] = core.booking.next_free(service="consultation", count=1)
        core.booking.book(
            patient_id=patient_id, service="consultation", start=slot.start, actor="staff:bench"
        )
    core.db.dispose()


def _server_main(db_path: str, ports: Any, stop: Event) -> None:
    """The server process: the real composition, served by uvicorn until told to stop."""
    logging.basicConfig(level=logging.WARNING)
    from bot.app import build_core
    from bot.domain.clock import FixedClock
    from bot.services.sms_inbound import SmsInbound
    from bot.settings import parse_settings
    from bot.web.app import create_web_app, serve

    async def main(argv: list[str] | None = None) -> None:
        core = build_core(
            parse_settings(_settings_env(Path(db_path))), clock=FixedClock(NOW), migrate_db=False
        )
        inbound = SmsInbound(
            db=core.db, profile=core.profile, texts=core.texts, booking=core.booking
        )
        server = await serve(create_web_app(core=core, inbound=inbound), port=0, host="127.0.0.1")
        ports.put(server.port)
        await asyncio.to_thread(stop.wait)
        await server.stop()

    asyncio.run(main())


def _signed(body: str, phone: str) -> tuple[str, dict[str, str]]:
    from twilio.request_validator import RequestValidator

    sid = "SM" + uuid.uuid4().hex
    params = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": phone,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    signature = RequestValidator(AUTH_TOKEN).compute_signature(f"{PUBLIC}/twilio/sms", params)
    return urlencode(params), {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature,
    }


class Requests:
    """The k-th request of the mix: patients take turns, each walking through MIX."""

    def __init__(self) -> None:
        self.k = 0

    def next(self) -> tuple[str, dict[str, str]]:
        patient, step = self.k % PATIENTS, (self.k // PATIENTS) % len(MIX)
        self.k += 1
        return _signed(MIX[step], patient_phone(patient))


async def _one(client: httpx.AsyncClient, request: tuple[str, dict[str, str]]) -> float:
    content, headers = request
    started = time.perf_counter()
    response = await client.post("/twilio/sms", content=content, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or "<Message>" not in response.text:
        raise RuntimeError(f"unexpected answer {response.status_code}")
    return elapsed


async def fixed_rate(base: str, *, rate: float, seconds: float) -> tuple[list[float], float]:
    """Open loop: start one request every 1/rate seconds, whatever the previous ones do."""
    total = int(rate * seconds)
    requests = Requests()
    async with httpx.AsyncClient(base_url=base, timeout=10.0) as client:
        await _one(client, requests.next())  # connect once before the clock starts
        started = time.perf_counter()
        tasks = []
        for k in range(total):
            delay = started + k / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if time.perf_counter() - started > MAX_SECONDS_PER_RUN:
                break
            tasks.append(asyncio.create_task(_one(client, requests.next())))
        samples = list(await asyncio.gather(*tasks))
        return samples, time.perf_counter() - started


async def flat_out(base: str, *, count: int, workers: int) -> tuple[list[float], float]:
    """Closed loop: `workers` clients, each sending its next request as soon as one returns."""
    requests = Requests()
    samples: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=10.0) as client:
        await _one(client, requests.next())
        started = time.perf_counter()

        async def worker() -> None:
            while len(samples) < count and time.perf_counter() - started < MAX_SECONDS_PER_RUN:
                samples.append(await _one(client, requests.next()))

        await asyncio.gather(*(worker() for _ in range(workers)))
        return samples, time.perf_counter() - started


def report(name: str, samples: list[float], elapsed: float) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"{name}: {len(ordered)} requests in {elapsed:.1f} s = {len(ordered) / elapsed:.0f} req/s; "
        f"p50 {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rate", type=float, default=50.0, help="requests/s of the fixed run")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the fixed run")
    parser.add_argument("--flat-out", type=int, default=2000, help="requests of the flat-out run")
    parser.add_argument("--workers", type=int, default=8, help="concurrent flat-out clients")
    args = parser.parse_args(argv or [])

    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        print(f"seeding {PATIENTS} patients with a booked consultation ...", flush=True)
        _seed(db_path)
        spawn = multiprocessing.get_context("spawn")
        ports = spawn.Queue()
        stop = spawn.Event()
        server = spawn.Process(target=_server_main, args=(str(db_path), ports, stop))
        server.start()
        try:
            port = ports.get(timeout=60)
            base = f"http://127.0.0.1:{port}"
            print(f"server on {base} (uvicorn, own process); mix: {', '.join(MIX)}", flush=True)
            samples, elapsed = asyncio.run(fixed_rate(base, rate=args.rate, seconds=args.seconds))
            print(report(f"fixed {args.rate:g} req/s", samples, elapsed), flush=True)
            samples, elapsed = asyncio.run(
                flat_out(base, count=args.flat_out, workers=args.workers)
            )
            print(report(f"flat out ({args.workers} clients)", samples, elapsed), flush=True)
        finally:
            stop.set()
            server.join(timeout=30)
            if server.is_alive():
                server.terminate()


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
