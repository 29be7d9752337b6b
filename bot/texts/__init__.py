"""All patient- and staff-facing words: defaults per audience module, overridable in the profile.

Each module in this package holds a `DEFAULTS` dict. The clinic profile's `[texts]` table may
override any key; start-up refuses unknown keys and overrides that use placeholders the code does
not supply. Telegram texts are HTML: values are escaped by `html()`; SMS texts are plain (`plain()`).
"""

from __future__ import annotations

import html as _html
import importlib
import pkgutil
import string
from collections.abc import Mapping

from bot.domain.errors import ConfigError


def _collect_defaults() -> dict[str, str]:
    merged: dict[str, str] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        defaults = getattr(module, "DEFAULTS", None)
        if not isinstance(defaults, dict):
            continue
        for key, value in defaults.items():
            if key in merged:
                raise RuntimeError(f"text key {key!r} defined twice (bot/texts/{module_info.name})")
            merged[key] = value
    return merged


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Texts:
    """Look up a text by key and fill in its placeholders."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self._texts = _collect_defaults()
        for key, value in (overrides or {}).items():
            if key not in self._texts:
                raise ConfigError(f"clinic profile texts.{key}: unknown text key")
            extra = _fields(value) - _fields(self._texts[key])
            if extra:
                allowed = ", ".join(sorted(_fields(self._texts[key]))) or "none"
                raise ConfigError(
                    f"clinic profile texts.{key}: unknown placeholder(s) "
                    f"{', '.join(sorted(extra))}; allowed: {allowed}"
                )
            self._texts[key] = value

    def keys(self) -> list[str]:
        return sorted(self._texts)

    def raw(self, key: str) -> str:
        return self._texts[key]

    def plain(self, key: str, /, **values: object) -> str:
        """A text with values inserted as they are (SMS, button labels)."""
        return self._texts[key].format(**values)

    def html(self, key: str, /, **values: object) -> str:
        """A Telegram HTML text with every inserted value escaped."""
        escaped = {k: _html.escape(str(v), quote=False) for k, v in values.items()}
        return self._texts[key].format(**escaped)
