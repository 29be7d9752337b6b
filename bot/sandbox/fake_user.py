"""The person's side of the Telegram double: a user who types, sends commands, shares a contact and
presses buttons, and reads the replies (`FakeBotApi.user()` makes one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sandbox.telegram_records import (
    LEADING_COMMAND,
    Json,
    MessageRecord,
    NoSuchButton,
    ReplyKeyboard,
)
from bot.sandbox.telegram_wire import find_callback

if TYPE_CHECKING:
    from bot.sandbox.telegram_double import FakeBotApi


class FakeUser:
    """A person in one chat (their private chat, or a group via `in_chat`)."""

    def __init__(self, api: FakeBotApi, user_id: int, chat_id: int) -> None:
        self._api = api
        self.id = user_id
        self.chat_id = chat_id
        self._mark = 0

    def in_chat(self, chat_id: int) -> FakeUser:
        """The same person acting in another chat, e.g. the staff group."""
        self._api._ensure_chat(chat_id)
        return FakeUser(self._api, self.id, chat_id)

    async def send_text(self, text: str) -> Json:
        """Type and send a message (a leading /command gets its bot_command entity)."""
        return await self._send(
            self._api.make_update(user_id=self.id, chat_id=self.chat_id, text=text)
        )

    async def send_command(self, command: str) -> Json:
        """Send a command such as "/start" or "/start payload"."""
        if not LEADING_COMMAND.match(command):
            raise ValueError(f"{command!r} is not a bot command")
        return await self.send_text(command)

    async def share_contact(self, phone: str | None = None) -> Json:
        """Share one's own phone number (by default the one given to `FakeBotApi.user`)."""
        phone = phone or self._api._phones.get(self.id)
        if phone is None:
            raise ValueError(f"user {self.id} has no phone: pass one or register it with user()")
        update = self._api.make_update(user_id=self.id, chat_id=self.chat_id, contact_phone=phone)
        return await self._send(update)

    async def press(self, label_or_data: str) -> Json:
        """Press a button (by label, else by callback data) on the newest keyboard in the chat."""
        chat = self._api._chats[self.chat_id]
        for record in reversed(list(chat.messages.values())):
            if record.deleted or not record.inline_keyboard:
                continue
            data = find_callback(record, label_or_data)
            if data is not None:
                return await self._press_callback(record.message_id, data)
            break
        keyboard = chat.reply_keyboard
        if keyboard is not None:
            for row in keyboard.rows:
                for button in row:
                    if button["text"] == label_or_data:
                        return await self._press_reply_button(keyboard, button)
        raise NoSuchButton(f"no button {label_or_data!r} in chat {self.chat_id}: {self._shown()}")

    async def press_on(self, message_id: int, label_or_data: str) -> Json:
        """Press a button on a given (possibly old) message that still shows it."""
        record = self._api._chats[self.chat_id].visible(message_id)
        data = find_callback(record, label_or_data) if record is not None else None
        if data is None:
            raise NoSuchButton(
                f"message {message_id} in chat {self.chat_id} shows no {label_or_data!r}"
            )
        return await self._press_callback(message_id, data)

    def chat_log(self) -> list[MessageRecord]:
        return self._api.chat_log(self.chat_id)

    def last_message(self) -> MessageRecord:
        """The newest visible message from the bot in this chat."""
        return self._api.last_message(self.chat_id)

    async def next_reply(self) -> MessageRecord:
        """Wait for the first bot message in this chat after this person's last action.

        Bound it with `asyncio.timeout` when the bot may stay silent.
        """
        found: list[MessageRecord] = []

        def replied() -> bool:
            found[:] = [
                record
                for record in self._api.chat_log(self.chat_id)
                if record.from_bot and record.message_id > self._mark
            ]
            return bool(found)

        await self._api.wait_until(replied)
        return found[0]

    async def _send(self, update: Json) -> Json:
        self._mark = self._api._chats[self.chat_id].next_message_id - 1
        return await self._api.deliver(update)

    async def _press_callback(self, message_id: int, data: str) -> Json:
        update = self._api.make_update(
            user_id=self.id, chat_id=self.chat_id, callback_data=data, message_id=message_id
        )
        return await self._send(update)

    async def _press_reply_button(self, keyboard: ReplyKeyboard, button: Json) -> Json:
        if keyboard.one_time:
            self._api._chats[self.chat_id].reply_keyboard = None
        if button.get("request_contact"):
            return await self.share_contact()
        return await self.send_text(button["text"])

    def _shown(self) -> str:
        last = next(
            (r for r in reversed(self.chat_log()) if r.inline_keyboard and not r.deleted), None
        )
        labels = last.button_labels if last is not None else []
        keyboard = self._api._chats[self.chat_id].reply_keyboard
        if keyboard is not None:
            labels += [button["text"] for row in keyboard.rows for button in row]
        return f"buttons shown: {labels}" if labels else "no buttons shown"
