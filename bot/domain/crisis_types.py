"""The crisis matcher's vocabulary: the classes and tiers of crisis language, the match it
reports and the second stage it may ask (bot/domain/crisis.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class CrisisKind(StrEnum):
    """The two classes of crisis language; the value is also the escalation rule's suffix."""

    EMERGENCY = "emergency"
    SELF_HARM = "self_harm"


# When a message holds both, the emergency reply ("call 911 now") goes first.
KIND_ORDER = (CrisisKind.EMERGENCY, CrisisKind.SELF_HARM)

# Telegram caps a message at 4,096 characters and Twilio an SMS at 1,600: reading more is never
# needed, and the cap keeps the work per message bounded whatever is posted.
MAX_CHARS = 4096
MAX_PHRASE_WORDS = 12


class CrisisTier(StrEnum):
    """How sure the words are: STRONG pages on-call at once; SOFT asks the patient first."""

    STRONG = "strong"
    SOFT = "soft"


@dataclass(frozen=True)
class CrisisMatch:
    """What was found: the class to act on, the words that matched, and every class present."""

    kind: CrisisKind
    phrase: str
    kinds: tuple[CrisisKind, ...]
    tier: CrisisTier = CrisisTier.STRONG
    # Found by the learned second stage alone (always SOFT): the words may well be an answer
    # ("ready to go home"), so the conversation goes on beside the safety check.
    learned: bool = False


@dataclass(frozen=True)
class StageHit:
    """One class the second stage scored at or above its threshold."""

    kind: CrisisKind
    probability: float
    top: tuple[str, ...]  # the words that weighed most, shown to staff


class SecondStage(Protocol):
    """A reader the matcher asks when its phrases found nothing (the learned model)."""

    def flagged(self, words: Sequence[str]) -> Sequence[StageHit]:
        """The classes found in normalised words, emergency first; empty if none."""
        ...
