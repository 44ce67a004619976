"""PlatformSageMaker: the platform's rule pack as a CDK validation plugin (issue #11).

Registered next to the cdk-nag packs: at synth it reads every synthesized template, runs each
rule on the resources of its types, and reports findings by construct path. Acknowledge a
finding with ``acknowledge(construct, {"PlatformSageMaker::SM-...": "reason"})``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk

from .sagemaker_rules import SAGEMAKER_RULES, Rule, cost_allocation_tags_rule
from .sagemaker_rules.cost_allocation_tags import ANY_TYPE
from .validation_plugin import ValidationPlugin, resource_error

PACK_NAME = "PlatformSageMaker"


@dataclass(frozen=True)
class Finding:
    rule: Rule
    logical_id: str
    construct_path: str
    reason: str
    template_path: str = ""

    @property
    def message(self) -> str:
        return f"{self.rule.id} {self.construct_path} ({self.logical_id}): {self.reason}"


def platform_rules(required_tags: Sequence[str]) -> tuple[Rule, ...]:
    return (*SAGEMAKER_RULES, cost_allocation_tags_rule(required_tags))


def evaluate(template: Mapping[str, Any], rules: Iterable[Rule], template_path: str = "") -> list[Finding]:
    """Every finding of ``rules`` in one template (no acknowledgements applied)."""
    findings = []
    rules = list(rules)
    for logical_id, resource in template.get("Resources", {}).items():
        for rule in rules:
            if ANY_TYPE not in rule.resource_types and resource.get("Type") not in rule.resource_types:
                continue
            reason = rule.check(resource)
            if reason is not None:
                path = resource.get("Metadata", {}).get("aws:cdk:path", logical_id)
                findings.append(Finding(rule, logical_id, path, reason, template_path))
    return findings


class PlatformSageMakerChecks(ValidationPlugin):
    """The validation plugin; ``required_tags`` are the config's cost-allocation tags."""

    def __init__(self, required_tags: Sequence[str]) -> None:
        self._rules = platform_rules(required_tags)
        super().__init__(PACK_NAME, [rule.id for rule in self._rules])

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        findings = [
            finding
            for path in context.template_paths
            for finding in evaluate(json.loads(Path(path).read_text(encoding="utf-8")), self._rules, path)
        ]
        # One violation per resource: the report line names the resource and why it fails.
        return self.report(
            [
                resource_error(
                    f.rule.id,
                    f"{f.rule.description} ({f.rule.control}): {f.logical_id}: {f.reason}",
                    logical_id=f.logical_id,
                    template_path=f.template_path,
                    location="Properties",
                )
                for f in findings
            ]
        )
