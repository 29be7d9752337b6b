"""HTTP: Twilio webhooks, Telegram's webhook, a health check, and the server that runs them.

Every write route is authenticated before anything changes: Twilio's signature (checked with the
twilio package's RequestValidator against PUBLIC_BASE_URL + path, never the Host header a client
sends) and Telegram's secret-token header (compared in constant time). Bodies are size-capped
before they are parsed. Nothing here logs a message body, a name or a full phone number.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

import anyio
import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp
from twilio.request_validator import RequestValidator

from bot.db.engine import DatabaseUnavailable
from bot.messaging.voice import GATHER_PATH, say_twiml
from bot.services import inbox
from bot.services.delivery_status import DeliveryStatusService, StatusOutcome
from bot.services.escalation_ladder import AckStatus
from bot.services.sms_actions import reply_parts
from bot.web.console import ConsoleConfig, console_routes
from bot.web.console.guard import ConsoleGuard
from bot.web.metrics import outbox_lag_seconds, registry_for
from bot.web.miniapp import MiniAppConfig, miniapp_routes

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)
T = TypeVar("T")

# Twilio caps an SMS body at 1,600 characters; with the other fields, percent-encoded, a real
# webhook stays well under this.
MAX_TWILIO_BODY_BYTES = 32 * 1024
MAX_TWILIO_FIELDS = 100
# Telegram updates are JSON objects; even a long message with entities is a few kilobytes.
MAX_TELEGRAM_BODY_BYTES = 1024 * 1024
TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
SERVER_STOP_TIMEOUT_SECONDS = 10.0
DB_WORKERS = 16  # concurrent webhook handlers on PostgreSQL (SQLite: one)
KICK_INTERVAL_SECONDS = 1.0
STAFF_CHECK_TTL = 60.0


# A real Update nests about ten levels; thousands would overflow the parser (and later copies).
MAX_JSON_DEPTH = 64


def json_depth(body: bytes) -> int:
    """How deeply a JSON text nests arrays and objects (strings skipped), without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


class InboundSms(Protocol):
    """What /twilio/sms hands an inbound message to (bot.services.sms_inbound.SmsInbound)."""

    def handle(
        self, *, from_number: str, body: str, message_sid: str, now: datetime
    ) -> str | None: ...


TelegramWebhook = Callable[[dict[str, Any]], Awaitable[object]]
"""Takes one Update as decoded JSON: `lambda data: app.update_queue.put(Update.de_json(...))`."""


class _TooLarge(Exception):
    pass


def twiml_reply(text: str | None) -> str:
    """The TwiML that sends `text` back to the sender (nothing when None), XML-escaped; each
    part of a reply of several texts (`join_replies`) as its own <Message>."""
    if text is None:
        return EMPTY_TWIML
    messages = "".join(f"<Message>{escape(part)}</Message>" for part in reply_parts(text))
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{messages}</Response>'


async def _read_body(request: Request, limit: int) -> bytes:
    """Read at most `limit` bytes; raise _TooLarge past it, whatever Content-Length claims."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _TooLarge
    return bytes(body)


def _too_large() -> Response:
    return PlainTextResponse("request body too large", status_code=413)


def _forbidden() -> Response:
    return PlainTextResponse("forbidden", status_code=403)


def _unavailable() -> Response:
    # Telegram and Twilio both retry a 503: nothing is lost while the database is away.
    return PlainTextResponse("database unavailable, retry later", status_code=503)


class _Routes:
    """The route handlers, bound to the services they call."""

    def __init__(
        self,
        *,
        core: Core,
        inbound: InboundSms,
        telegram_webhook: TelegramWebhook | None,
        delivery_status: DeliveryStatusService,
        staff_chat_check: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self.core = core
        self.staff_chat_check = staff_chat_check
        self._staff_chat_cache: tuple[float, bool] | None = None
        self.registry = registry_for(db=core.db, clock=core.clock)
        self.inbound = inbound
        self.telegram_webhook = telegram_webhook
        self.delivery_status = delivery_status
        twilio = core.settings.twilio
        self.validator = RequestValidator(twilio.auth_token) if twilio is not None else None
        self.account_sid = twilio.account_sid if twilio is not None else None
        self.public_base_url = core.settings.public_base_url
        # SQLite takes one writer at a time: threads queueing on its lock spin in its busy
        # handler and the unlucky ones wait seconds. One worker turns that into a fair queue.
        self.db_workers = anyio.CapacityLimiter(1 if core.db.is_sqlite else DB_WORKERS)
        self._last_kick = float("-inf")
        if twilio is not None and self.public_base_url is None:
            log.warning("PUBLIC_BASE_URL is not set: every Twilio webhook will be refused (403)")

    async def _twilio_form(self, request: Request) -> ImmutableMultiDict[str, str] | Response:
        """The webhook's form fields once the signature checks out, else the refusal to send."""
        if self.validator is None:
            return PlainTextResponse("SMS is not configured", status_code=404)
        try:
            body = await _read_body(request, MAX_TWILIO_BODY_BYTES)
        except _TooLarge:
            return _too_large()
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("application/x-www-form-urlencoded"):
            return PlainTextResponse("expected a form", status_code=415)
        try:
            fields = parse_qsl(
                body.decode("ascii"), keep_blank_values=True, max_num_fields=MAX_TWILIO_FIELDS
            )
        except (UnicodeDecodeError, ValueError):
            return PlainTextResponse("malformed form", status_code=400)
        form: ImmutableMultiDict[str, str] = ImmutableMultiDict(fields)
        signature = request.headers.get(TWILIO_SIGNATURE_HEADER)
        if not signature or self.public_base_url is None:
            log.warning("twilio webhook %s refused: no signature", request.url.path)
            return _forbidden()
        # Twilio signs the URL it was told to call; ours is the configured public one, so a
        # request replayed against another URL, or a spoofed Host header, cannot pass.
        url = self.public_base_url + request.url.path
        if request.url.query:
            url += "?" + request.url.query
        if not self.validator.validate(url, form, signature):
            log.warning("twilio webhook %s refused: bad signature", request.url.path)
            return _forbidden()
        if form.get("AccountSid") != self.account_sid:
            log.warning("twilio webhook %s refused: another account", request.url.path)
            return _forbidden()
        return form

    async def _in_worker(self, work: Callable[[], T]) -> T:
        """Run blocking database work off the event loop, within the database's concurrency."""
        return await anyio.to_thread.run_sync(work, limiter=self.db_workers)

    def _kick_outbox(self) -> None:
        """Let staff notices a webhook queued go out now, at most once a second under load."""
        now = time.monotonic()
        if now - self._last_kick >= KICK_INTERVAL_SECONDS:
            self._last_kick = now
            self.core.kick_outbox()

    async def sms(self, request: Request) -> Response:
        """POST /twilio/sms: an inbound text; the reply goes back as TwiML."""
        form = await self._twilio_form(request)
        if isinstance(form, Response):
            return form
        message_sid = form.get("MessageSid") or form.get("SmsSid") or ""
        from_number = form.get("From") or ""
        if not message_sid or not from_number:
            return PlainTextResponse("MessageSid and From are required", status_code=400)
        body = form.get("Body") or ""
        try:
            # Stored first: if this process dies while handling it, recovery answers it by SMS.
            # A retry of a stored message falls through to `handle`, which knows each MessageSid.
            await self._in_worker(
                partial(
                    inbox.store,
                    self.core.db,
                    source=inbox.InboxSource.SMS,
                    external_id=message_sid[:64],
                    payload={"from": from_number, "body": body},
                    now=self.core.clock.now(),
                )
            )
            reply = await self._in_worker(
                partial(
                    self.inbound.handle,
                    from_number=from_number,
                    body=body,
                    message_sid=message_sid,
                    now=self.core.clock.now(),
                )
            )
            await self._in_worker(
                partial(
                    inbox.mark_processed,
                    self.core.db,
                    source=inbox.InboxSource.SMS,
                    external_ids=[message_sid[:64]],
                    now=self.core.clock.now(),
                )
            )
        except DatabaseUnavailable:
            log.error("inbound sms %s: database unavailable, Twilio will retry", message_sid)
            return _unavailable()
        except Exception as exc:
            # Database errors quote the statement's parameters (numbers, names): type only.
            log.error("inbound sms %s failed: %s", message_sid, type(exc).__name__)
            log.debug("inbound sms %s failed", message_sid, exc_info=True)
            return PlainTextResponse("internal error", status_code=500)
        try:
            # A red flag answered by text is paged now, not at the next outbox tick, and in the
            # background: Twilio gives up on a reply after 15 s, and this one may say "call 911".
            self.core.escalation.page_soon_for_phone(from_number)
        except Exception:
            log.exception(
                "paging after inbound sms %s failed; the outbox tick retries", message_sid
            )
        self._kick_outbox()
        return Response(twiml_reply(reply), media_type="text/xml")

    async def status(self, request: Request) -> Response:
        """POST /twilio/status: a delivery status callback for a message we sent."""
        form = await self._twilio_form(request)
        if isinstance(form, Response):
            return form
        message_sid = form.get("MessageSid") or form.get("SmsSid") or ""
        status = form.get("MessageStatus") or form.get("SmsStatus") or ""
        if not message_sid or not status:
            return PlainTextResponse("MessageSid and MessageStatus are required", status_code=400)
        try:
            outcome = await self._in_worker(
                partial(
                    self.delivery_status.record,
                    message_sid=message_sid,
                    status=status,
                    error_code=form.get("ErrorCode"),
                    now=self.core.clock.now(),
                )
            )
        except Exception as exc:
            log.error("status callback %s failed: %s", message_sid, type(exc).__name__)
            log.debug("status callback %s failed", message_sid, exc_info=True)
            return PlainTextResponse("internal error", status_code=500)
        log.debug("status callback %s: %s", message_sid, outcome)
        if outcome is StatusOutcome.UPDATED:
            self._kick_outbox()
        return Response(status_code=204)

    async def voice_gather(self, request: Request) -> Response:
        """POST /twilio/voice/gather: the key pressed on a page call; 1 acknowledges."""
        form = await self._twilio_form(request)
        if isinstance(form, Response):
            return form
        raw_id = request.query_params.get("escalation", "")
        callee = form.get("To") or ""
        if not raw_id.isdigit() or len(raw_id) > 12 or not callee:
            return PlainTextResponse("escalation and To are required", status_code=400)
        escalation = self.core.escalation
        try:
            status = await self._in_worker(
                partial(
                    escalation.acknowledge_call,
                    escalation_id=int(raw_id),
                    callee=callee,
                    digits=form.get("Digits") or "",
                )
            )
        except Exception as exc:
            log.error("voice callback for escalation %s failed: %s", raw_id, type(exc).__name__)
            log.debug("voice callback failed", exc_info=True)
            return PlainTextResponse("internal error", status_code=500)
        texts = self.core.texts
        if status in (AckStatus.ACKNOWLEDGED, AckStatus.ALREADY):
            spoken = texts.plain("voice_acknowledged", escalation_id=int(raw_id))
            self.core.kick_outbox()  # the patient and the staff chat hear it now
        elif status is AckStatus.REFUSED:
            spoken = texts.plain("voice_refused")
        else:
            spoken = texts.plain("voice_not_acknowledged")
        return Response(say_twiml(spoken), media_type="text/xml")

    async def healthz_staff_chat(self) -> str | None:
        """Why the staff chat refuses messages, when it does (None: fine or not configured)."""
        staff_chat = self.core.channels.staff_chat
        if staff_chat is None:
            return None
        status = await run_in_threadpool(staff_chat.status)
        return status.lost_reason

    async def telegram(self, request: Request) -> Response:
        """POST /telegram: an Update from Telegram (webhook mode)."""
        secret = self.core.settings.telegram_webhook_secret
        if self.telegram_webhook is None or secret is None:
            return PlainTextResponse("not found", status_code=404)
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8")):
            log.warning("telegram webhook refused: wrong or missing secret token")
            return _forbidden()
        try:
            body = await _read_body(request, MAX_TELEGRAM_BODY_BYTES)
        except _TooLarge:
            return _too_large()
        if json_depth(body) > MAX_JSON_DEPTH:
            return PlainTextResponse("JSON nested too deeply", status_code=400)
        try:
            update = json.loads(body)
        except (UnicodeDecodeError, ValueError, RecursionError):
            return PlainTextResponse("malformed JSON", status_code=400)
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return PlainTextResponse("not an Update", status_code=400)
        try:
            await self.telegram_webhook(update)
        except DatabaseUnavailable:
            log.error("telegram update %s not stored: database unavailable", update["update_id"])
            return _unavailable()
        except Exception as exc:
            # A non-200 makes Telegram retry the update later, which is what we want here.
            log.error("telegram update %s not queued: %s", update["update_id"], type(exc).__name__)
            return PlainTextResponse("internal error", status_code=500)
        return Response(status_code=200)

    async def healthz(self, request: Request) -> Response:
        """GET /healthz: the process is alive; 503 only for what a person must fix at once.

        The staff chat refusing messages (bot removed, group gone) is such a thing: red flags then
        reach on-call by SMS and call only (issue 10). Load balancers should route by /readyz.
        """
        try:
            lost = await self.healthz_staff_chat()
        except Exception as exc:  # the database is /readyz's business, not liveness
            log.warning("health: staff chat status unknown (%s)", type(exc).__name__)
            lost = None
        if lost is not None:
            return JSONResponse(
                {
                    "status": "degraded",
                    "staff_chat": "refusing messages",
                    "reason": f"staff chat refuses messages: {lost}",
                },
                status_code=503,
            )
        return JSONResponse({"status": "ok"})

    async def readyz(self, request: Request) -> Response:
        """GET /readyz: 200 when the database answers (webhooks can be stored), else 503.

        Also reports the outbox lag and whether the staff chat is reachable: a load balancer
        taking every replica out over those would stop patients too, so they inform, not decide.
        """
        try:
            await run_in_threadpool(self.core.db.check)
            lag = await run_in_threadpool(outbox_lag_seconds, self.core.db, self.core.clock.now())
        except Exception as exc:
            log.warning("readiness: database unavailable (%s)", type(exc).__name__)
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        body: dict[str, object] = {
            "status": "ok",
            "database": "up",
            "outbox_lag_seconds": round(lag, 1),
        }
        if await self.healthz_staff_chat() is not None:
            body["staff_chat"] = "refusing messages"
        elif self.staff_chat_check is not None:
            body["staff_chat"] = "reachable" if await self._staff_chat_ok() else "unreachable"
        return JSONResponse(body)

    async def _staff_chat_ok(self) -> bool:
        """Asked of Telegram at most once a minute (probes come every few seconds)."""
        now = time.monotonic()
        if self._staff_chat_cache is None or now - self._staff_chat_cache[0] > STAFF_CHECK_TTL:
            assert self.staff_chat_check is not None
            try:
                ok = await self.staff_chat_check()
            except Exception as exc:
                log.warning("readiness: staff chat check failed (%s)", type(exc).__name__)
                ok = False
            self._staff_chat_cache = (now, ok)
        return self._staff_chat_cache[1]

    async def metrics(self, request: Request) -> Response:
        """GET /metrics: Prometheus text format, read from the database."""
        try:
            body = await run_in_threadpool(generate_latest, self.registry)
        except Exception as exc:
            log.warning("metrics: database unavailable (%s)", type(exc).__name__)
            return PlainTextResponse("database unavailable", status_code=503)
        return Response(body, media_type=CONTENT_TYPE_LATEST)


def create_web_app(
    *,
    core: Core,
    inbound: InboundSms,
    telegram_webhook: TelegramWebhook | None = None,
    delivery_status: DeliveryStatusService | None = None,
    staff_chat_check: Callable[[], Awaitable[bool]] | None = None,
    console: ConsoleConfig | None = None,
    miniapp: MiniAppConfig | None = None,
) -> Starlette:
    """Build the Starlette app: Twilio's and Telegram's webhooks (SMS, delivery status, voice
    gather, Telegram), health, readiness, metrics, and the staff console when configured."""
    routes = _Routes(
        core=core,
        inbound=inbound,
        telegram_webhook=telegram_webhook,
        delivery_status=delivery_status or core.delivery_status,
        staff_chat_check=staff_chat_check,
    )
    return Starlette(
        routes=[
            Route("/twilio/sms", routes.sms, methods=["POST"]),
            Route("/twilio/status", routes.status, methods=["POST"]),
            Route(GATHER_PATH, routes.voice_gather, methods=["POST"]),
            Route("/telegram", routes.telegram, methods=["POST"]),
            Route("/healthz", routes.healthz, methods=["GET"]),
            Route("/readyz", routes.readyz, methods=["GET"]),
            Route("/metrics", routes.metrics, methods=["GET"]),
            *(
                console_routes(core=core, config=console, in_worker=routes._in_worker)
                if console is not None
                else []
            ),
            *(
                miniapp_routes(core=core, config=miniapp, in_worker=routes._in_worker)
                if miniapp is not None
                else []
            ),
        ],
        # The console's error pages and headers (its paths only).
        middleware=(
            [
                Middleware(
                    ConsoleGuard,
                    public_https=(core.settings.public_base_url or "").startswith("https://"),
                )
            ]
            if console is not None
            else []
        ),
    )


# --- running it inside the bot's event loop -------------------------------------------------


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its signal handlers: the bot's runtime owns SIGINT / SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _bound_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port (uvicorn listens on it).

    Made with proto=IPPROTO_TCP on purpose: asyncio turns Nagle off only for sockets that say
    they are TCP, and `socket.create_server` leaves proto at 0. With Nagle on, every response
    (headers, then body) waited ~40 ms for the client's delayed ACK.
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


@dataclass
class RunningServer:
    """A uvicorn server running as a task in the current loop."""

    server: uvicorn.Server
    task: asyncio.Task[None]
    port: int

    async def stop(self, *, grace_seconds: float = SERVER_STOP_TIMEOUT_SECONDS) -> None:
        """Stop accepting, let requests in flight finish (up to `grace_seconds`), then return."""
        self.server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self.task), grace_seconds)
        except TimeoutError:
            self.server.force_exit = True
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task


async def serve(
    app: ASGIApp,
    *,
    port: int,
    host: str = "0.0.0.0",
    graceful_seconds: int = int(SERVER_STOP_TIMEOUT_SECONDS),
) -> RunningServer:
    """Start uvicorn on `host:port` in the running loop and return once it accepts connections.

    The socket is bound here, so a port already in use raises OSError to the caller instead of
    uvicorn's sys.exit inside a task. `port=0` picks a free port (see RunningServer.port).
    """
    sock = _bound_socket(host, port)
    bound_port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        app,
        log_config=None,  # keep the bot's logging set-up
        access_log=False,  # paths only, but a health check every few seconds is noise
        lifespan="off",
        server_header=False,
        timeout_graceful_shutdown=graceful_seconds,
    )
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name=f"http-server:{bound_port}")
    while not server.started:
        if task.done():
            sock.close()
            task.result()  # raises what stopped it
            raise RuntimeError("the HTTP server stopped while starting")
        await asyncio.sleep(0.01)
    log.info("HTTP server listening on %s:%d", host, bound_port)
    return RunningServer(server=server, task=task, port=bound_port)
