"""Telegram handlers: each module parses updates, calls one service and renders the reply."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import BotCommand

from bot.domain.language import DEFAULT_LANGUAGE, Language
from bot.texts import Texts
from bot.texts.i18n import use_language
from handlers import (
    appointments,
    booking,
    checkins,
    crisis,
    errors,
    escalations,
    membership,
    privacy,
    reminders,
    staff,
    start,
    waitlist,
)
from handlers.common import AnyApplication

if TYPE_CHECKING:
    from bot.core import Core

# The command menu Telegram shows next to the text box (patients' commands; staff ones are not).
COMMANDS = ("start", "book", "appointments", "contact", "privacy", "mydata", "stop", "help")


def register_all(application: AnyApplication, core: Core) -> None:
    """Register every handler module, in order: the first matching handler takes an update.

    `errors` goes last: its fallbacks (unknown command, unsupported message, unknown button)
    must only see what no other module took.
    `crisis` registers in its own group, ahead of all of these: crisis words in any text are
    answered before any other handler sees the update.
    """
    crisis.register(application, core)
    # `staff` first: a staff member's /help in a private chat is the staff help.
    for module in (
        staff,
        start,
        privacy,
        booking,
        appointments,
        waitlist,
        reminders,
        checkins,
        escalations,
        membership,
    ):
        module.register(application, core)
    errors.register(application, core)


async def set_commands(application: AnyApplication, texts: Texts) -> None:
    """Publish the command menu Telegram shows next to the text box."""
    commands = [BotCommand(name, texts.plain(f"cmd_{name}")) for name in COMMANDS]
    await application.bot.set_my_commands(commands)
    # Telegram shows a user whose app is in Spanish the Spanish descriptions.
    for language in Language:
        if language is DEFAULT_LANGUAGE:
            continue
        with use_language(language):
            translated = [BotCommand(name, texts.plain(f"cmd_{name}")) for name in COMMANDS]
        await application.bot.set_my_commands(translated, language_code=language.value)
