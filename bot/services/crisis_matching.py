"""The crisis matcher the bot reads with: the clinic's added phrases, the learned second stage,
and every text the bot itself sends, ignored when a patient pastes it back (bot/services/crisis.py)."""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterator
from functools import lru_cache

from bot.domain.checkin_parsing import parse_checkin_catalog
from bot.domain.crisis import CrisisMatcher
from bot.domain.crisis_model import load_model
from bot.domain.language import Language
from bot.profile import ClinicProfile
from bot.texts import Texts, profile_texts
from bot.texts.i18n import use_language

_TAG = re.compile(r"<[^>]*>")


def build_matcher(
    profile: ClinicProfile, texts: Texts, *, second_stage: bool = True
) -> CrisisMatcher:
    """The matcher with the clinic's added phrases, ignoring the bot's own texts pasted back,
    and (unless `second_stage` is False) the learned model asked when the phrases find nothing."""
    return _matcher(
        tuple(profile.crisis.self_harm),
        tuple(profile.crisis.emergency),
        tuple(profile.crisis.negations),
        tuple(bot_texts_to_ignore(profile, texts)),
        tuple(profile.crisis.soft_self_harm),
        tuple(profile.crisis.soft_emergency),
        second_stage,
        profile.crisis.model_threshold,
    )


@lru_cache(maxsize=8)
def _matcher(
    self_harm: tuple[str, ...],
    emergency: tuple[str, ...],
    negations: tuple[str, ...],
    quoted: tuple[str, ...],
    soft_self_harm: tuple[str, ...] = (),
    soft_emergency: tuple[str, ...] = (),
    second_stage: bool = True,
    threshold: float | None = None,
) -> CrisisMatcher:
    # Building reads every bot text (a few hundred ms): once per set of words, not per Core.
    model = load_model() if threshold is None else load_model().with_threshold(threshold)
    return CrisisMatcher(
        extra_self_harm=self_harm,
        extra_emergency=emergency,
        extra_negations=negations,
        quoted=quoted,
        extra_soft_self_harm=soft_self_harm,
        extra_soft_emergency=soft_emergency,
        second_stage=model if second_stage else None,
    )


def bot_texts_to_ignore(profile: ClinicProfile, texts: Texts) -> list[str]:
    """Every text the bot itself sends, in pieces between placeholders, to ignore when pasted."""
    catalog = parse_checkin_catalog(profile.model_dump())
    found: list[str] = []
    keys = texts.keys()  # Texts is not a dict: it lists its keys
    for language in Language:  # a Spanish question quoted back is no more a crisis
        with use_language(language):
            found += [
                profile_texts.question(code, question.text)
                for code, question in catalog.questions.items()
            ]
            found += [profile_texts.reply(key, text) for key, text in catalog.replies.items()]
            for key in keys:
                found.extend(_literal_pieces(texts.raw(key)))
    return list(dict.fromkeys(found))


def _literal_pieces(template: str) -> Iterator[str]:
    for literal, _name, _spec, _conversion in string.Formatter().parse(template):
        piece = html.unescape(_TAG.sub(" ", literal)).strip()
        if piece:
            yield piece
