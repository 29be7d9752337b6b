"""The Telegram double's wire format: request bodies decoded, JSON encoded, reply markup read and
checked as Telegram checks it, bot commands found in text, and send rates measured."""

from __future__ import annotations

import json
import re
from typing import Any

from telegram.request import RequestData

from bot.messaging.telegram_html import (
    utf16_length,
)
from bot.sandbox.bot_api_spec import UploadedFile
from bot.sandbox.telegram_records import (
    BUTTON_DATA_INVALID,
    BUTTON_URL_INVALID,
    CALLBACK_DATA_LIMIT,
    INLINE_BUTTON_ACTIONS,
    LEADING_COMMAND,
    MARKUP_UNPARSABLE,
    TEXT_BUTTONS_UNALLOWED,
    ApiError,
    Json,
    Markup,
    MessageRecord,
    ReplyKeyboard,
)


def chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    # Supergroup ids are -100 followed by the channel id; older small groups are short negatives.
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


def json_copy(value: Any) -> Any:
    """A deep copy of JSON values (what Telegram decodes), several times cheaper than deepcopy."""
    return json.loads(json.dumps(value))


def decode_request(request_data: RequestData | None) -> tuple[Json, dict[str, UploadedFile]]:
    """Parameters as Telegram decodes them; multipart files become UploadedFile values."""
    if request_data is None:
        return {}, {}
    # PTB's parameters are JSON values already: copied the way Telegram would decode them.
    params: Json = json_copy(request_data.parameters)
    referenced = {
        value.removeprefix("attach://")
        for value in strings_in(params)
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


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return None


def read_markup(markup: Any) -> Markup:
    """Validate reply_markup as Telegram does and say what it shows."""
    if markup is None:
        return Markup()
    if not isinstance(markup, dict):
        raise ApiError(400, MARKUP_UNPARSABLE)
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, MARKUP_UNPARSABLE)
        for row in rows:
            for button in row:
                check_inline_button(button)
        # An empty inline keyboard shows nothing; Telegram drops it from the message.
        return Markup(inline=json_copy(rows) or None)
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, MARKUP_UNPARSABLE)
        buttons = [[{"text": b} if isinstance(b, str) else dict(b) for b in row] for row in rows]
        if not all(isinstance(b.get("text"), str) for row in buttons for b in row):
            raise ApiError(400, MARKUP_UNPARSABLE)
        return Markup(keyboard=ReplyKeyboard(buttons, bool(markup.get("one_time_keyboard"))))
    if markup.get("remove_keyboard"):
        return Markup(remove_keyboard=True)
    return Markup()


def check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise ApiError(400, MARKUP_UNPARSABLE)
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= CALLBACK_DATA_LIMIT:
            raise ApiError(400, BUTTON_DATA_INVALID)
    if "url" in button:
        scheme = str(button["url"]).partition("://")[0].lower()
        if scheme not in ("http", "https", "tg"):
            raise ApiError(400, BUTTON_URL_INVALID)
    if not any(action in button for action in INLINE_BUTTON_ACTIONS):
        raise ApiError(400, TEXT_BUTTONS_UNALLOWED)


def show_inline_keyboard(record: MessageRecord, rows: list[list[Json]] | None) -> None:
    record.inline_keyboard = rows if rows else None
    record.buttons = [
        [(str(button["text"]), button.get("callback_data")) for button in row] for row in rows or []
    ]


def find_callback(record: MessageRecord, label_or_data: str) -> str | None:
    for row in record.inline_keyboard or []:
        for button in row:
            if button["text"] == label_or_data and "callback_data" in button:
                return str(button["callback_data"])
    for row in record.inline_keyboard or []:
        for button in row:
            if button.get("callback_data") == label_or_data:
                return label_or_data
    return None


def command_entities(text: str) -> list[Json]:
    match = LEADING_COMMAND.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_length(match.group(0))}]


def command_key(scope: Any, language_code: str) -> tuple[str, str]:
    scope = scope if isinstance(scope, dict) else {"type": "default"}
    return json.dumps(scope, sort_keys=True), language_code


def max_in_window(times: list[float], window: float) -> int:
    ordered = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - window:
            start += 1
        best = max(best, end - start + 1)
    return best
