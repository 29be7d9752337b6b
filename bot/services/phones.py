"""Phone numbers: typed, shared as a contact, or from Twilio; always stored as E.164."""

from __future__ import annotations

import phonenumbers

from bot.domain.errors import InvalidPhone
from bot.domain.privacy import mask_phone

__all__ = ["MAX_INPUT", "mask_phone", "normalize_phone"]

MAX_INPUT = 40


def normalize_phone(raw: str, *, region: str) -> str:
    """Return E.164 for a valid number, or raise InvalidPhone with a reason a person can act on."""
    text = (raw or "").strip()
    if not text or len(text) > MAX_INPUT:
        raise InvalidPhone("that does not look like a phone number")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone("that does not look like a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("that number is not valid; check the digits and the area code")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
