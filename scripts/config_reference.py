#!/usr/bin/env python3
"""Generate the field reference of config/README.md from the pydantic models.

``python scripts/config_reference.py`` rewrites the generated part of config/README.md;
``--check`` exits 1 when it is out of date (a test runs the check).
"""

from __future__ import annotations

import argparse
import sys
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml_platform.config import PlatformConfig

README = Path(__file__).resolve().parent.parent / "config" / "README.md"
BEGIN, END = "<!-- BEGIN GENERATED REFERENCE -->", "<!-- END GENERATED REFERENCE -->"


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args if a is not type(None)) + (
            " (optional)" if type(None) in args else ""
        )
    if origin is tuple:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"map {_type_name(args[0])} → {_type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " \\| ".join(f"`{m.value}`" for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return getattr(annotation, "__name__", str(annotation))


def _constraints(metadata: list[Any]) -> str:
    found: dict[str, Any] = {}
    for item in metadata:  # later constraints (the narrower alias) win
        for attr in ("ge", "gt", "le", "min_length", "max_length", "pattern"):
            if getattr(item, attr, None) is not None:
                found[attr] = getattr(item, attr)
    labels = {"ge": "≥", "gt": ">", "le": "≤", "min_length": "min length", "max_length": "max length"}
    parts = [f"pattern `{v}`" if k == "pattern" else f"{labels[k]} {v}" for k, v in found.items()]
    return "; ".join(parts).replace("|", "\\|")


def _default(field: Any) -> str:
    if field.is_required():
        return "**required**"
    value = field.default if field.default is not PydanticUndefined else field.default_factory()
    if isinstance(value, BaseModel):
        return "defaults below"
    if isinstance(value, tuple) and value and isinstance(value[0], Enum):
        return "all: " + ", ".join(v.value for v in value) if len(value) > 6 else ", ".join(v.value for v in value)
    if isinstance(value, Enum):
        return f"`{value.value}`"
    return f"`{value!r}`" if value not in ((), None) else "none"


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _nested_models(arg)]


def render() -> str:
    sections: list[str] = []
    queue: list[type[BaseModel]] = [PlatformConfig]
    seen: set[type[BaseModel]] = set()
    while queue:
        model = queue.pop(0)
        if model in seen:
            continue
        seen.add(model)
        doc = (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else ""
        rows = ["| field | type | default | constraints | description |", "|---|---|---|---|---|"]
        for name, field in model.model_fields.items():
            type_text = _type_name(field.annotation)
            constraint_text = _constraints(field.metadata)
            cells = [f"`{name}`", type_text, _default(field), constraint_text, field.description or ""]
            rows.append("| " + " | ".join(cells) + " |")
            queue += _nested_models(field.annotation)
        sections.append(f"### {model.__name__}\n\n{doc}\n\n" + "\n".join(rows) + "\n")
    return "\n".join(sections)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if config/README.md is stale")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    updated = f"{head}{BEGIN}\n\n{render()}\n{END}{tail}"
    if args.check:
        if updated != text:
            print("config/README.md is out of date: run `make docs`", file=sys.stderr)
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
