"""Follow every replacement through the values that depend on it (issue #20).

A replaced resource gets a new physical ID, so every ``Ref`` / ``Fn::GetAtt`` / ``Fn::Sub`` to it takes
a new value, in its own stack and, through outputs, in the stacks that read them (``Fn::ImportValue``,
``Fn::GetStackOutput``). Where such a value feeds a create-only property, that resource is replaced too,
and so on. Create-only (and conditionally create-only) properties come from the CloudFormation resource
schemas cfn-lint ships; each hop is decided there, never from a hand-kept list.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from .references import Reference, output_references, resource_references
from .template_diff import STATEFUL_TYPES, StackDiff, create_only_properties

# What a reviewer loses when a stateful resource is replaced.
LOSSES = {
    "AWS::S3::Bucket": "its objects",
    "AWS::KMS::Key": "everything encrypted with it",
    "AWS::SageMaker::Domain": "EFS home directories",
    "AWS::SageMaker::UserProfile": "the user's apps and settings",
    "AWS::SageMaker::FeatureGroup": "online and offline records",
    "AWS::SageMaker::ModelPackageGroup": "registered model versions",
    "AWS::Kinesis::Stream": "unread records",
    "AWS::Cognito::UserPool": "users and their sign-ins",
    "AWS::EFS::FileSystem": "its files",
    "AWS::DynamoDB::Table": "its items",
    "AWS::Glue::Database": "catalog tables and Lake Formation grants",
    "AWS::Glue::Table": "catalog metadata and Lake Formation grants",
    "AWS::EC2::VPC": "every network interface in it",
    "AWS::EC2::Subnet": "every network interface in it",
}


@cache
def conditional_create_only(resource_type: str) -> tuple[str, ...]:
    """Properties whose change may replace the resource (``conditionalCreateOnlyProperties``)."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    except Exception:
        return ()
    paths = schema.get("conditionalCreateOnlyProperties", [])
    return tuple(p.removeprefix("/properties/").replace("/", ".") for p in paths)


def replaces(resource_type: str, path: str) -> str:
    """How a change at ``path`` updates the resource: "create-only", "may require replacement" or ""."""
    if any(path == p or path.startswith(f"{p}.") for p in create_only_properties(resource_type)):
        return "create-only"
    if any(path == p or path.startswith(f"{p}.") for p in conditional_create_only(resource_type)):
        return "may require replacement"
    return ""


@dataclass(frozen=True)
class Cascade:
    """A resource replaced because a value it was created with changes; ``chain`` says how."""

    stack: str
    logical_id: str
    type: str
    chain: tuple[str, ...]
    certain: bool  # False when a conditionally create-only property is on the way

    @property
    def stateful(self) -> bool:
        return self.type in STATEFUL_TYPES

    def render(self) -> str:
        end = "REPLACED" if self.certain else "MAY BE REPLACED"
        loss = f" (stateful: {LOSSES.get(self.type, 'its data')})" if self.stateful else ""
        return " → ".join((*self.chain, f"`{self.logical_id}` {end}{loss}"))


@dataclass(frozen=True)
class StaleInput:
    """A stack whose template did not change, though a value it reads from another stack does."""

    stack: str
    inputs: tuple[str, ...]


@dataclass(frozen=True)
class _Node:
    stack: str
    logical_id: str


class _Graph:
    """Who reads what, in the new templates: local references, exports and stack outputs."""

    def __init__(self, new: Mapping[str, Mapping[str, Any]], stack_names: Mapping[str, str]) -> None:
        self.new = new
        self.display = {physical: display for display, physical in stack_names.items()}
        self.readers: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}  # (kind, stack, target) ->
        for stack, template in new.items():  # [(reading stack, logical ID or "output:<name>", path)]
            for logical_id, resource in template.get("Resources", {}).items():
                for ref in resource_references(resource):
                    self._add(stack, ref, logical_id)
            for name, output in template.get("Outputs", {}).items():
                for ref in output_references(output):
                    self._add(stack, ref, f"output:{name}")

    def _add(self, stack: str, ref: Reference, reader: str) -> None:
        if ref.kind == "local":
            key = ("local", stack, ref.target)
        elif ref.kind == "export":
            key = ("export", "", ref.target)
        else:
            physical, _, output = ref.target.partition("/")
            key = ("output", self.display.get(physical, physical), output)
        self.readers.setdefault(key, []).append((stack, reader, ref.path))

    def readers_of(self, kind: str, stack: str, target: str) -> list[tuple[str, str, str]]:
        return self.readers.get((kind, stack, target), [])


def _seeds(diffs: list[StackDiff], new: Mapping[str, Mapping[str, Any]]) -> Iterator[tuple[_Node, str, bool]]:
    for diff in diffs:
        for change in diff.resources:
            if change.kind != "modified":
                continue
            paths = [p.removeprefix("Properties.") for p in change.paths if p.startswith("Properties.")]
            certain = [p for p in paths if replaces(change.type, p) == "create-only"] or change.replacement_paths
            maybe = [p for p in paths if replaces(change.type, p) == "may require replacement"]
            if certain or maybe:
                why = ", ".join(certain or maybe)
                text = f"`{diff.name}` `{change.logical_id}` replaced ({why} changes)"
                yield _Node(diff.name, change.logical_id), text, bool(certain)


def follow(
    old: Mapping[str, Mapping[str, Any]],
    new: Mapping[str, Mapping[str, Any]],
    diffs: list[StackDiff],
    stack_names: Mapping[str, str] | None = None,
) -> tuple[list[Cascade], list[StaleInput], set[tuple[str, str]]]:
    """Every resource replaced through a dependency (not the directly replaced ones, which the diff already
    names), the unchanged stacks whose inputs change, and the changed outputs as (stack, output name)."""
    graph = _Graph(new, stack_names or {name: name for name in new})
    physical = stack_names or {name: name for name in new}
    queue: deque[tuple[_Node, tuple[str, ...], bool]] = deque()
    replaced: dict[_Node, Cascade] = {}
    seeds = set()
    for node, text, certain in _seeds(diffs, new):
        seeds.add(node)
        queue.append((node, (text,), certain))
    changed_outputs: dict[tuple[str, str], bool] = {}  # (stack, output) -> whether the change is certain
    stale: dict[str, list[str]] = {}

    def output_changes(stack: str, output: str, chain: tuple[str, ...], certain: bool) -> None:
        """Every stack reading ``output`` (its stack output, or its export) gets the new value."""
        known = changed_outputs.get((stack, output))
        if known is not None and (known or not certain):
            return
        changed_outputs[(stack, output)] = certain
        export = new[stack]["Outputs"][output].get("Export", {}).get("Name")
        readers = graph.readers_of("output", stack, output)
        if isinstance(export, str):
            readers = readers + graph.readers_of("export", "", export)
        for consumer, consumer_reader, consumer_path in readers:
            if consumer != stack and old.get(consumer) == new.get(consumer):
                stale.setdefault(consumer, []).append(f"{physical.get(stack, stack)}/{output}")
            if consumer_reader.startswith("output:"):  # passed on: an output of the reader's own
                passed = consumer_reader.removeprefix("output:")
                output_changes(consumer, passed, (*chain, f"output `{consumer}` `{passed}` changes"), certain)
                continue
            queue.extend(_read(consumer, consumer_reader, consumer_path, chain, certain, old, new, replaced, seeds))

    # An output whose value is edited (not only through a replacement) changes for its readers too.
    for stack, template in new.items():
        before = old.get(stack, {}).get("Outputs", {})
        for output, value in template.get("Outputs", {}).items():
            if output in before and before[output].get("Value") != value.get("Value"):
                output_changes(stack, output, (f"output `{stack}` `{output}` is edited",), True)
    while queue:
        node, chain, certain = queue.popleft()
        for stack, reader, path in graph.readers_of("local", node.stack, node.logical_id):
            if reader.startswith("output:"):
                output = reader.removeprefix("output:")
                output_changes(stack, output, (*chain, f"output `{stack}` `{output}` changes"), certain)
                continue
            queue.extend(_read(stack, reader, path, chain, certain, old, new, replaced, seeds))
    stale_inputs = [StaleInput(s, tuple(sorted(set(i)))) for s, i in sorted(stale.items())]
    return sorted(replaced.values(), key=lambda c: (c.stack, c.logical_id)), stale_inputs, set(changed_outputs)


def _read(
    stack: str,
    reader: str,
    path: str,
    chain: tuple[str, ...],
    certain: bool,
    old: Mapping[str, Mapping[str, Any]],
    new: Mapping[str, Mapping[str, Any]],
    replaced: dict[_Node, Cascade],
    seeds: set[_Node],
) -> Iterator[tuple[_Node, tuple[str, ...], bool]]:
    """A resource reading a changed value at ``path``: replaced (and followed further) if the path is
    create-only. A resource the change adds is created, not replaced; one already replaced is followed again
    only when this path makes an uncertain replacement certain."""
    node = _Node(stack, reader)
    resource_type = new[stack]["Resources"][reader]["Type"]
    how = replaces(resource_type, path)
    added = reader not in old.get(stack, {}).get("Resources", {})
    if not how or added or node in seeds:
        return
    still_certain = certain and how == "create-only"
    if node in replaced and (replaced[node].certain or not still_certain):
        return
    hop = (*chain, f"`{stack}` `{reader}` {path} changes ({how})")
    replaced[node] = Cascade(stack, reader, resource_type, hop, still_certain)
    yield node, (*hop, f"`{reader}` {'replaced' if still_certain else 'may be replaced'}"), still_certain
