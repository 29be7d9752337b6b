"""What the Telegram double keeps and reports: Telegram's limits and error descriptions, the
records tests and the sandbox read (calls, messages, callback answers, events), and the double's
internal state (chats, pending queries, injected failures)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.ext import Application

from bot.sandbox.bot_api_spec import UploadedFile

TEXT_LIMIT = 4096


CAPTION_LIMIT = 1024


CALLBACK_ANSWER_LIMIT = 200


CALLBACK_DATA_LIMIT = 64


DELETE_WINDOW = timedelta(hours=48)


# Telegram's own wording: code that matches on these behaves here as it will in production.
MESSAGE_TOO_LONG = "Bad Request: message is too long"


MESSAGE_TEXT_EMPTY = "Bad Request: message text is empty"


CAPTION_TOO_LONG = "Bad Request: message caption is too long"


CANT_PARSE_ENTITIES = "Bad Request: can't parse entities: "


BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"


BUTTON_URL_INVALID = "Bad Request: BUTTON_URL_INVALID"


TEXT_BUTTONS_UNALLOWED = (
    "Bad Request: can't parse inline keyboard button: "
    "Text buttons are unallowed in the inline keyboard"
)


MARKUP_UNPARSABLE = "Bad Request: can't parse reply keyboard markup JSON object"


MESSAGE_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


MESSAGE_TO_EDIT_NOT_FOUND = "Bad Request: message to edit not found"


MESSAGE_CANT_BE_EDITED = "Bad Request: message can't be edited"


NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"


NO_CAPTION_TO_EDIT = "Bad Request: there is no caption in the message to edit"


MESSAGE_ID_MISSING = "Bad Request: message identifier is not specified"


MESSAGE_TO_DELETE_NOT_FOUND = "Bad Request: message to delete not found"


MESSAGE_CANT_BE_DELETED = "Bad Request: message can't be deleted for everyone"


REPLIED_MESSAGE_NOT_FOUND = "Bad Request: message to be replied not found"


CALLBACK_TEXT_TOO_LONG = "Bad Request: MESSAGE_TOO_LONG"


QUERY_ID_INVALID = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)


CHAT_NOT_FOUND = "Bad Request: chat not found"


CHAT_ID_EMPTY = "Bad Request: chat_id is empty"


BOT_BLOCKED = "Forbidden: bot was blocked by the user"


BOT_KICKED = "Forbidden: bot was kicked from the group chat"


CHAT_UPGRADED = "Bad Request: group chat was upgraded to a supergroup chat"


WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"


INVALID_FILE_ID = "Bad Request: invalid file_id"


FILE_EMPTY = "Bad Request: file must be non-empty"


BOT_COMMAND_INVALID = "Bad Request: BOT_COMMAND_INVALID"


COMMAND_DESCRIPTION_EMPTY = "Bad Request: command description must be non-empty"


UNSUPPORTED_PARSE_MODE = "Bad Request: unsupported parse_mode"


WRONG_CHAT_ACTION = "Bad Request: wrong parameter action in request"


POLLING_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


NOT_FOUND = "Not Found"


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, with its parameters as Telegram would decode them."""

    method: str
    params: Json
    at: float
    attachments: Mapping[str, UploadedFile] = field(default_factory=dict)


@dataclass
class MessageRecord:
    """One message as the chat shows it now: edits applied, deletions flagged."""

    chat_id: int
    message_id: int
    from_bot: bool
    sender_id: int
    date: int
    kind: str
    text: str = ""
    entities: list[Json] = field(default_factory=list)
    raw_text: str | None = None
    buttons: list[list[tuple[str, str | None]]] = field(default_factory=list)
    inline_keyboard: list[list[Json]] | None = None
    reply_keyboard: list[list[str]] = field(default_factory=list)
    document_name: str | None = None
    document_bytes: bytes | None = None
    photo_bytes: bytes | None = None
    mime_type: str | None = None
    file_id: str | None = None
    contact_phone: str | None = None
    reply_to_message_id: int | None = None
    edited: bool = False
    edit_date: int | None = None
    deleted: bool = False
    sent_at: float = 0.0

    @property
    def button_labels(self) -> list[str]:
        """Every inline button label, row by row."""
        return [label for row in self.buttons for label, _ in row]


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot said back to a button press (the toast or alert the person sees)."""

    query_id: str
    chat_id: int
    user_id: int
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class BotEvent:
    """Something a chat shows: kind is sent, edited, deleted, callback_answer or chat_action."""

    kind: str
    chat_id: int
    message: MessageRecord | None = None
    text: str | None = None
    show_alert: bool = False


@dataclass(frozen=True)
class SendRates:
    """The most messages seen inside any one window: per chat, and overall."""

    per_chat: int
    overall: int
    busiest_chat: int | None
    window: float


class NoSuchButton(LookupError):
    """The person looked for a button that their chat does not show."""


class NoSuchMessage(LookupError):
    """A test or the sandbox asked for a message the chat does not have."""


class ApiError(Exception):
    def __init__(
        self,
        code: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to: int | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to = migrate_to

    def response(self) -> tuple[int, bytes]:
        body: Json = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        if self.migrate_to is not None:
            body["parameters"] = {"migrate_to_chat_id": self.migrate_to}
        return self.code, encode(body)


@dataclass
class Failure:
    method: str
    chat_id: int | None
    times: int
    error: ApiError | None
    delivered: bool = False


@dataclass
class ReplyKeyboard:
    rows: list[list[Json]]
    one_time: bool


@dataclass
class Markup:
    inline: list[list[Json]] | None = None
    keyboard: ReplyKeyboard | None = None
    remove_keyboard: bool = False


@dataclass
class ChatState:
    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    messages: dict[int, MessageRecord] = field(default_factory=dict)
    next_message_id: int = 1
    reply_keyboard: ReplyKeyboard | None = None

    def json(self) -> Json:
        data: Json = {"id": self.id, "type": self.type}
        optional = {
            "title": self.title,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "username": self.username,
        }
        data.update({key: value for key, value in optional.items() if value is not None})
        return data

    def visible(self, message_id: int) -> MessageRecord | None:
        record = self.messages.get(message_id)
        return None if record is None or record.deleted else record


@dataclass
class PendingQuery:
    chat_id: int
    user_id: int
    answered: bool = False


class Signal:
    """Wakes every waiter when state changes; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)


Json = dict[str, Any]


AnyApplication = Application[Any, Any, Any, Any, Any, Any]


DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: NOT_FOUND,
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)


INLINE_BUTTON_ACTIONS = [
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
]


# Types Telegram leaves out of getUpdates unless they are asked for by name.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


TOKEN_PATH = re.compile(r"/bot(\d+):[A-Za-z0-9_-]+/([A-Za-z0-9_]+)$")


FILE_URL = re.compile(r"/file/bot[^/]+/(.+)$")


COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


LEADING_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_/<>])")


def encode(body: Json) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")
