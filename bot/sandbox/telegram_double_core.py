"""The Telegram double's state and the rules every Bot API method shares: users and chats, the
update queue, message records and their JSON, injected failures, chat checks, HTML parsing with
Telegram's limits, uploads and reply markup. `FakeBotApi` (bot/sandbox/telegram_double.py) is the
double; `BotApiMethods` (telegram_double_methods.py) answers each method."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram.request import BaseRequest

from bot.domain.clock import Clock, SystemClock
from bot.messaging.telegram_html import (
    EntityParseError,
    FormattedText,
    parse_html,
    trim_formatted,
    utf16_length,
)
from bot.sandbox.bot_api_spec import BotApiSpec, UploadedFile, load_spec
from bot.sandbox.telegram_records import (
    BOT_BLOCKED,
    BOT_KICKED,
    CANT_PARSE_ENTITIES,
    CHAT_ID_EMPTY,
    CHAT_NOT_FOUND,
    CHAT_UPGRADED,
    DEFAULT_DESCRIPTIONS,
    FILE_EMPTY,
    FILE_URL,
    MESSAGE_ID_MISSING,
    MESSAGE_TEXT_EMPTY,
    NOT_FOUND,
    REPLIED_MESSAGE_NOT_FOUND,
    UNSUPPORTED_PARSE_MODE,
    WRONG_FILE,
    AnyApplication,
    ApiCall,
    ApiError,
    BotEvent,
    CallbackAnswer,
    ChatState,
    Failure,
    Json,
    Markup,
    MessageRecord,
    PendingQuery,
    Signal,
)
from bot.sandbox.telegram_wire import (
    chat_type,
    int_or_none,
    json_copy,
    read_markup,
    show_inline_keyboard,
)

_LOGGER = logging.getLogger(__name__)


class BotApiCore(BaseRequest):
    """State and shared rules of the in-process Bot API."""

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
        self._chats: dict[int, ChatState] = {}
        self._files: dict[str, UploadedFile] = {}
        self._queries: dict[str, PendingQuery] = {}
        self._commands: dict[tuple[str, str], list[Json]] = {}
        self._blocked: set[int] = set()
        self._migrated: dict[int, int] = {}
        self._missing_chats: set[int] = set()
        self._failures: list[Failure] = []
        self._send_times: list[tuple[int, float]] = []
        self._pending: list[Json] = []
        self._allowed_updates: list[str] = []
        self._next_update_id = 1
        self._next_file = 1
        self._next_query = 1
        self._poll_generation = 0
        self._updates_arrived = Signal()
        self._state_changed = Signal()
        self._listeners: list[Callable[[BotEvent], None]] = []
        self._application: AnyApplication | None = None

    def _register_user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        phone: str | None = None,
    ) -> None:
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

    def _ensure_user(self, user_id: int) -> Json:
        if user_id not in self._users:
            self._register_user(user_id, f"User {user_id}")
        return self._users[user_id]

    def _ensure_chat(self, chat_id: int) -> ChatState:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = ChatState(id=chat_id, type=chat_type(chat_id))
            if chat_id < 0:
                chat.title = f"Group {chat_id}"
            self._chats[chat_id] = chat
        return chat

    def _take_update_id(self) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        return update_id

    def _callback_update(
        self, user: Json, chat: ChatState, data: str, message_id: int | None
    ) -> Json:
        query_id = str(self._next_query)
        self._next_query += 1
        self._queries[query_id] = PendingQuery(chat_id=chat.id, user_id=user["id"])
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
        self, chat: ChatState, *, from_bot: bool, sender_id: int, kind: str, text: str
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
        entities = json_copy(record.entities)
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
            data["reply_markup"] = {"inline_keyboard": json_copy(record.inline_keyboard)}
        return data

    def _emit(self, event: BotEvent) -> None:
        self._state_changed.notify()
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                # A broken listener (say, the sandbox's printer) must not break the bot's call.
                _LOGGER.exception("FakeBotApi listener failed")

    def _take_failure(self, method: str, params: Json) -> Failure | None:
        wanted = method.lower()
        for failure in self._failures:
            if failure.method != wanted:
                continue
            if (
                failure.chat_id is not None
                and int_or_none(params.get("chat_id")) != failure.chat_id
            ):
                continue
            failure.times -= 1
            if failure.times <= 0:
                self._failures.remove(failure)
            return failure
        return None

    def _serve_file(self, url: str) -> tuple[int, bytes]:
        match = FILE_URL.search(url)
        stored = self._files.get(match.group(1).rpartition("/")[2]) if match else None
        if stored is None:
            return ApiError(404, NOT_FOUND).response()
        return 200, stored.content

    def _record_send(self, chat_id: int) -> None:
        self._send_times.append((chat_id, self._monotonic()))

    def _chat(self, params: Json, *, writing: bool = True) -> ChatState:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise ApiError(400, CHAT_ID_EMPTY)
        chat_id = self._chat_id(raw)
        if chat_id in self._missing_chats:
            raise ApiError(400, CHAT_NOT_FOUND)
        chat = self._chats.get(chat_id)
        if chat is None:
            if self._strict_chats:
                raise ApiError(400, CHAT_NOT_FOUND)
            chat = self._ensure_chat(chat_id)
        if writing and chat_id in self._migrated:
            raise ApiError(400, CHAT_UPGRADED, migrate_to=self._migrated[chat_id])
        if writing and chat_id in self._blocked:
            raise ApiError(403, BOT_BLOCKED if chat_id > 0 else BOT_KICKED)
        return chat

    def _chat_id(self, raw: Any) -> int:
        as_int = int_or_none(raw)
        if as_int is not None:
            return as_int
        if isinstance(raw, str) and raw.startswith("@"):
            for chat in self._chats.values():
                if chat.username and chat.username.lower() == raw[1:].lower():
                    return chat.id
        raise ApiError(400, CHAT_NOT_FOUND)

    def _formatted(
        self, params: Json, *, key: str, limit: int, too_long: str, required: bool
    ) -> tuple[FormattedText, str | None]:
        raw = params.get(key)
        if raw is None:
            if required:
                raise ApiError(400, MESSAGE_TEXT_EMPTY)
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
                raise ApiError(400, CANT_PARSE_ENTITIES + str(error)) from error
        elif mode.lower() in ("markdown", "markdownv2"):
            formatted = FormattedText(source)
        else:
            raise ApiError(400, UNSUPPORTED_PARSE_MODE)
        formatted = trim_formatted(formatted)
        if required and not formatted.text:
            raise ApiError(400, MESSAGE_TEXT_EMPTY)
        if utf16_length(formatted.text) > limit:
            raise ApiError(400, too_long)
        return formatted, source

    def _message_to_change(self, chat: ChatState, params: Json, *, missing: str) -> MessageRecord:
        if "inline_message_id" in params:
            # The double has no inline mode, so no inline message can exist.
            raise ApiError(400, missing)
        message_id = int_or_none(params.get("message_id"))
        if message_id is None:
            raise ApiError(400, MESSAGE_ID_MISSING)
        record = chat.visible(message_id)
        if record is None:
            raise ApiError(400, missing)
        return record

    def _reply_target(self, chat: ChatState, params: Json) -> int | None:
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict):
            return None
        message_id = int_or_none(reply.get("message_id"))
        if message_id is not None and chat.visible(message_id) is None:
            if reply.get("allow_sending_without_reply"):
                return None
            raise ApiError(400, REPLIED_MESSAGE_NOT_FOUND)
        return message_id

    def _upload(self, params: Json, key: str) -> tuple[str, UploadedFile]:
        value = params.get(key)
        if isinstance(value, UploadedFile):
            if not value.content:
                raise ApiError(400, FILE_EMPTY)
            file_id = f"FILE{self._next_file:06d}"
            self._next_file += 1
            self._files[file_id] = value
            return file_id, value
        if isinstance(value, str) and value in self._files:
            return value, self._files[value]
        raise ApiError(400, WRONG_FILE)

    def _apply_markup(self, chat: ChatState, record: MessageRecord, markup: Markup) -> None:
        show_inline_keyboard(record, markup.inline)
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
        markup = read_markup(params.get("reply_markup"))
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

    def _finish_edit(self, chat: ChatState, record: MessageRecord) -> Json:
        record.edited = True
        record.edit_date = self._now()
        self._emit(BotEvent("edited", chat.id, dataclasses.replace(record)))
        return self._message_json(record)

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
                else DEFAULT_DESCRIPTIONS.get(error_code, "Unknown Error")
            )
        error = ApiError(error_code, description, retry_after=retry_after)
        self._failures.append(Failure(method.lower(), chat_id, times, error))

    def time_out_next(
        self, method: str, *, delivered: bool = False, chat_id: int | None = None, times: int = 1
    ) -> None:
        """Make the next calls time out; with delivered=True Telegram acted before the timeout."""
        self._failures.append(Failure(method.lower(), chat_id, times, None, delivered))
