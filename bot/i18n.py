"""Keep the Babel message catalogues in step with the texts: extract, update, compile, check.

    python -m bot.i18n extract   # bot/locale/messages.pot from bot/texts and the clinic profile
    python -m bot.i18n update    # merge the template into every bot/locale/<lang>/.../messages.po
    python -m bot.i18n compile   # .po -> .mo (committed: the bot loads the .mo)
    python -m bot.i18n check     # exit 1 when a patient text lacks a translation or the .mo is stale

Each entry's `msgctxt` is the text's key (`book_confirmed`) or its place in the profile
(`profile:services.consultation.label`), its `msgid` the built-in English. Staff texts (a module's
`STAFF_KEYS`) are not extracted: staff read the clinic's language. Translator comments (`# ...`)
say where a clinical wording comes from (a validated Spanish version) or that the clinic should
review it; `#.` comments, written by `extract`, say what the text is and which placeholders it has.
"""

from __future__ import annotations

import ast
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from bot.domain.language import DEFAULT_LANGUAGE, Language
from bot.texts import Texts, default_texts, fields, is_sms, patient_keys
from bot.texts.i18n import DOMAIN, LOCALE_DIR
from bot.texts.profile_texts import profile_texts

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
PROJECT = "clinic-bot"


@dataclass(frozen=True)
class Message:
    context: str
    english: str
    path: str
    line: int
    notes: tuple[str, ...]


def _key_lines() -> dict[str, tuple[str, int]]:
    """Where each text key is written: (path from the repository root, line)."""
    found: dict[str, tuple[str, int]] = {}
    for path in sorted((ROOT / "bot" / "texts").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                for key in node.keys:
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        found.setdefault(key.value, (path.relative_to(ROOT).as_posix(), key.lineno))
    return found


def _notes(key: str, english: str, html: frozenset[str]) -> tuple[str, ...]:
    notes: list[str] = []
    names = sorted(fields(english))
    if names:
        notes.append("placeholders (keep each, translate none): " + ", ".join(names))
    if is_sms(key):
        notes.append(
            "SMS on a lock screen: plain GSM-7 in one segment (write a, i, o, u without accents; "
            "ñ and é are fine), and no treatment, drug, pain or symptom word"
        )
    elif key in html:
        notes.append("Telegram HTML: keep the tags and &amp; entities as they are")
    else:
        notes.append("plain text (a button, a toast or a word placed in another text)")
    return tuple(notes)


def messages() -> Iterator[Message]:
    """Every patient text, then every patient-facing profile text."""
    texts = default_texts()
    lines = _key_lines()
    html = frozenset(Texts().html_keys())
    keys = sorted(patient_keys(), key=lambda key: lines.get(key, ("", 0)))
    for key in keys:
        path, line = lines.get(key, ("bot/texts", 0))
        yield Message(key, texts[key], path, line, _notes(key, texts[key], html))
    for entry in profile_texts():
        notes = ["from the clinic profile: " + entry.what]
        if entry.sms:
            notes.append("also sent by SMS: plain GSM-7, no a/i/o/u accents, no clinical words")
        yield Message(
            entry.context, entry.english, "bot/clinic_profile.toml", entry.line, tuple(notes)
        )


def template() -> Catalog:
    catalog = Catalog(project=PROJECT, version="1", copyright_holder="the clinic", fuzzy=False)
    for message in messages():
        catalog.add(
            message.english,
            context=message.context,
            locations=[(message.path, message.line)],
            auto_comments=list(message.notes),
        )
    return catalog


def po_path(language: Language) -> Path:
    return LOCALE_DIR / language.value / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: Language) -> Catalog:
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language.value, domain=DOMAIN)


def _write_po(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=False, omit_header=False)
    path.write_bytes(buffer.getvalue())


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def translated_languages() -> list[Language]:
    return [language for language in Language if language is not DEFAULT_LANGUAGE]


def problems(language: Language, catalog: Catalog | None = None) -> list[str]:
    """What the catalogue of `language` lacks: entries, translations, placeholders, a fresh .mo.

    `catalog` checks another catalogue than the one on disk (its .mo is checked only then).
    """
    on_disk = catalog is None
    catalog = read_catalogue(language) if catalog is None else catalog
    found: list[str] = []
    for message in messages():
        entry = catalog.get(message.english, context=message.context)
        where = f"{language}: {message.context}"
        if entry is None or not entry.string:
            found.append(f"{where}: no translation")
            continue
        if entry.fuzzy:
            found.append(f"{where}: marked fuzzy (not compiled; say 'review' in a comment)")
        assert isinstance(entry.string, str)
        ours, theirs = fields(message.english), fields(entry.string)
        if ours != theirs:
            found.append(f"{where}: placeholders {sorted(theirs)} where English has {sorted(ours)}")
    mo = po_path(language).with_suffix(".mo")
    if on_disk and (not mo.exists() or mo.read_bytes() != compiled(catalog)):
        found.append(f"{language}: {mo.name} is not compiled from {po_path(language).name}")
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "extract":
        _write_po(template(), TEMPLATE)
        print(f"wrote {TEMPLATE.relative_to(ROOT)}")
        return 0
    if command == "update":
        fresh = template()
        for language in translated_languages():
            path = po_path(language)
            if path.exists():
                catalog = read_catalogue(language)
                catalog.update(fresh, no_fuzzy_matching=True)
            else:
                catalog = Catalog(locale=language.value, domain=DOMAIN, project=PROJECT)
                catalog.update(fresh, no_fuzzy_matching=True)
            _write_po(catalog, path)
            print(f"updated {path.relative_to(ROOT)}")
        return 0
    if command == "compile":
        for language in translated_languages():
            mo = po_path(language).with_suffix(".mo")
            mo.write_bytes(compiled(read_catalogue(language)))
            print(f"compiled {mo.relative_to(ROOT)}")
        return 0
    if command == "check":
        found = [problem for language in translated_languages() for problem in problems(language)]
        for problem in found:
            print(problem)
        print("catalogues complete" if not found else f"{len(found)} problem(s)")
        return 1 if found else 0
    print(__doc__)
    return 2


def read_compiled(language: Language) -> Catalog:
    with po_path(language).with_suffix(".mo").open("rb") as handle:
        return read_mo(handle)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
