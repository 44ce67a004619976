"""Structural validation of a SageMaker Pipelines definition (step names, dependencies, references).

Checked before a definition enters a template: names unique and well-formed, DependsOn and
``{"Get": ...}`` references resolve to declared parameters, execution variables and earlier
steps, property files exist, and there are no cycles. Values that are not str/dict/list (and
CDK token strings) pass through untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .definition import _EXECUTION_VARIABLES, _PARAMETER_TYPES, STEP_NAME


class DefinitionError(ValueError):
    """The definition is structurally invalid; the message lists every problem."""


@dataclass
class _StepInfo:
    name: str
    body: dict[str, Any]
    parent: str | None  # the Condition step whose If/Else branch holds this step


def validate_definition(definition: Mapping[str, Any]) -> list[str]:
    """Problems in ``definition`` as readable sentences; an empty list means it is structurally valid."""
    problems = [] if definition.get("Version") else ["definition has no Version"]
    params = _parameter_names(definition.get("Parameters"), problems)
    steps = _collect_steps(definition.get("Steps"), None, [], problems)
    known = {info.name: info for info in steps}
    edges: dict[str, set[str]] = {info.name: set() for info in steps}
    for info in steps:
        depends_on = info.body.get("DependsOn") or []
        for dep in depends_on if isinstance(depends_on, list) else [depends_on]:
            if dep in known:
                edges[info.name].add(dep)
            else:
                problems.append(f"step '{info.name}' DependsOn unknown step {dep!r}")
        if info.parent is not None:  # a branch step runs after its condition (and so after its dependencies)
            edges[info.name].add(info.parent)
    refs = [(info.name, path) for info in steps for path in _references(_own_arguments(info.body))]
    for name, path in refs:
        target = _check_reference(name, path, params, known, problems)
        if target is not None:
            edges[name].add(target)
    for name, path in refs:  # ancestry needs every edge, hence a second pass
        target = _step_of(path)
        if target in known and target != name and name in _ancestors(target, edges):
            problems.append(
                f"step '{name}' references '{path}', but '{target}' is not an ancestor: it depends on '{name}'"
            )
    return problems + _cycles(edges)


def check_definition(definition: Mapping[str, Any]) -> None:
    """Raise ``DefinitionError`` listing every problem, or return quietly."""
    problems = validate_definition(definition)
    if problems:
        raise DefinitionError("invalid pipeline definition:\n  - " + "\n  - ".join(problems))


def _parameter_names(parameters: Any, problems: list[str]) -> set[str]:
    names: set[str] = set()
    for item in parameters if isinstance(parameters, list) else []:
        name = item.get("Name") if isinstance(item, dict) else None
        if not isinstance(name, str):
            problems.append(f"parameter without a Name: {item!r}")
            continue
        if name in names:
            problems.append(f"duplicate parameter '{name}'")
        if item.get("Type") not in _PARAMETER_TYPES:
            problems.append(f"parameter '{name}' has unknown Type {item.get('Type')!r}")
        names.add(name)
    return names


def _collect_steps(items: Any, parent: str | None, found: list[_StepInfo], problems: list[str]) -> list[_StepInfo]:
    """Every step, including those nested in Condition branches, in document order."""
    for body in items if isinstance(items, list) else []:
        name = body.get("Name") if isinstance(body, dict) else None
        if not isinstance(name, str):
            problems.append(f"step without a Name: {body!r}"[:200])
            continue
        if not STEP_NAME.match(name):
            problems.append(f"step name '{name}' must match {STEP_NAME.pattern}")
        if any(info.name == name for info in found):
            problems.append(f"duplicate step name '{name}'")
        if not body.get("Type"):
            problems.append(f"step '{name}' has no Type")
        found.append(_StepInfo(name, body, parent))
        arguments = body.get("Arguments")
        if body.get("Type") == "Condition" and isinstance(arguments, dict):
            _collect_steps(arguments.get("IfSteps"), name, found, problems)
            _collect_steps(arguments.get("ElseSteps"), name, found, problems)
    return found


def _own_arguments(body: dict[str, Any]) -> Any:
    """A step's Arguments without nested branch steps, which are checked as steps in their own right."""
    arguments = body.get("Arguments")
    if body.get("Type") == "Condition" and isinstance(arguments, dict):
        return {key: value for key, value in arguments.items() if key not in ("IfSteps", "ElseSteps")}
    return arguments


def _references(value: Any) -> Iterator[str]:
    """Every ``{"Get": path}`` path in a nested dict/list (JsonGet property files included)."""
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("Get"), str):
            yield value["Get"]
            return
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def _step_of(path: str) -> str | None:
    match = re.match(r"^Steps\.([^.\[]+)", path)
    return match.group(1) if match else None


def _check_reference(
    name: str, path: str, params: set[str], known: dict[str, _StepInfo], problems: list[str]
) -> str | None:
    """Report a bad reference; return the referenced step when it is a valid data dependency."""
    root, _, rest = path.partition(".")
    if root == "Parameters":
        if rest not in params:
            problems.append(f"step '{name}' references undeclared parameter '{rest}'")
    elif root == "Execution":
        if rest not in _EXECUTION_VARIABLES:
            problems.append(f"step '{name}' references unknown execution variable '{rest}'")
    elif root == "Steps":
        target = _step_of(path)
        if target is None or target not in known:
            problems.append(f"step '{name}' references non-existent step in '{path}'")
        elif target == name:
            problems.append(f"step '{name}' references itself in '{path}'")
        else:
            _check_property_file(name, path, known[target], problems)
            return target
    else:
        problems.append(f"step '{name}' has a Get of unknown root '{path}'")
    return None


def _check_property_file(name: str, path: str, target: _StepInfo, problems: list[str]) -> None:
    match = re.match(r"^Steps\.[^.]+\.PropertyFiles\.(.+)$", path)
    if not match:
        return
    declared = {p.get("PropertyFileName") for p in target.body.get("PropertyFiles") or [] if isinstance(p, dict)}
    if match.group(1) not in declared:
        problems.append(f"step '{name}' reads property file '{match.group(1)}' not declared by '{target.name}'")


def _ancestors(name: str, edges: Mapping[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(edges.get(name, ()))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(edges.get(current, ()))
    return seen


def _cycles(edges: Mapping[str, set[str]]) -> list[str]:
    """One problem per group of steps that wait on each other (the pipeline would never start them)."""
    ancestors = {name: _ancestors(name, edges) for name in edges}
    problems: list[str] = []
    reported: set[str] = set()
    for name in edges:
        if name in ancestors[name] and name not in reported:
            group = sorted(other for other in ancestors[name] if name in ancestors[other])
            reported.update(group)
            problems.append(f"dependency cycle between steps: {', '.join(group)}")
    return problems
