"""Markdown for a pull request from the template differences (see template_diff) and what they set off
(cascade, exports, refactor)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .cascade import Cascade, StaleInput, follow
from .exports import ExportInUse, exports_in_use
from .refactor import Move, mappings_json, moves
from .template_diff import StackDiff, diff_assemblies

MAX_PATHS = 6


@dataclass
class Review:
    """Everything a change does: the direct differences and their consequences."""

    diffs: list[StackDiff]
    cascades: list[Cascade] = field(default_factory=list)
    stale: list[StaleInput] = field(default_factory=list)
    blocked_exports: list[ExportInUse] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)


def review(
    old: Mapping[str, Mapping[str, Any]],
    new: Mapping[str, Mapping[str, Any]],
    stack_names: Mapping[str, str] | None = None,
) -> Review:
    """``old`` and ``new`` map a stack's display name to its template; ``stack_names`` maps display names to
    CloudFormation stack names (for ``Fn::GetStackOutput`` and refactor mappings; default: the same)."""
    diffs = diff_assemblies(old, new)
    cascades, stale, changed_outputs = follow(old, new, diffs, stack_names)
    return Review(diffs, cascades, stale, exports_in_use(old, new, changed_outputs), moves(old, new, stack_names))


def _consequences(result: Review) -> list[str]:
    lines: list[str] = []
    if result.blocked_exports:
        lines += ["> [!CAUTION]", "> **Update will fail**: exports in use"]
        lines += [f"> - {e.render()}" for e in result.blocked_exports]
        lines.append("")
    if result.cascades:
        stateful = [c for c in result.cascades if c.stateful]
        lines += [
            "> [!WARNING]",
            f"> **Replacements cascade**: {len(result.cascades)} more resource(s) replaced through a value they "
            f"were created with, {len(stateful)} of them stateful",
        ]
        lines += [f"> - {c.render()}" for c in sorted(result.cascades, key=lambda c: (not c.stateful, c.stack))]
        lines.append("")
    if result.stale:
        lines += [
            "**Unchanged templates whose inputs change** (`cdk deploy` skips an unchanged stack: deploy it "
            "with `--force` after the stack it reads from):",
            "",
        ]
        lines += [f"- `{s.stack}` reads {', '.join(f'`{i}`' for i in s.inputs)}" for s in result.stale]
        lines.append("")
    if result.moves:
        lines += [
            "**Keep instead of replace**: these stateful resources only moved to a new logical ID. A stack "
            "refactor (`cdk refactor`, or `aws cloudformation create-stack-refactor --resource-mappings`) "
            "keeps them:",
            "",
            "```json",
            mappings_json(result.moves),
            "```",
            "",
        ]
    return lines


def render(diffs: list[StackDiff] | Review, base: str) -> str:
    result = diffs if isinstance(diffs, Review) else Review(diffs)
    diffs = result.diffs
    if not diffs:
        return f"## Infrastructure changes against `{base}`\n\nno changes\n"
    lines = [f"## Infrastructure changes against `{base}`", ""]
    lines += _consequences(result)
    warnings = [w for d in diffs for w in d.warnings()]
    if warnings:
        lines += [
            "> [!WARNING]",
            "> **Check before merging**: stateful resources replaced or removed (data loss), "
            "named resources under a new logical ID (failed update):",
        ]
        lines += [f"> - {w}" for w in warnings]
        lines.append("")
    counts = {k: sum(1 for d in diffs for r in d.resources if r.kind == k) for k in ("added", "removed", "modified")}
    lines += [
        f"{len(diffs)} stack(s) differ: {counts['added']} resource(s) added, {counts['removed']} removed, "
        f"{counts['modified']} modified.",
        "",
    ]
    for diff in diffs:
        lines += [f"### `{diff.name}` ({diff.status})", ""]
        if diff.resources:
            lines += ["| change | logical ID | type | changed properties |", "|---|---|---|---|"]
            for change in diff.resources:
                paths = ", ".join(f"`{p}`" for p in change.paths[:MAX_PATHS])
                if len(change.paths) > MAX_PATHS:
                    paths += f" (+{len(change.paths) - MAX_PATHS} more)"
                if change.replacement_paths:
                    paths += " **(replacement)**"
                lines.append(f"| {change.kind} | `{change.logical_id}` | {change.type} | {paths} |")
            lines.append("")
    grants = [(d.name, g) for d in diffs for g in d.grants]
    if grants:
        lines += ["### IAM and resource policies", ""]
        for stack, grant in grants:
            lines.append(f"- `{stack}` `{grant.logical_id}` ({grant.type})")
            lines += [f"  - **+** `{principal}` may `{action}`" for principal, action in grant.added]
            lines += [f"  - **-** `{principal}` no longer `{action}`" for principal, action in grant.removed]
        lines.append("")
    return "\n".join(lines)
