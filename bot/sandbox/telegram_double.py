"""An in-process Telegram Bot API: PTB talks to it as to Telegram; tests and the sandbox are users.

`FakeBotApi` is a `telegram.request.BaseRequest`, so a real `Application` runs on it unchanged:

    double = FakeBotApi()
    app = ApplicationBuilder().token("123:TEST").request(double).get_updates_request(double).build()
    alice = double.user(42, first_name="Alice")
    await alice.send_command("/start")        # queued for getUpdates (or processed at once after
                                              # `double.attach(app)`)
    double.last_message(42).buttons           # what Alice now sees

It keeps Telegram's rules that a bot can trip over (text and caption limits after HTML parsing,
callback data size, "message is not modified", edits of unknown messages, blocked users, flood
waits) and answers with Telegram's own error descriptions, so PTB raises what it raises in
production. Markdown parse modes are accepted but not parsed; the bot speaks HTML.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import TimedOut
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.domain.clock import Clock, SystemClock
from bot.messaging.telegram_html import (
    EntityParseError,
    FormattedText,
    parse_html,
    trim_formatted,
    utf16_length,
)
from bot.sandbox.bot_api_spec import BotApiSpec, UploadedFile, find_method, load_spec, validate_call

__all__ = [
    "AnyApplication",
    "ApiCall",
    "BotEvent",
    "CallbackAnswer",
    "EntityParseError",
    "FakeBotApi",
    "FakeUser",
    "FormattedText",
    "MessageRecord",
    "NoSuchButton",
    "NoSuchMessage",
    "SendRates",
    "UploadedFile",
    "parse_html",
    "validate_call",
]

_LOGGER = logging.getLogger(__name__)

Json = dict[str, Any]
AnyApplication = Application[Any, Any, Any, Any, Any, Any]

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

_DEFAULT_DESCRIPTIONS = {
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

_CHAT_ACTIONS = frozenset(
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
_INLINE_BUTTON_ACTIONS = [
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
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_TOKEN = re.compile(r"/bot(\d+):[A-Za-z0-9_-]+/([A-Za-z0-9_]+)$")
_FILE_URL = re.compile(r"/file/bot[^/]+/(.+)$")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_LEADING_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_/<>])")


# --- What tests and the sandbox read --------------------------------------------------------


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


# --- Internal state -------------------------------------------------------------------------


class _ApiError(Exception):
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
        return self.code, _encode(body)


@dataclass
class _Failure:
    method: str
    chat_id: int | None
    times: int
    error: _ApiError | None
    delivered: bool = False


@dataclass
class _ReplyKeyboard:
    rows: list[list[Json]]
    one_time: bool


@dataclass
class _Markup:
    inline: list[list[Json]] | None = None
    keyboard: _ReplyKeyboard | None = None
    remove_keyboard: bool = False


@dataclass
class _Chat:
    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    messages: dict[int, MessageRecord] = field(default_factory=dict)
    next_message_id: int = 1
    reply_keyboard: _ReplyKeyboard | None = None

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
class _Query:
    chat_id: int
    user_id: int
    answered: bool = False


class _Signal:
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


def _encode(body: Json) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    # Supergroup ids are -100 followed by the channel id; older small groups are short negatives.
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


# --- The Bot API double ---------------------------------------------------------------------


class FakeBotApi(BaseRequest):
    """Answers Bot API requests in process, with Telegram's rules, errors and update queue."""

    def __init__(
        self,
        *,
        spec_path: str | Path | None = None,
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        bot_first_name: str = "Clinic",
        bot_username: str = "clinic_test_bot",
        strict_chats: bool = False,
        latency: float = 0.0,
    ) -> None:
        self._spec: BotApiSpec | None = load_spec(spec_path) if spec_path is not None else None
        self._clock: Clock = clock or SystemClock()
        self._monotonic = monotonic
        self._bot_first_name = bot_first_name
        self._bot_username = bot_username
        self._bot_id = 0
        self._strict_chats = strict_chats
        self._latency = latency
        self._initialized = False

        self.calls: list[ApiCall] = []
        self.spec_violations: list[str] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.bot_profile: Json = {}
        self.webhook_url = ""
        self.webhook_secret: str | None = None

        self._users: dict[int, Json] = {}
        self._phones: dict[int, str] = {}
        self._chats: dict[int, _Chat] = {}
        self._files: dict[str, UploadedFile] = {}
        self._queries: dict[str, _Query] = {}
        self._commands: dict[tuple[str, str], list[Json]] = {}
        self._blocked: set[int] = set()
        self._migrated: dict[int, int] = {}
        self._missing_chats: set[int] = set()
        self._failures: list[_Failure] = []
        self._send_times: list[tuple[int, float]] = []
        self._pending: list[Json] = []
        self._allowed_updates: list[str] = []
        self._next_update_id = 1
        self._next_file = 1
        self._next_query = 1
        self._poll_generation = 0
        self._updates_arrived = _Signal()
        self._state_changed = _Signal()
        self._listeners: list[Callable[[BotEvent], None]] = []
        self._application: AnyApplication | None = None

        self._methods: dict[str, Callable[[Json], Awaitable[Any]]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setmydescription": self._set_profile_field("description"),
            "setmyshortdescription": self._set_profile_field("short_description"),
            "setchatmenubutton": self._set_profile_field("menu_button"),
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "deletemessages": self._delete_messages,
            "answercallbackquery": self._answer_callback_query,
            "senddocument": self._send_document,
            "sendphoto": self._send_photo,
            "sendchataction": self._send_chat_action,
            "getchat": self._get_chat,
            "getfile": self._get_file,
            "close": self._harmless,
            "logout": self._harmless,
        }

    # BaseRequest ---------------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        self._initialized = True

    async def shutdown(self) -> None:
        self._initialized = False

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | Any | None = BaseRequest.DEFAULT_NONE,
        write_timeout: float | Any | None = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | Any | None = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | Any | None = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if not self._initialized:
            raise RuntimeError("FakeBotApi is not initialized: initialize the Application first")
        # Yield even with no latency so concurrent senders interleave as they would over HTTP.
        await asyncio.sleep(self._latency)
        if method == "GET":
            return self._serve_file(url)
        route = _TOKEN.search(url)
        if route is None:
            return _ApiError(404, NOT_FOUND).response()
        self._bot_id = int(route.group(1))
        api_method = route.group(2)
        params, attachments = _decode_request(request_data)
        self.calls.append(ApiCall(api_method, params, self._monotonic(), attachments))
        if self._spec is not None:
            self.spec_violations += validate_call(self._spec, api_method, params)
        handler = self._methods.get(api_method.lower())
        if handler is None:
            if self._spec is not None and find_method(self._spec, api_method) is not None:
                _LOGGER.warning("FakeBotApi does not simulate %s; answering Not Found", api_method)
            return _ApiError(404, NOT_FOUND).response()
        failure = self._take_failure(api_method, params)
        try:
            if failure is not None and failure.error is not None:
                raise failure.error
            if failure is not None and not failure.delivered:
                raise TimedOut()
            result = await handler(params)
        except _ApiError as error:
            return error.response()
        if failure is not None:
            # The request reached Telegram but the answer never came back.
            raise TimedOut()
        return 200, _encode({"ok": True, "result": result})

    # Setting the scene ---------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        phone: str | None = None,
    ) -> FakeUser:
        """Register a person (and their private chat) and return a handle to act as them.

        `phone` is what their Telegram account would share through a request_contact button.
        """
        if user_id <= 0:
            raise ValueError("user ids are positive; groups use negative chat ids")
        profile: Json = {"id": user_id, "is_bot": False, "first_name": first_name}
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        profile.update({key: value for key, value in optional.items() if value is not None})
        self._users[user_id] = profile
        if phone is not None:
            self._phones[user_id] = phone
        chat = self._ensure_chat(user_id)
        chat.first_name, chat.last_name, chat.username = first_name, last_name, username
        return FakeUser(self, user_id, user_id)

    def group(self, chat_id: int, *, title: str = "Staff", username: str | None = None) -> int:
        """Register a group chat (negative id) the bot can post in; return its id."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        chat = self._ensure_chat(chat_id)
        chat.title, chat.username = title, username
        return chat_id

    def attach(self, application: AnyApplication) -> None:
        """Hand user actions straight to `application.process_update` instead of getUpdates."""
        self._application = application

    def detach(self) -> None:
        self._application = None

    def subscribe(self, listener: Callable[[BotEvent], None]) -> Callable[[], None]:
        """Call `listener` for everything a chat would show; return a function that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # Failure injection ---------------------------------------------------------------------

    def block_chat(self, chat_id: int) -> None:
        """The person blocked the bot (or the bot was removed from the group): sends get 403."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def migrate_chat(self, chat_id: int, *, to: int) -> None:
        """The group became a supergroup: sends to the old id get 400 with migrate_to_chat_id."""
        self._migrated[chat_id] = to
        self._ensure_chat(to)

    def chat_not_found(self, chat_id: int) -> None:
        """Telegram does not know this chat: every call naming it gets 400 chat not found."""
        self._missing_chats.add(chat_id)

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` (to `chat_id`, if given) fail with this error."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if error_code == 429
                else _DEFAULT_DESCRIPTIONS.get(error_code, "Unknown Error")
            )
        error = _ApiError(error_code, description, retry_after=retry_after)
        self._failures.append(_Failure(method.lower(), chat_id, times, error))

    def time_out_next(
        self, method: str, *, delivered: bool = False, chat_id: int | None = None, times: int = 1
    ) -> None:
        """Make the next calls time out; with delivered=True Telegram acted before the timeout."""
        self._failures.append(_Failure(method.lower(), chat_id, times, None, delivered))

    # Acting as people ----------------------------------------------------------------------

    def make_update(
        self,
        *,
        user_id: int,
        chat_id: int | None = None,
        text: str | None = None,
        callback_data: str | None = None,
        message_id: int | None = None,
        contact_phone: str | None = None,
    ) -> Json:
        """Build one update from a person (a text, a button press or a shared contact).

        The message or press is recorded in the chat as Telegram would; the update is returned,
        not queued, so a test can feed it to `application.process_update` itself. A press needs
        no real button: this is how a test forges stale or hostile callback data.
        """
        if sum(value is not None for value in (text, callback_data, contact_phone)) != 1:
            raise ValueError("give exactly one of text, callback_data or contact_phone")
        user = self._ensure_user(user_id)
        chat = self._ensure_chat(user_id if chat_id is None else chat_id)
        if callback_data is not None:
            return self._callback_update(user, chat, callback_data, message_id)
        if text is not None:
            record = self._new_message(
                chat, from_bot=False, sender_id=user_id, kind="text", text=text
            )
            record.entities = _command_entities(text)
        else:
            record = self._new_message(
                chat, from_bot=False, sender_id=user_id, kind="contact", text=""
            )
            record.contact_phone = contact_phone
        return {"update_id": self._take_update_id(), "message": self._message_json(record)}

    async def deliver(self, update: Json) -> Json:
        """Process the update in the attached application, or queue it for getUpdates."""
        application = self._application
        if application is None:
            self._pending.append(update)
            self._updates_arrived.notify()
            self._state_changed.notify()
        else:
            await application.process_update(Update.de_json(update, application.bot))
        return update

    def pending_updates(self) -> list[Json]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return copy.deepcopy(self._pending)

    def take_updates(self) -> list[Json]:
        """Remove and return the queued updates (to post them to a webhook yourself)."""
        taken, self._pending = self._pending, []
        return taken

    # Reading what chats saw ----------------------------------------------------------------

    def chat_log(self, chat_id: int) -> list[MessageRecord]:
        """Every message in the chat, both sides, oldest first, as it looks now."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        return [dataclasses.replace(record) for record in chat.messages.values()]

    def last_message(self, chat_id: int, *, from_bot: bool = True) -> MessageRecord:
        """The newest visible message from the bot (or, with from_bot=False, from anyone)."""
        for record in reversed(self.chat_log(chat_id)):
            if not record.deleted and (record.from_bot or not from_bot):
                return record
        raise NoSuchMessage(f"chat {chat_id} shows no message {'from the bot ' * from_bot}yet")

    def message(self, chat_id: int, message_id: int) -> MessageRecord:
        """One message as it looks now (deleted ones included, flagged)."""
        chat = self._chats.get(chat_id)
        if chat is None or message_id not in chat.messages:
            raise NoSuchMessage(f"chat {chat_id} has no message {message_id}")
        return dataclasses.replace(chat.messages[message_id])

    def calls_to(self, method: str) -> list[ApiCall]:
        wanted = method.lower()
        return [call for call in self.calls if call.method.lower() == wanted]

    def callback_answer(self, query_id: str) -> CallbackAnswer | None:
        for answer in self.callback_answers:
            if answer.query_id == query_id:
                return answer
        return None

    def commands(self, *, scope: Json | None = None, language_code: str = "") -> list[Json]:
        """The command menu the bot set for this scope and language."""
        return copy.deepcopy(self._commands.get(_command_key(scope, language_code), []))

    def max_send_rates(self, *, window: float = 1.0) -> SendRates:
        """The most sends inside any `window` seconds, per chat and overall (pacing evidence)."""
        overall = _max_in_window([at for _, at in self._send_times], window)
        per_chat, busiest = 0, None
        for chat_id in {chat for chat, _ in self._send_times}:
            count = _max_in_window([at for c, at in self._send_times if c == chat_id], window)
            if count > per_chat:
                per_chat, busiest = count, chat_id
        return SendRates(per_chat=per_chat, overall=overall, busiest_chat=busiest, window=window)

    def send_times(self, chat_id: int | None = None) -> list[float]:
        """Monotonic times of the message sends (all chats, or one)."""
        return [at for chat, at in self._send_times if chat_id is None or chat == chat_id]

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Wait until `predicate()` holds; bound it with `asyncio.timeout` in the caller."""
        while not predicate():
            await self._state_changed.wait()

    # Internals: people, chats, updates -----------------------------------------------------

    def _ensure_user(self, user_id: int) -> Json:
        if user_id not in self._users:
            self.user(user_id, f"User {user_id}")
        return self._users[user_id]

    def _ensure_chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = _Chat(id=chat_id, type=_chat_type(chat_id))
            if chat_id < 0:
                chat.title = f"Group {chat_id}"
            self._chats[chat_id] = chat
        return chat

    def _take_update_id(self) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        return update_id

    def _callback_update(self, user: Json, chat: _Chat, data: str, message_id: int | None) -> Json:
        query_id = str(self._next_query)
        self._next_query += 1
        self._queries[query_id] = _Query(chat_id=chat.id, user_id=user["id"])
        target = chat.visible(message_id) if message_id is not None else None
        message = (
            self._message_json(target)
            if target is not None
            # What Telegram sends for a message the bot can no longer see.
            else {"chat": chat.json(), "message_id": message_id or 0, "date": 0}
        )
        query = {
            "id": query_id,
            "from": dict(user),
            "message": message,
            "chat_instance": str(chat.id),
            "data": data,
        }
        return {"update_id": self._take_update_id(), "callback_query": query}

    def _new_message(
        self, chat: _Chat, *, from_bot: bool, sender_id: int, kind: str, text: str
    ) -> MessageRecord:
        record = MessageRecord(
            chat_id=chat.id,
            message_id=chat.next_message_id,
            from_bot=from_bot,
            sender_id=sender_id,
            date=self._now(),
            kind=kind,
            text=text,
            sent_at=self._monotonic(),
        )
        chat.next_message_id += 1
        chat.messages[record.message_id] = record
        self._state_changed.notify()
        return record

    def _now(self) -> int:
        return int(self._clock.now().timestamp())

    def _bot_json(self) -> Json:
        return {
            "id": self._bot_id,
            "is_bot": True,
            "first_name": self._bot_first_name,
            "username": self._bot_username,
        }

    def _message_json(self, record: MessageRecord, *, with_reply: bool = True) -> Json:
        chat = self._chats[record.chat_id]
        sender = self._bot_json() if record.from_bot else dict(self._users[record.sender_id])
        data: Json = {
            "message_id": record.message_id,
            "from": sender,
            "chat": chat.json(),
            "date": record.date,
        }
        if record.edit_date is not None:
            data["edit_date"] = record.edit_date
        if with_reply and record.reply_to_message_id is not None:
            target = chat.visible(record.reply_to_message_id)
            if target is not None:
                data["reply_to_message"] = self._message_json(target, with_reply=False)
        entities = _json_copy(record.entities)
        if record.kind == "text":
            data["text"] = record.text
            if entities:
                data["entities"] = entities
        elif record.kind == "contact":
            data["contact"] = {
                "phone_number": record.contact_phone,
                "first_name": sender["first_name"],
                "user_id": record.sender_id,
            }
        else:
            file_id = record.file_id or ""
            stored = self._files[file_id]
            unique = f"U{file_id}"
            if record.kind == "document":
                data["document"] = {
                    "file_id": file_id,
                    "file_unique_id": unique,
                    "file_name": stored.filename,
                    "mime_type": stored.mime_type,
                    "file_size": len(stored.content),
                }
            else:
                size = {"file_id": file_id, "file_unique_id": unique, "width": 320, "height": 320}
                data["photo"] = [{**size, "file_size": len(stored.content)}]
            if record.text:
                data["caption"] = record.text
                if entities:
                    data["caption_entities"] = entities
        if record.inline_keyboard is not None:
            data["reply_markup"] = {"inline_keyboard": _json_copy(record.inline_keyboard)}
        return data

    def _emit(self, event: BotEvent) -> None:
        self._state_changed.notify()
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                # A broken listener (say, the sandbox's printer) must not break the bot's call.
                _LOGGER.exception("FakeBotApi listener failed")

    def _take_failure(self, method: str, params: Json) -> _Failure | None:
        wanted = method.lower()
        for failure in self._failures:
            if failure.method != wanted:
                continue
            if failure.chat_id is not None and _as_int(params.get("chat_id")) != failure.chat_id:
                continue
            failure.times -= 1
            if failure.times <= 0:
                self._failures.remove(failure)
            return failure
        return None

    def _serve_file(self, url: str) -> tuple[int, bytes]:
        match = _FILE_URL.search(url)
        stored = self._files.get(match.group(1).rpartition("/")[2]) if match else None
        if stored is None:
            return _ApiError(404, NOT_FOUND).response()
        return 200, stored.content

    def _record_send(self, chat_id: int) -> None:
        self._send_times.append((chat_id, self._monotonic()))

    # Internals: reading parameters the way Telegram does -----------------------------------

    def _chat(self, params: Json, *, writing: bool = True) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _ApiError(400, CHAT_ID_EMPTY)
        chat_id = self._chat_id(raw)
        if chat_id in self._missing_chats:
            raise _ApiError(400, CHAT_NOT_FOUND)
        chat = self._chats.get(chat_id)
        if chat is None:
            if self._strict_chats:
                raise _ApiError(400, CHAT_NOT_FOUND)
            chat = self._ensure_chat(chat_id)
        if writing and chat_id in self._migrated:
            raise _ApiError(400, CHAT_UPGRADED, migrate_to=self._migrated[chat_id])
        if writing and chat_id in self._blocked:
            raise _ApiError(403, BOT_BLOCKED if chat_id > 0 else BOT_KICKED)
        return chat

    def _chat_id(self, raw: Any) -> int:
        as_int = _as_int(raw)
        if as_int is not None:
            return as_int
        if isinstance(raw, str) and raw.startswith("@"):
            for chat in self._chats.values():
                if chat.username and chat.username.lower() == raw[1:].lower():
                    return chat.id
        raise _ApiError(400, CHAT_NOT_FOUND)

    def _formatted(
        self, params: Json, *, key: str, limit: int, too_long: str, required: bool
    ) -> tuple[FormattedText, str | None]:
        raw = params.get(key)
        if raw is None:
            if required:
                raise _ApiError(400, MESSAGE_TEXT_EMPTY)
            return FormattedText(""), None
        source = str(raw)
        entities_key = "entities" if key == "text" else f"{key}_entities"
        mode = str(params.get("parse_mode") or "")
        if params.get(entities_key):
            formatted = FormattedText(source, tuple(params[entities_key]))
        elif mode == "":
            formatted = FormattedText(source)
        elif mode.lower() == "html":
            try:
                formatted = parse_html(source)
            except EntityParseError as error:
                raise _ApiError(400, CANT_PARSE_ENTITIES + str(error)) from error
        elif mode.lower() in ("markdown", "markdownv2"):
            formatted = FormattedText(source)
        else:
            raise _ApiError(400, UNSUPPORTED_PARSE_MODE)
        formatted = trim_formatted(formatted)
        if required and not formatted.text:
            raise _ApiError(400, MESSAGE_TEXT_EMPTY)
        if utf16_length(formatted.text) > limit:
            raise _ApiError(400, too_long)
        return formatted, source

    def _message_to_change(self, chat: _Chat, params: Json, *, missing: str) -> MessageRecord:
        if "inline_message_id" in params:
            # The double has no inline mode, so no inline message can exist.
            raise _ApiError(400, missing)
        message_id = _as_int(params.get("message_id"))
        if message_id is None:
            raise _ApiError(400, MESSAGE_ID_MISSING)
        record = chat.visible(message_id)
        if record is None:
            raise _ApiError(400, missing)
        return record

    def _reply_target(self, chat: _Chat, params: Json) -> int | None:
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict):
            return None
        message_id = _as_int(reply.get("message_id"))
        if message_id is not None and chat.visible(message_id) is None:
            if reply.get("allow_sending_without_reply"):
                return None
            raise _ApiError(400, REPLIED_MESSAGE_NOT_FOUND)
        return message_id

    def _upload(self, params: Json, key: str) -> tuple[str, UploadedFile]:
        value = params.get(key)
        if isinstance(value, UploadedFile):
            if not value.content:
                raise _ApiError(400, FILE_EMPTY)
            file_id = f"FILE{self._next_file:06d}"
            self._next_file += 1
            self._files[file_id] = value
            return file_id, value
        if isinstance(value, str) and value in self._files:
            return value, self._files[value]
        raise _ApiError(400, WRONG_FILE)

    def _apply_markup(self, chat: _Chat, record: MessageRecord, markup: _Markup) -> None:
        _show_inline_keyboard(record, markup.inline)
        if markup.keyboard is not None:
            chat.reply_keyboard = markup.keyboard
            record.reply_keyboard = [[b["text"] for b in row] for row in markup.keyboard.rows]
        elif markup.remove_keyboard:
            chat.reply_keyboard = None

    async def _post_message(
        self, params: Json, *, kind: str, text_key: str, limit: int, too_long: str
    ) -> Json:
        chat = self._chat(params)
        formatted, raw = self._formatted(
            params, key=text_key, limit=limit, too_long=too_long, required=kind == "text"
        )
        markup = _read_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        upload = self._upload(params, kind) if kind != "text" else None
        record = self._new_message(
            chat, from_bot=True, sender_id=self._bot_id, kind=kind, text=formatted.text
        )
        record.entities = [dict(entity) for entity in formatted.entities]
        record.raw_text = raw
        record.reply_to_message_id = reply_to
        if upload is not None:
            record.file_id, stored = upload
            record.mime_type = stored.mime_type
            if kind == "document":
                record.document_name, record.document_bytes = stored.filename, stored.content
            else:
                record.photo_bytes = stored.content
        self._apply_markup(chat, record, markup)
        self._record_send(chat.id)
        self._emit(BotEvent("sent", chat.id, dataclasses.replace(record)))
        return self._message_json(record)

    def _finish_edit(self, chat: _Chat, record: MessageRecord) -> Json:
        record.edited = True
        record.edit_date = self._now()
        self._emit(BotEvent("edited", chat.id, dataclasses.replace(record)))
        return self._message_json(record)

    # Bot API methods -----------------------------------------------------------------------

    async def _get_me(self, params: Json) -> Json:
        return {
            **self._bot_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: Json) -> list[Json]:
        if self.webhook_url:
            raise _ApiError(409, WEBHOOK_ACTIVE)
        offset = _as_int(params.get("offset"))
        if offset is not None:
            self._confirm_updates(offset)
        limit = min(max(_as_int(params.get("limit")) or 100, 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        self._poll_generation += 1
        generation = self._poll_generation
        # Telegram ends an older long poll when a newer one arrives.
        self._updates_arrived.notify()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while not self._deliverable_updates() and generation == self._poll_generation:
                    await self._updates_arrived.wait()
        if generation != self._poll_generation:
            raise _ApiError(409, POLLING_CONFLICT)
        return copy.deepcopy(self._deliverable_updates()[:limit])

    def _confirm_updates(self, offset: int) -> None:
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def _deliverable_updates(self) -> list[Json]:
        wanted = set(self._allowed_updates)

        def allowed(update: Json) -> bool:
            kinds = set(update) - {"update_id"}
            return bool(kinds & wanted) if wanted else not kinds & _OPT_IN_UPDATES

        # Telegram never stores updates the bot did not ask for.
        self._pending = [update for update in self._pending if allowed(update)]
        return self._pending

    async def _set_webhook(self, params: Json) -> bool:
        self.webhook_url = str(params.get("url") or "")
        self.webhook_secret = params.get("secret_token")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _delete_webhook(self, params: Json) -> bool:
        self.webhook_url, self.webhook_secret = "", None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _get_webhook_info(self, params: Json) -> Json:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    async def _set_my_commands(self, params: Json) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _ApiError(400, 'Bad Request: parameter "commands" is required')
        for command in commands:
            if not isinstance(command, dict):
                raise _ApiError(400, BOT_COMMAND_INVALID)
            if not _COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise _ApiError(400, BOT_COMMAND_INVALID)
            if not str(command.get("description", "")).strip():
                raise _ApiError(400, COMMAND_DESCRIPTION_EMPTY)
        key = _command_key(params.get("scope"), str(params.get("language_code") or ""))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _get_my_commands(self, params: Json) -> list[Json]:
        key = _command_key(params.get("scope"), str(params.get("language_code") or ""))
        return copy.deepcopy(self._commands.get(key, []))

    async def _delete_my_commands(self, params: Json) -> bool:
        key = _command_key(params.get("scope"), str(params.get("language_code") or ""))
        self._commands.pop(key, None)
        return True

    def _set_profile_field(self, name: str) -> Callable[[Json], Awaitable[bool]]:
        async def store(params: Json) -> bool:
            self.bot_profile[name] = copy.deepcopy(params)
            return True

        return store

    async def _send_message(self, params: Json) -> Json:
        return await self._post_message(
            params, kind="text", text_key="text", limit=TEXT_LIMIT, too_long=MESSAGE_TOO_LONG
        )

    async def _send_document(self, params: Json) -> Json:
        return await self._post_message(
            params,
            kind="document",
            text_key="caption",
            limit=CAPTION_LIMIT,
            too_long=CAPTION_TOO_LONG,
        )

    async def _send_photo(self, params: Json) -> Json:
        return await self._post_message(
            params, kind="photo", text_key="caption", limit=CAPTION_LIMIT, too_long=CAPTION_TOO_LONG
        )

    async def _edit_message_text(self, params: Json) -> Json:
        chat = self._chat(params)
        record = self._message_to_change(chat, params, missing=MESSAGE_TO_EDIT_NOT_FOUND)
        if not record.from_bot:
            raise _ApiError(400, MESSAGE_CANT_BE_EDITED)
        if record.kind != "text":
            raise _ApiError(400, NO_TEXT_TO_EDIT)
        formatted, raw = self._formatted(
            params, key="text", limit=TEXT_LIMIT, too_long=MESSAGE_TOO_LONG, required=True
        )
        # Without reply_markup an edit removes the inline keyboard, as on Telegram.
        inline = _read_markup(params.get("reply_markup")).inline
        entities = [dict(entity) for entity in formatted.entities]
        unchanged = (formatted.text, entities, inline) == (
            record.text,
            record.entities,
            record.inline_keyboard,
        )
        if unchanged:
            raise _ApiError(400, MESSAGE_NOT_MODIFIED)
        record.text, record.entities, record.raw_text = formatted.text, entities, raw
        _show_inline_keyboard(record, inline)
        return self._finish_edit(chat, record)

    async def _edit_message_caption(self, params: Json) -> Json:
        chat = self._chat(params)
        record = self._message_to_change(chat, params, missing=MESSAGE_TO_EDIT_NOT_FOUND)
        if not record.from_bot:
            raise _ApiError(400, MESSAGE_CANT_BE_EDITED)
        if record.kind not in ("document", "photo"):
            raise _ApiError(400, NO_CAPTION_TO_EDIT)
        formatted, raw = self._formatted(
            params, key="caption", limit=CAPTION_LIMIT, too_long=CAPTION_TOO_LONG, required=False
        )
        inline = _read_markup(params.get("reply_markup")).inline
        entities = [dict(entity) for entity in formatted.entities]
        if (formatted.text, entities, inline) == (
            record.text,
            record.entities,
            record.inline_keyboard,
        ):
            raise _ApiError(400, MESSAGE_NOT_MODIFIED)
        record.text, record.entities, record.raw_text = formatted.text, entities, raw
        _show_inline_keyboard(record, inline)
        return self._finish_edit(chat, record)

    async def _edit_message_reply_markup(self, params: Json) -> Json:
        chat = self._chat(params)
        record = self._message_to_change(chat, params, missing=MESSAGE_TO_EDIT_NOT_FOUND)
        if not record.from_bot:
            raise _ApiError(400, MESSAGE_CANT_BE_EDITED)
        inline = _read_markup(params.get("reply_markup")).inline
        if inline == record.inline_keyboard:
            raise _ApiError(400, MESSAGE_NOT_MODIFIED)
        _show_inline_keyboard(record, inline)
        return self._finish_edit(chat, record)

    async def _delete_message(self, params: Json) -> bool:
        chat = self._chat(params)
        record = self._message_to_change(chat, params, missing=MESSAGE_TO_DELETE_NOT_FOUND)
        if self._now() - record.date >= DELETE_WINDOW.total_seconds():
            raise _ApiError(400, MESSAGE_CANT_BE_DELETED)
        self._delete(chat, record)
        return True

    async def _delete_messages(self, params: Json) -> bool:
        chat = self._chat(params)
        for raw_id in params.get("message_ids") or []:
            message_id = _as_int(raw_id)
            record = chat.visible(message_id) if message_id is not None else None
            # Telegram skips what it cannot find or may no longer delete.
            if record is not None and self._now() - record.date < DELETE_WINDOW.total_seconds():
                self._delete(chat, record)
        return True

    def _delete(self, chat: _Chat, record: MessageRecord) -> None:
        record.deleted = True
        self._emit(BotEvent("deleted", chat.id, dataclasses.replace(record)))

    async def _answer_callback_query(self, params: Json) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        query = self._queries.get(query_id)
        if query is None or query.answered:
            raise _ApiError(400, QUERY_ID_INVALID)
        text = params.get("text")
        if text is not None and utf16_length(str(text)) > CALLBACK_ANSWER_LIMIT:
            raise _ApiError(400, CALLBACK_TEXT_TOO_LONG)
        query.answered = True
        answer = CallbackAnswer(
            query_id=query_id,
            chat_id=query.chat_id,
            user_id=query.user_id,
            text=None if text is None else str(text),
            show_alert=bool(params.get("show_alert")),
            url=params.get("url"),
        )
        self.callback_answers.append(answer)
        self._emit(
            BotEvent(
                "callback_answer", query.chat_id, text=answer.text, show_alert=answer.show_alert
            )
        )
        return True

    async def _send_chat_action(self, params: Json) -> bool:
        chat = self._chat(params)
        action = str(params.get("action") or "")
        if action not in _CHAT_ACTIONS:
            raise _ApiError(400, WRONG_CHAT_ACTION)
        self.chat_actions.append((chat.id, action))
        self._emit(BotEvent("chat_action", chat.id, text=action))
        return True

    async def _get_chat(self, params: Json) -> Json:
        chat = self._chat(params, writing=False)
        return {
            **chat.json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _get_file(self, params: Json) -> Json:
        file_id = str(params.get("file_id") or "")
        stored = self._files.get(file_id)
        if stored is None:
            raise _ApiError(400, INVALID_FILE_ID)
        return {
            "file_id": file_id,
            "file_unique_id": f"U{file_id}",
            "file_size": len(stored.content),
            "file_path": f"documents/{file_id}",
        }

    async def _harmless(self, params: Json) -> bool:
        return True


# --- The person's side ----------------------------------------------------------------------


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
        if not _LEADING_COMMAND.match(command):
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
            data = _find_callback(record, label_or_data)
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
        data = _find_callback(record, label_or_data) if record is not None else None
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

    async def _press_reply_button(self, keyboard: _ReplyKeyboard, button: Json) -> Json:
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


# --- Small pure helpers ---------------------------------------------------------------------


def _json_copy(value: Any) -> Any:
    """A deep copy of JSON values (what Telegram decodes), several times cheaper than deepcopy."""
    return json.loads(json.dumps(value))


def _decode_request(request_data: RequestData | None) -> tuple[Json, dict[str, UploadedFile]]:
    """Parameters as Telegram decodes them; multipart files become UploadedFile values."""
    if request_data is None:
        return {}, {}
    # PTB's parameters are JSON values already: copied the way Telegram would decode them.
    params: Json = _json_copy(request_data.parameters)
    referenced = {
        value.removeprefix("attach://")
        for value in _strings_in(params)
        if value.startswith("attach://")
    }
    attachments: dict[str, UploadedFile] = {}
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        data = content if isinstance(content, bytes) else content.read()
        uploaded = UploadedFile(filename=filename, content=data, mime_type=mime_type)
        if name in referenced:
            attachments[name] = uploaded
        else:
            params[name] = uploaded
    return params, attachments


def _strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings_in(item)]
    return []


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return None


def _read_markup(markup: Any) -> _Markup:
    """Validate reply_markup as Telegram does and say what it shows."""
    if markup is None:
        return _Markup()
    if not isinstance(markup, dict):
        raise _ApiError(400, MARKUP_UNPARSABLE)
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _ApiError(400, MARKUP_UNPARSABLE)
        for row in rows:
            for button in row:
                _check_inline_button(button)
        # An empty inline keyboard shows nothing; Telegram drops it from the message.
        return _Markup(inline=_json_copy(rows) or None)
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _ApiError(400, MARKUP_UNPARSABLE)
        buttons = [[{"text": b} if isinstance(b, str) else dict(b) for b in row] for row in rows]
        if not all(isinstance(b.get("text"), str) for row in buttons for b in row):
            raise _ApiError(400, MARKUP_UNPARSABLE)
        return _Markup(keyboard=_ReplyKeyboard(buttons, bool(markup.get("one_time_keyboard"))))
    if markup.get("remove_keyboard"):
        return _Markup(remove_keyboard=True)
    return _Markup()


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise _ApiError(400, MARKUP_UNPARSABLE)
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= CALLBACK_DATA_LIMIT:
            raise _ApiError(400, BUTTON_DATA_INVALID)
    if "url" in button:
        scheme = str(button["url"]).partition("://")[0].lower()
        if scheme not in ("http", "https", "tg"):
            raise _ApiError(400, BUTTON_URL_INVALID)
    if not any(action in button for action in _INLINE_BUTTON_ACTIONS):
        raise _ApiError(400, TEXT_BUTTONS_UNALLOWED)


def _show_inline_keyboard(record: MessageRecord, rows: list[list[Json]] | None) -> None:
    record.inline_keyboard = rows if rows else None
    record.buttons = [
        [(str(button["text"]), button.get("callback_data")) for button in row] for row in rows or []
    ]


def _find_callback(record: MessageRecord, label_or_data: str) -> str | None:
    for row in record.inline_keyboard or []:
        for button in row:
            if button["text"] == label_or_data and "callback_data" in button:
                return str(button["callback_data"])
    for row in record.inline_keyboard or []:
        for button in row:
            if button.get("callback_data") == label_or_data:
                return label_or_data
    return None


def _command_entities(text: str) -> list[Json]:
    match = _LEADING_COMMAND.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_length(match.group(0))}]


def _command_key(scope: Any, language_code: str) -> tuple[str, str]:
    scope = scope if isinstance(scope, dict) else {"type": "default"}
    return json.dumps(scope, sort_keys=True), language_code


def _max_in_window(times: list[float], window: float) -> int:
    ordered = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - window:
            start += 1
        best = max(best, end - start + 1)
    return best
