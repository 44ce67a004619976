"""What the platform's CDK validation plugins share (``IamPolicyLimits``, ``PlatformSageMaker``).

Each plugin names its rules and reports every finding as an error on one resource of one
template, so a report line says which resource fails and why.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
import jsii


def resource_error(
    rule_name: str, description: str, *, logical_id: str, template_path: str, location: str
) -> cdk.PolicyViolation:
    """One error-severity violation of ``rule_name`` by one resource (``location`` inside it)."""
    return cdk.PolicyViolation(
        rule_name=rule_name,
        description=description,
        severity="error",
        violating_resources=[
            cdk.PolicyViolatingResource(
                resource_logical_id=logical_id, template_path=template_path, locations=[location]
            )
        ],
    )


@jsii.implements(cdk.IPolicyValidationPlugin)
class ValidationPlugin:
    """Name, version and rule IDs of a plugin; subclasses implement ``validate``."""

    def __init__(self, name: str, rule_ids: Sequence[str]) -> None:
        self._name = name
        self._rule_ids = list(rule_ids)

    @property
    def name(self) -> str:
        return self._name

    @property
    def version(self) -> str:
        return "1.0.0"

    @property
    def rule_ids(self) -> list[str]:
        return list(self._rule_ids)

    @staticmethod
    def report(violations: Sequence[cdk.PolicyViolation]) -> cdk.PolicyValidationPluginReport:
        return cdk.PolicyValidationPluginReport(success=not violations, violations=list(violations))
