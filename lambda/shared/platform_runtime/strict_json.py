"""Strict JSON for settings and events: no NaN/Infinity literals, no repeated keys, and the type of a value
in words for error messages (the value itself is never quoted: it may hold personal data)."""

from __future__ import annotations

import json
from typing import Any, NoReturn


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json object hook: a repeated key is an error, not a value silently dropped."""
    result = dict(pairs)
    if len(result) != len(pairs):
        repeated = sorted({key for key, _ in pairs if sum(1 for other, _ in pairs if other == key) > 1})
        raise ValueError(f"repeated keys {', '.join(map(repr, repeated))}")
    return result


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def loads(text: str | bytes) -> Any:
    """Strict JSON: no NaN/Infinity literals, no repeated keys (ValueError otherwise)."""
    return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def kind(value: Any) -> str:
    """A JSON value's type in words, e.g. "an array"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def json_object(value: Any, expected: str) -> Any:
    """A pydantic ``mode="before"`` helper: a JSON text becomes its object; anything else passes through."""
    if not isinstance(value, str):
        return value
    try:
        parsed = loads(value)
    except ValueError as error:
        raise ValueError(f"not valid JSON ({error}): expected {expected}") from None
    if not isinstance(parsed, dict):
        raise ValueError(f"expected {expected}, got {kind(parsed)}")
    return parsed
