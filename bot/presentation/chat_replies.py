"""What the chat services answer with: screens to send, a message to replace, a toast.

Channel-neutral values: the Telegram handlers turn them into Bot API calls.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.messaging.channels import Attachment, Button

Rows = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Who:
    """The person talking to the bot: their Telegram user id, chat and first name."""

    user_id: int
    chat_id: int
    first_name: str = ""


@dataclass(frozen=True)
class Screen:
    """One message: HTML text, inline buttons, or a reply keyboard asking for the contact."""

    text: str
    buttons: Rows = ()
    contact_button: str | None = None
    clear_keyboard: bool = False
    attachment: Attachment | None = None

    def under(self, note: str) -> Screen:
        """The same screen with a note (already HTML) above its text."""
        return replace(self, text=f"{note}\n\n{self.text}" if note else self.text)


@dataclass(frozen=True)
class Reply:
    """What to show: `edit` replaces the pressed message, `screens` are sent after it."""

    screens: tuple[Screen, ...] = ()
    edit: Screen | None = None
    toast: str | None = None
    # An appointment changed: messages for it may be due now (staff notice, confirmation).
    changed: bool = False


def rows(buttons: list[Button], width: int) -> list[tuple[Button, ...]]:
    """Lay buttons out `width` to a row."""
    return [tuple(buttons[i : i + width]) for i in range(0, len(buttons), width)]
