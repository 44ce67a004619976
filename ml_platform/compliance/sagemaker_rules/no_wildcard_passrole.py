"""No role may pass any role: iam:PassRole is scoped to named roles (book ch13, WA-SEC-7)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .base import Resource, Rule, props

POLICY_TYPES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role")


def _statements(resource: Resource) -> Iterator[Mapping[str, Any]]:
    p = props(resource)
    documents = [p.get("PolicyDocument")] + [inline.get("PolicyDocument") for inline in p.get("Policies", [])]
    for document in documents:
        if isinstance(document, Mapping):
            statements = document.get("Statement", [])
            yield from (statements if isinstance(statements, list) else [statements])


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _check(resource: Resource) -> str | None:
    for statement in _statements(resource):
        if statement.get("Effect") != "Allow":
            continue
        actions = [a for a in _listed(statement.get("Action", [])) if isinstance(a, str)]
        passes = any(a in ("*", "iam:*", "iam:PassRole", "iam:Pass*") for a in actions)
        if passes and "*" in _listed(statement.get("Resource", [])):
            return f"statement {statement.get('Sid', '(no Sid)')} allows iam:PassRole on every role"
    return None


RULE = Rule(
    "SM-NoWildcardPassRole",
    POLICY_TYPES,
    "book ch13 (least privilege, scoped PassRole)",
    "No policy lets a role pass any role (iam:PassRole on Resource *)",
    _check,
)
