"""Updates from different chats run concurrently; one chat's updates run one at a time, in order."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder, MessageHandler, filters

from bot.app import OFFLINE_TOKEN
from bot.sandbox.telegram_double import FakeBotApi
from bot.updates import ChatOrderedProcessor

CHATS = [1001, 1002, 1003, 1004, 1005, 1006]
PER_CHAT = 15


async def test_each_chat_is_processed_in_order_while_chats_run_concurrently():
    double = FakeBotApi()
    processed: list[Update] = []
    application = (
        ApplicationBuilder()
        .token(OFFLINE_TOKEN)
        .request(double)
        .get_updates_request(double)
        .concurrent_updates(ChatOrderedProcessor(on_processed=_collect(processed)))
        .build()
    )
    seen: dict[int, list[int]] = {chat: [] for chat in CHATS}
    busy: dict[int, int] = {chat: 0 for chat in CHATS}
    overlap = {"max_chats": 0, "max_same_chat": 0}
    rng = random.Random(13)

    async def on_text(update: Update, _context: Any) -> None:
        chat = update.effective_chat.id  # type: ignore[union-attr]
        busy[chat] += 1
        overlap["max_same_chat"] = max(overlap["max_same_chat"], busy[chat])
        overlap["max_chats"] = max(overlap["max_chats"], sum(1 for n in busy.values() if n))
        await asyncio.sleep(rng.uniform(0, 0.01))  # a Bot API round trip of varying length
        seen[chat].append(int(update.effective_message.text))  # type: ignore[union-attr]
        busy[chat] -= 1

    application.add_handler(MessageHandler(filters.TEXT, on_text))
    async with application:
        await application.start()
        try:
            for n in range(PER_CHAT):
                for chat in CHATS:
                    data = double.make_update(user_id=chat, text=str(n))
                    await application.update_queue.put(Update.de_json(data, application.bot))
            async with asyncio.timeout(20):
                while len(processed) < len(CHATS) * PER_CHAT:  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
        finally:
            await application.stop()

    assert seen == {chat: list(range(PER_CHAT)) for chat in CHATS}
    assert overlap["max_same_chat"] == 1
    assert overlap["max_chats"] > 1


def _collect(into: list[Update]):
    async def on_processed(update: object) -> None:
        assert isinstance(update, Update)
        into.append(update)

    return on_processed
