"""Endpoint storage volumes use a customer key (Security Hub SageMaker endpoint config KMS, book ch9)."""

from __future__ import annotations

from .base import Resource, Rule, props


def _check(resource: Resource) -> str | None:
    return None if props(resource).get("KmsKeyId") else "no KmsKeyId"


RULE = Rule(
    "SM-EndpointConfigKms",
    ("AWS::SageMaker::EndpointConfig",),
    "Security Hub: endpoint config KMS; book ch9",
    "Endpoint configs encrypt storage with a customer-managed KMS key",
    _check,
)
