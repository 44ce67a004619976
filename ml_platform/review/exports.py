"""Exports a change would alter or remove while another stack still imports them (issue #20).

CloudFormation refuses to update or delete an export that a stack imports ("Export ... cannot be updated
as it is in use by ...", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html),
so the exporting stack's update fails and the pull request can never deploy as it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .references import references

TWO_STEPS = (
    "(1) keep the old export with its old value as a literal (CDK: `stack.export_value(<old value>)`) and "
    "deploy the importing stack(s) alone (`cdk deploy --exclusively`) with the old value as a literal or "
    "without the import; (2) deploy this change; (3) deploy the importing stack(s) again to read the new value"
)


@dataclass(frozen=True)
class ExportInUse:
    export: str
    stack: str  # the exporting stack
    change: str  # "removed" or "changes"
    importers: tuple[str, ...]

    def render(self) -> str:
        who = ", ".join(f"`{s}`" for s in self.importers)
        return (
            f"`{self.stack}` export `{self.export}` {self.change} while {who} still import(s) it: the update will "
            f"fail. Fix in steps: {TWO_STEPS}."
        )


def exports(templates: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[str, str, str]]:
    """Export name -> (stack, output name, value as JSON text)."""
    found = {}
    for stack, template in templates.items():
        for name, output in template.get("Outputs", {}).items():
            export = output.get("Export", {}).get("Name")
            if isinstance(export, str):
                found[export] = (stack, name, json.dumps(output.get("Value"), sort_keys=True))
    return found


def importers(templates: Mapping[str, Mapping[str, Any]], export: str) -> list[str]:
    """The stacks whose resources or outputs import ``export``."""
    found = []
    for stack, template in templates.items():
        values = [*template.get("Resources", {}).values(), *template.get("Outputs", {}).values()]
        if any(r.kind == "export" and r.target == export for value in values for r in references(value)):
            found.append(stack)
    return sorted(found)


def exports_in_use(
    old: Mapping[str, Mapping[str, Any]],
    new: Mapping[str, Mapping[str, Any]],
    changed_outputs: set[tuple[str, str]],
) -> list[ExportInUse]:
    """Every export of ``old`` that ``new`` removes or changes (its text, or a value it depends on, see
    cascade.follow) while a stack of ``new`` other than the exporter still imports it."""
    before, after = exports(old), exports(new)
    found = []
    for name, (stack, _, value) in sorted(before.items()):
        if name not in after:
            change = "is removed"
        elif after[name][2] != value or (after[name][0], after[name][1]) in changed_outputs:
            change = "changes"
        else:
            continue
        # CloudFormation checks the imports that are deployed: an importer that drops the import in this same
        # change has not dropped it yet when the exporting stack updates (CDK deploys exporters first).
        users = sorted({*importers(old, name), *importers(new, name)} - {stack})
        if users:
            found.append(ExportInUse(name, stack, change, tuple(users)))
    return found
