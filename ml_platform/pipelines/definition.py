"""Typed primitives for SageMaker Pipelines definitions (schema "2020-12-01") and a structural validator.

We build the JSON that ``sagemaker.workflow.pipeline.Pipeline.definition()`` would emit, without the SageMaker
SDK: its import reaches the EC2 metadata endpoint, and synthesis must stay offline. Nothing here imports boto3
or botocore. Step ``Arguments`` are the service's Create*Job request bodies minus the job name, exactly as the
SDK renders them, so the definition can go straight into ``AWS::SageMaker::Pipeline`` ``PipelineDefinitionBody``.

Values that are not str/dict/list (and strings that happen to be CDK tokens) pass through untouched: the
validator only inspects the expression shapes ``{"Get": ...}`` and ``{"Std:JsonGet": ...}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

SCHEMA_VERSION = "2020-12-01"
STEP_NAME = re.compile(r"^[A-Za-z0-9\-_]{1,64}$")

Expr = dict[str, Any]
ParameterType = Literal["String", "Integer", "Float", "Boolean"]
ExecutionVariable = Literal[
    "PipelineExecutionId", "PipelineExecutionArn", "PipelineName", "PipelineArn", "StartDateTime", "CurrentDateTime"
]
_EXECUTION_VARIABLES = frozenset(get_args(ExecutionVariable))
_PARAMETER_TYPES = frozenset(get_args(ParameterType))


# --- JSON expressions (WF-1: parameters and step properties are resolved by the pipeline at run time) ---


def get(path: str) -> Expr:
    """A property reference, e.g. ``get("Steps.Train.ModelArtifacts.S3ModelArtifacts")``."""
    return {"Get": path}


def parameter(name: str) -> Expr:
    return get(f"Parameters.{name}")


def step_property(step: str, path: str) -> Expr:
    """A property of an earlier step; referencing it makes this step depend on ``step``."""
    return get(f"Steps.{step}.{path}")


def execution(variable: ExecutionVariable) -> Expr:
    return get(f"Execution.{variable}")


def join(on: str, values: Sequence[Any]) -> Expr:
    return {"Std:Join": {"On": on, "Values": list(values)}}


def json_get(step: str, property_file: str, path: str) -> Expr:
    """A value read from a step's property file (WF-4: the evaluation report drives the gate)."""
    return {"Std:JsonGet": {"PropertyFile": step_property(step, f"PropertyFiles.{property_file}"), "Path": path}}


# --- Definition building blocks ---


@dataclass(frozen=True)
class Parameter:
    """A pipeline parameter that callers can override per execution (WF-1)."""

    name: str
    type: ParameterType
    default: str | int | float | bool

    def to_dict(self) -> dict[str, Any]:
        return {"Name": self.name, "Type": self.type, "DefaultValue": self.default}


@dataclass(frozen=True)
class PropertyFile:
    """A JSON file in a processing output that later steps read with ``Std:JsonGet``."""

    name: str
    output_name: str
    path: str

    def to_dict(self) -> dict[str, str]:
        return {"PropertyFileName": self.name, "OutputName": self.output_name, "FilePath": self.path}


@dataclass(frozen=True)
class Step:
    """One step. ``arguments`` may hold nested ``Step`` objects (Condition If/Else branches)."""

    name: str
    type: str
    arguments: Mapping[str, Any]
    depends_on: tuple[str, ...] = ()
    cache_minutes: int | None = None
    property_files: tuple[PropertyFile, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        step: dict[str, Any] = {"Name": self.name, "Type": self.type, "Arguments": _render(self.arguments)}
        if self.depends_on:
            step["DependsOn"] = list(self.depends_on)
        if self.cache_minutes:  # WF-6: identical inputs within the window reuse the earlier result
            step["CacheConfig"] = {"Enabled": True, "ExpireAfter": f"T{self.cache_minutes}m"}
        if self.property_files:
            step["PropertyFiles"] = [p.to_dict() for p in self.property_files]
        return step


def condition_step(
    name: str, conditions: Sequence[Expr], if_steps: Sequence[Step], else_steps: Sequence[Step] = ()
) -> Step:
    """A Condition step: all ``conditions`` true runs ``if_steps``, otherwise ``else_steps``."""
    return Step(
        name, "Condition", {"Conditions": list(conditions), "IfSteps": list(if_steps), "ElseSteps": list(else_steps)}
    )


def fail_step(name: str, message: str) -> Step:
    """Ends the execution as Failed, so a missed gate is visible rather than a silent success."""
    return Step(name, "Fail", {"ErrorMessage": message})


def _render(value: Any) -> Any:
    if isinstance(value, Step | Parameter | PropertyFile):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {key: _render(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_render(item) for item in value]
    return value


def _default_experiment_config() -> dict[str, Any]:
    # TR-8: every execution is a trial of an experiment named after the pipeline.
    return {"ExperimentName": execution("PipelineName"), "TrialName": execution("PipelineExecutionId")}


@dataclass(frozen=True)
class PipelineDefinition:
    parameters: tuple[Parameter, ...]
    steps: tuple[Step, ...]
    experiment_config: Mapping[str, Any] = field(default_factory=_default_experiment_config)

    def to_dict(self) -> dict[str, Any]:
        return {
            "Version": SCHEMA_VERSION,
            "Metadata": {},
            "Parameters": [p.to_dict() for p in self.parameters],
            "PipelineExperimentConfig": _render(self.experiment_config),
            "Steps": [s.to_dict() for s in self.steps],
        }


# --- Validation: catch at synth time what CreatePipeline/StartPipelineExecution would reject later ---


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
