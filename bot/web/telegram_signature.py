"""The data-check-string both of Telegram's sign-ins hash (Login Widget and Mini App initData).

Only the secret differs: SHA-256 of the bot token for the widget, HMAC of the token under
"WebAppData" for initData (see bot/web/console/security.py and bot/web/miniapp/initdata.py).
"""

from __future__ import annotations

from collections.abc import Mapping


def data_check_string(fields: Mapping[str, str]) -> str:
    """Every field but `hash`, as key=value lines sorted by key (Telegram's definition)."""
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")
