"""Telegram Mini App `initData`: checked exactly as Telegram documents it.

core.telegram.org/bots/webapps, "Validating data received via the Mini App": `initData` is a
URL-encoded query string. The data-check-string is every received field except `hash`, as
`key=<value>` lines (values decoded) sorted by key and joined with "\\n". The secret key is
HMAC-SHA-256 of the bot token under the literal key "WebAppData"; the expected `hash` is the hex
HMAC-SHA-256 of the data-check-string under that secret key. (A `signature` field, Telegram's
Ed25519 signature for third parties, is a received field like any other and stays in the string.)

`auth_date` older than MAX_AGE is refused, so initData lifted from a page or a log cannot be
replayed for long; the user id comes only from the signed `user` field.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

from bot.web.telegram_signature import data_check_string

MAX_AGE = timedelta(hours=1)
# A few minutes ahead is a skewed clock; further is not Telegram.
MAX_CLOCK_SKEW = timedelta(minutes=5)
MAX_INIT_DATA_BYTES = 8 * 1024
MAX_FIELDS = 32
_SECRET_LABEL = b"WebAppData"


class InitDataRefused(Exception):
    """Not initData Telegram signed for this bot, or too old; `reason` is for logs and audit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class WebAppUser:
    """Who opened the Mini App, from the signed `user` field."""

    user_id: int
    first_name: str
    auth_date: datetime


def init_data_hash(fields: dict[str, str], *, bot_token: str) -> str:
    """The hex hash Telegram puts on initData signed for the bot with `bot_token`."""
    secret = hmac.new(_SECRET_LABEL, bot_token.encode("utf-8"), hashlib.sha256).digest()
    message = data_check_string(fields).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def sign_init_data(fields: dict[str, str], *, bot_token: str) -> str:
    """initData as a Telegram client would hand it to the page (the sandbox and tests sign)."""
    signed = {**fields, "hash": init_data_hash(fields, bot_token=bot_token)}
    return urlencode(signed)


def verify_init_data(raw: str, *, bot_token: str, now: datetime) -> WebAppUser:
    """The user Telegram vouches for, or InitDataRefused (forged, altered, stale, malformed)."""
    if not raw or len(raw.encode("utf-8", "replace")) > MAX_INIT_DATA_BYTES:
        raise InitDataRefused("missing or too long")
    try:
        pairs = parse_qsl(
            raw, keep_blank_values=True, strict_parsing=True, max_num_fields=MAX_FIELDS
        )
    except ValueError:
        raise InitDataRefused("malformed") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataRefused("a field given twice")
    given = fields.get("hash", "")
    if not given or "auth_date" not in fields or "user" not in fields:
        raise InitDataRefused("missing fields")
    expected = init_data_hash(fields, bot_token=bot_token)
    if not hmac.compare_digest(expected.encode("ascii"), given.lower().encode("ascii", "replace")):
        raise InitDataRefused("bad hash")
    try:
        signed_at = datetime.fromtimestamp(int(fields["auth_date"]), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise InitDataRefused("malformed auth_date") from None
    if now - signed_at > MAX_AGE:
        raise InitDataRefused("stale auth_date")
    if signed_at - now > MAX_CLOCK_SKEW:
        raise InitDataRefused("auth_date in the future")
    return _user(fields["user"], signed_at)


def _user(raw: str, signed_at: datetime) -> WebAppUser:
    try:
        user = json.loads(raw)
    except ValueError:
        raise InitDataRefused("malformed user") from None
    if not isinstance(user, dict):
        raise InitDataRefused("malformed user")
    user_id = user.get("id")
    # bool is an int in Python; Telegram's ids are positive integers.
    if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id <= 0:
        raise InitDataRefused("malformed user id")
    first_name = user.get("first_name")
    return WebAppUser(
        user_id=user_id,
        first_name=first_name[:64] if isinstance(first_name, str) else "",
        auth_date=signed_at,
    )
