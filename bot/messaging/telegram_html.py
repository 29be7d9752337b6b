"""Telegram's HTML parse mode, as its servers read it: what the bot's messages must satisfy.

Used at start-up to refuse clinic-profile texts Telegram would reject, and by the Bot API double.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]
_TRIMMED = " \t\r\n"


class EntityParseError(ValueError):
    """Telegram refused the HTML; the message is Telegram's words after "can't parse entities: "."""


@dataclass(frozen=True)
class FormattedText:
    """Text as a person reads it, with Bot API entities (offsets in UTF-16 code units)."""

    text: str
    entities: tuple[Json, ...] = ()


_HTML_TAGS = frozenset(
    [
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    ]
)
_SIMPLE_TAG_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


_MARKUP = re.compile("[<&]")


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int
    text_start: int
    expandable: bool


class _HtmlReader:
    """Telegram's HTML dialect, read the way its server reads it (same errors, same leniency)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.out: list[str] = []
        self.out_length = 0
        self.utf16 = 0
        self.entities: list[Json] = []
        self.stack: list[_OpenTag] = []
        self.surrogates = False

    def char(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.source[index] if index < len(self.source) else ""

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8", "surrogatepass"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.out_length += len(text)
        self.utf16 += utf16_length(text)

    def parse(self) -> FormattedText:
        while self.pos < len(self.source):
            current = self.source[self.pos]
            if current == "&":
                decoded = self.decode_entity()
                if decoded is not None:
                    self.emit(decoded)
                    continue
            if current != "<":
                # Plain text up to the next tag or entity in one piece (one append, one count).
                end = _MARKUP.search(self.source, self.pos + 1)
                stop = end.start() if end is not None else len(self.source)
                self.emit(self.source[self.pos : stop])
                self.pos = stop
                continue
            if self.char(1) == "/":
                self.read_end_tag()
            else:
                self.read_start_tag()
        if self.stack:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        if self.surrogates:
            raise EntityParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return FormattedText("".join(self.out), tuple(entities))

    def decode_entity(self) -> str | None:
        """Decode `&...;` at pos (the `;` is optional, as on Telegram); None leaves a bare `&`."""
        source, start = self.source, self.pos
        end = start + 1
        if end < len(source) and source[end] == "#":
            end += 1
            hexadecimal = end < len(source) and source[end] == "x"
            if hexadecimal:
                end += 1
            digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
            value = 0
            while end < len(source) and source[end] in digits:
                value = value * (16 if hexadecimal else 10) + int(source[end], 16)
                end += 1
                if value >= 0x10FFFF:
                    return None
            if value == 0 or end - start >= 10:
                return None
            decoded = chr(value)
            self.surrogates |= 0xD800 <= value <= 0xDFFF
        else:
            while end < len(source) and source[end].isascii() and source[end].isalpha():
                end += 1
            named = _NAMED_ENTITIES.get(source[start + 1 : end])
            if named is None:
                return None
            decoded = named
        self.pos = end + 1 if end < len(source) and source[end] == ";" else end
        return decoded

    def read_start_tag(self) -> None:
        begin = self.pos
        self.pos += 1
        while not _is_space(self.char()) and self.char() != ">":
            self.pos += 1
        if self.char() == "":
            raise EntityParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = self.source[begin + 1 : self.pos].lower()
        if name not in _HTML_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}'
            )
        argument, expandable = self.read_attributes(name, begin)
        if name == "span" and argument != "spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        self.stack.append(_OpenTag(name, argument, self.utf16, self.out_length, expandable))
        self.pos += 1

    def read_attributes(self, name: str, begin: int) -> tuple[str, bool]:
        argument, expandable = "", False
        while self.char() != ">":
            while self.char() != "" and _is_space(self.char()):
                self.pos += 1
            if self.char() == ">":
                break
            attribute_start = self.pos
            while not _is_space(self.char()) and self.char() not in ("=", ">"):
                self.pos += 1
            attribute = self.source[attribute_start : self.pos]
            where = f'the tag "{name}" at byte offset {self.byte_offset(begin)}'
            if not attribute:
                raise EntityParseError(f"Empty attribute name in {where}")
            while self.char() != "" and _is_space(self.char()):
                self.pos += 1
            if self.char() != "=":
                if name == "blockquote" and attribute == "expandable":
                    expandable = True
                    continue
                raise EntityParseError(
                    f"Expected equal sign in declaration of an attribute of {where}"
                )
            self.pos += 1
            while self.char() != "" and _is_space(self.char()):
                self.pos += 1
            if self.char() == "":
                raise EntityParseError(
                    f'Unclosed start tag "{name}" at byte offset {self.byte_offset(begin)}'
                )
            value = self.read_attribute_value()
            if self.char() == "":
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {self.byte_offset(begin)}"
                )
            argument = _tag_argument(name, attribute, value, argument)
        return argument, expandable

    def read_attribute_value(self) -> str:
        quote = self.char()
        if quote not in ("'", '"'):
            token_start = self.pos
            while _is_name_token_char(self.char()):
                self.pos += 1
            value = self.source[token_start : self.pos].lower()
            if not _is_space(self.char()) and self.char() != ">":
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {self.byte_offset(token_start)}"
                )
            return value
        self.pos += 1
        chars: list[str] = []
        while self.char() not in (quote, ""):
            if self.char() == "&":
                decoded = self.decode_entity()
                if decoded is not None:
                    chars.append(decoded)
                    continue
            chars.append(self.char())
            self.pos += 1
        if self.char() == quote:
            self.pos += 1
        return "".join(chars)

    def read_end_tag(self) -> None:
        begin = self.pos
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        self.pos += 1
        while not _is_space(self.char()) and self.char() != ">":
            self.pos += 1
        end_name = self.source[begin + 2 : self.pos].lower()
        while self.char() != "" and _is_space(self.char()):
            self.pos += 1
        if self.char() != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        tag = self.stack[-1]
        if end_name and end_name != tag.name:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{end_name}>"'
            )
        if self.utf16 > tag.offset:
            self.close_entity(tag)
        self.stack.pop()
        self.pos += 1

    def close_entity(self, tag: _OpenTag) -> None:
        span: Json = {"offset": tag.offset, "length": self.utf16 - tag.offset}
        previous = self.entities[-1] if self.entities else None
        same_span = previous is not None and all(previous[k] == span[k] for k in span)
        if tag.name in _SIMPLE_TAG_ENTITIES:
            self.entities.append({"type": _SIMPLE_TAG_ENTITIES[tag.name], **span})
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise EntityParseError("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": tag.argument})
        elif tag.name == "a":
            link = _checked_link(tag.argument or "".join(self.out)[tag.text_start :])
            if link is not None:
                self.entities.append({**link, **span})
        elif tag.name == "blockquote":
            kind = "expandable_blockquote" if tag.expandable else "blockquote"
            self.entities.append({"type": kind, **span})
        elif tag.name == "pre":
            if same_span and previous is not None and "_language" in previous:
                # <pre><code class="language-x">: one pre entity that carries the language
                previous.update(type="pre", language=previous.pop("_language"))
            else:
                self.entities.append({"type": "pre", **span})
        elif (
            same_span
            and previous is not None
            and previous["type"] == "pre"
            and "language" not in previous
            and tag.argument
        ):
            previous["language"] = tag.argument
        else:
            entity: Json = {"type": "code", **span}
            if tag.argument:
                entity["_language"] = tag.argument
            self.entities.append(entity)


def _is_space(char: str) -> bool:
    # The end of the text counts as a space, as the NUL terminator does on Telegram's side.
    return char == "" or char in " \t\r\n\v\0"


def _is_name_token_char(char: str) -> bool:
    return char != "" and ((char.isascii() and char.isalnum()) or char in ".-")


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    return current


def _checked_link(url: str) -> Json | None:
    url = url.strip()
    mention = re.fullmatch(r"tg://user\?id=(\d+)", url)
    if mention:
        user = {"id": int(mention.group(1)), "is_bot": False, "first_name": ""}
        return {"type": "text_mention", "user": user}
    scheme, separator, _ = url.partition("://")
    if separator:
        ok = scheme.lower() in ("http", "https", "tg", "ton")
        return {"type": "text_link", "url": url} if ok else None
    if "." in url and " " not in url:
        return {"type": "text_link", "url": f"http://{url}"}
    return None


def parse_html(source: str) -> FormattedText:
    """Parse Telegram-flavoured HTML into text and entities; fail like Telegram does."""
    parsed = _HtmlReader(source).parse()
    entities = tuple({k: v for k, v in e.items() if k != "_language"} for e in parsed.entities)
    return FormattedText(parsed.text, entities)


def trim_formatted(formatted: FormattedText) -> FormattedText:
    """Drop leading and trailing whitespace as Telegram does, keeping entities on their text."""
    text = formatted.text
    stripped = text.strip(_TRIMMED)
    if stripped == text:
        return formatted
    lead = utf16_length(text[: len(text) - len(text.lstrip(_TRIMMED))])
    size = utf16_length(stripped)
    entities: list[Json] = []
    for entity in formatted.entities:
        start = max(0, entity["offset"] - lead)
        end = min(size, entity["offset"] + entity["length"] - lead)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, tuple(entities))
