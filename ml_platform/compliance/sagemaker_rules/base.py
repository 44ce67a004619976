"""What a platform rule is: one check on one kind of CloudFormation resource (issue #11).

Rules read synthesized templates (plain dicts), like cdk-nag's rules read the L1 resources:
each rule file defines ``RULE``; ``sagemaker_pack.PlatformSageMakerChecks`` runs them all.
Values that CloudFormation resolves at deploy time (Ref, GetAtt, Fn::*) count as set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Resource = Mapping[str, Any]


@dataclass(frozen=True)
class Rule:
    """``check`` returns None when the resource complies, else the reason it does not."""

    id: str  # e.g. SM-DomainVpcOnly; acknowledge as "PlatformSageMaker::<id>"
    resource_types: tuple[str, ...]
    control: str  # the Security Hub control or book chapter it enforces
    description: str
    check: Callable[[Resource], str | None]


def props(resource: Resource) -> Mapping[str, Any]:
    properties: Mapping[str, Any] = resource.get("Properties", {})
    return properties


def get(value: Any, *path: str) -> Any:
    """Nested property lookup; None when any step is missing."""
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def tags(resource: Resource) -> dict[str, Any]:
    """Tags as a dict, from a CloudFormation list of Key/Value or a map."""
    raw = props(resource).get("Tags")
    if isinstance(raw, list):
        return {str(t.get("Key")): t.get("Value") for t in raw if isinstance(t, Mapping)}
    return dict(raw) if isinstance(raw, Mapping) else {}


def is_true(value: Any) -> bool:
    return value is True or value == "true"


def property_set(key: str) -> Callable[[Resource], str | None]:
    """A check that the resource sets property ``key`` (a deploy-time value counts as set)."""

    def check(resource: Resource) -> str | None:
        return None if props(resource).get(key) else f"no {key}"

    return check


def problems(*conditions: tuple[object, str]) -> str | None:
    """The problems whose condition does not hold, comma-separated; None when all hold."""
    return ", ".join(problem for holds, problem in conditions if not holds) or None
