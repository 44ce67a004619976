"""Every taggable resource carries the cost-allocation tags (book ch10/ch13, XC-3)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from ...region_features import resource_schema
from .base import Resource, Rule, tags

ANY_TYPE = "*"


@cache
def taggable(resource_type: str) -> bool:
    """From the CloudFormation resource schemas cfn-lint ships: does the type take Tags?

    Read as JSON (``region_features``), not through cfn-lint's schema manager: importing
    cfn-lint costs ~0.5 s of every synth (issue #23)."""
    try:
        schema = resource_schema(resource_type, "us-east-1")
    except KeyError:  # unknown types: nothing to tag
        return False
    return bool(schema.get("tagging", {}).get("taggable")) and "Tags" in schema.get("properties", {})


def cost_allocation_tags_rule(required: Sequence[str]) -> Rule:
    """The rule for the config's mandatory tags (Project, CostCenter, Environment, Team)."""

    def check(resource: Resource) -> str | None:
        if not taggable(str(resource.get("Type"))):
            return None
        missing = [key for key in required if key not in tags(resource)]
        return f"missing tag(s) {', '.join(missing)}" if missing else None

    return Rule(
        "SM-CostAllocationTags",
        (ANY_TYPE,),
        "book ch10/ch13 (cost allocation tags); XC-3",
        "Every taggable resource carries the mandatory cost-allocation tags",
        check,
    )
