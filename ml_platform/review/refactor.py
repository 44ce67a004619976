"""A stateful resource that only moves to a new logical ID (same type, same properties) can be kept with a
stack refactor instead of being replaced (issue #20). The mapping printed here is the
``--resource-mappings`` of ``aws cloudformation create-stack-refactor`` (which also takes the stacks'
new templates, ``--stack-definitions``)
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stack-refactoring.html); ``cdk refactor``
finds the same moves itself when run against the deployed stacks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .template_diff import IGNORED_KEYS, STATEFUL_TYPES


@dataclass(frozen=True)
class Move:
    type: str
    source: tuple[str, str]  # (stack name, logical ID)
    destination: tuple[str, str]

    def mapping(self) -> dict[str, dict[str, str]]:
        (s_stack, s_id), (d_stack, d_id) = self.source, self.destination
        return {
            "Source": {"StackName": s_stack, "LogicalResourceId": s_id},
            "Destination": {"StackName": d_stack, "LogicalResourceId": d_id},
        }


def _fingerprint(resource: Mapping[str, Any]) -> str:
    body = {k: v for k, v in resource.items() if k not in IGNORED_KEYS and k != "DependsOn"}
    return json.dumps(body, sort_keys=True)


def moves(
    old: Mapping[str, Mapping[str, Any]],
    new: Mapping[str, Mapping[str, Any]],
    stack_names: Mapping[str, str] | None = None,
) -> list[Move]:
    """Stateful resources removed under one logical ID and added, identical, under another (in any stack)."""
    names = stack_names or {}
    gone: dict[str, list[tuple[str, str]]] = {}
    for stack, template in old.items():
        if stack.startswith("product "):  # a Service Catalog product template is no stack of this app
            continue
        kept = new.get(stack, {}).get("Resources", {})
        for logical_id, resource in template.get("Resources", {}).items():
            if resource["Type"] in STATEFUL_TYPES and logical_id not in kept:
                gone.setdefault(_fingerprint(resource), []).append((stack, logical_id))
    found = []
    for stack, template in new.items():
        if stack.startswith("product "):
            continue
        before = old.get(stack, {}).get("Resources", {})
        for logical_id, resource in sorted(template.get("Resources", {}).items()):
            candidates = gone.get(_fingerprint(resource), [])
            if logical_id in before or not candidates:
                continue
            source = candidates.pop(0)
            found.append(
                Move(
                    resource["Type"],
                    (names.get(source[0], source[0]), source[1]),
                    (names.get(stack, stack), logical_id),
                )
            )
    return found


def mappings_json(found: list[Move]) -> str:
    return json.dumps([m.mapping() for m in found], indent=2)
