"""Compare two sets of CloudFormation templates: resources added, removed and modified (with
the property paths), IAM/resource-policy grants added or removed, and the changes that would
replace a stateful resource. Replacement knowledge comes from the CloudFormation resource
schemas cfn-lint ships (``createOnlyProperties``), not from a hand-kept list."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

# Resources whose replacement loses data or identity (a reviewer must see these first).
STATEFUL_TYPES = frozenset(
    {
        "AWS::S3::Bucket",
        "AWS::KMS::Key",
        "AWS::SageMaker::Domain",
        "AWS::SageMaker::UserProfile",
        "AWS::SageMaker::FeatureGroup",
        "AWS::SageMaker::ModelPackageGroup",
        "AWS::Kinesis::Stream",
        "AWS::Cognito::UserPool",
        "AWS::EFS::FileSystem",
        "AWS::DynamoDB::Table",
        "AWS::Glue::Database",
        "AWS::Glue::Table",
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
    }
)
# Where policies live: resource type -> property holding a policy document.
POLICY_PROPERTIES = {
    "AWS::IAM::Role": ("AssumeRolePolicyDocument", "Policies"),
    "AWS::IAM::Policy": ("PolicyDocument",),
    "AWS::IAM::ManagedPolicy": ("PolicyDocument",),
    "AWS::S3::BucketPolicy": ("PolicyDocument",),
    "AWS::KMS::Key": ("KeyPolicy",),
    "AWS::SNS::TopicPolicy": ("PolicyDocument",),
    "AWS::SQS::QueuePolicy": ("PolicyDocument",),
    "AWS::SageMaker::ModelPackageGroup": ("ModelPackageGroupPolicy",),
    "AWS::ECR::Repository": ("RepositoryPolicyText",),
    "AWS::Events::EventBusPolicy": ("Statement",),
}
IGNORED_KEYS = ("Metadata",)  # construct paths: noise for a reviewer


@dataclass
class ResourceChange:
    logical_id: str
    type: str
    kind: str  # added | removed | modified
    paths: list[str] = field(default_factory=list)
    replacement_paths: list[str] = field(default_factory=list)

    @property
    def stateful(self) -> bool:
        return self.type in STATEFUL_TYPES


@dataclass
class GrantChange:
    logical_id: str
    type: str
    added: list[tuple[str, str]]  # (principal, action)
    removed: list[tuple[str, str]]


@dataclass
class StackDiff:
    name: str
    status: str  # added | removed | changed
    resources: list[ResourceChange] = field(default_factory=list)
    grants: list[GrantChange] = field(default_factory=list)
    name_collisions: list[str] = field(default_factory=list)

    def warnings(self) -> list[str]:
        found = [f"`{self.name}` {c}" for c in self.name_collisions]
        added_types = {r.type for r in self.resources if r.kind == "added"}
        for change in self.resources:
            if not change.stateful:
                continue
            if change.kind == "removed":
                reason = (
                    "logical ID changed: a new resource of this type is created instead (replacement)"
                    if change.type in added_types
                    else "removed from the template"
                )
                found.append(f"`{self.name}` `{change.logical_id}` ({change.type}): {reason}")
            elif change.replacement_paths:
                found.append(
                    f"`{self.name}` `{change.logical_id}` ({change.type}): "
                    f"{', '.join(change.replacement_paths)} change(s) require replacement"
                )
        return found


@cache
def create_only_properties(resource_type: str) -> tuple[str, ...]:
    """Top-level and nested property paths CloudFormation cannot update in place."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    except Exception:
        return ()
    return tuple(p.removeprefix("/properties/").replace("/", ".") for p in schema.get("createOnlyProperties", []))


def changed_paths(old: Any, new: Any, path: str = "") -> Iterator[str]:
    """Dotted paths where two JSON values differ (lists compared as a whole)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            if key in IGNORED_KEYS and not path:
                continue
            sub = f"{path}.{key}" if path else key
            if key not in old or key not in new:
                yield sub
            elif old[key] != new[key]:
                yield from changed_paths(old[key], new[key], sub)
    elif old != new:
        yield path


def _statements(resource: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    props = resource.get("Properties", {})
    for key in POLICY_PROPERTIES.get(resource["Type"], ()):
        value = props.get(key)
        if key == "Policies":
            for policy in value or []:
                yield from policy.get("PolicyDocument", {}).get("Statement", [])
        elif key == "Statement" and isinstance(value, dict):
            yield value
        elif isinstance(value, str):
            yield from json.loads(value).get("Statement", [])
        elif isinstance(value, dict):
            yield from value.get("Statement", [])


def grant_pairs(resource: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(principal, action) pairs a resource's Allow statements grant; '*' where not named."""
    pairs = set()
    for statement in _statements(resource):
        if statement.get("Effect", "Allow") != "Allow":
            continue
        principal = statement.get("Principal", "*")
        principals = (
            [
                json.dumps(v, sort_keys=True) if not isinstance(v, str) else v
                for vs in principal.values()
                for v in (vs if isinstance(vs, list) else [vs])
            ]
            if isinstance(principal, dict)
            else [principal]
        )
        actions = statement.get("Action", [])
        for action in actions if isinstance(actions, list) else [actions]:
            pairs |= {(p, action) for p in principals}
    return pairs


def _physical_name(resource: Mapping[str, Any]) -> str | None:
    props = resource.get("Properties", {})
    for key, value in sorted(props.items()):
        if key.endswith("Name") and key not in ("ServiceName",) and isinstance(value, str):
            return f"{key}={value}"
    return None


def _name_collisions(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """A named resource under a new logical ID: CloudFormation creates the new one first, and
    the name is still taken, so the update fails (and the old one would be deleted after)."""
    removed = {(_physical_name(r), r["Type"]): i for i, r in old.items() if i not in new and _physical_name(r)}
    found = []
    for logical_id, resource in sorted(new.items()):
        key = (_physical_name(resource), resource["Type"])
        if logical_id not in old and key in removed:
            found.append(
                f"`{removed[key]}` -> `{logical_id}` ({resource['Type']}, {key[0]}): logical ID changed on a "
                "named resource: the update fails (name taken) unless the name changes too"
            )
    return found


def diff_stack(name: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> StackDiff | None:
    if old is None or new is None:
        template = new if old is None else old
        kind = "added" if old is None else "removed"
        return StackDiff(
            name,
            kind,
            [ResourceChange(i, r["Type"], kind) for i, r in sorted((template or {}).get("Resources", {}).items())],
        )
    old_resources, new_resources = old.get("Resources", {}), new.get("Resources", {})
    diff = StackDiff(name, "changed")
    diff.name_collisions = _name_collisions(old_resources, new_resources)
    for logical_id in sorted(set(old_resources) | set(new_resources)):
        before, after = old_resources.get(logical_id), new_resources.get(logical_id)
        if before is None or after is None:
            kind = "added" if before is None else "removed"
            diff.resources.append(ResourceChange(logical_id, (after or before)["Type"], kind))
        elif before != after:
            paths = [p for p in changed_paths(before, after) if p]
            if not paths:
                continue
            create_only = create_only_properties(after["Type"])
            replacing = [
                p.removeprefix("Properties.")
                for p in paths
                if p.startswith("Properties.")
                and any(
                    p.removeprefix("Properties.") == c or p.removeprefix("Properties.").startswith(f"{c}.")
                    for c in create_only
                )
            ]
            if after["Type"] != before["Type"]:
                replacing.append("Type")
            diff.resources.append(ResourceChange(logical_id, after["Type"], "modified", paths, replacing))
        if before is not None or after is not None:
            old_grants = grant_pairs(before) if before else set()
            new_grants = grant_pairs(after) if after else set()
            if old_grants != new_grants:
                diff.grants.append(
                    GrantChange(
                        logical_id,
                        (after or before)["Type"],
                        sorted(new_grants - old_grants),
                        sorted(old_grants - new_grants),
                    )
                )
    return diff if diff.resources or diff.grants else None


def diff_assemblies(old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]]) -> list[StackDiff]:
    """Both arguments map a stack name ("Stage/Stack" or a product template) to its template."""
    diffs = [diff_stack(name, old.get(name), new.get(name)) for name in sorted(set(old) | set(new))]
    return [d for d in diffs if d is not None]
