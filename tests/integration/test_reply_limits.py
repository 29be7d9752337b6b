"""Handlers' direct replies through PTB's rate-limiter hook (bot/messaging/telegram_limits.py)."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.messaging.telegram_limits import PACED, SharedReplyLimiter


class RecordingPacing:
    def __init__(self) -> None:
        self.waits: list[int | str] = []
        self.pauses: list[tuple[int | str, float]] = []

    async def wait_reply(self, chat: int | str) -> None:
        self.waits.append(chat)

    async def pause_chat(self, chat: int | str, seconds: float) -> None:
        self.pauses.append((chat, seconds))


def answering(*outcomes: Any):
    calls: list[tuple[Any, ...]] = []

    async def callback(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return callback, calls


async def process(limiter, callback, endpoint="sendMessage", data=None, rl=None):
    return await limiter.process_request(
        callback, ("x",), {}, endpoint, data if data is not None else {"chat_id": 5}, rl
    )


async def test_a_reply_waits_for_its_slot_then_goes():
    pacing = RecordingPacing()
    callback, calls = answering({"ok": True})
    assert await process(SharedReplyLimiter(pacing), callback) == {"ok": True}
    assert pacing.waits == [5]
    assert len(calls) == 1


async def test_outbox_sends_and_non_sending_calls_pass_untouched():
    pacing = RecordingPacing()
    limiter = SharedReplyLimiter(pacing)
    callback, calls = answering(True, True)
    await process(limiter, callback, rl=PACED)
    await process(limiter, callback, endpoint="answerCallbackQuery", data={})
    assert pacing.waits == []
    assert len(calls) == 2


async def test_a_429_pauses_the_chat_for_everyone_and_the_reply_is_retried(monkeypatch):
    slept: list[float] = []

    async def no_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr("bot.messaging.telegram_limits.asyncio.sleep", no_sleep)
    pacing = RecordingPacing()
    callback, calls = answering(RetryAfter(3), {"ok": True})
    assert await process(SharedReplyLimiter(pacing), callback) == {"ok": True}
    assert pacing.pauses == [(5, 3.0)]
    assert slept == [3.0]
    assert pacing.waits == [5, 5]
    assert len(calls) == 2


async def test_a_long_retry_after_reaches_the_caller():
    pacing = RecordingPacing()
    callback, calls = answering(RetryAfter(600))
    with pytest.raises(RetryAfter):
        await process(SharedReplyLimiter(pacing), callback)
    assert len(calls) == 1
    assert pacing.pauses == []
