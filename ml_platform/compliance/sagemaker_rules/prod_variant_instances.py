"""Production real-time variants run on two or more instances (Security Hub SageMaker.4, book ch9)."""

from __future__ import annotations

from .base import Resource, Rule, props, tags


def _check(resource: Resource) -> str | None:
    if tags(resource).get("Environment") != "Production":
        return None
    single = [
        str(v.get("VariantName"))
        for v in props(resource).get("ProductionVariants", [])
        if "ServerlessConfig" not in v
        and isinstance(v.get("InitialInstanceCount"), int)
        and v["InitialInstanceCount"] < 2
    ]
    return f"variant(s) {', '.join(single)} start with one instance" if single else None


RULE = Rule(
    "SM-ProdVariantInstances",
    ("AWS::SageMaker::EndpointConfig",),
    "Security Hub SageMaker.4; book ch9",
    "Production real-time variants start with at least two instances",
    _check,
)
