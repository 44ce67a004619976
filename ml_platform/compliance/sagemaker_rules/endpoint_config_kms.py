"""Endpoint storage volumes use a customer key (Security Hub SageMaker endpoint config KMS, book ch9)."""

from __future__ import annotations

from .base import Rule, property_set

RULE = Rule(
    "SM-EndpointConfigKms",
    ("AWS::SageMaker::EndpointConfig",),
    "Security Hub: endpoint config KMS; book ch9",
    "Endpoint configs encrypt storage with a customer-managed KMS key",
    property_set("KmsKeyId"),
)
