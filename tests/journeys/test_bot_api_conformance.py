"""Every Bot API call the bot makes is one Telegram accepts.

Each journey test checks its own calls when it closes (`open_journey`): the calls are validated
against tests/specs/telegram-bot-api.json (method exists, parameters declared, required ones
present, types), nothing was rejected, callback_data fits 64 bytes, text fits 4096 characters and
captions 1024 after HTML parsing, the HTML parses as Telegram's parser does, and every button
press was answered exactly once. This file runs one long conversation through every screen and
shows the checker itself catches each kind of mistake.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox.bot_api_spec import find_method, load_spec
from handlers import COMMANDS, set_commands
from tests.journey_helpers import (
    ALICE,
    SPEC_PATH,
    answer_screening,
    conformance_problems,
    open_journey,
    press_first_day,
    press_first_time,
    start_and_consent,
)

pytestmark = pytest.mark.skipif(
    not SPEC_PATH.exists(), reason="tests/specs/telegram-bot-api.json not present"
)


async def test_a_conversation_through_every_screen_makes_only_valid_calls(database, clock):
    async with open_journey(database, clock, check=False) as journey:
        await set_commands(journey.application, journey.core.texts)
        alice = journey.patient(ALICE, "سارة 🌷 <Alice>")
        await alice.send_text("hi")
        await start_and_consent(alice)
        for command in ("/help", "/contact", "/privacy", "/appointments", "/nope"):
            await alice.send_command(command)
        await alice.press("📅 Book a consultation")
        await alice.press("Later ▶")
        await alice.press("◀ Earlier")
        await press_first_day(alice)
        await alice.send_text("x" * 5000)
        await press_first_time(alice)
        await alice.send_text("y" * 5000)
        await alice.send_text("<b>Sara</b> & Co")
        await alice.send_text("12")
        await alice.send_command("/start")
        await alice.press("Carry on")
        await alice.share_contact("+12015550123")
        await answer_screening(alice, ["Yes", "Not sure", "No", "No", "No", "No", "No", "No", "No"])
        await alice.press("Yes, text me too")
        await alice.press("✏️ Change something")
        await alice.press("Back to the summary")
        await alice.press("✅ Confirm booking")
        await alice.press("🔁 Change time")
        await press_first_day(alice)
        await press_first_time(alice)
        await alice.press("✅ Move it")
        await alice.send_command("/appointments")
        await alice.press("✖️ Cancel #1")
        await alice.press("Yes, cancel it")
        clock.advance(timedelta(minutes=1))
        await alice.send_command("/book")
        await press_first_day(alice)
        await press_first_time(alice)
        assert "Question 1 of 9" in alice.last_message().text  # name and phone are known now
        await alice.press("Stop booking")
        await journey.dispatch()

        double = journey.double
        assert conformance_problems(double) == []
        assert journey.errors == []
        methods = {call.method for call in double.calls}
        assert {
            "getMe",
            "setMyCommands",
            "sendMessage",
            "editMessageText",
            "answerCallbackQuery",
            "sendDocument",
        } <= methods
        spec = load_spec(SPEC_PATH)
        assert all(find_method(spec, method) is not None for method in methods)
        assert [c["command"] for c in double.commands()] == list(COMMANDS)
        assert len(double.calls) > 80


async def test_the_checker_catches_what_telegram_would_refuse(database, clock):
    async with open_journey(database, clock, check=False) as journey:
        bot = journey.application.bot
        journey.patient(ALICE, "Alice")
        too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
        for call in (
            bot.send_message(ALICE, "<b>unclosed", parse_mode="HTML"),
            bot.send_message(ALICE, "z" * 4097),
            bot.send_message(ALICE, "ok", reply_markup=too_long),
        ):
            with pytest.raises(Exception):  # noqa: B017, PT011 - PTB raises BadRequest for each
                await call
        await bot.send_message(ALICE, "<i>fine</i>", parse_mode="HTML")
        problems = conformance_problems(journey.double)
        assert len([p for p in problems if "rejected with 400" in p]) == 3
        assert any("HTML Telegram refuses" in p for p in problems)
        assert any("> 4096 characters" in p for p in problems)
        assert any("> 64 bytes" in p for p in problems)
