"""The patient's answer to the soft tier's "are you safe right now?" (bot/domain/crisis.py)."""

from __future__ import annotations

import re
from enum import StrEnum

from bot.domain.crisis_normalise import APOSTROPHES, strip_accents

# --- answers to "are you safe right now?" -------------------------------------------------------


class CheckAnswer(StrEnum):
    """The patient's answer to the soft tier's safety check."""

    SAFE = "safe"
    NOT_SAFE = "not_safe"
    CALL = "call"


_CHECK_NOISE = re.compile(r"[^a-z ]+")
_CHECK_SAFE = re.compile(
    r"(?:(?:yes|yeah|yep|yea|y) )?(?:(?:i am|im|i m) )?(?:safe|ok|okay|fine|alright|all right)"
    r"(?: now| thanks| thank you| thx)*"
)
_CHECK_NOT_SAFE = re.compile(
    r"(?:(?:no|nope|nah|n) )?(?:(?:(?:i am|im|i m) )?(?:not safe|unsafe|not ok|not okay|not fine"
    r"|not alright)|(?:i )?(?:dont|do not) feel (?:safe|ok|okay))(?: now| right now)?"
)
_CHECK_CALL = re.compile(
    r"(?:(?:yes|please|pls|plz|can you|could you|can someone|someone) )*call(?: me)?"
    r"(?: please| pls| plz| now| asap| back)*"
)
# Spanish (issue 15; accents are taken off first): "SEGURO", "estoy a salvo", "no estoy bien",
# "LLAMAR", "llámenme por favor".
_CHECK_SAFE_ES = re.compile(
    r"(?:si )?(?:(?:yo )?estoy )?(?:a salvo|segur[oa]|bien)(?: ahora| gracias)*"
)
_CHECK_NOT_SAFE_ES = re.compile(
    r"(?:no )?(?:(?:yo )?no estoy|no me siento) (?:a salvo|segur[oa]|bien)(?: ahora)?"
)
_CHECK_CALL_ES = re.compile(
    r"(?:(?:si|por favor|pueden|puede) )*(?:llamar(?:me)?|llam(?:e|en)(?:me)?|llamame)"
    r"(?: por favor| ya| ahora)*"
)
_CHECK_YES = frozenset(
    {"yes", "y", "yeah", "yep", "yea", "yes i am", "yes i am safe", "si", "si estoy"}
)
_CHECK_NO = frozenset(
    {"no", "n", "nope", "nah", "not really", "no im not", "no i am not", "no estoy"}
)


def parse_check_answer(text: str, *, yes_no: bool) -> CheckAnswer | None:
    """A short typed answer to "are you safe right now?" ("im safe", "CALL", "not safe").

    A bare yes / no counts only when `yes_no` (no other yes/no question is waiting for it).
    Anything longer is not an answer: it is read as a message, crisis words first.
    """
    if not text or len(text) > 60:
        return None
    plain = " ".join(
        _CHECK_NOISE.sub(" ", strip_accents(text).lower().translate(APOSTROPHES)).split()
    )
    if _CHECK_NOT_SAFE.fullmatch(plain) or _CHECK_NOT_SAFE_ES.fullmatch(plain):
        return CheckAnswer.NOT_SAFE
    if _CHECK_CALL.fullmatch(plain) or _CHECK_CALL_ES.fullmatch(plain):
        return CheckAnswer.CALL
    if _CHECK_SAFE.fullmatch(plain) and plain not in ("ok", "okay", "fine", "alright"):
        return CheckAnswer.SAFE
    if _CHECK_SAFE_ES.fullmatch(plain) and plain not in ("bien", "si bien"):
        return CheckAnswer.SAFE
    if yes_no and plain in _CHECK_YES:
        return CheckAnswer.SAFE
    if yes_no and plain in _CHECK_NO:
        return CheckAnswer.NOT_SAFE
    return None
