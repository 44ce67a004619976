"""Studio home directories (EFS) and app volumes use a customer key (book ch13, XC-4)."""

from __future__ import annotations

from .base import Rule, property_set

RULE = Rule(
    "SM-DomainKms",
    ("AWS::SageMaker::Domain",),
    "book ch13 (encryption at rest)",
    "Studio domains encrypt with a customer-managed KMS key",
    property_set("KmsKeyId"),
)
