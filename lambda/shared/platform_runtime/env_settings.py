"""Settings parsed once per container from environment variables into a frozen pydantic model.

A bad or missing variable fails the cold start with one ``ConfigurationError`` that names every problem
by its variable, e.g. ``Invalid environment: TARGETS['churn']['window_seconds']: ...``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .strict_json import loads

Model = TypeVar("Model", bound=BaseModel)


class ConfigurationError(ValueError):
    """The function's environment variables are missing or invalid (raised at cold start)."""


def check(pattern: re.Pattern[str], value: str, what: str) -> str:
    """``value`` if it matches ``pattern`` in full; ValueError naming ``what`` otherwise."""
    if not pattern.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid {what}")
    return value


def comma_list(value: str, expected: str) -> list[str]:
    """The names of a comma-separated variable, stripped; ValueError for an empty one ("a,,b")."""
    names = [name.strip() for name in value.split(",")]
    if any(not name for name in names):
        raise ValueError(f"{value!r} has an empty name: expected {expected}")
    return names


def _problem(item: Any, env_vars: Mapping[str, str]) -> str:
    message = "required, set it to a non-empty value" if item["type"] == "missing" else item["msg"]
    message = message.removeprefix("Value error, ")
    if not item["loc"]:  # errors of the whole model already name their variables
        return str(message)
    if item["type"] == "enum":
        message += f", got {item['input']!r}"
    first, *rest = item["loc"]
    # Names, not positions: a bad window in TARGETS is TARGETS['churn-prod']['window_seconds'].
    where = env_vars.get(str(first), str(first)) + "".join(f"[{p!r}]" for p in rest if isinstance(p, str))
    return f"{where}: {message}"


def from_env(model: type[Model], env_vars: Mapping[str, str], environ: Mapping[str, str]) -> Model:
    """``model`` from the variables ``env_vars`` maps its fields to; unset and blank are the same."""
    raw = {name: environ[variable].strip() for name, variable in env_vars.items() if environ.get(variable, "").strip()}
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems = [_problem(item, env_vars) for item in error.errors()]
        raise ConfigurationError(f"Invalid environment: {'; '.join(problems)}") from None


def label_categories(environ: Mapping[str, str], variable: str = "LABEL_CATEGORIES") -> tuple[str, ...]:
    """A non-empty JSON list of unique, non-blank strings, e.g. '["haze", "smoke"]' (Ground Truth labels)."""
    raw = environ.get(variable, "").strip()
    if not raw:
        raise ConfigurationError(f"Invalid environment: {variable}: required, set it to a JSON list")
    try:
        labels = loads(raw)
    except ValueError:
        raise ConfigurationError(
            f'Invalid environment: {variable}: not valid JSON, expected a list such as ["haze", "smoke"]'
        ) from None
    problem = _label_problem(labels)
    if problem:
        raise ConfigurationError(f"Invalid environment: {variable}: {problem}")
    return tuple(labels)


def _label_problem(labels: Any) -> str:
    if not isinstance(labels, list):
        return f"expected a JSON list of strings, got {type(labels).__name__}"
    if not labels:
        return "at least one label category is required"
    bad = [label for label in labels if not isinstance(label, str) or not label.strip()]
    if bad:
        return f"every label must be a non-blank string, got {bad[0]!r}"
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        return f"duplicate labels: {', '.join(repeated)}"
    return ""
