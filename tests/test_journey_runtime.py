"""The Application the runtime builds: API root, command menu, start-up errors, the error handler."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from bot.runtime import COMMANDS, build_application, run_telegram
from tests.journey_helpers import (
    ALICE,
    book_consultation,
    journey_core,
    new_database,
    open_journey,
    start_and_consent,
)


@pytest.fixture
def database(tmp_path):
    db = new_database(tmp_path / "journey.db")
    yield db
    db.dispose()


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
        assert "You're booked" in confirmation.text and not confirmation.edited
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
        assert "update" in caplog.text and "failed" in caplog.text
        assert "Alice Smith" not in caplog.text  # no names or bodies in logs
        apology = alice.last_message().text
        assert "Sorry, something went wrong on our side" in apology
        assert "+1 555 010 0199" in apology
        # Every press was still answered, and the booking itself stands.
        assert len(journey.double.callback_answers) == len(journey.double.pressed_queries)
        assert len(journey.appointments()) == 1
