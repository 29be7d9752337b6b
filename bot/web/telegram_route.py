"""Telegram's webhook (/telegram): an Update, handed on (the bot stores it in the inbox) before
Telegram gets its 200.

Authenticated by Telegram's secret-token header (compared in constant time); the body is
size-capped and its nesting checked before it is parsed. Nothing here logs a message.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from bot.db.engine import DatabaseUnavailable
from bot.web.plumbing import TooLarge, WebContext, forbidden, read_body, too_large, unavailable

log = logging.getLogger(__name__)

# Telegram updates are JSON objects; even a long message with entities is a few kilobytes.
MAX_TELEGRAM_BODY_BYTES = 1024 * 1024
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# A real Update nests about ten levels; thousands would overflow the parser (and later copies).
MAX_JSON_DEPTH = 64


def json_depth(body: bytes) -> int:
    """How deeply a JSON text nests arrays and objects (strings skipped), without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def too_deep(body: bytes) -> bool:
    """Nested deeper than MAX_JSON_DEPTH. A level needs an opening bracket: a body with fewer in
    all (a real Update has a few dozen) is not walked byte by byte in Python."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return False
    return json_depth(body) > MAX_JSON_DEPTH


TelegramWebhook = Callable[[dict[str, Any]], Awaitable[object]]
"""Takes one Update as decoded JSON: `lambda data: app.update_queue.put(Update.de_json(...))`.

What it returns, when a dict, is a Bot API call (its "method" and parameters) for the response:
Telegram makes that call itself (bot/updates.py `answer_on_receipt`)."""


class TelegramRoute:
    """POST /telegram, handing each Update to `telegram_webhook` (None: webhook mode is off)."""

    def __init__(self, context: WebContext, *, telegram_webhook: TelegramWebhook | None) -> None:
        self.core = context.core
        self.telegram_webhook = telegram_webhook

    async def telegram(self, request: Request) -> Response:
        """POST /telegram: an Update from Telegram (webhook mode)."""
        secret = self.core.settings.telegram_webhook_secret
        if self.telegram_webhook is None or secret is None:
            return PlainTextResponse("not found", status_code=404)
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8")):
            log.warning("telegram webhook refused: wrong or missing secret token")
            return forbidden()
        try:
            body = await read_body(request, MAX_TELEGRAM_BODY_BYTES)
        except TooLarge:
            return too_large()
        if too_deep(body):
            return PlainTextResponse("JSON nested too deeply", status_code=400)
        try:
            update = json.loads(body)
        except (UnicodeDecodeError, ValueError, RecursionError):
            return PlainTextResponse("malformed JSON", status_code=400)
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return PlainTextResponse("not an Update", status_code=400)
        try:
            answer = await self.telegram_webhook(update)
        except DatabaseUnavailable:
            log.error("telegram update %s not stored: database unavailable", update["update_id"])
            return unavailable()
        except Exception as exc:
            # A non-200 makes Telegram retry the update later, which is what we want here.
            log.error("telegram update %s not queued: %s", update["update_id"], type(exc).__name__)
            return PlainTextResponse("internal error", status_code=500)
        if isinstance(answer, dict):
            return JSONResponse(answer)
        return Response(status_code=200)
