"""The Telegram side of the composition root: the PTB Application, its handlers and jobs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp
from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

import handlers
from bot.db.runner import leader
from bot.domain.clock import SystemClock
from bot.domain.errors import ConfigError
from bot.domain.language import DEFAULT_LANGUAGE, Language
from bot.messaging.pacing import NoPacing
from bot.messaging.telegram_limits import SharedReplyLimiter
from bot.presentation.chat_replies import Reply
from bot.scheduling.jobs import register_jobs
from bot.services.booking_flow import BookingFlow
from bot.services.patients import telegram_language
from bot.services.rate_limits import SharedPacer
from bot.services.sms_inbound import SmsInbound
from bot.services.sms_recovery import recover_sms
from bot.texts.i18n import use_language
from bot.updates import ChatOrderedProcessor, InboxQueue, PatientLanguageApplication
from bot.web.app import create_web_app, serve
from bot.web.console import ConsoleConfig
from bot.web.miniapp import MiniAppConfig
from handlers import errors
from handlers.common import FLOW_KEY
from handlers.common import deliver as send_reply

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
# Used only when a local double answers instead of Telegram (tests, the sandbox).
OFFLINE_TOKEN = "123456789:offline-sandbox-token-not-for-telegram"
COMMANDS = ("start", "book", "appointments", "contact", "privacy", "mydata", "stop", "help")
INBOX_KEY = "inbox_queue"
# The sandbox signs its Mini App launches with a key of its own (it has no bot token).
MINI_APP_TOKEN_KEY = "mini_app_token"
MINI_APP_URL_KEY = "mini_app_url"
INBOX_RECOVER_SECONDS = 30.0


def build_application(
    core: Core,
    *,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
) -> AnyApplication:
    """The real Application: handlers, the global error handler, commands and outbox jobs."""
    token = core.settings.telegram_bot_token
    if token is None:
        if request is None:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN: missing. Fix: set the token BotFather gave you, or run "
                "`python -m bot sandbox` to try the bot locally."
            )
        token = OFFLINE_TOKEN
        # A local double answers, not Telegram: it has no limits to keep to (unless the caller,
        # a benchmark, put a pacer in place to measure them).
        core.extras.setdefault("pacing", NoPacing())
    base_url = core.settings.telegram_base_url
    queue = InboxQueue(db=core.db, clock=core.clock)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .update_queue(queue)
        .application_class(PatientLanguageApplication)
        .concurrent_updates(ChatOrderedProcessor(on_processed=queue.processed))
        .post_init(_post_init(core))
        .post_stop(_post_stop(core))
    )
    if base_url.endswith("/bot"):
        # A self-hosted Bot API server serves files beside its methods: <root>/file/bot<token>.
        builder = builder.base_file_url(base_url.removesuffix("bot") + "file/bot")
    if core.settings.telegram_bot_token is not None and request is None:
        # Handlers' direct replies stay inside Telegram's limits, shared by every replica (not
        # with a local Bot API double handed in: it has no limits, as for the outbox above).
        limiter = SharedReplyLimiter(SharedPacer(db=core.db, clock=SystemClock()))
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]  # (RLARGS: str)
    if request is not None:
        builder = builder.request(request)
    if updates_request is not None:
        builder = builder.get_updates_request(updates_request)
    application: AnyApplication = builder.build()
    if isinstance(application, PatientLanguageApplication):
        application.language_of = _language_of(core)
    queue.bot = application.bot
    core.extras[INBOX_KEY] = queue
    if not isinstance(core.extras.get(FLOW_KEY), BookingFlow):
        core.extras[FLOW_KEY] = BookingFlow(
            db=core.db,
            profile=core.profile,
            clock=core.clock,
            texts=core.texts,
            booking=core.booking,
            sms_available=lambda: core.channels.sms is not None,
            mini_app_url=core.extras.get(MINI_APP_URL_KEY) or core.settings.mini_app_url,
        )
    handlers.register_all(application, core)
    application.add_error_handler(errors.error_handler(core))
    register_jobs(application, core)
    _register_inbox_recovery(application, queue, core)
    return application


def _language_of(core: Core) -> Callable[[object], Coroutine[Any, Any, Language]]:
    """The language to answer an update's sender in: a patient's choice, else their Telegram
    app's language; staff and group chats read the clinic's language."""

    async def language_of(update: object) -> Language:
        if not isinstance(update, Update):
            return DEFAULT_LANGUAGE
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or chat.type != "private":
            return DEFAULT_LANGUAGE
        if user.id in core.settings.staff_user_ids:
            return DEFAULT_LANGUAGE
        return await asyncio.to_thread(telegram_language, core.db, user.id, user.language_code)

    return language_of


def _register_inbox_recovery(application: AnyApplication, queue: InboxQueue, core: Core) -> None:
    """Process what a crash left in the inbox: at start, then every tick (a replica may die)."""
    first_run = [core.db.is_sqlite]

    async def recover(_context: Any) -> None:
        try:
            # With one process (SQLite) nothing else can hold an update at start: take them all.
            await queue.recover(ignore_leases=first_run[0])
            sms_inbound = core.extras.get("sms_inbound")
            if core.settings.twilio is not None and isinstance(sms_inbound, SmsInbound):
                recovered = await asyncio.to_thread(
                    recover_sms,
                    core.db,
                    sms_inbound,
                    now=core.clock.now(),
                    ignore_leases=first_run[0],
                )
                if recovered:
                    core.kick_outbox()
        except Exception as exc:
            log.warning("inbox recovery failed (%s); the next tick retries", type(exc).__name__)
        first_run[0] = False

    assert application.job_queue is not None
    application.job_queue.run_repeating(
        recover, interval=INBOX_RECOVER_SECONDS, first=0.1, name="inbox-recover"
    )


async def set_commands(application: AnyApplication, core: Core) -> None:
    """Publish the command menu Telegram shows next to the text box."""
    commands = [BotCommand(name, core.texts.plain(f"cmd_{name}")) for name in COMMANDS]
    await application.bot.set_my_commands(commands)
    # Telegram shows a user whose app is in Spanish the Spanish descriptions.
    for language in Language:
        if language is DEFAULT_LANGUAGE:
            continue
        with use_language(language):
            translated = [BotCommand(name, core.texts.plain(f"cmd_{name}")) for name in COMMANDS]
        await application.bot.set_my_commands(translated, language_code=language.value)


def _post_stop(core: Core) -> Callable[[AnyApplication], Coroutine[Any, Any, None]]:
    async def post_stop(_application: AnyApplication) -> None:
        # A page handed to the background at shutdown goes out now, not after its claim lease.
        try:
            async with asyncio.timeout(10):
                await core.escalation.wait_for_pages()
        except TimeoutError:
            log.warning("stopping with pages still being sent; the next start resends them")
        await _stop_http(core)

    return post_stop


def _post_init(core: Core) -> Callable[[AnyApplication], Coroutine[Any, Any, None]]:
    async def post_init(application: AnyApplication) -> None:
        await set_commands(application, core)

    return post_init


def web_app_for(application: AnyApplication, core: Core, *, sandbox: bool = False) -> ASGIApp:
    """The HTTP routes (Twilio, health, the staff console, and Telegram's webhook in webhook
    mode). `sandbox`: the console offers its local sign-in (only ever without a bot token)."""
    hook = None
    if core.settings.public_base_url and core.settings.telegram_webhook_secret:
        queue = core.extras[INBOX_KEY]
        assert isinstance(queue, InboxQueue)

        async def hook(data: dict[str, Any]) -> None:
            # Committed before /telegram answers 200; a redelivered update is dropped here.
            await queue.accept(data)

    staff_chat = core.settings.staff_chat_id

    async def staff_chat_reachable() -> bool:
        if staff_chat is None:
            return False
        await application.bot.get_chat(staff_chat)
        return True

    def bot_username() -> str | None:
        try:
            name: str = application.bot.username
            return name
        except RuntimeError:  # not initialized yet (get_me not answered)
            return None

    return create_web_app(
        core=core,
        inbound=core.extras["sms_inbound"],
        telegram_webhook=hook,
        staff_chat_check=staff_chat_reachable,
        console=ConsoleConfig(
            bot_token=core.settings.telegram_bot_token, bot_username=bot_username, sandbox=sandbox
        ),
        miniapp=mini_app_for(application, core, sandbox=sandbox),
    )


def mini_app_for(
    application: AnyApplication, core: Core, *, sandbox: bool = False
) -> MiniAppConfig | None:
    """The Mini App's routes, where its button is shown (MINI_APP_URL), and in the sandbox
    (which points the button at its own server once it listens)."""
    flow = core.extras.get(FLOW_KEY)
    token = core.extras.get(MINI_APP_TOKEN_KEY) or core.settings.telegram_bot_token
    if not isinstance(flow, BookingFlow) or token is None:
        return None
    if flow.screens.mini_app_url is None and not sandbox:
        return None

    async def deliver(chat_id: int, reply: Reply) -> None:
        await send_reply(application.bot, chat_id, reply)
        if reply.changed:
            core.kick_outbox()

    return MiniAppConfig(bot_token=str(token), flow=flow, deliver=deliver)


async def _start_http(application: AnyApplication, core: Core) -> None:
    server = await serve(web_app_for(application, core), port=core.settings.port)
    core.extras["http"] = server
    log.info("HTTP server listening on port %s", server.port)


async def _stop_http(core: Core) -> None:
    server = core.extras.pop("http", None)
    if server is not None:
        await server.stop()


async def run_webhook(
    application: AnyApplication, core: Core, *, stop: asyncio.Event | None = None
) -> None:
    """Webhook mode: Telegram posts updates to our own HTTP server (shared with Twilio).

    Runs until `stop` is set (by default: until SIGINT or SIGTERM).
    """
    public = core.settings.public_base_url
    assert public is not None
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
    async with application:
        guard = core.extras.get("runner_guard")
        # Several replicas: the one holding the leader lock tells Telegram; the rest just serve.
        if guard is None or await asyncio.to_thread(leader, core.db, guard):
            await set_commands(application, core)
            await application.bot.set_webhook(
                url=f"{public}/telegram",
                secret_token=core.settings.telegram_webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            log.info("another replica sets the webhook and commands; this one serves")
        await application.start()
        await _start_http(application, core)
        log.info("webhook mode: Telegram posts to %s/telegram", public)
        try:
            await stop.wait()
        finally:
            await _post_stop(core)(application)  # not called for us outside run_polling
            await application.stop()


def run_telegram(core: Core) -> int:
    """Run until interrupted (long polling, or a webhook when PUBLIC_BASE_URL is set)."""
    try:
        application = build_application(core)
    except ConfigError as exc:
        print(f"configuration error: {exc}", flush=True)
        return 2
    try:
        # SMS needs PUBLIC_BASE_URL (settings refuse it otherwise), so the HTTP server is only
        # ever needed in webhook mode, where it also receives Telegram's updates.
        if core.settings.public_base_url is not None:
            asyncio.run(run_webhook(application, core))
            return 0
        log.info("starting long polling")
        # Keep retrying the start-up calls through a short outage instead of exiting at once.
        application.run_polling(
            allowed_updates=Update.ALL_TYPES, close_loop=False, bootstrap_retries=5
        )
    except InvalidToken:
        print(
            "configuration error: TELEGRAM_BOT_TOKEN: Telegram rejected the token. "
            "Fix: copy it again from BotFather (see config.example.env).",
            flush=True,
        )
        return 2
    except NetworkError as exc:
        print(
            f"error: cannot reach the Telegram Bot API at TELEGRAM_BASE_URL "
            f"({core.settings.telegram_base_url}): {exc.message}. Check the network; "
            "the process manager should restart the bot.",
            flush=True,
        )
        return 1
    except TelegramError as exc:
        log.error("Telegram stopped the bot: %s", exc.message)
        return 1
    return 0
