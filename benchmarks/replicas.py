"""Proof under load: PostgreSQL-backed replicas behind nginx, one of them killed mid-run.

    python -m benchmarks replicas [--replicas 3] [--patients 200] [--reminders 10000]
                                  [--latency 0.12] [--kill-after 1500] [--checkins N]
                                  [--sms-every 50]

What it starts (all on this machine, nothing on the network):
- a fresh PostgreSQL database `loadproof_<pid>` (admin URL from CLINIC_TEST_POSTGRES_URL, default
  the local server), migrated once by `python -m bot migrate` (the Procfile's release step);
- the Bot API double (bot.sandbox.telegram_double) served over HTTP, answering every call after
  `--latency` seconds, and answering 429 with retry_after as Telegram does when more than 30
  messages a second reach it, or more than 20 a minute reach one group;
- the Twilio double (tests/twilio_double.py) served over HTTP by the same process: the replicas'
  TWILIO_BASE_URL, so every SMS goes through the real Twilio SDK and its HTTP client, and is
  checked against Twilio's published API;
- N replicas, `python -m bot run` in webhook mode, each its own process on its own port, with
  the built-in clinic profile moved to a time zone where it is daytime now (SMS go out only
  08:00-21:00 clinic time);
- nginx from Debian's packages (`apt-get install nginx`), round robin over the replicas, passing
  a request to the next replica when one does not answer (as a load balancer does); and in front
  of the doubles, stamping each Bot API and Twilio request with its arrival time, which the
  double's limits and the busiest-second figures use (the double's own loop may reach a burst
  late).

Then:
1. `--patients` patients book a consultation at once, each through nginx the way Telegram posts
   updates (secret header; a refused post is retried, as Telegram retries), each waiting for their
   update to be processed before the next tap. After `--kill-after` updates one replica gets
   SIGKILL; what it held is finished by another replica once its lease runs out.
2. `--checkins` of the booked patients (default: all) answer a check-in: each had an IV infusion
   that ended 4.5 h ago (seeded); staff marks each one Done with /done in their own chat with
   the bot, one after another; the evening check-in then goes out at once and the patient
   answers every question benignly until thanked (benchmarks/replicas_aftercare.py).
3. `--reminders` reminders fall due at once (seeded as appointments booked three days ago that
   start in 23.5 h: the 72 h reminder is stale and skipped, the 24 h one is due); every
   `--sms-every`-th patient has only a phone, so theirs goes by SMS.

Printed: updates/s, reply p50/p95 (first message back in the patient's chat), bookings made,
updates lost, the check-ins answered, sends/s for the reminders (Telegram and SMS), the busiest
second overall, in one patient chat and from the SMS sender, the busiest minute in the staff
group, 429s the replicas received, duplicate reminders, Twilio API contract violations. Targets
(issue 13): 0 duplicates, 0 lost, 0 limits exceeded, sends at 25/s.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl

import httpx
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.common import buttons_with
from benchmarks.replicas_aftercare import (
    TWILIO_ROUTE,
    HttpTwilio,
    answer_checkin,
    checkin_statuses,
    daytime_profile,
    describe,
    mark_done,
    seed_ended_sessions,
    twilio_env,
)
from bot.db.models import Appointment, Outbox, Patient
from bot.domain.enums import OutboxKind
from bot.profile import load_profile
from bot.sandbox.telegram_double import FakeBotApi, FakeUser
from bot.services.planner import OutboxPlanner
from tests.journey_helpers import start_and_consent

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:" + "L" * 35
SECRET = "load-proof-secret"
STAFF_CHAT = -1001234567890
STAFF_USER = 4242
FIRST_PATIENT = 600_000
FIRST_REMINDED = 7_000_000
FIRST_SMS_NUMBER = 2000  # +1201555NNNN: below it the booking patients' numbers
SEND_METHODS = {"sendmessage", "senddocument", "sendphoto"}
REMINDER_KINDS = (OutboxKind.REMINDER_72H, OutboxKind.REMINDER_24H, OutboxKind.REMINDER_2H)
# Telegram's limits, as the double enforces them (https://core.telegram.org/bots/faq).
GLOBAL_PER_SECOND = 30
ARRIVED_HEADER = "X-Arrived-At"
GROUP_PER_MINUTE = 20
PATIENT_TIMEOUT = 420.0  # seconds a patient waits for one update (a 2-minute lease and more)
ANSWERS = 80  # a patient displaced again and again under contention keeps choosing
TEXT_PARAMS = {"text", "caption", "callback_query_id", "url", "secret_token", "parse_mode"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def decode_field(name: str, value: str) -> Any:
    """A form field as PTB encoded it: JSON for everything but plain strings."""
    if name in TEXT_PARAMS:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return decoded if isinstance(decoded, dict | list | bool | int) else value


def parse_form(body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """PTB's request body (urlencoded, or multipart with files) as parameters and files."""
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes, str]] = {}
    if content_type.startswith("multipart/"):
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            content = part.get_payload(decode=True)
            if not isinstance(name, str) or not isinstance(content, bytes):
                continue
            filename = part.get_filename()
            if filename is not None:
                files[name] = (filename, content, part.get_content_type())
            else:
                params[name] = decode_field(name, content.decode("utf-8"))
    else:
        for name, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
            params[name] = decode_field(name, value)
    return params, files


@dataclass
class Sends:
    """Every message the replicas sent, with when, and the 429s they were given."""

    times: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    texts: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    all_times: list[float] = field(default_factory=list)
    refused_429: int = 0

    def busiest(self, times: list[float], window: float) -> int:
        ordered = sorted(times)
        best, start = 0, 0
        for end, moment in enumerate(ordered):
            while moment - ordered[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best


class HttpBotApi(FakeBotApi):
    """The Bot API double over HTTP (the replicas' TELEGRAM_BASE_URL), with Telegram's 429s.

    Patients' taps go to nginx the way Telegram posts webhook updates; `deliver` returns once
    the update has been processed (its inbox row marked processed in the shared database).
    """

    def __init__(self, *, latency: float, webhook_url: str, engine: Engine) -> None:
        super().__init__(latency=latency)
        self.sends = Sends()
        self.webhook_target = webhook_url
        self.engine = engine
        self.http = httpx.AsyncClient(timeout=30)
        self.reply_times: list[float] = []
        self.posted = 0
        self.post_retries = 0
        self.lost: list[int] = []
        self.processed: set[str] = set()
        self._waiting: set[str] = set()
        self._admitted: list[float] = []
        self._admitted_in: dict[int, list[float]] = defaultdict(list)

    # --- the HTTP face ------------------------------------------------------------------------

    async def endpoint(self, request: Request) -> Response:
        token, method = request.path_params["token"], request.path_params["method"]
        # When the request reached nginx (its C event loop stamps it): this process's own loop
        # runs beside three replicas on two cores and may get to a burst late, which would count
        # sends that arrived apart as arriving together.
        arrived = float(request.headers.get(ARRIVED_HEADER) or time.time())
        params, files = parse_form(await request.body(), request.headers.get("content-type", ""))
        limited = self._over_limit(method.lower(), params, arrived)
        if limited is not None:
            self.sends.refused_429 += 1
            body = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {limited}",
                "parameters": {"retry_after": limited},
            }
            return Response(json.dumps(body), status_code=429, media_type="application/json")
        data = SimpleNamespace(parameters=params, multipart_data=files)
        status, body_bytes = await self.do_request(f"http://api/bot{token}/{method}", "POST", data)
        if status == 200 and method.lower() in SEND_METHODS:
            chat = int(params["chat_id"])
            self.sends.times[chat].append(arrived)
            self.sends.all_times.append(arrived)
            self.sends.texts[chat].append(str(params.get("text", params.get("caption", ""))))
        return Response(body_bytes, status_code=status, media_type="application/json")

    def _over_limit(self, method: str, params: dict[str, Any], now: float) -> int | None:
        """Telegram's answer to a send over its limits: seconds to wait (None: it may go).

        Counted when the request arrived (`now`, as Telegram counts), not when it is answered;
        the admitted times are kept sorted, as requests stamped close together may be handled
        in another order.
        """
        if method not in SEND_METHODS:
            return None
        if _within(self._admitted, now, 1.0) >= GLOBAL_PER_SECOND:
            return 1
        chat = int(params.get("chat_id", 0))
        if chat < 0:
            group = self._admitted_in[chat]
            if _within(group, now, 60.0) >= GROUP_PER_MINUTE:
                oldest = group[bisect.bisect_right(group, now - 60.0)]
                return max(1, int(60.0 - (now - oldest)) + 1)
        bisect.insort(self._admitted, now)
        bisect.insort(self._admitted_in[chat], now)
        return None

    # --- patients -----------------------------------------------------------------------------

    async def deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        update_id = str(update["update_id"])
        chat = _chat_of(update)
        started = time.monotonic()
        while True:
            try:
                answer = await self.http.post(
                    self.webhook_target,
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                if answer.status_code == 200:
                    await self.webhook_response(answer.content)  # as Telegram does
                    break
            except httpx.TransportError:
                pass
            self.post_retries += 1
            await asyncio.sleep(1.0)  # Telegram retries a refused update after a while
        self.posted += 1
        self._waiting.add(update_id)
        deadline = started + PATIENT_TIMEOUT
        while update_id not in self.processed:
            if time.monotonic() > deadline:
                self.lost.append(int(update_id))
                raise TimeoutError(f"update {update_id} never processed")
            await asyncio.sleep(0.05)
        firsts = [t for t in self.sends_or_edits(chat) if t >= started]
        if firsts:
            self.reply_times.append(min(firsts) - started)
        return update

    def sends_or_edits(self, chat: int) -> list[float]:
        return [call.at for call in self.calls if _call_chat(call.params) == chat]

    async def watch_processed(self) -> None:
        """Poll the shared inbox for processed updates (one query for everyone waiting)."""
        while True:
            waiting = list(self._waiting)
            if waiting:
                done = await asyncio.to_thread(self._processed_among, waiting)
                self.processed.update(done)
                self._waiting.difference_update(done)
            await asyncio.sleep(0.05)

    def _processed_among(self, ids: list[str]) -> set[str]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT external_id FROM inbox WHERE source = 'telegram' "
                    "AND processed_at IS NOT NULL AND external_id = ANY(:ids)"
                ),
                {"ids": ids},
            )
            return {row[0] for row in rows}


def _chat_of(update: dict[str, Any]) -> int:
    if "callback_query" in update:
        return int(update["callback_query"]["message"]["chat"]["id"])
    return int(update["message"]["chat"]["id"])


def _call_chat(params: dict[str, Any]) -> int | None:
    raw = params.get("chat_id")
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


# --- processes ----------------------------------------------------------------------------------


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        sys.exit("nginx is not installed: apt-get install -y nginx (Debian's package)")
    return found


def _within(times: list[float], now: float, window: float) -> int:
    """How many of the sorted `times` fall in the `window` seconds before `now` (or at it)."""
    return bisect.bisect_right(times, now) - bisect.bisect_right(times, now - window)


def start_nginx(
    folder: Path,
    port: int,
    upstreams: list[int],
    *,
    api_port: int,
    double_port: int,
    twilio_port: int,
) -> subprocess.Popen[bytes]:
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in upstreams
    )
    (folder / "logs").mkdir(exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream replicas {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://replicas;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
        }}
    }}
    # The replicas' Bot API: the double, with each request's arrival time stamped here.
    server {{
        listen 127.0.0.1:{api_port};
        location / {{
            proxy_pass http://127.0.0.1:{double_port};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header {ARRIVED_HEADER} $msec;
            proxy_read_timeout 60s;
        }}
    }}
    # The replicas' Twilio API: the Twilio double (served by the same process), stamped too.
    server {{
        listen 127.0.0.1:{twilio_port};
        location / {{
            proxy_pass http://127.0.0.1:{double_port};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header {ARRIVED_HEADER} $msec;
            proxy_read_timeout 60s;
        }}
    }}
}}
""",
        encoding="utf-8",
    )
    return subprocess.Popen(
        [nginx_binary(), "-c", str(conf), "-p", str(folder), "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
    )


def replica_env(
    database_url: str,
    bot_port: int,
    public_port: int,
    port: int,
    twilio_port: int | None = None,
    profile: Path | None = None,
) -> dict[str, str]:
    return {
        **os.environ,
        **(twilio_env(f"http://127.0.0.1:{twilio_port}") if twilio_port is not None else {}),
        **({"CLINIC_PROFILE": str(profile)} if profile is not None else {}),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": f"http://127.0.0.1:{bot_port}/bot",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{public_port}",
        "PORT": str(port),
        "STAFF_CHAT_ID": str(STAFF_CHAT),
        "STAFF_USER_IDS": str(STAFF_USER),
        "LOG_LEVEL": "WARNING",
    }


def start_replica(folder: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = (folder / f"replica-{env['PORT']}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], env=env, cwd=folder, stdout=log, stderr=log
    )


async def wait_for_port(port: int, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port}")


# --- the two loads --------------------------------------------------------------------------------


HOURS = [f"{h}:00 AM" for h in (9, 10, 11)] + [f"{h}:00 PM" for h in (12, 1, 2, 3, 4)]


def button_labelled(user: FakeUser, label: str, prefix: str) -> str | None:
    for row in user.last_message().buttons:
        for shown, data in row:
            if data.startswith(prefix) and shown.endswith(label):
                return data
    return None


async def book(user: FakeUser, n: int) -> None:
    """Patient n books their own hour (eight a day, on the n // 8-th day offered); when that day
    has no such time (a short Saturday), the first one shown, retried if it goes meanwhile."""
    await start_and_consent(user)
    await user.press("📅 Book a consultation")
    day = n // len(HOURS)
    for _ in range(day // 5):
        await user.press("Later ▶")
    days = buttons_with(user, "bk:dy:")
    await user.press(days[day % 5 % len(days)])
    wanted = button_labelled(user, HOURS[n % len(HOURS)], "bk:tm:")
    await user.press(wanted or buttons_with(user, "bk:tm:")[0])
    await user.send_text(f"Load Patient {n}")
    await user.share_contact(f"+1201555{n % 10000:04d}")
    await answer_until_booked(user)


async def answer_until_booked(user: FakeUser) -> None:
    """Answer whatever the bot asks next, as the journey tests do, until the booking is made.

    A time taken by someone else meanwhile is answered with the first free time offered (the
    flow then goes on where it was), as a person would."""
    for answered in range(ANSWERS + 1):  # the reply to the last answer may be the booking
        message = user.last_message()
        labels, said = message.button_labels, message.text.lower()
        if "add this to your calendar" in said or "you're booked" in said:
            return
        if answered == ANSWERS:
            break
        if "✅ Confirm booking" in labels:
            await user.press("✅ Confirm booking")
        elif buttons_with(user, "bk:tm:"):
            await user.press(buttons_with(user, "bk:tm:")[0])
        elif "Yes, text me too" in labels:
            await user.press("Yes, text me too")
        elif "6" in labels:
            await user.press("6")
        elif "medicines" in said:
            await user.send_text("Gabapentin 300 mg twice a day")
        elif "Yes" in labels and "driv" in said:
            await user.press("Yes")
        elif "No" in labels:
            await user.press("No")
        else:
            raise AssertionError(f"no answer for {message.text[:80]!r} {labels}")
    raise AssertionError(f"not booked after {ANSWERS} answers")


def seed_reminders(
    engine: Engine, count: int, now: datetime, *, sms_every: int = 0, profile: Path | None = None
) -> tuple[list[int], list[str]]:
    """Appointments booked three days ago starting in 23.5 h: one 24 h reminder each is due.
    Every `sms_every`-th patient has no Telegram, only a verified phone and SMS consent.
    Returns the Telegram chats and the phone numbers reminded."""
    planner = OutboxPlanner(profile=load_profile(profile))
    booked_at = now - timedelta(hours=72)
    starts = now + timedelta(hours=23, minutes=30)
    chats: list[int] = []
    phones: list[str] = []
    with Session(engine) as session:
        for n in range(count):
            chat = FIRST_REMINDED + n
            if sms_every and n % sms_every == sms_every - 1:
                phone = f"+1201555{FIRST_SMS_NUMBER + len(phones):04d}"
                patient = Patient(
                    created_at=booked_at,
                    name=f"Reminded {n}",
                    phone_e164=phone,
                    phone_verified_at=booked_at,
                    phone_verified_via="staff",
                    preferred_channel="sms",
                    sms_consent_at=booked_at,
                )
                phones.append(phone)
            else:
                patient = Patient(
                    created_at=booked_at,
                    name=f"Reminded {n}",
                    telegram_user_id=chat,
                    telegram_chat_id=chat,
                    preferred_channel="telegram",
                    telegram_consent_at=booked_at,
                )
                chats.append(chat)
            session.add(patient)
            session.flush()
            assert patient.id is not None
            appointment = Appointment(
                patient_id=patient.id,
                service="consultation",
                starts_at=starts,
                ends_at=starts + timedelta(minutes=45),
                held_until=starts + timedelta(hours=1),
                created_at=booked_at,
                created_by="patient",
                confirmed_at=booked_at,
            )
            session.add(appointment)
            session.flush()
            planner.booked(session, appointment, now=booked_at)
        session.flush()
        # Only the reminders (the seeded bookings' staff notices would be 10,000 group messages),
        # removed in the same transaction: no replica ever sees (and claims) the others.
        seeded = select(Appointment.id).where(Appointment.created_at == booked_at)
        for row in session.exec(
            select(Outbox).where(
                Outbox.appointment_id.in_(seeded),  # type: ignore[union-attr]
                Outbox.kind.not_in([k.value for k in REMINDER_KINDS]),  # type: ignore[attr-defined]
            )
        ):
            session.delete(row)
        session.commit()
    return chats, phones


def reminder_statuses(engine: Engine) -> Counter[str]:
    """The seeded reminders by outbox status (pending and claimed ones are still to go)."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT status, count(*) FROM outbox WHERE kind = ANY(:kinds) "
                "AND appointment_id IN (SELECT a.id FROM appointment a JOIN patient p "
                "ON p.id = a.patient_id WHERE p.name LIKE 'Reminded %') GROUP BY status"
            ),
            {"kinds": [k.value for k in REMINDER_KINDS]},
        )
        return Counter({str(status): int(count) for status, count in rows})


def still_to_go(statuses: Counter[str]) -> int:
    return statuses["pending"] + statuses["claimed"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- the run --------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> None:
    admin_url = os.environ.get(
        "CLINIC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    name = f"loadproof_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database_url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    engine = create_engine(database_url, pool_size=4)
    processes: list[subprocess.Popen[bytes]] = []
    folder = Path(tempfile.mkdtemp(prefix="loadproof-"))
    server: uvicorn.Server | None = None
    try:
        bot_port, public_port = free_port(), free_port()
        ports = [free_port() for _ in range(args.replicas)]
        api_port = free_port()  # nginx, in front of the double (bot_port)
        twilio_port = free_port()  # nginx, in front of the Twilio double (also bot_port)
        profile, zone = daytime_profile(folder)
        env = replica_env(database_url, api_port, public_port, ports[0], twilio_port, profile)
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "migrate"],
            env=env,
            cwd=folder,
            check=True,
        )

        double = HttpBotApi(
            latency=args.latency,
            webhook_url=f"http://127.0.0.1:{public_port}/telegram",
            engine=engine,
        )
        await double.initialize()
        double.group(STAFF_CHAT, title="Front desk")
        twilio = HttpTwilio()
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", double.endpoint, methods=["POST"]),
                Route(TWILIO_ROUTE, twilio.endpoint, methods=["POST"]),
            ]
        )
        config = uvicorn.Config(
            app, host="127.0.0.1", port=bot_port, log_level="warning", lifespan="off"
        )
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        await wait_for_port(bot_port)
        # nginx first: the replicas reach the double through it from their first call.
        nginx = start_nginx(
            folder,
            public_port,
            ports,
            api_port=api_port,
            double_port=bot_port,
            twilio_port=twilio_port,
        )
        processes.append(nginx)
        await wait_for_port(api_port)

        replicas = [
            start_replica(
                folder,
                replica_env(database_url, api_port, public_port, port, twilio_port, profile),
            )
            for port in ports
        ]
        processes += replicas
        for port in ports:
            await wait_for_port(port)
        await wait_for_port(public_port)
        watcher = asyncio.create_task(double.watch_processed())
        print(
            f"{args.replicas} replicas on PostgreSQL behind nginx (round robin); Bot API double "
            f"answering in {args.latency * 1000:.0f} ms; Twilio double over HTTP; clinic time "
            f"zone {zone} (SMS go out 08:00-21:00 there); logs in {folder}",
            flush=True,
        )

        # 1. patients booking at once, one replica killed on the way
        victim = replicas[min(1, args.replicas - 1)]
        killed_at: list[float] = []

        async def killer() -> None:
            while double.posted < args.kill_after:  # noqa: ASYNC110 (a count, not an event)
                await asyncio.sleep(0.05)
            victim.send_signal(signal.SIGKILL)
            killed_at.append(time.monotonic())
            print(
                f"  SIGKILL to replica pid {victim.pid} after {double.posted} updates", flush=True
            )

        kill_task = asyncio.create_task(killer()) if args.kill_after > 0 else None
        users = [double.user(FIRST_PATIENT + n, f"Load{n}") for n in range(args.patients)]
        started = time.monotonic()
        outcomes = await asyncio.gather(
            *(book(user, n) for n, user in enumerate(users)), return_exceptions=True
        )
        elapsed = time.monotonic() - started
        if kill_task is not None:
            kill_task.cancel()
        failed = [o for o in outcomes if isinstance(o, BaseException)]
        with engine.connect() as connection:
            booked = connection.execute(
                text("SELECT count(*) FROM appointment WHERE status = 'booked'")
            ).scalar_one()
        replies = double.reply_times
        print(
            f"booking: {args.patients} patients, {double.posted} updates in {elapsed:.1f} s "
            f"({double.posted / elapsed:.1f} updates/s); reply p50 "
            f"{statistics.median(replies) * 1000:.0f} ms, p95 "
            f"{percentile(replies, 0.95) * 1000:.0f} ms, max {max(replies) * 1000:.0f} ms; "
            f"bookings made {booked}; journeys failed {len(failed)}; updates lost "
            f"{len(double.lost)}; posts refused and retried {double.post_retries}",
            flush=True,
        )
        shown_failures = [
            (user, outcome)
            for user, outcome in zip(users, outcomes, strict=True)
            if isinstance(outcome, BaseException)
        ][:3]
        for user, outcome in shown_failures:
            last = [m.text[:70] for m in user.chat_log()[-3:]]
            print(f"  patient {user.id}: {outcome!r}"[:160], f"; last messages {last}")

        # 2. check-ins: staff marks sessions Done, the patients answer the evening check-in
        if args.checkins != 0:
            await checkins_phase(args, engine, double, users, outcomes)

        # 3. reminders falling due at once
        seed_started = time.monotonic()
        reminded, texted = await asyncio.to_thread(
            seed_reminders,
            engine,
            args.reminders,
            datetime.now(UTC),
            sms_every=args.sms_every,
            profile=profile,
        )
        print(
            f"seeded {len(reminded) + len(texted)} reminders ({len(texted)} by SMS) in "
            f"{time.monotonic() - seed_started:.1f} s",
            flush=True,
        )
        sending_started = time.monotonic()
        deadline = sending_started + max(120.0, args.reminders / 10)
        # Done when only the 2 h reminders (due in 21.5 h) are still pending.
        statuses = await asyncio.to_thread(reminder_statuses, engine)
        seeded_count = len(reminded) + len(texted)
        while time.monotonic() < deadline and still_to_go(statuses) > seeded_count:
            await asyncio.sleep(1.0)
            statuses = await asyncio.to_thread(reminder_statuses, engine)
        reminder_times = sorted(t for chat in reminded for t in double.sends.times.get(chat, []))
        duplicates = sum(max(0, len(double.sends.times.get(chat, [])) - 1) for chat in reminded)
        missing = sum(1 for chat in reminded if not double.sends.times.get(chat))
        span = (reminder_times[-1] - reminder_times[0]) if len(reminder_times) > 1 else 0.0
        rate = len(reminder_times) / span if span else 0.0
        print(
            f"reminders by Telegram: {len(reminder_times)} of {len(reminded)} sent in {span:.1f} s "
            f"({rate:.1f}/s); not sent {missing}; duplicates {duplicates}; outbox rows by "
            f"status (the 2 h reminders are still pending): {dict(statuses)}"
        )
        sms_times, sms_missing, sms_duplicates = twilio.sent_to(texted)
        sms_span = (sms_times[-1] - sms_times[0]) if len(sms_times) > 1 else 0.0
        print(
            f"reminders by SMS (through the Twilio SDK to the Twilio double over HTTP): "
            f"{len(sms_times)} of {len(texted)} sent in {sms_span:.1f} s "
            f"({len(sms_times) / sms_span if sms_span else 0.0:.2f}/s); not sent {sms_missing}; "
            f"duplicates {sms_duplicates}"
        )

        sends = double.sends
        per_chat = max(
            (sends.busiest(t, 1.0) for c, t in sends.times.items() if c > 0 and c != STAFF_USER),
            default=0,
        )
        staff_own = sends.busiest(sends.times.get(STAFF_USER, []), 1.0)
        group = sends.busiest(sends.times.get(STAFF_CHAT, []), 60.0)
        sms_sender = max((sends.busiest(t, 1.0) for t in twilio.by_sender.values()), default=0)
        sms_ten = max((sends.busiest(t, 10.0) for t in twilio.by_sender.values()), default=0)
        sms_limit = load_profile(profile).sending.sms_per_second
        print(
            f"busiest second overall {sends.busiest(sends.all_times, 1.0)} messages "
            f"(limit {GLOBAL_PER_SECOND}); busiest second in one patient chat {per_chat}; "
            f"in the staff member's own chat {staff_own}; busiest minute in the staff group "
            f"{group} (limit {GROUP_PER_MINUTE}); 429s given to the replicas "
            f"{sends.refused_429}; SMS: {sum(len(t) for t in twilio.by_sender.values())} sent, "
            f"busiest second from one sender {sms_sender} (limit {sms_limit:g}), busiest 10 s "
            f"{sms_ten} (limit {sms_limit * 10:g}), refused by the "
            f"Twilio double {twilio.refused}, Twilio API contract violations "
            f"{len(twilio.double.violations)}"
        )
        for violation in twilio.double.violations[:3]:
            print(f"  {violation}"[:200])
        watcher.cancel()
        server.should_exit = True
        await serving
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(15)
            if process.poll() is None:
                process.kill()
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


async def checkins_phase(
    args: argparse.Namespace,
    engine: Engine,
    double: HttpBotApi,
    users: list[FakeUser],
    outcomes: list[Any],
) -> None:
    """Sessions that ended 4.5 h ago for the booked patients; staff marks each Done (one after
    another, in their own chat with the bot); each patient answers the evening check-in."""
    booked = [u for u, o in zip(users, outcomes, strict=True) if not isinstance(o, BaseException)]
    chosen = booked[: args.checkins] if args.checkins >= 0 else booked
    if not chosen:
        return
    ids = await asyncio.to_thread(
        seed_ended_sessions, engine, [u.id for u in chosen], datetime.now(UTC)
    )
    posted, replies = double.posted, len(double.reply_times)
    started = time.monotonic()
    answering = [asyncio.create_task(answer_checkin(double, user)) for user in chosen]
    staff = double.user(STAFF_USER, "Sam")
    confirmed = await mark_done(staff, ids)
    marked = time.monotonic() - started
    answered = await asyncio.gather(*answering, return_exceptions=True)
    elapsed = time.monotonic() - started
    failed = [a for a in answered if isinstance(a, BaseException)]
    questions = sum(a for a in answered if isinstance(a, int))
    updates = double.posted - posted
    times = double.reply_times[replies:]
    statuses = await asyncio.to_thread(checkin_statuses, engine, ids)
    print(
        f"check-ins: {len(ids)} sessions marked Done by staff in {marked:.1f} s ({confirmed} "
        f"confirmed); {len(chosen) - len(failed)} patients answered {questions} questions; "
        f"{updates} updates in {elapsed:.1f} s ({updates / elapsed:.1f} updates/s); reply p50 "
        f"{statistics.median(times) * 1000:.0f} ms, p95 {percentile(times, 0.95) * 1000:.0f} "
        f"ms; failed {len(failed)}; check-ins by slot and status {statuses}",
        flush=True,
    )
    for outcome in failed[:3]:
        print(f"  {describe(outcome)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.12)
    parser.add_argument("--kill-after", type=int, default=1500, help="updates; 0: kill none")
    parser.add_argument(
        "--checkins", type=int, default=-1, help="patients answering check-ins (default: all)"
    )
    parser.add_argument(
        "--sms-every", type=int, default=50, help="every n-th reminder goes by SMS; 0: none"
    )
    asyncio.run(run(parser.parse_args(argv or [])))


if __name__ == "__main__":
    main(sys.argv[1:])
