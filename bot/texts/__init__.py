"""All patient- and staff-facing words: defaults per audience module, overridable in the profile.

Each module in this package holds a `DEFAULTS` dict. The clinic profile's `[texts]` table may
override any key; start-up refuses unknown keys and overrides that use placeholders the code does
not supply. Telegram texts are HTML: values are escaped by `html()`; SMS texts are plain (`plain()`).

A text is Telegram HTML unless it is plain by name (`is_plain`) or its module lists it in a
`PLAIN_KEYS` set; `Texts.check_html` refuses at start-up an HTML text Telegram would not parse.
"""

from __future__ import annotations

import html as _html
import importlib
import pkgutil
import string
from collections.abc import Callable, Mapping

from bot.domain.errors import ConfigError

# Plain by name: SMS bodies (`sms_staff_` ones go to the staff chat, in HTML), button labels,
# toasts (callback answers), command descriptions, usage lines and calendar-file fields.
_PLAIN_PREFIXES = ("sms_", "btn_", "cmd_", "usage_", "ics_")
_PLAIN_INFIXES = ("_btn_", "_toast")
_HTML_PREFIXES = ("sms_staff_",)
_PLAIN_SUFFIXES = ("_sms",)


def is_plain(key: str) -> bool:
    """Whether the text `key` is plain by its name (Telegram never parses it as HTML)."""
    if key.startswith(_HTML_PREFIXES):
        return False
    return (
        key.startswith(_PLAIN_PREFIXES)
        or key.endswith(_PLAIN_SUFFIXES)
        or any(infix in key for infix in _PLAIN_INFIXES)
    )


def _collect_defaults() -> tuple[dict[str, str], frozenset[str]]:
    """Every module's DEFAULTS merged, and the keys the modules declare plain."""
    merged: dict[str, str] = {}
    plain: set[str] = set()
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        defaults = getattr(module, "DEFAULTS", None)
        if not isinstance(defaults, dict):
            continue
        for key, value in defaults.items():
            if key in merged:
                raise RuntimeError(f"text key {key!r} defined twice (bot/texts/{module_info.name})")
            merged[key] = value
        declared = frozenset(getattr(module, "PLAIN_KEYS", ()))
        if declared - defaults.keys():
            unknown = ", ".join(sorted(declared - defaults.keys()))
            raise RuntimeError(
                f"bot/texts/{module_info.name}: PLAIN_KEYS not in DEFAULTS: {unknown}"
            )
        plain |= declared
    return merged, frozenset(plain)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _filled(template: str) -> str:
    """The template with each placeholder replaced by as many letters as it takes up.

    Letters can't be markup, and the same length keeps the parser's offsets close to the
    template as the clinic wrote it.
    """
    parts: list[str] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        parts.append(literal)
        if name is not None:
            written = "{" + name + (f"!{conversion}" if conversion else "")
            written += (f":{spec}" if spec else "") + "}"
            parts.append("x" * len(written))
    return "".join(parts)


class Texts:
    """Look up a text by key and fill in its placeholders."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self._texts, self._plain_keys = _collect_defaults()
        for key, value in (overrides or {}).items():
            if key not in self._texts:
                raise ConfigError(f"clinic profile texts.{key}: unknown text key")
            try:
                extra = _fields(value) - _fields(self._texts[key])
            except ValueError as exc:
                raise ConfigError(
                    f"clinic profile texts.{key}: {exc}; write a literal {{ or }} twice"
                ) from None
            if extra:
                allowed = ", ".join(sorted(_fields(self._texts[key]))) or "none"
                raise ConfigError(
                    f"clinic profile texts.{key}: unknown placeholder(s) "
                    f"{', '.join(sorted(extra))}; allowed: {allowed}"
                )
            self._texts[key] = value

    def __contains__(self, key: object) -> bool:
        return key in self._texts

    def keys(self) -> list[str]:
        return sorted(self._texts)

    def html_keys(self) -> list[str]:
        """The keys of the texts Telegram reads as HTML."""
        return [k for k in self.keys() if not is_plain(k) and k not in self._plain_keys]

    def check_html(self, parse: Callable[[str], object]) -> None:
        """Refuse, at start-up, an HTML text Telegram would not parse once filled in.

        `parse` reads Telegram's HTML and raises ValueError (e.g. EntityParseError) where
        Telegram answers "can't parse entities". Each text must parse on its own: values are
        escaped, and texts placed inside other texts are checked themselves.
        """
        for key in self.html_keys():
            filled = _filled(self._texts[key])
            try:
                parse(filled)
            except ValueError as exc:
                raise ConfigError(
                    f"clinic profile texts.{key}: Telegram cannot read it as HTML ({exc}); "
                    "write < as &lt;, > as &gt; and & as &amp;, and close every tag you open"
                ) from None

    def raw(self, key: str) -> str:
        return self._texts[key]

    def plain(self, key: str, /, **values: object) -> str:
        """A text with values inserted as they are (SMS, button labels)."""
        return self._texts[key].format(**values)

    def html(self, key: str, /, **values: object) -> str:
        """A Telegram HTML text with every inserted value escaped."""
        escaped = {k: _html.escape(str(v), quote=False) for k, v in values.items()}
        return self._texts[key].format(**escaped)
