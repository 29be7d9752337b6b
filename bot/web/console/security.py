"""The console's sign-in checks: the Telegram Login Widget's hash, signed sessions, CSRF tokens.

Login Widget (core.telegram.org/widgets/login, "Checking authorization"): the data-check-string
is every received field except `hash`, as `key=value` lines sorted by key and joined with "\\n";
the secret key is the SHA-256 digest of the bot token; the expected `hash` is the hex
HMAC-SHA-256 of the data-check-string under that key. `auth_date` older than MAX_AUTH_AGE is
refused, and a payload that signed someone in never does again, so a URL left in a browser's
history cannot be replayed.

A session is a cookie holding who signed in, when it expires and a random id, signed with
HMAC-SHA-256 under a key derived from the bot token (every replica derives the same key; a new
token ends every session). The CSRF token of a session is an HMAC of its id under another
derived key: forms carry it, and a POST without the right one changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.web.telegram_signature import data_check_string

# How old a Login Widget payload may be. Telegram's docs leave the window to the site; the
# payload is a GET URL that stays in the browser's history on a shared front-desk PC, so the
# window is just long enough for the redirect from oauth.telegram.org (and some clock skew), and
# a payload is also accepted only once (bot.services.console_sessions.claim_login).
MAX_AUTH_AGE = timedelta(minutes=5)
# A widget payload from a few minutes in the future is a skewed clock; further is not Telegram.
MAX_CLOCK_SKEW = timedelta(minutes=5)
SESSION_LIFETIME = timedelta(hours=10)  # a clinic day and a bit: sign in once per shift
MAX_FIELD_LENGTH = 512


class LoginRefused(Exception):
    """The widget payload is not Telegram's, or is too old; `reason` is for the audit log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TelegramLogin:
    user_id: int
    first_name: str
    auth_date: datetime


def widget_hash(fields: Mapping[str, str], *, bot_token: str) -> str:
    """The hash Telegram puts on a Login Widget payload signed for this bot."""
    secret = hashlib.sha256(bot_token.encode("utf-8")).digest()
    message = data_check_string(fields).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify_login(fields: Mapping[str, str], *, bot_token: str, now: datetime) -> TelegramLogin:
    """The signed-in Telegram account, or LoginRefused (forged, altered, stale, malformed)."""
    given = fields.get("hash", "")
    if not given or "id" not in fields or "auth_date" not in fields:
        raise LoginRefused("missing fields")
    if any(len(value) > MAX_FIELD_LENGTH for value in fields.values()):
        raise LoginRefused("field too long")
    expected = widget_hash(fields, bot_token=bot_token)
    if not hmac.compare_digest(expected.encode("ascii"), given.lower().encode("ascii", "replace")):
        raise LoginRefused("bad hash")
    try:
        user_id = int(fields["id"])
        signed_at = datetime.fromtimestamp(int(fields["auth_date"]), tz=now.tzinfo)
    except (ValueError, OverflowError, OSError):
        raise LoginRefused("malformed id or auth_date") from None
    if now - signed_at > MAX_AUTH_AGE:
        raise LoginRefused("auth_date too old")
    if signed_at - now > MAX_CLOCK_SKEW:
        raise LoginRefused("auth_date in the future")
    return TelegramLogin(
        user_id=user_id, first_name=fields.get("first_name", "")[:64], auth_date=signed_at
    )


@dataclass(frozen=True)
class StaffSession:
    user_id: int
    name: str
    session_id: str
    expires_at: int  # Unix seconds


class SessionKeys:
    """Signs and reads session cookies and CSRF tokens under keys derived from one secret."""

    def __init__(self, secret: bytes) -> None:
        self._session_key = hmac.new(secret, b"clinic-console-session", hashlib.sha256).digest()
        self._csrf_key = hmac.new(secret, b"clinic-console-csrf", hashlib.sha256).digest()

    @classmethod
    def for_token(cls, bot_token: str | None) -> SessionKeys:
        """From the bot token; without one (the sandbox), a random key for this process."""
        if bot_token is None:
            return cls(secrets.token_bytes(32))
        return cls(hashlib.sha256(b"console:" + bot_token.encode("utf-8")).digest())

    def issue(self, *, user_id: int, name: str, now: datetime) -> tuple[str, StaffSession]:
        """A new session (fresh id) and its cookie value."""
        session = StaffSession(
            user_id=user_id,
            name=name[:64],
            session_id=secrets.token_urlsafe(18),
            expires_at=int((now + SESSION_LIFETIME).timestamp()),
        )
        body = json.dumps(
            {
                "u": session.user_id,
                "n": session.name,
                "s": session.session_id,
                "e": session.expires_at,
            },
            separators=(",", ":"),
        ).encode("utf-8")
        encoded = base64.urlsafe_b64encode(body).decode("ascii").rstrip("=")
        return f"{encoded}.{self._sign(encoded)}", session

    def read(self, cookie: str, *, now: datetime) -> StaffSession | str:
        """The session, or why not: "forged" (bad signature or shape) or "expired"."""
        encoded, _, signature = cookie.partition(".")
        if not encoded or not hmac.compare_digest(
            self._sign(encoded).encode("ascii"), signature.encode("ascii", "replace")
        ):
            return "forged"
        try:
            data = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
            session = StaffSession(
                user_id=int(data["u"]),
                name=str(data["n"]),
                session_id=str(data["s"]),
                expires_at=int(data["e"]),
            )
        except (ValueError, KeyError, TypeError):
            return "forged"
        if session.expires_at <= now.timestamp():
            return "expired"
        return session

    def csrf_token(self, session: StaffSession) -> str:
        message = f"{session.session_id}:{session.user_id}".encode()
        return hmac.new(self._csrf_key, message, hashlib.sha256).hexdigest()

    def csrf_ok(self, session: StaffSession, given: str | None) -> bool:
        if not given:
            return False
        return hmac.compare_digest(
            self.csrf_token(session).encode("ascii"), given.encode("ascii", "replace")
        )

    def _sign(self, encoded: str) -> str:
        return hmac.new(self._session_key, encoded.encode("ascii"), hashlib.sha256).hexdigest()


# Content-Security-Policy: our own files only, no inline script or style, no framing.
BASE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# The sign-in page also runs Telegram's widget script, which opens oauth.telegram.org in a frame.
LOGIN_CSP = (
    "default-src 'none'; script-src 'self' https://telegram.org; style-src 'self'; "
    "img-src 'self' data: https://telegram.org; frame-src https://oauth.telegram.org; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def security_headers(*, csp: str = BASE_CSP) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp,
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
