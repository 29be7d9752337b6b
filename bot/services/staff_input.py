"""What staff type is checked before it reaches a query or a row."""

from __future__ import annotations

import unicodedata


def has_control_characters(text: str) -> bool:
    """NUL, other control characters (line breaks aside) or lone surrogates anywhere in `text`."""
    return any(ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cs") for ch in text)
