"""The bot's Bot API client (bot/messaging/telegram_http.py): PTB's requests on aiohttp, against a
Bot API stand-in served on the loopback interface."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.messaging.telegram_http import AiohttpRequest

TOKEN = "123:abc"
ME = {"id": 123, "is_bot": True, "first_name": "Clinic", "username": "clinic_bot"}


class BotApiStandIn:
    """Answers every method with `answer(method, fields)` (default: ok, true) and records what
    came: the method, its form fields (files as (name, bytes)), the headers, which connection."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.headers: list[dict[str, str]] = []
        self.peers: list[object] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.answer: Callable[[str, dict[str, Any]], Awaitable[web.Response]] = self.ok

    async def ok(self, method: str, _fields: dict[str, Any]) -> web.Response:
        return web.json_response({"ok": True, "result": ME if method == "getMe" else True})

    async def handle(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            fields: dict[str, Any] = {}
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    fields[name] = (value.filename, value.file.read())
                else:
                    fields[name] = value
            method = request.match_info["method"]
            self.calls.append((method, fields))
            self.headers.append(dict(request.headers))
            self.peers.append(
                request.transport.get_extra_info("peername") if request.transport else None
            )
            return await self.answer(method, fields)
        finally:
            self.in_flight -= 1


@asynccontextmanager
async def serving() -> AsyncIterator[tuple[BotApiStandIn, str]]:
    api = BotApiStandIn()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", api.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield api, f"http://127.0.0.1:{port}/bot"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def client(**options: Any) -> AsyncIterator[AiohttpRequest]:
    request = AiohttpRequest(**options)
    await request.initialize()
    try:
        yield request
    finally:
        await request.shutdown()


def fields(**values: Any) -> RequestData:
    return RequestData([RequestParameter.from_input(name, value) for name, value in values.items()])


async def test_a_call_is_posted_as_httpx_posted_it_and_connections_are_kept():
    async with serving() as (api, base), client() as request:
        data = fields(chat_id=42, text="Hé & <b>hi</b>", reply_markup={"inline_keyboard": []})
        status, body = await request.do_request(f"{base}{TOKEN}/sendMessage", "POST", data)
        for _ in range(3):
            await request.do_request(f"{base}{TOKEN}/getMe", "POST")
    assert (status, body) == (200, b'{"ok": true, "result": true}')
    method, sent = api.calls[0]
    assert method == "sendMessage"
    # The fields PTB's HTTPXRequest sent: a url-encoded form, each value JSON-encoded.
    assert sent == {
        "chat_id": "42",
        "text": "Hé & <b>hi</b>",
        "reply_markup": '{"inline_keyboard": []}',
    }
    assert api.headers[0]["Content-Type"] == "application/x-www-form-urlencoded"
    assert api.headers[0]["User-Agent"] == BaseRequest.USER_AGENT
    # One after another: all on the one connection.
    assert len(set(api.peers)) == 1


async def test_an_upload_is_multipart_with_its_fields():
    async with serving() as (api, base), client() as request:
        document = InputFile(b"BEGIN:VCALENDAR", filename="appointment.ics")
        data = fields(chat_id=42, document=document, caption="Your visit")
        assert (await request.do_request(f"{base}{TOKEN}/sendDocument", "POST", data))[0] == 200
    method, sent = api.calls[0]
    assert method == "sendDocument"
    assert sent == {
        "chat_id": "42",
        "caption": "Your visit",
        "document": ("appointment.ics", b"BEGIN:VCALENDAR"),
    }
    assert api.headers[0]["Content-Type"].startswith("multipart/form-data")


async def test_no_more_connections_than_allowed_and_a_pool_wait_times_out():
    release = asyncio.Event()

    async def held(method: str, fields: dict[str, Any]) -> web.Response:
        await release.wait()
        return web.json_response({"ok": True, "result": True})

    async with serving() as (api, base), client(connections=2) as request:
        api.answer = held
        url = f"{base}{TOKEN}/getMe"
        calls = [asyncio.create_task(request.do_request(url, "POST")) for _ in range(2)]
        async with asyncio.timeout(5):
            while api.in_flight < 2:  # noqa: ASYNC110 (state outside any event)
                await asyncio.sleep(0.01)
        with pytest.raises(TimedOut):
            await request.do_request(url, "POST", pool_timeout=0.05, connect_timeout=0.05)
        release.set()
        assert [status for status, _ in await asyncio.gather(*calls)] == [200, 200]
        assert api.most_in_flight == 2


async def test_a_slow_answer_times_out_and_nothing_listening_is_a_network_error():
    async def never(method: str, fields: dict[str, Any]) -> web.Response:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async with serving() as (api, base), client() as request:
        api.answer = never
        with pytest.raises(TimedOut):
            await request.do_request(f"{base}{TOKEN}/getMe", "POST", read_timeout=0.05)
    async with client() as request:  # the stand-in is gone: its port is closed
        with pytest.raises(NetworkError) as refused:
            await request.do_request(f"{base}{TOKEN}/getMe", "POST")
    assert TOKEN not in str(refused.value)


async def test_ptb_reads_answers_and_errors_through_it(caplog):
    async def answer(method: str, fields: dict[str, Any]) -> web.Response:
        if fields.get("text") == "boom":
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: boom"}, status=400
            )
        return web.json_response({"ok": True, "result": ME if method == "getMe" else True})

    async with serving() as (api, base):
        api.answer = answer
        with caplog.at_level(logging.DEBUG):
            async with Bot(TOKEN, base_url=base, request=AiohttpRequest()) as bot:
                assert bot.username == "clinic_bot"
                assert await bot._post("sendMessage", {"chat_id": 7, "text": "hi"}) is True
                with pytest.raises(BadRequest, match=r"(?i)boom"):
                    await bot._post("sendMessage", {"chat_id": 7, "text": "boom"})
    assert [method for method, _ in api.calls] == ["getMe", "sendMessage", "sendMessage"]


def test_a_request_needs_a_connection():
    with pytest.raises(ValueError, match="at least 1"):
        AiohttpRequest(connections=0)


async def test_calls_before_initialize_are_refused():
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/bot1:a/getMe", "POST")


async def test_a_proxy_from_the_environment_carries_the_calls(monkeypatch):
    async with serving() as (api, base), client() as proxied:
        # The stand-in plays the proxy: the call names a host nobody could reach directly.
        monkeypatch.setenv("HTTP_PROXY", base.removesuffix("/bot"))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        status, _body = await proxied.do_request(f"http://bot-api.invalid/bot{TOKEN}/getMe", "POST")
        assert status == 200
        assert api.calls == [("getMe", {})]
        # NO_PROXY names the host: straight there (and it does not exist).
        monkeypatch.setenv("NO_PROXY", "bot-api.invalid")
        async with client() as direct:
            with pytest.raises(NetworkError):
                await direct.do_request(f"http://bot-api.invalid/bot{TOKEN}/getMe", "POST")
