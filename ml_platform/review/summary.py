"""Markdown for a pull request from the template differences (see template_diff)."""

from __future__ import annotations

from .template_diff import StackDiff

MAX_PATHS = 6


def render(diffs: list[StackDiff], base: str) -> str:
    if not diffs:
        return f"## Infrastructure changes against `{base}`\n\nno changes\n"
    lines = [f"## Infrastructure changes against `{base}`", ""]
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
