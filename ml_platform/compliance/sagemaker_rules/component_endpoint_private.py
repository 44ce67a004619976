"""Inference-component endpoint configs carry their execution role and the private VPC, and prod
keeps two instances (issue #22; Security Hub SageMaker.4, book ch9, ch13).

A variant without ``ModelName`` is in inference components hosting mode: its containers come
from the components, and the endpoint config (not a model) gives them the execution role and
the VPC (``ExecutionRoleArn``, ``VpcConfig`` in CreateEndpointConfig:
https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html).
Managed instance scaling may take the instances down to ``MinInstanceCount``, so in prod that
minimum, not the initial count, is what SageMaker.4's two instances apply to.
"""

from __future__ import annotations

from typing import Any

from .base import Resource, Rule, get, problems, props, tags


def _check(resource: Resource) -> str | None:
    p = props(resource)
    variants: list[Any] = [v for v in p.get("ProductionVariants", []) if isinstance(v, dict) and "ModelName" not in v]
    if not variants:
        return None
    prod = tags(resource).get("Environment") == "Production"
    fewest = [get(v, "ManagedInstanceScaling", "MinInstanceCount") for v in variants]
    return problems(
        (bool(p.get("ExecutionRoleArn")), "no ExecutionRoleArn"),
        (bool(p.get("VpcConfig")), "no VpcConfig (the components would run outside the VPC)"),
        (
            all(get(v, "ManagedInstanceScaling", "Status") == "ENABLED" for v in variants),
            "a component variant without managed instance scaling",
        ),
        (not prod or all(isinstance(n, int) and n >= 2 for n in fewest), "prod scales below two instances"),
    )


RULE = Rule(
    "SM-ComponentEndpointPrivate",
    ("AWS::SageMaker::EndpointConfig",),
    "Security Hub SageMaker.4, SageMaker.5; book ch9, ch13",
    "Inference-component endpoint configs have an execution role, a VPC and managed scaling (prod: 2+ instances)",
    _check,
)
