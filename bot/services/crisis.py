"""Crisis language in free text (CLINICAL.md 4b): the fixed reply, and an urgent escalation."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

from bot.domain.checkins import parse_checkin_catalog
from bot.profile import ClinicProfile
from bot.texts import Texts

_TAG = re.compile(r"<[^>]*>")


def bot_texts_to_ignore(profile: ClinicProfile, texts: Texts) -> list[str]:
    """Every text the bot itself sends, in pieces between placeholders, to ignore when pasted."""
    catalog = parse_checkin_catalog(profile.model_dump())
    found = [question.text for question in catalog.questions.values()]
    found += list(catalog.replies.values())
    keys = texts.keys()  # Texts is not a dict: it lists its keys
    for key in keys:
        found.extend(_literal_pieces(texts.raw(key)))
    return found


def _literal_pieces(template: str) -> Iterator[str]:
    for literal, _name, _spec, _conversion in string.Formatter().parse(template):
        piece = _TAG.sub(" ", literal).strip()
        if piece:
            yield piece
