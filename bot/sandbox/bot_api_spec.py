"""Check Bot API calls and objects against the published method and type tables."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BotApiSpec = Mapping[str, Any]
"""The parsed spec file: `methods` and `types`, each name -> {fields: [{name, types, required}]}."""

_ARRAY = "Array of "


@dataclass(frozen=True)
class UploadedFile:
    """A file sent as a multipart part (an InputFile in the Bot API's words)."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


def load_spec(path: str | Path) -> BotApiSpec:
    """Read a spec file in the PaulSonOfLars/telegram-bot-api-spec layout."""
    with Path(path).open(encoding="utf-8") as handle:
        spec: dict[str, Any] = json.load(handle)
    if "methods" not in spec or "types" not in spec:
        raise ValueError(f"{path} is not a Bot API spec: it needs 'methods' and 'types'")
    return spec


def find_method(spec: BotApiSpec, method: str) -> Mapping[str, Any] | None:
    """Look a method up the way Telegram does: names are case-insensitive."""
    methods: Mapping[str, Any] = spec["methods"]
    exact: Mapping[str, Any] | None = methods.get(method)
    if exact is not None:
        return exact
    wanted = method.lower()
    for name, entry in methods.items():
        if name.lower() == wanted:
            found: Mapping[str, Any] = entry
            return found
    return None


def validate_call(spec: BotApiSpec, method: str, params: Mapping[str, Any]) -> list[str]:
    """Say what is wrong with one call: unknown method, undeclared, missing or mistyped fields."""
    entry = find_method(spec, method)
    if entry is None:
        return [f"{method}: unknown method"]
    fields = {field["name"]: field for field in entry.get("fields", [])}
    problems = [f"{method}: undeclared parameter {name!r}" for name in params if name not in fields]
    problems += [
        f"{method}: missing required parameter {name!r}"
        for name, field in fields.items()
        if field["required"] and name not in params
    ]
    for name, value in params.items():
        if name in fields:
            problems += _check_value(spec, fields[name]["types"], value, f"{method}.{name}")
    return problems


def validate_object(spec: BotApiSpec, type_name: str, value: Any) -> list[str]:
    """Say how a JSON object differs from a Bot API type (used on what a double answers)."""
    return _check_value(spec, [type_name], value, type_name)


def _check_value(spec: BotApiSpec, types: list[str], value: Any, path: str) -> list[str]:
    best: list[str] | None = None
    for candidate in types:
        problems = _check_single(spec, candidate, value, path)
        if not problems:
            return []
        if best is None or len(problems) < len(best):
            best = problems
    return best or []


def _check_single(spec: BotApiSpec, type_name: str, value: Any, path: str) -> list[str]:
    if type_name.startswith(_ARRAY):
        if not isinstance(value, list):
            return [f"{path}: expected {type_name}, got {type(value).__name__}"]
        inner = type_name.removeprefix(_ARRAY)
        problems: list[str] = []
        for index, item in enumerate(value):
            problems += _check_single(spec, inner, item, f"{path}[{index}]")
        return problems
    if _matches_primitive(type_name, value):
        return []
    if type_name in _PRIMITIVES:
        return [f"{path}: expected {type_name}, got {type(value).__name__}"]
    definition = spec["types"].get(type_name)
    if definition is None:
        # A type the spec does not describe: nothing to hold the value against.
        return []
    subtypes: list[str] | None = definition.get("subtypes")
    if subtypes:
        return _check_value(spec, subtypes, value, path)
    if not isinstance(value, dict):
        return [f"{path}: expected {type_name} object, got {type(value).__name__}"]
    fields = {field["name"]: field for field in definition.get("fields", [])}
    problems = [
        f"{path}: undeclared field {name!r} for {type_name}" for name in value if name not in fields
    ]
    problems += [
        f"{path}: missing required field {name!r} of {type_name}"
        for name, field in fields.items()
        if field["required"] and name not in value
    ]
    for name, item in value.items():
        if name in fields:
            problems += _check_value(spec, fields[name]["types"], item, f"{path}.{name}")
    return problems


_PRIMITIVES = frozenset({"Integer", "Float", "Boolean", "String", "True", "InputFile"})


def _matches_primitive(type_name: str, value: Any) -> bool:
    match type_name:
        case "Integer":
            return isinstance(value, int) and not isinstance(value, bool)
        case "Float":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case "Boolean":
            return isinstance(value, bool)
        case "True":
            return value is True
        case "String":
            return isinstance(value, str)
        case "InputFile":
            return isinstance(value, UploadedFile)
    return False
