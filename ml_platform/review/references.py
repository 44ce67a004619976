"""Where a template's values come from: the references inside a resource's properties or an output's
value (``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, and across stacks ``Fn::ImportValue`` and
``Fn::GetStackOutput``), each with the property path it sits at. Plain JSON walking; ``Fn::Join``,
``Fn::If``, ``Fn::Select`` and the other functions are walked through, so a reference nested in them
counts for the property that holds it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SUB_VARIABLE = re.compile(r"\$\{([A-Za-z0-9_:]+)(?:\.[A-Za-z0-9_.]+)?\}")  # ${Name} or ${Name.Attribute}


@dataclass(frozen=True)
class Reference:
    """One value a property or output takes from elsewhere."""

    kind: str  # "local" (a resource of the same stack), "export", "output"
    target: str  # logical ID, export name, or "<stack name>/<output name>"
    path: str  # dotted property path where it sits ("" for an output's value)


def references(value: Any, path: str = "") -> Iterator[Reference]:
    """Every reference inside ``value``; ``path`` is the dotted property path of ``value`` itself."""
    if isinstance(value, list):
        for item in value:
            yield from references(item, path)  # a list is one property: SubnetIds changes as a whole
        return
    if not isinstance(value, dict):
        return
    if len(value) == 1:
        ((name, argument),) = value.items()
        found = _function(name, argument, path)
        if found is not None:
            yield from found
            return
    for key, item in value.items():
        yield from references(item, f"{path}.{key}" if path else key)


def _function(name: str, argument: Any, path: str) -> Iterator[Reference] | None:
    if name == "Ref" and isinstance(argument, str):
        return iter(() if argument.startswith("AWS::") else (Reference("local", argument, path),))
    if name == "Fn::GetAtt":
        target = argument[0] if isinstance(argument, list) else str(argument).split(".", 1)[0]
        return iter((Reference("local", str(target), path),))
    if name == "Fn::Sub":
        return _sub(argument, path)
    if name == "Fn::ImportValue":
        if isinstance(argument, str):
            return iter((Reference("export", argument, path),))
        return references(argument, path)  # an export name built from other values
    if name == "Fn::GetStackOutput" and isinstance(argument, dict):
        target = f"{argument.get('StackName')}/{argument.get('OutputName')}"
        return iter((Reference("output", target, path),))
    if name.startswith("Fn::") or name == "Condition":
        return references(argument, path)
    return None


def _sub(argument: Any, path: str) -> Iterator[Reference]:
    text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
    for variable in SUB_VARIABLE.findall(text):
        if variable in variables:
            yield from references(variables[variable], path)
        elif not variable.startswith("AWS::"):
            yield Reference("local", variable, path)


def resource_references(resource: dict[str, Any]) -> Iterator[Reference]:
    """The references in a resource's ``Properties`` (paths relative to them)."""
    yield from references(resource.get("Properties", {}))


def output_references(output: dict[str, Any]) -> Iterator[Reference]:
    yield from references(output.get("Value"), "")
