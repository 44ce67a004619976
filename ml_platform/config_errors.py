"""Turn YAML and pydantic failures into one line: ``<file>: <field.path>: <reason>``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

# A validator that checks several fields names the one at fault: "sub.path[0]: reason".
_RELATIVE_PATH = re.compile(r"^([A-Za-z_][\w]*(?:\[\d+\]|\.[A-Za-z_]\w*)*): (.+)$", re.DOTALL)
_FRIENDLY = {
    "extra_forbidden": "unknown key (see config/README.md for the fields this section takes)",
    "missing": "required field is missing",
}


class ConfigError(Exception):
    """A config file that cannot be used; ``str(err)`` is the whole message for the user."""

    def __init__(self, source: Path, path: str, reason: str) -> None:
        self.source = source
        self.path = path
        self.reason = reason
        where = f"{path}: " if path else ""
        super().__init__(f"config error in {source}: {where}{reason}")


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys instead of silently keeping the last one."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in keys:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
        keys.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(source: Path) -> dict[str, Any]:
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(source, "", f"cannot read the file ({err.strerror})") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err)
        raise ConfigError(source, "", f"{line}invalid YAML ({problem})") from None
    if not isinstance(data, dict):
        raise ConfigError(source, "", "the file must hold a YAML mapping (organisation, accounts, ...)")
    return data


def format_loc(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            path += " (key)"
        else:
            path += f".{part}" if path else str(part)
    return path


def validate(model: type[M], data: dict[str, Any], source: Path) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        errors = err.errors(include_url=False)
        first = errors[0]
        path = format_loc(tuple(first["loc"]))
        reason = _FRIENDLY.get(first["type"], first["msg"].removeprefix("Value error, "))
        relative = _RELATIVE_PATH.match(reason)
        if relative:
            path = f"{path}.{relative.group(1)}" if path else relative.group(1)
            reason = relative.group(2)
        if first["type"] not in ("missing", "extra_forbidden", "value_error"):
            value = first.get("input")
            if isinstance(value, (str, int, float)) and len(str(value)) <= 60:
                reason += f" (got {value!r})"
        if len(errors) > 1:
            reason += f" [+{len(errors) - 1} more problem(s); fix this one and run again]"
        raise ConfigError(source, path, reason) from None
