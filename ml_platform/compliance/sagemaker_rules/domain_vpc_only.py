"""Studio domains send all traffic through the VPC (book ch2, ch13: no internet path)."""

from __future__ import annotations

from .base import Resource, Rule, props


def _check(resource: Resource) -> str | None:
    mode = props(resource).get("AppNetworkAccessType")
    return None if mode == "VpcOnly" else f"AppNetworkAccessType is {mode or 'PublicInternetOnly (default)'}"


RULE = Rule(
    "SM-DomainVpcOnly",
    ("AWS::SageMaker::Domain",),
    "book ch2/ch13 (Studio VpcOnly)",
    "Studio domains run VpcOnly, with no direct internet access",
    _check,
)
