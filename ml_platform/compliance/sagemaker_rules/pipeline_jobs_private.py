"""Jobs a SageMaker pipeline starts run in the VPC with a volume key (book ch12, XC-4)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from .base import Resource, Rule, get, props

JOB_STEPS = ("Processing", "Training", "Tuning", "Transform")


def _definition(resource: Resource) -> Any:
    body = get(props(resource), "PipelineDefinition", "PipelineDefinitionBody")
    if isinstance(body, Mapping) and "Fn::Join" in body:  # tokens (subnets, keys) become placeholders
        body = "".join(p if isinstance(p, str) else "TOKEN" for p in body["Fn::Join"][1])
    return json.loads(body) if isinstance(body, str) else None


def _steps(steps: list[Any]) -> Iterator[Mapping[str, Any]]:
    for step in steps:
        yield step
        if step.get("Type") == "Condition":
            yield from _steps(step["Arguments"].get("IfSteps", []) + step["Arguments"].get("ElseSteps", []))


def _private(step: Mapping[str, Any]) -> list[str]:
    a = step.get("Arguments", {})
    if step["Type"] == "Tuning":
        a = a.get("TrainingJobDefinition", {})
    vpc = a.get("VpcConfig") or get(a, "NetworkConfig", "VpcConfig")
    key = (
        get(a, "ResourceConfig", "VolumeKmsKeyId")
        or get(a, "ProcessingResources", "ClusterConfig", "VolumeKmsKeyId")
        or get(a, "TransformResources", "VolumeKmsKeyId")
    )
    needs_vpc = step["Type"] != "Transform"  # a transform job runs in its model's VPC
    return [
        f"{step['Name']}: {what}" for what, ok in (("no VPC", vpc or not needs_vpc), ("no volume key", key)) if not ok
    ]


def _check(resource: Resource) -> str | None:
    definition = _definition(resource)
    if definition is None:
        return "pipeline definition is not inline JSON; cannot check its jobs"
    problems = [p for s in _steps(definition.get("Steps", [])) if s.get("Type") in JOB_STEPS for p in _private(s)]
    return "; ".join(problems) or None


RULE = Rule(
    "SM-PipelineJobsPrivate",
    ("AWS::SageMaker::Pipeline",),
    "book ch12; XC-4 (private, encrypted jobs)",
    "Processing, training, tuning and transform steps run in the VPC with a volume key",
    _check,
)
