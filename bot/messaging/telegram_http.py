"""The bot's HTTP connections to the Bot API: PTB's request interface on aiohttp.

Two Bot API calls answer most updates (the press answered, the reply sent). Through PTB's
HTTPXRequest each one walked httpx's client (request building, auth, redirects, cookies),
httpcore's pool (a socket check for every idle connection whenever a request joins or leaves it),
h11 and anyio: in the concurrency benchmark (200 patients at once) that was the largest share of
the bot's CPU, ~2.7 ms of the event loop's per update. aiohttp's client (C-accelerated HTTP
parser, a connection pool that takes the newest idle connection without walking the rest) does
the same calls for ~1.4 ms. aiohttp was already in the lock (twilio's async client needs it).

What goes on the wire is what HTTPXRequest sent: PTB's User-Agent, the fields as a form
(url-encoded; multipart with the files for uploads), the same default timeouts, TLS with httpx's
own context (certifi's roots), proxies from the environment (HTTPS_PROXY, NO_PROXY). Errors
reach PTB as `TimedOut` and `NetworkError`, never with the request's URL (it holds the token).

aiohttp's own `trust_env` would look the proxy and ~/.netrc up again for every call, each in a
worker thread (reading the whole environment and the file): in the benchmark that was half of the
worker threads' CPU. The proxy for a URL is looked up once instead (the environment does not
change under a running bot; httpx, too, never read .netrc unasked), and no cookie jar is kept
(the Bot API sets no cookies).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import aiohttp
import httpx
from aiohttp.helpers import get_env_proxy_for_url
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

# PTB's HTTPXRequest defaults: 256 connections, 5 s to connect, write and read, 1 s to wait for
# a free connection, 20 s to write an upload.
CONNECTIONS = 256
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0
KEEPALIVE_SECONDS = 5.0  # an idle connection is closed after this (httpx's default too)

_DEFAULT = BaseRequest.DEFAULT_NONE
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_TOKEN = re.compile(r"bot\d+:[\w-]+")


class AiohttpRequest(BaseRequest):
    """PTB's BaseRequest over one aiohttp session of up to `connections` keep-alive connections."""

    def __init__(
        self,
        *,
        connections: int = CONNECTIONS,
        read_timeout: float | None = READ_TIMEOUT,
        write_timeout: float | None = WRITE_TIMEOUT,
        connect_timeout: float | None = CONNECT_TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
        media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT,
    ) -> None:
        if connections < 1:
            raise ValueError("connections must be at least 1")
        self.connections = connections
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, tuple[URL | None, aiohttp.BasicAuth | None]] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.connections,
                ssl=httpx.create_ssl_context(),
                keepalive_timeout=KEEPALIVE_SECONDS,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()

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
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        uploads = request_data is not None and request_data.contains_files
        timeout = self._timeout(
            read=self._given(read_timeout, self._read_timeout),
            write=self._given(
                write_timeout, self._media_write_timeout if uploads else self._write_timeout
            ),
            connect=self._given(connect_timeout, self._connect_timeout),
            pool=self._given(pool_timeout, self._pool_timeout),
        )
        proxy, proxy_auth = self._proxy_for(url)
        body = self._body(request_data)
        try:
            async with session.request(
                method,
                url,
                data=body,
                headers=_FORM if isinstance(body, bytes) else None,
                timeout=timeout,
                proxy=proxy,
                proxy_auth=proxy_auth,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from err
        except aiohttp.ClientError as err:
            # Some aiohttp errors quote the URL, which holds the bot's token.
            said = _TOKEN.sub("bot<token>", str(err).replace(url, "<Bot API URL>"))
            raise NetworkError(f"aiohttp.{type(err).__name__}: {said}") from err

    def _proxy_for(self, url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """The environment's proxy for this URL (HTTP(S)_PROXY, NO_PROXY), looked up once."""
        found = self._proxies.get(url)
        if found is None:
            try:
                found = get_env_proxy_for_url(URL(url))
            except LookupError:
                found = (None, None)
            if len(self._proxies) < 1024:  # one URL per Bot API method: a few dozen
                self._proxies[url] = found
        return found

    @staticmethod
    def _given(value: Any, default: float | None) -> float | None:
        return default if value is _DEFAULT else value  # type: ignore[no-any-return]

    @staticmethod
    def _timeout(
        *, read: float | None, write: float | None, connect: float | None, pool: float | None
    ) -> aiohttp.ClientTimeout:
        """PTB's four timeouts in aiohttp's terms: `sock_connect` to open a connection,
        `connect` to get one (waiting for a free one, then opening it), `sock_read` between two
        reads of the answer; aiohttp has no write timeout, so the whole call is bounded by the
        sum of all four."""
        parts = (read, write, connect, pool)
        total = None if any(part is None for part in parts) else sum(p or 0.0 for p in parts)
        getting = None if connect is None or pool is None else connect + pool
        return aiohttp.ClientTimeout(
            total=total, connect=getting, sock_connect=connect, sock_read=read
        )

    @staticmethod
    def _body(request_data: RequestData | None) -> bytes | aiohttp.FormData | None:
        """The fields as HTTPXRequest sent them: a url-encoded form (encoded here, the way
        aiohttp's FormData would, without building one per call), multipart with files."""
        if request_data is None:
            return None
        if not request_data.contains_files:
            return urlencode(request_data.json_parameters).encode()
        form = aiohttp.FormData()
        for name, value in request_data.json_parameters.items():
            form.add_field(name, value)
        for name, (filename, content, mime_type) in request_data.multipart_data.items():
            form.add_field(name, content, filename=filename, content_type=mime_type)
        return form
