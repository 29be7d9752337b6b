"""The Application the runtime builds: API root, command menu, start-up errors, the error handler."""

from __future__ import annotations

import dataclasses
import logging

from bot.app import build_application
from bot.messaging.telegram_http import AiohttpRequest
from bot.runtime import run_telegram
from handlers import COMMANDS
from tests.journey_helpers import (
    ALICE,
    book_consultation,
    journey_core,
    open_journey,
    start_and_consent,
)


def test_the_bot_api_root_comes_from_telegram_base_url(database, clock):
    core = journey_core(database, clock)
    core.settings = dataclasses.replace(
        core.settings,
        telegram_bot_token="123456:" + "A" * 30,
        telegram_base_url="http://bot-api.internal:8081/bot",
    )
    application = build_application(core)
    assert application.bot.base_url == "http://bot-api.internal:8081/bot123456:" + "A" * 30
    assert application.bot.base_file_url.startswith("http://bot-api.internal:8081/file/bot")
    # Its calls to the Bot API go through aiohttp (bot/messaging/telegram_http.py).
    assert isinstance(application.bot.request, AiohttpRequest)


def test_running_without_a_token_names_the_setting(database, clock, capsys):
    core = journey_core(database, clock)
    assert run_telegram(core) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().out


async def test_the_command_menu_is_published_at_start(database, clock):
    async with open_journey(database, clock) as journey:
        await journey.application.post_init(journey.application)
        commands = journey.double.commands()
        assert [c["command"] for c in commands] == list(COMMANDS)
        assert all(c["description"] for c in commands)


async def test_a_refused_edit_is_sent_as_a_new_message(database, clock):
    async with open_journey(database, clock, check=False) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await book_consultation(alice)
        journey.double.fail_next(
            "editMessageText", error_code=400, description="Bad Request: message to edit not found"
        )
        await alice.press("✅ Confirm booking")
        confirmation, calendar = journey.bot_messages(ALICE)[-2:]
        assert "You're booked" in confirmation.text
        assert not confirmation.edited
        assert calendar.document_name == "appointment.ics"
        assert journey.errors == []


async def test_a_failing_update_is_logged_and_answered_kindly(database, clock, caplog):
    async with open_journey(database, clock, check=False) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await book_consultation(alice)
        journey.double.fail_next("sendDocument", error_code=400, description="Bad Request: boom")
        with caplog.at_level(logging.ERROR, logger="handlers.errors"):
            await alice.press("✅ Confirm booking")
        assert "update" in caplog.text
        assert "failed" in caplog.text
        assert "Alice Smith" not in caplog.text  # no names or bodies in logs
        apology = alice.last_message().text
        assert "Sorry, something went wrong on our side" in apology
        assert "+1 555 010 0199" in apology
        # Every press was still answered, and the booking itself stands.
        assert len(journey.double.callback_answers) == len(journey.double.pressed_queries)
        assert len(journey.appointments()) == 1


async def test_webhook_mode_serves_telegram_and_health_on_one_port(database, clock):
    """Telegram posts to /telegram with its secret; the reply goes out; a wrong secret is refused.
    Once listening, start-up's objects are out of the garbage collector's sight (frozen)."""
    import asyncio
    import gc

    import httpx

    from tests.webhook_bot import PUBLIC_URL, SECRET, webhook_bot

    async with webhook_bot(database, clock) as bot:
        double = bot.double
        assert double.webhook_url == f"{PUBLIC_URL}/telegram"
        assert gc.get_freeze_count() > 0
        update = double.make_update(user_id=ALICE, text="/start")
        async with httpx.AsyncClient(base_url=bot.base_url) as client:
            refused = await client.post(
                "/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            )
            accepted = await client.post(
                "/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
            health = await client.get("/healthz")
        assert refused.status_code == 403
        assert accepted.status_code == 200
        assert health.status_code == 200
        async with asyncio.timeout(10):
            await double.wait_until(lambda: bool(double.calls_to("sendMessage")))
        assert "welcome" in double.last_message(ALICE).text.lower()
    assert bot.server.task.done()  # the HTTP server stopped with the bot
