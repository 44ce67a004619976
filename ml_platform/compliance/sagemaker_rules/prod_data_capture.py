"""Production real-time endpoints capture data for Model Monitor (book ch11)."""

from __future__ import annotations

from .base import Resource, Rule, get, is_true, props, tags


def _check(resource: Resource) -> str | None:
    p = props(resource)
    serverless = any("ServerlessConfig" in v for v in p.get("ProductionVariants", []))
    if tags(resource).get("Environment") != "Production" or serverless:
        return None
    return None if is_true(get(p, "DataCaptureConfig", "EnableCapture")) else "no enabled DataCaptureConfig"


RULE = Rule(
    "SM-ProdDataCapture",
    ("AWS::SageMaker::EndpointConfig",),
    "book ch11 (data capture for monitoring)",
    "Production real-time endpoints capture requests and responses",
    _check,
)
