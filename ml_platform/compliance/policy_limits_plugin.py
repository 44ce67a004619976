"""IamPolicyLimits: the IAM size guard as a CDK validation plugin (issue #17).

Runs after synthesis on the whole assembly (every stage, and every Service Catalog product
version the hub offers, launched in each spoke), with intrinsic functions resolved at
realistic length. A policy AWS would refuse at deploy time fails synth instead, in one line
that names it. There is nothing to acknowledge: split the policy (see ``SageMakerRole``).
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk

from ..assembly.cloud_assembly import load_assembly
from ..assembly.policy_limits import policy_limit_violations
from .validation_plugin import ValidationPlugin, resource_error

PLUGIN_NAME = "IamPolicyLimits"
RULE = "IAM-PolicySize"


def assembly_root(template_path: str) -> Path:
    """The app's output folder from any of its template paths (stages nest one level down)."""
    folder = Path(template_path).parent
    return folder.parent if folder.name.startswith("assembly-") else folder


class IamPolicyLimits(ValidationPlugin):
    def __init__(self) -> None:
        super().__init__(PLUGIN_NAME, [RULE])

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        paths = list(context.template_paths)
        root = assembly_root(paths[0]) if paths else Path()
        violations = policy_limit_violations(load_assembly(root)) if paths else []
        return self.report(
            [
                resource_error(
                    RULE, str(v), logical_id=v.logical_id, template_path=str(root / v.template), location="."
                )
                for v in violations
            ]
        )
