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
import copy
import dataclasses
import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.domain.clock import Clock
from bot.sandbox.bot_api_spec import UploadedFile, find_method, validate_call
from bot.sandbox.telegram_double_methods import BotApiMethods
from bot.sandbox.telegram_records import (
    LEADING_COMMAND,
    NOT_FOUND,
    TOKEN_PATH,
    AnyApplication,
    ApiCall,
    ApiError,
    BotEvent,
    CallbackAnswer,
    Json,
    MessageRecord,
    NoSuchButton,
    NoSuchMessage,
    ReplyKeyboard,
    SendRates,
    encode,
)
from bot.sandbox.telegram_wire import (
    command_entities,
    command_key,
    decode_request,
    find_callback,
    max_in_window,
)

_LOGGER = logging.getLogger(__name__)


# --- What tests and the sandbox read --------------------------------------------------------


# --- Internal state -------------------------------------------------------------------------


# --- The Bot API double ---------------------------------------------------------------------


class FakeBotApi(BotApiMethods):
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
        super().__init__(
            spec_path=spec_path,
            clock=clock,
            monotonic=monotonic,
            bot_first_name=bot_first_name,
            bot_username=bot_username,
            strict_chats=strict_chats,
            latency=latency,
        )
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
        route = TOKEN_PATH.search(url)
        if route is None:
            return ApiError(404, NOT_FOUND).response()
        self._bot_id = int(route.group(1))
        params, attachments = decode_request(request_data)
        return await self._call(route.group(2), params, attachments)

    async def webhook_response(self, body: bytes) -> None:
        """What Telegram does with the response to a webhook: a Bot API method given in it (a
        JSON object with "method") is called (Bot API, "Making requests when getting updates").
        Its result goes nowhere, as on Telegram."""
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            return
        if isinstance(payload, dict) and isinstance(payload.get("method"), str):
            params = {key: value for key, value in payload.items() if key != "method"}
            await self._call(payload["method"], params, {})

    async def _call(
        self, api_method: str, params: dict[str, Any], attachments: dict[str, UploadedFile]
    ) -> tuple[int, bytes]:
        self.calls.append(ApiCall(api_method, params, self._monotonic(), attachments))
        if self._spec is not None:
            self.spec_violations += validate_call(self._spec, api_method, params)
        handler = self._methods.get(api_method.lower())
        if handler is None:
            if self._spec is not None and find_method(self._spec, api_method) is not None:
                _LOGGER.warning("FakeBotApi does not simulate %s; answering Not Found", api_method)
            return ApiError(404, NOT_FOUND).response()
        failure = self._take_failure(api_method, params)
        try:
            if failure is not None and failure.error is not None:
                raise failure.error
            if failure is not None and not failure.delivered:
                raise TimedOut()
            result = await handler(params)
        except ApiError as error:
            return error.response()
        if failure is not None:
            # The request reached Telegram but the answer never came back.
            raise TimedOut()
        return 200, encode({"ok": True, "result": result})

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
        self._register_user(
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            phone=phone,
        )
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
            record.entities = command_entities(text)
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
        return copy.deepcopy(self._commands.get(command_key(scope, language_code), []))

    def max_send_rates(self, *, window: float = 1.0) -> SendRates:
        """The most sends inside any `window` seconds, per chat and overall (pacing evidence)."""
        overall = max_in_window([at for _, at in self._send_times], window)
        per_chat, busiest = 0, None
        for chat_id in {chat for chat, _ in self._send_times}:
            count = max_in_window([at for c, at in self._send_times if c == chat_id], window)
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

    # Internals: reading parameters the way Telegram does -----------------------------------

    # Bot API methods -----------------------------------------------------------------------


# --- The person's side ----------------------------------------------------------------------


# --- Small pure helpers ---------------------------------------------------------------------


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
