"""The Bot API methods the Telegram double answers (getMe, getUpdates, webhooks, commands,
sendMessage and its kin, edits, deletes, callback answers, chat actions, getChat, getFile), each
with Telegram's own errors."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
from collections.abc import Awaitable, Callable

from bot.messaging.telegram_html import (
    utf16_length,
)
from bot.sandbox.telegram_double_core import BotApiCore
from bot.sandbox.telegram_records import (
    BOT_COMMAND_INVALID,
    CALLBACK_ANSWER_LIMIT,
    CALLBACK_TEXT_TOO_LONG,
    CAPTION_LIMIT,
    CAPTION_TOO_LONG,
    CHAT_ACTIONS,
    COMMAND_DESCRIPTION_EMPTY,
    COMMAND_NAME,
    DELETE_WINDOW,
    INVALID_FILE_ID,
    MESSAGE_CANT_BE_DELETED,
    MESSAGE_CANT_BE_EDITED,
    MESSAGE_NOT_MODIFIED,
    MESSAGE_TO_DELETE_NOT_FOUND,
    MESSAGE_TO_EDIT_NOT_FOUND,
    MESSAGE_TOO_LONG,
    NO_CAPTION_TO_EDIT,
    NO_TEXT_TO_EDIT,
    OPT_IN_UPDATES,
    POLLING_CONFLICT,
    QUERY_ID_INVALID,
    TEXT_LIMIT,
    WEBHOOK_ACTIVE,
    WRONG_CHAT_ACTION,
    ApiError,
    BotEvent,
    CallbackAnswer,
    ChatState,
    Json,
    MessageRecord,
)
from bot.sandbox.telegram_wire import (
    command_key,
    int_or_none,
    read_markup,
    show_inline_keyboard,
)


class BotApiMethods(BotApiCore):
    """One coroutine per Bot API method, over the double's state."""

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
            raise ApiError(409, WEBHOOK_ACTIVE)
        offset = int_or_none(params.get("offset"))
        if offset is not None:
            self._confirm_updates(offset)
        limit = min(max(int_or_none(params.get("limit")) or 100, 1), 100)
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
            raise ApiError(409, POLLING_CONFLICT)
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
            return bool(kinds & wanted) if wanted else not kinds & OPT_IN_UPDATES

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
            raise ApiError(400, 'Bad Request: parameter "commands" is required')
        for command in commands:
            if not isinstance(command, dict):
                raise ApiError(400, BOT_COMMAND_INVALID)
            if not COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise ApiError(400, BOT_COMMAND_INVALID)
            if not str(command.get("description", "")).strip():
                raise ApiError(400, COMMAND_DESCRIPTION_EMPTY)
        key = command_key(params.get("scope"), str(params.get("language_code") or ""))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _get_my_commands(self, params: Json) -> list[Json]:
        key = command_key(params.get("scope"), str(params.get("language_code") or ""))
        return copy.deepcopy(self._commands.get(key, []))

    async def _delete_my_commands(self, params: Json) -> bool:
        key = command_key(params.get("scope"), str(params.get("language_code") or ""))
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
            raise ApiError(400, MESSAGE_CANT_BE_EDITED)
        if record.kind != "text":
            raise ApiError(400, NO_TEXT_TO_EDIT)
        formatted, raw = self._formatted(
            params, key="text", limit=TEXT_LIMIT, too_long=MESSAGE_TOO_LONG, required=True
        )
        # Without reply_markup an edit removes the inline keyboard, as on Telegram.
        inline = read_markup(params.get("reply_markup")).inline
        entities = [dict(entity) for entity in formatted.entities]
        unchanged = (formatted.text, entities, inline) == (
            record.text,
            record.entities,
            record.inline_keyboard,
        )
        if unchanged:
            raise ApiError(400, MESSAGE_NOT_MODIFIED)
        record.text, record.entities, record.raw_text = formatted.text, entities, raw
        show_inline_keyboard(record, inline)
        return self._finish_edit(chat, record)

    async def _edit_message_caption(self, params: Json) -> Json:
        chat = self._chat(params)
        record = self._message_to_change(chat, params, missing=MESSAGE_TO_EDIT_NOT_FOUND)
        if not record.from_bot:
            raise ApiError(400, MESSAGE_CANT_BE_EDITED)
        if record.kind not in ("document", "photo"):
            raise ApiError(400, NO_CAPTION_TO_EDIT)
        formatted, raw = self._formatted(
            params, key="caption", limit=CAPTION_LIMIT, too_long=CAPTION_TOO_LONG, required=False
        )
        inline = read_markup(params.get("reply_markup")).inline
        entities = [dict(entity) for entity in formatted.entities]
        if (formatted.text, entities, inline) == (
            record.text,
            record.entities,
            record.inline_keyboard,
        ):
            raise ApiError(400, MESSAGE_NOT_MODIFIED)
        record.text, record.entities, record.raw_text = formatted.text, entities, raw
        show_inline_keyboard(record, inline)
        return self._finish_edit(chat, record)

    async def _edit_message_reply_markup(self, params: Json) -> Json:
        chat = self._chat(params)
        record = self._message_to_change(chat, params, missing=MESSAGE_TO_EDIT_NOT_FOUND)
        if not record.from_bot:
            raise ApiError(400, MESSAGE_CANT_BE_EDITED)
        inline = read_markup(params.get("reply_markup")).inline
        if inline == record.inline_keyboard:
            raise ApiError(400, MESSAGE_NOT_MODIFIED)
        show_inline_keyboard(record, inline)
        return self._finish_edit(chat, record)

    async def _delete_message(self, params: Json) -> bool:
        chat = self._chat(params)
        record = self._message_to_change(chat, params, missing=MESSAGE_TO_DELETE_NOT_FOUND)
        if self._now() - record.date >= DELETE_WINDOW.total_seconds():
            raise ApiError(400, MESSAGE_CANT_BE_DELETED)
        self._delete(chat, record)
        return True

    async def _delete_messages(self, params: Json) -> bool:
        chat = self._chat(params)
        for raw_id in params.get("message_ids") or []:
            message_id = int_or_none(raw_id)
            record = chat.visible(message_id) if message_id is not None else None
            # Telegram skips what it cannot find or may no longer delete.
            if record is not None and self._now() - record.date < DELETE_WINDOW.total_seconds():
                self._delete(chat, record)
        return True

    def _delete(self, chat: ChatState, record: MessageRecord) -> None:
        record.deleted = True
        self._emit(BotEvent("deleted", chat.id, dataclasses.replace(record)))

    async def _answer_callback_query(self, params: Json) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        query = self._queries.get(query_id)
        if query is None or query.answered:
            raise ApiError(400, QUERY_ID_INVALID)
        text = params.get("text")
        if text is not None and utf16_length(str(text)) > CALLBACK_ANSWER_LIMIT:
            raise ApiError(400, CALLBACK_TEXT_TOO_LONG)
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
        if action not in CHAT_ACTIONS:
            raise ApiError(400, WRONG_CHAT_ACTION)
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
            raise ApiError(400, INVALID_FILE_ID)
        return {
            "file_id": file_id,
            "file_unique_id": f"U{file_id}",
            "file_size": len(stored.content),
            "file_path": f"documents/{file_id}",
        }

    async def _harmless(self, params: Json) -> bool:
        return True
