"""All patient- and staff-facing words: defaults per audience module, overridable in the profile.

Each module in this package holds a `DEFAULTS` dict. The clinic profile's `[texts]` table may
override any key; start-up refuses unknown keys and overrides that use placeholders the code does
not supply. Telegram texts are HTML: values are escaped by `html()`; SMS texts are plain (`plain()`).

A text is Telegram HTML unless it is plain by name (`is_plain`) or its module lists it in a
`PLAIN_KEYS` set; `Texts.check_html` refuses at start-up an HTML text Telegram would not parse.

Patient texts come out in the patient's language (`bot.texts.i18n`: the current language, the
Babel catalogue in `bot/locale`, the profile's `[texts.es]` overrides); a module's `STAFF_KEYS`
are staff texts and stay in the clinic's language (English) whoever reads them.
"""

from __future__ import annotations

import html as _html
import importlib
import pkgutil
import string
from collections.abc import Callable, Mapping

from bot.domain.errors import ConfigError
from bot.domain.language import DEFAULT_LANGUAGE, Language, gsm7_spanish
from bot.texts.i18n import current_language, translated, use_language

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


def is_sms(key: str) -> bool:
    """Whether the text `key` is an SMS body (read on a lock screen: GSM-7, neutral words)."""
    if key.startswith((*_HTML_PREFIXES, "book_")):  # book_ask_sms: a Telegram question
        return False
    return key.startswith("sms_") or key.endswith("_sms")


def _collect_defaults() -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    """Every module's DEFAULTS merged, the keys declared plain, and the staff keys."""
    merged: dict[str, str] = {}
    plain: set[str] = set()
    staff: set[str] = set()
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
        staff |= frozenset(getattr(module, "STAFF_KEYS", ())) & defaults.keys()
    return merged, frozenset(plain), frozenset(staff)


def default_texts() -> dict[str, str]:
    """The built-in English of every text (what the catalogues translate)."""
    return _collect_defaults()[0]


def patient_keys() -> list[str]:
    """The keys of every text a patient reads: each has a translation in every catalogue."""
    texts, _, staff = _collect_defaults()
    return sorted(texts.keys() - staff)


def fields(template: str) -> set[str]:
    """The placeholders a template uses ({when} -> "when")."""
    return _fields(template)


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


def _one_stop(text: str) -> str:
    """ "a las 9:30 a.m.." -> "a las 9:30 a.m.": a time at the end of a Spanish sentence."""
    return text.replace("a.m..", "a.m.").replace("p.m..", "p.m.")


class Texts:
    """Look up a text by key and fill in its placeholders."""

    def __init__(self, overrides: Mapping[str, object] | None = None) -> None:
        self._texts, self._plain_keys, self._staff_keys = _collect_defaults()
        self._defaults = dict(self._texts)
        self._translated: dict[Language, dict[str, str]] = {}
        for key, value in (overrides or {}).items():
            if isinstance(value, Mapping):
                self._translated[self._language_table(key)] = {
                    name: self._checked(f"{key}.{name}", name, text) for name, text in value.items()
                }
            else:
                self._texts[key] = self._checked(key, key, value)

    def _language_table(self, name: str) -> Language:
        language = next((lang for lang in Language if lang.value == name), None)
        if language is None or language is DEFAULT_LANGUAGE:
            languages = ", ".join(
                f"[texts.{lang}]" for lang in Language if lang != DEFAULT_LANGUAGE
            )
            raise ConfigError(
                f"clinic profile texts.{name}: unknown text key; texts in another language go in "
                f"{languages}"
            )
        return language

    def _checked(self, where: str, key: str, value: object) -> str:
        """An override, refused when its key is unknown or it uses placeholders we don't fill."""
        if key not in self._defaults:
            raise ConfigError(f"clinic profile texts.{where}: unknown text key")
        if not isinstance(value, str):
            raise ConfigError(f"clinic profile texts.{where}: must be a text in quotes")
        try:
            extra = _fields(value) - _fields(self._defaults[key])
        except ValueError as exc:
            raise ConfigError(
                f"clinic profile texts.{where}: {exc}; write a literal {{ or }} twice"
            ) from None
        if extra:
            allowed = ", ".join(sorted(_fields(self._defaults[key]))) or "none"
            raise ConfigError(
                f"clinic profile texts.{where}: unknown placeholder(s) "
                f"{', '.join(sorted(extra))}; allowed: {allowed}"
            )
        return value

    def _template(self, key: str) -> str:
        """The text for `key` in the current language: the clinic's words, the catalogue's, or
        the English when neither has it (a staff text, or a key not translated yet)."""
        language = current_language()
        if language is DEFAULT_LANGUAGE or key in self._staff_keys:
            return self._texts[key]
        override = self._translated.get(language, {}).get(key)
        if override is not None:
            return override
        return translated(language, key, self._defaults[key]) or self._texts[key]

    def is_staff(self, key: str) -> bool:
        return key in self._staff_keys

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
        for language in Language:
            with use_language(language):
                for key in self.html_keys():
                    filled = _filled(self._template(key))
                    try:
                        parse(filled)
                    except ValueError as exc:
                        where = key if language is DEFAULT_LANGUAGE else f"{language}.{key}"
                        raise ConfigError(
                            f"clinic profile texts.{where}: Telegram cannot read it as HTML "
                            f"({exc}); write < as &lt;, > as &gt; and & as &amp;, and close "
                            "every tag you open"
                        ) from None

    def raw(self, key: str) -> str:
        return self._template(key)

    def plain(self, key: str, /, **values: object) -> str:
        """A text with values inserted as they are (SMS, button labels).

        A Spanish SMS loses the accents GSM-7 has no room for (á í ó ú; ñ and é stay), values
        included, so one accented service name never turns a one-segment text into three.
        """
        text = self._template(key).format(**values)
        if current_language() is Language.ES:
            text = _one_stop(text)
            if is_sms(key):
                return gsm7_spanish(text)
        return text

    def html(self, key: str, /, **values: object) -> str:
        """A Telegram HTML text with every inserted value escaped."""
        escaped = {k: _html.escape(str(v), quote=False) for k, v in values.items()}
        text = self._template(key).format(**escaped)
        return _one_stop(text) if current_language() is Language.ES else text
