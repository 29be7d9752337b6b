"""The clinic profile's words a patient reads, named for the Babel catalogues.

A service's name and preparation, the check-in questions, their answer labels and recall
periods, and the fixed red-flag replies live in the clinic profile, not in `bot/texts`. Each gets
a catalogue context naming its place (`profile:checkins.questions.PHQ1.text`); the English is the
msgid, so a question the clinic rewrites has no stale translation: it is shown as written until
the catalogue catches up (`python -m bot.i18n update`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.texts.i18n import current_language, profile_text, translated

PROFILE = Path(__file__).resolve().parent.parent / "clinic_profile.toml"


@dataclass(frozen=True)
class ProfileText:
    context: str
    english: str
    line: int
    what: str
    sms: bool = False


def clinic_text(field: str, english: str) -> str:
    """The SMS programme's name or message frequency ([clinic] sms_program, sms_frequency)."""
    return profile_text(f"profile:clinic.{field}", english)


def service_label(code: str, english: str) -> str:
    return profile_text(f"profile:services.{code}.label", english)


def service_preparation(code: str, english: str) -> str:
    return profile_text(f"profile:services.{code}.preparation", english)


def period(code: str, english: str) -> str:
    return profile_text(f"profile:checkins.periods.{code}", english)


def question(code: str, english: str) -> str:
    return profile_text(f"profile:checkins.questions.{code}.text", english)


def option(scale: str, code: str, english: str) -> str:
    """An answer's label: `scale` is the scale's name, or the question's code for its own."""
    return profile_text(f"profile:checkins.scales.{scale}.{code}", english)


def reply(key: str, english: str) -> str:
    return profile_text(f"profile:red_flags.replies.{key}", english)


def _line_of(lines: list[str], needle: str, start: int = 0) -> int:
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number + 1
    return 0


def profile_texts(path: Path = PROFILE) -> Iterator[ProfileText]:
    """Every patient-facing text of the profile at `path`, in file order of its sections."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    data: Mapping[str, Any] = tomllib.loads(source)

    def line(value: str) -> int:
        return _line_of(lines, value.splitlines()[0][:60])

    clinic = data.get("clinic", {})
    for field in ("sms_program", "sms_frequency"):
        english = clinic.get(field)
        if isinstance(english, str) and english:
            yield ProfileText(
                f"profile:clinic.{field}",
                english,
                line(english),
                f"[clinic] {field}: the HELP reply by SMS",
                sms=True,
            )
    for code, service in data.get("services", {}).items():
        for field in ("label", "preparation"):
            english = service.get(field)
            if isinstance(english, str) and english:
                what = f"service {code}: its {'name' if field == 'label' else 'preparation'}"
                yield ProfileText(f"profile:services.{code}.{field}", english, line(english), what)
    checkins = data.get("checkins", {})
    for code, english in checkins.get("periods", {}).items():
        yield ProfileText(
            f"profile:checkins.periods.{code}", english, line(english), "a recall period"
        )
    for scale, options in checkins.get("scales", {}).items():
        for item in options:
            yield ProfileText(
                f"profile:checkins.scales.{scale}.{item['code']}",
                item["label"],
                line(f'label = "{item["label"]}"'),
                f"an answer of the {scale} scale (a button)",
            )
    for item in checkins.get("questions", []):
        code = item["code"]
        yield ProfileText(
            f"profile:checkins.questions.{code}.text",
            item["text"],
            line(item["text"]),
            f"check-in question {code} ({item.get('label', '')})",
        )
        for own in item.get("options", []):
            yield ProfileText(
                f"profile:checkins.scales.{code}.{own['code']}",
                own["label"],
                line(f'label = "{own["label"]}"'),
                f"an answer of question {code} (a button)",
            )
    for key, english in data.get("red_flags", {}).get("replies", {}).items():
        yield ProfileText(
            f"profile:red_flags.replies.{key}", english, line(english), f"red-flag reply {key}"
        )


def option_label(kind: str, question_code: str, option_code: str, english: str) -> str:
    """An answer button's label: from the shared scale of its kind, or the question's own."""
    language = current_language()
    return (
        translated(language, f"profile:checkins.scales.{kind}.{option_code}", english)
        or translated(language, f"profile:checkins.scales.{question_code}.{option_code}", english)
        or english
    )


def period_in_language(english: str, periods: Mapping[str, str]) -> str:
    """A recall period's words (resolved by the catalogue to English) in the current language."""
    code = next((key for key, value in periods.items() if value == english), None)
    return period(code, english) if code is not None else english
