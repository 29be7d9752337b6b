"""The languages patients can read the bot in, and how a language code becomes one of them.

English is the clinic's language (staff texts, and the fallback for anything unknown); Spanish is
offered beside it. A code from Telegram (`language_code`, IETF: "es", "es-MX") or typed by a
person is read by its primary subtag only, so every Spanish variant is Spanish and anything this
bot has no catalogue for is English.
"""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    EN = "en"
    ES = "es"


DEFAULT_LANGUAGE = Language.EN
# The Babel locale each language formats dates and times with: US Spanish keeps the 12-hour
# clock a US clinic's patients know ("9:30 a. m.").
LOCALES: dict[Language, str] = {Language.EN: "en_US", Language.ES: "es_US"}


def language_from_code(code: str | None) -> Language:
    """Telegram's or a stored language code as a Language; unknown or empty is English."""
    if not code:
        return DEFAULT_LANGUAGE
    primary = code.strip().replace("_", "-").split("-", 1)[0].casefold()
    for language in Language:
        if language.value == primary:
            return language
    return DEFAULT_LANGUAGE


# What SMS can carry of Spanish: GSM-7 has ñ, é, ü, ¿ and ¡ but not á, í, ó or ú (one of those
# switches the whole text to UCS-2: 70 characters a segment instead of 160).
_NOT_IN_GSM7 = str.maketrans(
    {"á": "a", "í": "i", "ó": "o", "ú": "u", "Á": "A", "Í": "I", "Ó": "O", "Ú": "U", "ê": "e"}
)


def gsm7_spanish(text: str) -> str:
    """Spanish text with the accents GSM-7 lacks taken off (ñ and é stay)."""
    return text.translate(_NOT_IN_GSM7)
