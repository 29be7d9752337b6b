"""What the console answers when something goes wrong: no traceback, its headers, a plain page.

Starlette's defaults would log the traceback of an unexpected error (a database error quotes the
statement's parameters: names, phone numbers) and answer 500/404/405 without the console's
security headers. This middleware sits around the whole app but acts on /console paths only.
"""

from __future__ import annotations

import logging
from html import escape

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.db.engine import DatabaseUnavailable
from bot.web.console.base import PREFIX
from bot.web.console.security import security_headers

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
# A year, this host only (subdomains may be other services of the clinic's).
HSTS = (b"strict-transport-security", b"max-age=31536000")


def is_console(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def error_page(status: int, title: str, message: str) -> bytes:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
        f'<p>{escape(message)}</p><p><a href="{PREFIX}/day">Today</a></p></body></html>'
    ).encode()


class ConsoleGuard:
    """Adds the security headers to /console answers made outside the console's own code (404,
    405) and Strict-Transport-Security to every one over https, and turns an unexpected error into a page: 503 with Retry-After when the database is
    unreachable, 500 otherwise; only the exception's type is logged."""

    def __init__(self, app: ASGIApp, *, public_https: bool = False) -> None:
        self.app = app
        self.public_https = public_https  # behind a proxy that ends TLS, the scheme says http

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_console(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        started = False
        https = self.public_https or scope.get("scheme") == "https"

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                if https and HSTS[0] not in present:
                    # Served over https: the browser keeps to https for this site from now on.
                    headers.append(HSTS)
                    message = {**message, "headers": headers}
                if b"content-security-policy" not in present:
                    # Not drawn by the console (Starlette's 404/405): the console's headers.
                    headers += [
                        (name.lower().encode("latin-1"), value.encode("latin-1"))
                        for name, value in security_headers().items()
                        if name.lower().encode("latin-1") not in present
                    ]
                    message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, guarded_send)
        except Exception as exc:
            # Database errors quote the statement's parameters (names, numbers): type only.
            log.error(
                "console %s %s failed: %s",
                scope.get("method", "?"),
                scope.get("path", "")[:80],
                type(exc).__name__,
            )
            if started:
                return  # the answer is under way; the server closes the connection
            if isinstance(exc, DatabaseUnavailable):
                status, extra = 503, [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())]
                body = error_page(
                    status,
                    "Database unavailable",
                    "The clinic's database cannot be reached just now. Nothing was changed. "
                    f"Try again in {RETRY_AFTER_SECONDS} seconds.",
                )
            else:
                status, extra = 500, []
                body = error_page(
                    status,
                    "Something went wrong",
                    "This page could not be shown; the error is logged. If you were changing "
                    "something, open the page again to see whether it was done.",
                )
            headers = [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *[
                    (name.lower().encode("latin-1"), value.encode("latin-1"))
                    for name, value in security_headers().items()
                ],
                *extra,
                *([HSTS] if https else []),
            ]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
