"""How personal details appear where they are not needed in full (logs, lists)."""

from __future__ import annotations


def mask_phone(number: str | None) -> str:
    """Hide all but the country prefix and the last four digits: +1******4567."""
    if not number:
        return "-"
    if len(number) <= 6:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 6) + number[-4:]
