"""Typed primitives for SageMaker Pipelines definitions (schema "2020-12-01"); validate.py checks them.

We build the JSON that ``sagemaker.workflow.pipeline.Pipeline.definition()`` would emit, without the SageMaker
SDK: its import reaches the EC2 metadata endpoint, and synthesis must stay offline. Nothing here imports boto3
or botocore. Step ``Arguments`` are the service's Create*Job request bodies minus the job name, exactly as the
SDK renders them, so the definition can go straight into ``AWS::SageMaker::Pipeline`` ``PipelineDefinitionBody``.

Values that are not str/dict/list (and strings that happen to be CDK tokens) pass through untouched: the
validator only inspects the expression shapes ``{"Get": ...}`` and ``{"Std:JsonGet": ...}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
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
