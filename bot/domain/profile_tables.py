"""A profile table read with its dotted path, so every error names the field (ConfigError).

Typed getters (text, codes by pattern, whole numbers in a range, clock times, lists, nested
tables) and `close()`, which refuses keys nobody read: a typo must not fall back to a default."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import time, timedelta

from bot.domain.errors import ConfigError

MISSING = object()


class ProfileTable:
    """A profile table read with its dotted path, so every error names the field."""

    def __init__(self, raw: object, path: str) -> None:
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: must be a table")
        self.raw: dict[str, object] = raw
        self.path = path
        self._used: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, default: object = MISSING) -> object:
        self._used.add(key)
        if key in self.raw:
            return self.raw[key]
        if default is MISSING:
            raise ConfigError(f"{self.at(key)}: required")
        return default

    def has(self, key: str) -> bool:
        return key in self.raw

    def text(self, key: str, *, max_len: int = 500, default: object = MISSING) -> str:
        value = self.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{self.at(key)}: must be a non-empty string")
        if len(value) > max_len:
            raise ConfigError(f"{self.at(key)}: must be at most {max_len} characters")
        return value

    def code(self, key: str, pattern: re.Pattern[str], what: str) -> str:
        value = self.get(key)
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise ConfigError(f"{self.at(key)}: must be {what}, got {value!r}")
        return value

    def integer(
        self, key: str, *, minimum: int = 0, maximum: int | None = None, default: object = MISSING
    ) -> int:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{self.at(key)}: must be a whole number")
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
            raise ConfigError(f"{self.at(key)}: must be {bound}, got {value}")
        return value

    def number(self, key: str, *, minimum: float = 0.0) -> float:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{self.at(key)}: must be a number")
        if value < minimum:
            raise ConfigError(f"{self.at(key)}: must be >= {minimum}, got {value}")
        return float(value)

    def flag(self, key: str, *, default: bool) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{self.at(key)}: must be true or false")
        return value

    def clock(self, key: str, *, default: object = MISSING) -> time:
        value = self.get(key, default)
        if isinstance(value, time):
            return value
        if isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            return time.fromisoformat(value)
        raise ConfigError(f'{self.at(key)}: must be a clock time "HH:MM", got {value!r}')

    def minutes(self, key: str) -> timedelta:
        return timedelta(minutes=self.integer(key, minimum=1))

    def names(self, key: str, *, default: object = MISSING) -> list[str]:
        value = self.get(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{self.at(key)}: must be a list of strings")
        return [str(v) for v in value]

    def table(self, key: str) -> ProfileTable:
        return ProfileTable(self.get(key), self.at(key))

    def tables(self, key: str, *, default: object = MISSING) -> list[ProfileTable]:
        value = self.get(key, default)
        if not isinstance(value, list):
            raise ConfigError(f"{self.at(key)}: must be a list of tables")
        return [ProfileTable(item, f"{self.at(key)}[{i}]") for i, item in enumerate(value)]

    def choice(self, key: str, choices: Sequence[str], *, default: object = MISSING) -> str:
        value = self.get(key, default)
        if value not in choices:
            raise ConfigError(f"{self.at(key)}: must be one of {', '.join(choices)}; got {value!r}")
        assert isinstance(value, str)
        return value

    def close(self) -> None:
        """Refuse keys nobody read: a typo must not silently fall back to a default."""
        unknown = sorted(set(self.raw) - self._used)
        if unknown:
            raise ConfigError(
                f"{self.at(unknown[0])}: unknown setting (expected one of "
                f"{', '.join(sorted(self._used))})"
            )
