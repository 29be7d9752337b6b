"""A lean HTTP/1.1 keep-alive client for the Bot API's everyday calls, on asyncio's own transports.

Each Bot API call through httpx walks five layers (PTB's HTTPXRequest, httpx's client with its
auth, redirects and cookies, httpcore's pool with a socket check per idle connection, h11, anyio):
in the concurrency benchmark that was ~0.8 ms of the event loop's CPU per call, two calls per
update (the press answered, the reply), the largest share of the bot's CPU per update. A Bot API
call is always the same shape: a POST of form fields to one host, a short answer with a length
(or chunked). `KeepAliveRequest` does exactly that on `asyncio.Protocol` connections kept open
and reused, and hands everything else to PTB's HTTPXRequest (`fallback`): uploads (multipart),
GETs (file downloads), and every call when the environment names a proxy (httpx honours
HTTPS_PROXY and friends; this client does not speak to proxies).

Same requests on the wire as HTTPXRequest sends (the same form encoding, User-Agent and
timeouts), the same errors for PTB (`TimedOut`, `NetworkError`), TLS with httpx's own context
(certifi's roots). No retry on a broken connection, as httpx does none: a POST may have been
acted on.
"""

from __future__ import annotations

import asyncio
import collections
import time
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

# PTB's HTTPXRequest defaults (its documented timeouts, 256 connections) and httpx's keep-alive.
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MAX_CONNECTIONS = 256
KEEPALIVE_EXPIRY = 5.0  # seconds an idle connection is kept (httpx's default)
MAX_HEAD_BYTES = 64 * 1024  # a status line and headers longer than this are refused

_DEFAULT = BaseRequest.DEFAULT_NONE


class ResponseError(Exception):
    """The server's answer could not be read as HTTP/1.1."""


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"


class ResponseReader:
    """Reads one HTTP/1.1 response from the bytes as they arrive (no parsing library).

    `feed(data)` returns True once the response is complete; then `status`, `body` and
    `keep_alive` say what came. Content-Length, chunked and read-until-close bodies."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.status = 0
        self.body = b""
        self.keep_alive = True
        self._head_done = False
        self._length: int | None = None
        self._chunked = False
        self._until_close = False
        self._chunks: list[bytes] = []
        self._at = 0  # where the next chunk's size line starts

    def feed(self, data: bytes) -> bool:
        self.buffer += data
        if not self._head_done and not self._read_head():
            return False
        if self._chunked:
            return self._read_chunks()
        if self._until_close:
            return False
        assert self._length is not None
        if len(self.buffer) < self._length:
            return False
        if len(self.buffer) > self._length:
            raise ResponseError("more bytes than the response's Content-Length")
        self.body = bytes(self.buffer)
        return True

    def closed(self) -> bool:
        """The server closed the connection: True when that ends the response (its body was
        to be read until the close)."""
        if self._head_done and self._until_close:
            self.body = bytes(self.buffer)
            self.keep_alive = False
            return True
        return False

    def _read_head(self) -> bool:
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD_BYTES:
                    raise ResponseError("response head too long")
                return False
            lines = bytes(self.buffer[:end]).split(b"\r\n")
            del self.buffer[: end + 4]
            version, _, rest = lines[0].partition(b" ")
            code = rest[:3]
            if not version.startswith(b"HTTP/1.") or not code.isdigit():
                raise ResponseError("not an HTTP/1.x response")
            self.status = int(code)
            if 100 <= self.status < 200:  # an interim answer (100 Continue): the real one follows
                continue
            break
        headers: dict[bytes, bytes] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(b":")
            if not sep:
                raise ResponseError("malformed header line")
            key = name.strip().lower()
            value = value.strip()
            headers[key] = headers[key] + b", " + value if key in headers else value
        connection = headers.get(b"connection", b"").lower()
        if version == b"HTTP/1.0":
            self.keep_alive = b"keep-alive" in connection
        else:
            self.keep_alive = b"close" not in connection
        self._head_done = True
        if self.status in (204, 304):
            self._length = 0
        elif b"chunked" in headers.get(b"transfer-encoding", b"").lower():
            self._chunked = True
        elif b"content-length" in headers:
            length = headers[b"content-length"]
            if not length.isdigit():
                raise ResponseError("malformed Content-Length")
            self._length = int(length)
        else:
            self._until_close = True
            self.keep_alive = False
        return True

    def _read_chunks(self) -> bool:
        buffer = self.buffer
        while True:
            line_end = buffer.find(b"\r\n", self._at)
            if line_end < 0:
                return False
            size_text = bytes(buffer[self._at : line_end]).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise ResponseError("malformed chunk size") from None
            if size == 0:
                # The trailer section (usually empty) ends with an empty line.
                trailer_end = buffer.find(b"\r\n\r\n", line_end)
                if buffer[line_end : line_end + 4] == b"\r\n\r\n":
                    trailer_end = line_end
                if trailer_end < 0:
                    return False
                if trailer_end + 4 != len(buffer):
                    raise ResponseError("bytes after the last chunk")
                self.body = b"".join(self._chunks)
                return True
            start, end = line_end + 2, line_end + 2 + size
            if len(buffer) < end + 2:
                return False
            if buffer[end : end + 2] != b"\r\n":
                raise ResponseError("malformed chunk")
            self._chunks.append(bytes(buffer[start:end]))
            self._at = end + 2


class Connection(asyncio.Protocol):
    """One keep-alive connection: one request at a time, its response read as it arrives."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = time.monotonic()
        self._reader: ResponseReader | None = None
        self._waiter: asyncio.Future[ResponseReader] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def send(self, data: bytes) -> asyncio.Future[ResponseReader]:
        assert self.transport is not None
        self._reader = ResponseReader()
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return self._waiter

    def data_received(self, data: bytes) -> None:
        reader, waiter = self._reader, self._waiter
        if reader is None or waiter is None or waiter.done():
            self.close()  # bytes nobody asked for: this connection cannot be trusted
            return
        try:
            complete = reader.feed(data)
        except ResponseError as exc:
            self.close()
            waiter.set_exception(exc)
            return
        if complete:
            self._reader = self._waiter = None
            if not reader.keep_alive:
                self.close()
            waiter.set_result(reader)

    def eof_received(self) -> bool:
        self._ended(None)
        return False  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended(exc)

    def _ended(self, exc: Exception | None) -> None:
        self.closed = True
        reader, waiter = self._reader, self._waiter
        self._reader = self._waiter = None
        if waiter is None or waiter.done():
            return
        if reader is not None and reader.closed():
            waiter.set_result(reader)
        else:
            waiter.set_exception(
                ResponseError(f"server disconnected without a full response ({exc or 'EOF'})")
            )

    def usable(self, now: float) -> bool:
        """Open, and not idle longer than KEEPALIVE_EXPIRY (the server may have let it go)."""
        if self.closed or self.transport is None or self.transport.is_closing():
            return False
        return now - self.idle_since <= KEEPALIVE_EXPIRY

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class KeepAliveRequest(BaseRequest):
    """PTB's request interface over `Connection`s kept open, up to `max_connections`."""

    def __init__(
        self,
        *,
        max_connections: int = MAX_CONNECTIONS,
        read_timeout: float | None = READ_TIMEOUT,
        write_timeout: float | None = WRITE_TIMEOUT,
        connect_timeout: float | None = CONNECT_TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
        fallback: BaseRequest | None = None,
    ) -> None:
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.max_connections = max_connections
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        # Uploads, downloads and proxied calls: PTB's own request (few of them, one small pool).
        self.fallback = fallback or HTTPXRequest(
            connection_pool_size=16,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        self._idle: dict[Origin, collections.deque[Connection]] = {}
        self._slots: asyncio.Semaphore | None = None
        self._origins: dict[str, tuple[Origin, str]] = {}
        self._ssl: Any = None
        self._proxied = bool(urllib.request.getproxies())
        self.connections_made = 0

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        self._slots = asyncio.Semaphore(self.max_connections)
        await self.fallback.initialize()

    async def shutdown(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()
        await self.fallback.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = _DEFAULT,
        write_timeout: Any = _DEFAULT,
        connect_timeout: Any = _DEFAULT,
        pool_timeout: Any = _DEFAULT,
    ) -> tuple[int, bytes]:
        if (
            method != "POST"
            or self._proxied
            or (request_data is not None and request_data.contains_files)
        ):
            return await self.fallback.do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        slots = self._slots
        if slots is None:
            raise RuntimeError("This KeepAliveRequest is not initialized!")
        origin, target = self._origin(url)
        body = urlencode(request_data.json_parameters).encode() if request_data else b""
        head = (
            f"POST {target} HTTP/1.1\r\nHost: {origin.host_header}\r\n"
            f"User-Agent: {self.USER_AGENT}\r\nAccept: */*\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1")
        await self._take_slot(slots, self._given(pool_timeout, self._pool_timeout))
        try:
            connection = await self._connection(
                origin, self._given(connect_timeout, self._connect_timeout)
            )
            return await self._exchange(
                connection,
                origin,
                head + body,
                self._given(write_timeout, self._write_timeout),
                self._given(read_timeout, self._read_timeout),
            )
        finally:
            slots.release()

    @staticmethod
    def _given(value: Any, default: float | None) -> float | None:
        return default if value is _DEFAULT else value  # type: ignore[no-any-return]

    async def _take_slot(self, slots: asyncio.Semaphore, patience: float | None) -> None:
        if not slots.locked():
            await slots.acquire()
            return
        try:
            async with asyncio.timeout(patience):
                await slots.acquire()
        except TimeoutError:
            raise TimedOut(
                message=(
                    "Pool timeout: All connections in the connection pool are occupied. "
                    "Request was *not* sent to Telegram. Consider adjusting the connection "
                    "pool size or the pool timeout."
                )
            ) from None

    def _origin(self, url: str) -> tuple[Origin, str]:
        found = self._origins.get(url)
        if found is None:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise NetworkError(f"unsupported URL for the Bot API: {parts.scheme}://...")
            port = parts.port or (443 if parts.scheme == "https" else 80)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            found = (Origin(parts.scheme, parts.hostname, port), target)
            if len(self._origins) < 4096:  # one URL per method: a handful
                self._origins[url] = found
        return found

    async def _connection(self, origin: Origin, patience: float | None) -> Connection:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            connection = idle.pop()  # the most recently used: the warmest
            if connection.usable(now):
                return connection
            connection.close()
        loop = asyncio.get_running_loop()
        ssl = None
        if origin.scheme == "https":
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context()
            ssl = self._ssl
        try:
            async with asyncio.timeout(patience):
                _transport, connection = await loop.create_connection(
                    Connection,
                    origin.host,
                    origin.port,
                    ssl=ssl,
                    server_hostname=origin.host if ssl is not None else None,
                )
        except TimeoutError as exc:
            raise TimedOut("Timed out connecting to the Bot API") from exc
        except OSError as exc:
            raise NetworkError(f"cannot connect to the Bot API: {exc}") from exc
        self.connections_made += 1
        return connection

    async def _exchange(
        self,
        connection: Connection,
        origin: Origin,
        data: bytes,
        write_timeout: float | None,
        read_timeout: float | None,
    ) -> tuple[int, bytes]:
        # Small bodies: the write is buffered at once, so the wait is for the answer (httpx
        # counts its read timeout per read; a Bot API answer is one or two reads).
        del write_timeout
        done = False
        try:
            async with asyncio.timeout(read_timeout):
                reader = await connection.send(data)
            done = True
        except TimeoutError as exc:
            raise TimedOut from exc
        except ResponseError as exc:
            raise NetworkError(f"Bot API connection: {exc}") from exc
        finally:
            if not done:
                connection.close()  # a response half read (or cancelled): never reused
        if not connection.closed:
            now = connection.idle_since = time.monotonic()
            idle = self._idle.setdefault(origin, collections.deque())
            idle.append(connection)
            while not idle[0].usable(now):  # the oldest first: closed, or idle too long
                idle.popleft().close()
        return reader.status, reader.body
