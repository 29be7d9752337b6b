"""Running what the composition root (`bot/app.py`) built: long polling or a webhook, the HTTP
server beside it, and the process's start and stop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
from collections.abc import Callable, Set
from pathlib import Path

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError

import handlers
from bot.app import AnyApplication, build_application, wait_for_pages, web_app_for
from bot.core import Core
from bot.db.runner import RunnerGuard, leader
from bot.domain.errors import ConfigError
from bot.web.app import RunningServer, serve

log = logging.getLogger(__name__)

YOUNG_COLLECTION_OBJECTS = 50_000


def freeze_start_up_objects() -> None:
    """Once started: what exists now (modules, profile, catalogues, handlers) lives as long as the
    process, so it is moved out of the garbage collector's sight. Otherwise every full collection
    walks it all again: one paused the event loop ~170-200 ms inside a measured crowd of replies."""
    gc.collect()
    gc.freeze()
    # The first generation is collected after this many new objects instead of 700: a reply
    # makes a few thousand short-lived ones (PTB's Update, SQLAlchemy rows), and collecting them
    # every few hundred cost ~0.05-0.1 ms of CPU per update in `bench concurrency`.
    gc.set_threshold(YOUNG_COLLECTION_OBJECTS, *gc.get_threshold()[1:])


def keep_to_cpus(cpus: Set[int] | None) -> None:
    """CPU_AFFINITY: every thread of this process, and each one started later, runs on `cpus`.

    One process runs Python on one CPU at a time (the GIL); spread over two, its event loop and
    worker threads hand the GIL across CPUs many times per update. Measured (`bench concurrency
    --patients 0`, 200 replies at once, 2 CPUs): 1.1-1.4 ms of CPU per update on one CPU against
    1.6-2.15 ms on both.
    """
    if not cpus:
        return
    named = ",".join(str(cpu) for cpu in sorted(cpus))
    threads = Path("/proc/self/task")
    try:
        for thread in threads.iterdir() if threads.is_dir() else ():
            with contextlib.suppress(ProcessLookupError):  # a thread that ended meanwhile
                os.sched_setaffinity(int(thread.name), cpus)
        os.sched_setaffinity(0, cpus)  # this thread, which starts the others
    except OSError as exc:  # none of them is this process's to use (a container's cpuset)
        allowed = ",".join(str(cpu) for cpu in sorted(os.sched_getaffinity(0)))
        raise ConfigError(
            f"CPU_AFFINITY: CPU {named} cannot be used by this process ({exc.strerror}; it may "
            f"use {allowed}). Fix: name CPUs among those, or leave it empty "
            "(see config.example.env)."
        ) from None
    log.info("running on CPU %s", named)


async def run_webhook(
    application: AnyApplication,
    core: Core,
    *,
    stop: asyncio.Event | None = None,
    guard: RunnerGuard | None = None,
    on_listening: Callable[[RunningServer], None] | None = None,
) -> None:
    """Webhook mode: Telegram posts updates to our own HTTP server (shared with Twilio).

    Runs until `stop` is set (by default: until SIGINT or SIGTERM). `guard`: this replica's
    runner guard (the leader tells Telegram); `on_listening`: told once the server listens.
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
        # Several replicas: the one holding the leader lock tells Telegram; the rest just serve.
        if guard is None or await asyncio.to_thread(leader, core.db, guard):
            await handlers.set_commands(application, core.texts)
            await application.bot.set_webhook(
                url=f"{public}/telegram",
                secret_token=core.settings.telegram_webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            log.info("another replica sets the webhook and commands; this one serves")
        await application.start()
        server: RunningServer | None = None
        try:
            server = await serve(web_app_for(application, core), port=core.settings.port)
            log.info("HTTP server listening on port %s", server.port)
            freeze_start_up_objects()
            if on_listening is not None:
                on_listening(server)
            log.info("webhook mode: Telegram posts to %s/telegram", public)
            await stop.wait()
        finally:
            # The Application's post_stop is not called for us outside run_polling.
            await wait_for_pages(core)
            if server is not None:
                await server.stop()
            await application.stop()


def run_telegram(core: Core, *, guard: RunnerGuard | None = None) -> int:
    """Run until interrupted (long polling, or a webhook when PUBLIC_BASE_URL is set)."""
    try:
        keep_to_cpus(core.settings.cpu_affinity)
        application = build_application(core)
    except ConfigError as exc:
        print(f"configuration error: {exc}", flush=True)
        return 2
    try:
        # SMS needs PUBLIC_BASE_URL (settings refuse it otherwise), so the HTTP server is only
        # ever needed in webhook mode, where it also receives Telegram's updates.
        if core.settings.public_base_url is not None:
            asyncio.run(run_webhook(application, core, guard=guard))
            return 0
        log.info("starting long polling")
        freeze_start_up_objects()
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
