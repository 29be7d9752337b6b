"""The Bot API client on keep-alive connections (bot/messaging/keepalive_http.py), against a
scripted HTTP server on the loopback interface."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.messaging.keepalive_http import KeepAliveRequest

OK = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 25\r\n\r\n{"ok":true,"result":true}'


class ScriptedServer:
    """Reads each request whole (head and Content-Length body) and answers with `answer(request)`
    (None: close the connection without a word)."""

    def __init__(self, answer: Callable[[bytes], Any]) -> None:
        self.answer = answer
        self.requests: list[bytes] = []
        self.connections = 0
        self.writers: list[asyncio.StreamWriter] = []
        self.handlers: list[asyncio.Task[Any]] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        task = asyncio.current_task()
        assert task is not None
        self.handlers.append(task)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                answer = self.answer(request)
                if asyncio.iscoroutine(answer):
                    answer = await answer
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass  # the client left, or the test is over
        finally:
            writer.close()


@asynccontextmanager
async def serving(answer: Callable[[bytes], Any]) -> AsyncIterator[tuple[ScriptedServer, str]]:
    scripted = ScriptedServer(answer)
    server = await asyncio.start_server(scripted.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield scripted, f"http://127.0.0.1:{port}/bot123:abc"
    finally:
        for writer in scripted.writers:
            writer.close()
        for task in scripted.handlers:
            task.cancel()
        await asyncio.gather(*scripted.handlers, return_exceptions=True)
        server.close()
        await server.wait_closed()


@asynccontextmanager
async def client(**options: Any) -> AsyncIterator[KeepAliveRequest]:
    request = KeepAliveRequest(**options)
    await request.initialize()
    try:
        yield request
    finally:
        await request.shutdown()


def parameters(**values: Any) -> list[RequestParameter]:
    return [RequestParameter.from_input(name, value) for name, value in values.items()]


def form_of(request: bytes) -> dict[str, str]:
    return dict(parse_qsl(request.split(b"\r\n\r\n", 1)[1].decode()))


async def test_a_call_is_a_form_post_and_the_connection_is_kept_for_the_next():
    async with serving(lambda _request: OK) as (server, base), client() as request:
        data = RequestData(parameters(chat_id=42, text="Hé & <b>hi</b>"))
        first = await request.do_request(f"{base}/sendMessage", "POST", data)
        second = await request.do_request(f"{base}/getMe", "POST")
    assert first == (200, b'{"ok":true,"result":true}')
    assert second[0] == 200
    assert server.connections == 1
    assert request.connections_made == 1
    head = server.requests[0].split(b"\r\n\r\n")[0].decode().split("\r\n")
    assert head[0] == "POST /bot123:abc/sendMessage HTTP/1.1"
    assert f"Host: {base.split('/')[2]}" in head
    assert f"User-Agent: {BaseRequest.USER_AGENT}" in head
    assert "Content-Type: application/x-www-form-urlencoded" in head
    # The same fields as PTB's HTTPXRequest posts: each value JSON-encoded.
    assert form_of(server.requests[0]) == {"chat_id": "42", "text": "Hé & <b>hi</b>"}
    assert server.requests[1].endswith(b"Content-Length: 0\r\n\r\n")


async def test_calls_at_once_take_connections_of_their_own_up_to_the_limit():
    release = asyncio.Event()

    async def held(_request: bytes) -> bytes:
        await release.wait()
        return OK

    async with serving(held) as (server, base), client(max_connections=3) as request:
        calls = [asyncio.create_task(request.do_request(f"{base}/getMe", "POST")) for _ in range(3)]
        async with asyncio.timeout(5):
            while len(server.requests) < 3:  # noqa: ASYNC110 (state outside any event)
                await asyncio.sleep(0.01)
        # A fourth waits for a free connection no longer than the pool timeout.
        with pytest.raises(TimedOut, match="Pool timeout"):
            await request.do_request(f"{base}/getMe", "POST", pool_timeout=0.05)
        release.set()
        assert [status for status, _ in await asyncio.gather(*calls)] == [200] * 3
        assert server.connections == 3
        # Afterwards they are all reused.
        await asyncio.gather(*(request.do_request(f"{base}/getMe", "POST") for _ in range(3)))
        assert server.connections == 3


async def test_connection_close_and_a_server_gone_quiet_mean_new_connections():
    answers = [
        OK.replace(b"Content-Type", b"Connection: close\r\nContent-Type"),
        OK,
        OK,
    ]
    async with serving(lambda _request: answers.pop(0)) as (server, base), client() as request:
        await request.do_request(f"{base}/getMe", "POST")
        await request.do_request(f"{base}/getMe", "POST")
        assert server.connections == 2
        # The server lets an idle connection go: it is noticed, and not used again.
        server.writers[-1].close()
        await asyncio.sleep(0.05)
        assert (await request.do_request(f"{base}/getMe", "POST"))[0] == 200
        assert server.connections == 3


async def test_a_chunked_answer_in_pieces():
    answer = b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"o\r\n9\r\nk":false}\r\n0\r\n\r\n'
    async with serving(lambda _request: answer) as (_server, base), client() as request:
        assert await request.do_request(f"{base}/getMe", "POST") == (200, b'{"ok":false}')


async def test_no_answer_is_a_network_error_and_a_slow_one_times_out():
    async def slow(_request: bytes) -> bytes:
        await asyncio.Event().wait()  # never answers
        return OK

    async with serving(lambda _request: None) as (_server, base), client() as request:
        with pytest.raises(NetworkError, match="disconnected"):
            await request.do_request(f"{base}/getMe", "POST")
    async with serving(slow) as (_server, base), client() as request:
        with pytest.raises(TimedOut):
            await request.do_request(f"{base}/getMe", "POST", read_timeout=0.05)
        # That connection is never used again (its answer may still come).
        assert request.connections_made == 1
        with pytest.raises(TimedOut):
            await request.do_request(f"{base}/getMe", "POST", read_timeout=0.05)
        assert request.connections_made == 2


async def test_nothing_listening_is_a_network_error():
    async with serving(lambda _request: OK) as (_server, base):
        pass  # closed again: the port is free
    async with client() as request:
        with pytest.raises(NetworkError, match="cannot connect"):
            await request.do_request(f"{base}/getMe", "POST")


class RecordingRequest(BaseRequest):
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        self.calls.append((method, url))
        return 200, b'{"ok":true,"result":true}'


async def test_uploads_and_downloads_go_through_the_fallback():
    fallback = RecordingRequest()
    async with client(fallback=fallback) as request:
        upload = RequestData(
            parameters(chat_id=1, document=InputFile(b"BEGIN:VCALENDAR", filename="a.ics"))
        )
        await request.do_request("http://127.0.0.1:9/bot1:a/sendDocument", "POST", upload)
        await request.do_request("http://127.0.0.1:9/file/bot1:a/x.png", "GET")
    assert fallback.calls == [
        ("POST", "http://127.0.0.1:9/bot1:a/sendDocument"),
        ("GET", "http://127.0.0.1:9/file/bot1:a/x.png"),
    ]
    assert request.connections_made == 0


async def test_a_proxy_in_the_environment_sends_everything_through_the_fallback(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    fallback = RecordingRequest()
    async with client(fallback=fallback) as request:
        await request.do_request("https://api.telegram.org/bot1:a/getMe", "POST")
    assert fallback.calls == [("POST", "https://api.telegram.org/bot1:a/getMe")]


async def test_ptb_reads_answers_and_errors_through_it():
    def answer(request: bytes) -> bytes:
        if b"/getMe " in request:
            me = {"id": 123, "is_bot": True, "first_name": "Clinic", "username": "clinic_bot"}
            body = json.dumps({"ok": True, "result": me}).encode()
            return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        fields = form_of(request)
        if fields.get("text") == "boom":
            body = json.dumps(
                {"ok": False, "error_code": 400, "description": "Bad Request: boom"}
            ).encode()
            return b"HTTP/1.1 400 Bad Request\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        return OK

    async with serving(answer) as (server, base):
        bot = Bot("123:abc", base_url=base.removesuffix("123:abc"), request=KeepAliveRequest())
        async with bot:
            assert await bot._post("sendMessage", {"chat_id": 7, "text": "hi"}) is True
            with pytest.raises(BadRequest, match=r"(?i)boom"):
                await bot._post("sendMessage", {"chat_id": 7, "text": "boom"})
    assert form_of(server.requests[1]) == {"chat_id": "7", "text": "hi"}
