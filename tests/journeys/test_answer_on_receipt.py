"""A patient's press of a button answered with messages only is answered in the webhook's own
response (Telegram makes the call), so the spinner stops once the update is stored; presses whose
reply may carry a toast (booking steps) are still answered by their handler."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from bot.sandbox.telegram_double import FakeBotApi
from bot.sandbox.telegram_wire import find_callback
from tests.journey_helpers import ALICE
from tests.webhook_bot import SECRET, webhook_bot


async def post(client: httpx.AsyncClient, update: dict[str, Any]) -> httpx.Response:
    response = await client.post(
        "/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status_code == 200
    return response


async def press(
    double: FakeBotApi, client: httpx.AsyncClient, label: str
) -> tuple[httpx.Response, str, int]:
    """Press `label` on the newest message: the response, the query id, messages sent before."""
    message = double.last_message(ALICE)
    data = find_callback(message, label)
    assert data is not None, f"no {label!r} on {message.text!r}"
    before = shown(double)
    update = double.make_update(user_id=ALICE, callback_data=data, message_id=message.message_id)
    return await post(client, update), update["callback_query"]["id"], before


async def replied(double: FakeBotApi, before: int) -> None:
    async with asyncio.timeout(10):
        await double.wait_until(lambda: shown(double) > before)


def shown(double: FakeBotApi) -> int:
    """Messages the bot has sent or edited so far."""
    return len(double.calls_to("sendMessage")) + len(double.calls_to("editMessageText"))


def answers_to(double: FakeBotApi, query_id: str) -> int:
    calls = double.calls_to("answerCallbackQuery")
    return sum(call.params.get("callback_query_id") == query_id for call in calls)


async def started(double: FakeBotApi, client: httpx.AsyncClient) -> None:
    """/start over the webhook, answered."""
    before = shown(double)
    await post(client, double.make_update(user_id=ALICE, text="/start"))
    await replied(double, before)


async def test_a_menu_press_is_answered_in_the_webhook_response(database, clock):
    async with (
        webhook_bot(database, clock) as bot,
        httpx.AsyncClient(base_url=bot.base_url) as client,
    ):
        double = bot.double
        await started(double, client)
        response, query_id, before = await press(double, client, "Yes, message me here")
        assert response.json() == {
            "method": "answerCallbackQuery",
            "callback_query_id": query_id,
        }
        await double.webhook_response(response.content)  # what Telegram does with it
        await replied(double, before)
        assert find_callback(double.last_message(ALICE), "🗂 My appointments") is not None
        consent = query_id

        response, query_id, before = await press(double, client, "🗂 My appointments")
        await double.webhook_response(response.content)
        await replied(double, before)
        await post(client, double.make_update(user_id=ALICE, text="/help"))  # after both, in order
        async with asyncio.timeout(10):
            await double.wait_until(lambda: shown(double) > before + 1)
        # Their handlers did not answer them a second time.
        assert answers_to(double, consent) == 1
        assert answers_to(double, query_id) == 1


async def test_a_booking_step_press_is_answered_by_its_handler(database, clock):
    """A booking step's reply can be a toast ("Already noted"): its handler answers."""
    async with (
        webhook_bot(database, clock) as bot,
        httpx.AsyncClient(base_url=bot.base_url) as client,
    ):
        double = bot.double
        await started(double, client)
        response, _query, before = await press(double, client, "Yes, message me here")
        await double.webhook_response(response.content)
        await replied(double, before)
        response, _query, before = await press(double, client, "📅 Book a consultation")
        await double.webhook_response(response.content)
        await replied(double, before)

        menu = double.last_message(ALICE)
        first = menu.inline_keyboard[0][0] if menu.inline_keyboard else None
        assert first is not None
        assert str(first["callback_data"]).startswith("bk:")
        response, query_id, before = await press(double, client, first["text"])
        assert response.content == b""  # nothing for Telegram to call
        await replied(double, before)
        async with asyncio.timeout(10):
            await double.wait_until(lambda: answers_to(double, query_id) == 1)
