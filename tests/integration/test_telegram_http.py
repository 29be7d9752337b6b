"""The bot's HTTP connections to the Bot API: small pools, each request in the least busy one."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from bot.messaging.telegram_http import PooledHTTPXRequest


class SlowBotApi:
    """An httpx transport standing in for the Bot API (no network in tests): it holds every
    request until released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.arrived: list[str] = []

    def transport(self) -> httpx.MockTransport:
        async def handler(request: httpx.Request) -> httpx.Response:
            self.arrived.append(request.url.path)
            await self.release.wait()
            return httpx.Response(200, json={"ok": True, "result": True})

        return httpx.MockTransport(handler)


async def test_requests_in_flight_spread_over_the_pools_and_return_their_answers():
    api = SlowBotApi()
    request = PooledHTTPXRequest(pools=3, size=2, httpx_kwargs={"transport": api.transport()})
    await request.initialize()
    try:
        calls = [
            asyncio.create_task(request.do_request("http://api/bot1:a/getMe", "POST"))
            for _ in range(6)
        ]
        async with asyncio.timeout(5):
            while len(api.arrived) < 6:  # noqa: ASYNC110 (state outside any event)
                await asyncio.sleep(0.01)
        assert request.in_flight == (2, 2, 2)
        api.release.set()
        answers = await asyncio.gather(*calls)
        assert [status for status, _body in answers] == [200] * 6
        assert all(json.loads(body)["ok"] is True for _status, body in answers)
        assert request.in_flight == (0, 0, 0)
    finally:
        await request.shutdown()


def test_a_pool_needs_a_connection():
    with pytest.raises(ValueError, match="at least 1"):
        PooledHTTPXRequest(pools=0)
