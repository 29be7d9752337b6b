"""Issue 10 benchmark: from a crisis text to the patient's reply and to the first pages.

    python -m benchmarks crisis            (or python -m benchmarks.crisis [--runs 200])

Telegram: each run is a new patient's message ("i want to kill myself" and others) put on the
real Application's update queue while it runs (the update is stored in the inbox first, as in
production), through every handler, the crisis service and SQLite (a file, WAL). Timed from the
put to the Bot API double receiving (a) the reply to the patient, (b) the staff-chat alert and
(c) the on-call SMS (a fake sender that notes the time).
SMS: each run is a signed Twilio webhook from a new number posted to the real Starlette app in
this process (httpx over ASGI, no sockets); (a) is the TwiML response, which carries the reply.
Network and Twilio/Telegram delivery are not included. Targets: both under 1 s at p99.

Runs are spaced `--gap` seconds apart (default 1.05): the dispatcher keeps Telegram's limit of one
message a second per chat, so crises fired back to back at one staff chat queue behind each
other by design (`--gap 0` shows that: the Nth alert waits about N-1 seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from telegram import Update
from twilio.request_validator import RequestValidator

from bot.app import build_application, build_core
from bot.core import Core
from bot.domain.clock import FixedClock
from bot.sandbox.telegram_double import FakeBotApi
from bot.settings import parse_settings
from bot.web.app import create_web_app

NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in the clinic
PUBLIC = "https://bench.example.org"
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
STAFF_CHAT = -1001000000001
ONCALL = "+15550100999"
FIRST_USER = 500_000
WORDS = (
    "i want to kill myself",
    "I have chest pain and can't breathe",
    "honestly i dont want to be here anymore",
    "my face is drooping and i cant talk properly",
    "thinking about ending it all",
)
TIMEOUT = 10.0
GAP = 1.05


@dataclass
class TimedSms:
    """The on-call SMS sender: notes when each page would leave."""

    sent: list[tuple[str, float]] = field(default_factory=list)

    async def send_sms(self, *, to: str, body: str) -> str:
        self.sent.append((to, time.perf_counter()))
        return f"SM{uuid.uuid4().hex}"


def _core(folder: Path) -> tuple[Core, TimedSms]:
    settings = parse_settings(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "STAFF_CHAT_ID": str(STAFF_CHAT),
            "STAFF_USER_IDS": "9001",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_FROM_NUMBER": "+15005550006",
            "PUBLIC_BASE_URL": PUBLIC,
            "TELEGRAM_WEBHOOK_SECRET": "bench-secret",
        }
    )
    core = build_core(settings, clock=FixedClock(NOW))
    sms = TimedSms()
    core.channels.sms = sms
    core.channels.oncall_phone = ONCALL
    return core, sms


def _first_after(times: list[float], start: float) -> float | None:
    later = [t for t in times if t >= start]
    return min(later) if later else None


async def _wait_for(predicate: Any) -> None:
    deadline = time.perf_counter() + TIMEOUT
    while not predicate():
        if time.perf_counter() > deadline:
            raise SystemExit("benchmark: a crisis message got no answer within 10 s")
        await asyncio.sleep(0.0005)


def _sends_to(double: FakeBotApi, chat_id: int) -> list[float]:
    return [
        call.at
        for call in double.calls
        if call.method == "sendMessage" and str(call.params.get("chat_id")) == str(chat_id)
    ]


async def _space(last_page: float, gap: float) -> None:
    """Start the next run `gap` seconds after the last page went out."""
    wait = last_page + gap - time.perf_counter()
    if wait > 0:
        await asyncio.sleep(wait)


async def telegram_runs(runs: int, folder: Path, gap: float) -> dict[str, list[float]]:
    core, sms = _core(folder)
    double = FakeBotApi(clock=FixedClock(NOW), monotonic=time.perf_counter)
    double.group(STAFF_CHAT, title="Front desk")
    application = build_application(core, request=double, updates_request=double)
    samples: dict[str, list[float]] = {"reply": [], "staff": [], "oncall": []}
    async with application:
        await application.start()
        try:
            for n in range(runs):
                user_id = FIRST_USER + n
                double.user(user_id, "Bench")
                raw = double.make_update(user_id=user_id, text=WORDS[n % len(WORDS)])
                pages_before = len(sms.sent)
                started = time.perf_counter()
                await application.update_queue.put(Update.de_json(raw, application.bot))
                await _wait_for(
                    lambda u=user_id, t=started: _first_after(_sends_to(double, u), t) is not None
                )
                await _wait_for(lambda before=pages_before: len(sms.sent) > before)
                await core.escalation.wait_for_pages()
                reply = _first_after(_sends_to(double, user_id), started)
                staff = _first_after(_sends_to(double, STAFF_CHAT), started)
                oncall = _first_after([t for _, t in sms.sent], started)
                assert reply is not None
                assert staff is not None
                assert oncall is not None
                samples["reply"].append(reply - started)
                samples["staff"].append(staff - started)
                samples["oncall"].append(oncall - started)
                await _space(max(staff, oncall), gap)
        finally:
            await application.stop()
    _check(core, runs)
    core.db.dispose()
    return samples


def _signed(body: str, phone: str) -> tuple[str, dict[str, str]]:
    params = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": ACCOUNT_SID,
        "From": phone,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
    }
    signature = RequestValidator(AUTH_TOKEN).compute_signature(f"{PUBLIC}/twilio/sms", params)
    return signature, params


async def sms_runs(runs: int, folder: Path, gap: float) -> dict[str, list[float]]:
    core, sms = _core(folder)
    double = FakeBotApi(clock=FixedClock(NOW), monotonic=time.perf_counter)
    double.group(STAFF_CHAT, title="Front desk")
    application = build_application(core, request=double, updates_request=double)
    samples: dict[str, list[float]] = {"reply": [], "staff": [], "oncall": []}
    async with application:
        app = create_web_app(core=core, inbound=core.sms_inbound)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for n in range(runs):
                signature, params = _signed(WORDS[n % len(WORDS)], f"+1202555{n:04d}")
                started = time.perf_counter()
                response = await client.post(
                    "/twilio/sms",
                    content=urlencode(params),
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-Twilio-Signature": signature,
                    },
                )
                replied = time.perf_counter()
                if response.status_code != 200 or "<Message>" not in response.text:
                    raise SystemExit(f"benchmark: webhook answered {response.status_code}")
                await core.escalation.wait_for_pages()
                staff = _first_after(_sends_to(double, STAFF_CHAT), started)
                oncall = _first_after([t for _, t in sms.sent], started)
                assert staff is not None
                assert oncall is not None
                samples["reply"].append(replied - started)
                samples["staff"].append(staff - started)
                samples["oncall"].append(oncall - started)
                await _space(max(staff, oncall), gap)
    _check(core, runs)
    core.db.dispose()
    return samples


def _check(core: Core, runs: int) -> None:
    """The runs did what they claim: one urgent escalation per crisis message."""
    from sqlmodel import select

    from bot.db.models import Escalation

    with core.db.session(write=False) as session:
        count = len(session.exec(select(Escalation)).all())
    if count != runs:
        raise SystemExit(f"benchmark: {count} escalations for {runs} crisis messages")


def _line(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    worst = ordered[-1] * 1000
    return f"  {name:<28} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   max {worst:7.1f} ms"


async def measure(runs: int, gap: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        telegram_folder, sms_folder = Path(tmp) / "tg", Path(tmp) / "sms"
        telegram_folder.mkdir()
        sms_folder.mkdir()
        telegram = await telegram_runs(runs, telegram_folder, gap)
        sms = await sms_runs(runs, sms_folder, gap)
    print(f"Telegram crisis message ({runs} runs, update queue -> Bot API double):")
    print(_line("reply to the patient", telegram["reply"]))
    print(_line("staff-chat alert", telegram["staff"]))
    print(_line("on-call SMS page", telegram["oncall"]))
    print(f"SMS crisis message ({runs} runs, signed webhook -> TwiML):")
    print(_line("reply to the patient (TwiML)", sms["reply"]))
    print(_line("staff-chat alert", sms["staff"]))
    print(_line("on-call SMS page", sms["oncall"]))
    print(f"target: reply and first page under 1000 ms at p99 (runs {gap:g} s apart)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--gap", type=float, default=GAP)
    args = parser.parse_args(argv or [])
    logging.getLogger().setLevel(logging.ERROR)  # one warning per escalation is noise here
    asyncio.run(measure(args.runs, args.gap))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
