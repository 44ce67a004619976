"""Models run with network isolation or in private subnets (Security Hub SageMaker.5, book ch13)."""

from __future__ import annotations

from .base import Resource, Rule, is_true, props


def _check(resource: Resource) -> str | None:
    p = props(resource)
    if is_true(p.get("EnableNetworkIsolation")) or p.get("VpcConfig"):
        return None
    return "neither EnableNetworkIsolation nor VpcConfig"


RULE = Rule(
    "SM-ModelIsolated",
    ("AWS::SageMaker::Model",),
    "Security Hub SageMaker.5; book ch13",
    "Models use network isolation or a private VPC config",
    _check,
)
