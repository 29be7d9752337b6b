"""The patient's language while a message is made, and the compiled Babel catalogues.

Which language a text comes out in is decided where the addressee is known, not at every call:
the Telegram Application (`bot.updates.PatientLanguageApplication`) sets the sender's language for the whole update,
the outbox dispatcher sets the addressee's for each message it renders, and the SMS inbound
service the texter's. `Texts` and the date formatting read it with `current_language()`. A
context variable is per asyncio task (and copied into worker threads by `asyncio.to_thread`),
so concurrent updates of different chats never see each other's language. Anything rendered
outside such a scope (staff notices, pages, start-up checks) is English.

Catalogues live in `bot/locale/<lang>/LC_MESSAGES/messages.po` (edited, reviewed) and `.mo`
(compiled, committed, loaded here). Every text is looked up by its key as the gettext context
(`msgctxt`) and its built-in English as the `msgid`, so a catalogue never serves a translation of
words the English no longer says. `python -m bot.i18n extract|update|compile` keeps them in step.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from bot.domain.language import DEFAULT_LANGUAGE, Language

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"

_current: ContextVar[Language] = ContextVar("patient_language", default=DEFAULT_LANGUAGE)


def current_language() -> Language:
    """The language of the person the message being made is for (English outside a scope)."""
    return _current.get()


@contextmanager
def use_language(language: Language) -> Iterator[Language]:
    """Make texts in `language` inside the block; the previous language comes back after."""
    token = _current.set(language)
    try:
        yield language
    finally:
        _current.reset(token)


@cache
def catalogue(language: Language) -> gettext.NullTranslations:
    """The compiled catalogue of `language`; English (and a missing file) translates nothing."""
    if language is DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    path = LOCALE_DIR / language.value / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def translated(language: Language, context: str, english: str) -> str | None:
    """The catalogue's words for `english` under `context`, or None when it has none."""
    if language is DEFAULT_LANGUAGE:
        return None
    found = catalogue(language).pgettext(context, english)
    # gettext answers the msgid itself when the catalogue has no (or an empty) entry; a
    # translation that is the English itself ("No", "Telegram: {telegram}") reads the same.
    return None if found == english else found


def profile_text(context: str, english: str) -> str:
    """A clinic profile text (a service's name, a check-in question) in the current language.

    The context names where it sits in the profile (`profile:services.consultation.label`); a
    text the clinic changed has no translation yet and stays as the clinic wrote it.
    """
    return translated(current_language(), context, english) or english
