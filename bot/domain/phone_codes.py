"""One-time codes that prove a typed phone number belongs to the person typing it.

Pure rules: how a code is made, how it is kept (never in clear: HMAC-SHA-256 of the number and
the code under a random salt of its own), and the limits on tries and resends.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

CODE_DIGITS = 6
CODE_VALID_FOR = timedelta(minutes=10)
MAX_TRIES = 5
LOCKED_FOR = timedelta(hours=1)
# A new code at most this often, and at most MAX_SENDS of them in SEND_WINDOW per patient:
# each one is an SMS to a number that may not be theirs.
RESEND_AFTER = timedelta(seconds=60)
MAX_SENDS = 3
SEND_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class HashedCode:
    salt: str
    digest: str


def new_code() -> str:
    """Six random digits (leading zeros kept)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def hash_code(phone_e164: str, code: str, *, salt: str | None = None) -> HashedCode:
    """The code bound to its number, keyed by a fresh random salt unless one is given."""
    salt = salt if salt is not None else secrets.token_hex(16)
    digest = hmac.new(
        bytes.fromhex(salt), f"{phone_e164}:{code}".encode(), hashlib.sha256
    ).hexdigest()
    return HashedCode(salt=salt, digest=digest)


def code_matches(phone_e164: str, typed: str, *, salt: str, digest: str) -> bool:
    """Whether `typed` is the code stored as (salt, digest) for this number (constant time)."""
    candidate = hash_code(phone_e164, typed, salt=salt).digest
    return hmac.compare_digest(candidate, digest)


def as_code(text: str) -> str | None:
    """The six digits in what the person typed ("123 456", "123-456"), or None."""
    digits = "".join(ch for ch in text if not ch.isspace() and ch != "-")
    if len(digits) == CODE_DIGITS and digits.isascii() and digits.isdigit():
        return digits
    return None
