"""Reading a Bot API answer as HTTP/1.1 from bytes as they arrive (bot/messaging/keepalive_http)."""

from __future__ import annotations

import pytest

from bot.messaging.keepalive_http import ResponseError, ResponseReader


def read(*pieces: bytes) -> tuple[ResponseReader, list[bool]]:
    reader = ResponseReader()
    return reader, [reader.feed(piece) for piece in pieces]


def bytewise(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def test_a_body_of_known_length_completes_with_its_last_byte():
    answer = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'
    reader, done = read(*bytewise(answer))
    assert done == [False] * (len(answer) - 1) + [True]
    assert reader.status == 200
    assert reader.body == b'{"ok":true}'
    assert reader.keep_alive


def test_a_chunked_body_is_joined_whatever_the_pieces():
    answer = (
        b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"
    )
    reader, done = read(*bytewise(answer))
    assert done[-1] is True
    assert not any(done[:-1])
    assert (reader.status, reader.body) == (400, b"hello, world")


def test_a_chunked_body_with_trailers():
    reader, done = read(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Sum: 1\r\n\r\n"
    )
    assert done == [True]
    assert reader.body == b"ok"


def test_an_interim_answer_is_skipped():
    reader, done = read(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    )
    assert done == [True]
    assert (reader.status, reader.body) == (200, b"ok")


@pytest.mark.parametrize(
    ("head", "keep_alive"),
    [
        (b"HTTP/1.1 200 OK\r\nConnection: close\r\n", False),
        (b"HTTP/1.1 200 OK\r\n", True),
        (b"HTTP/1.0 200 OK\r\n", False),
        (b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n", True),
    ],
)
def test_whether_the_connection_may_be_used_again(head, keep_alive):
    reader, done = read(head + b"Content-Length: 0\r\n\r\n")
    assert done == [True]
    assert reader.keep_alive is keep_alive


def test_a_body_without_a_length_ends_with_the_connection():
    reader, done = read(b"HTTP/1.1 200 OK\r\n\r\n", b"partial ", b"answer")
    assert done == [False, False, False]
    assert reader.closed() is True
    assert reader.body == b"partial answer"
    assert not reader.keep_alive


def test_a_connection_closed_mid_body_is_no_answer():
    reader, done = read(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
    assert done == [False]
    assert reader.closed() is False


def test_no_body_for_204():
    reader, done = read(b"HTTP/1.1 204 No Content\r\n\r\n")
    assert done == [True]
    assert reader.body == b""


@pytest.mark.parametrize(
    "answer",
    [
        b"SSH-2.0-OpenSSH\r\n\r\n",
        b"HTTP/1.1 2x0 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
    ],
)
def test_what_is_not_http_is_refused(answer):
    with pytest.raises(ResponseError):
        ResponseReader().feed(answer)


def test_an_endless_head_is_refused():
    reader = ResponseReader()
    filler = b"HTTP/1.1 200 OK\r\n" + b"X-Filler: aaaa\r\n" * 5000
    with pytest.raises(ResponseError, match="too long"):
        reader.feed(filler)
