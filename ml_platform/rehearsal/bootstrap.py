"""The CDK bootstrap stack of every account, as ``bootstrap/template.yaml`` creates it (issue #18).

The template is the pinned CLI's, plus the platform's SSM read (scripts/bootstrap_template.py).
Each account's instance gets the parameters the documented ``cdk bootstrap`` command passes:
``--trust`` shared services (except shared services itself) and the CloudFormation execution
policy. Its roles (deploy, CloudFormation execution, file publishing), staging bucket and
version parameter then take part in the rehearsal like any stack's resources.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cfnlint.decode import decode_str

from ..assembly.cloud_assembly import StackInstance
from ..context import PROJECT_ROOT
from ..deploy_order import BOOTSTRAP_TEMPLATE
from ..topology import AccountKind, AccountRole

STACK_NAME = "CDKToolkit"
ADMINISTRATOR = "arn:aws:iam::aws:policy/AdministratorAccess"


def bootstrap_template(path: Path = PROJECT_ROOT / BOOTSTRAP_TEMPLATE) -> dict[str, Any]:
    template, errors = decode_str(path.read_text(encoding="utf-8"))
    if errors or template is None:
        raise ValueError(f"{path}: {errors}")
    return dict(template)


def bootstrap_stacks(
    roles: Sequence[AccountRole],
    region: str,
    execution_policies: dict[str, str] | None = None,
    template: dict[str, Any] | None = None,
) -> list[StackInstance]:
    """One ``CDKToolkit`` stack per account. ``execution_policies``: account -> comma-separated
    policy ARNs for ``--cloudformation-execution-policies`` (default: AdministratorAccess)."""
    template = template or bootstrap_template()
    shared = next(r.account_id for r in roles if r.kind == AccountKind.SHARED_SERVICES)
    policies = execution_policies or {}
    return [
        StackInstance(
            stage="Bootstrap",
            stack_id=f"{STACK_NAME}-{role.slug}",
            stack_name=STACK_NAME,
            account=role.account_id,
            region=region,
            template=template,
            source=BOOTSTRAP_TEMPLATE,
            parameter_values={
                "TrustedAccounts": "" if role.account_id == shared else shared,
                "CloudFormationExecutionPolicies": policies.get(role.account_id, ADMINISTRATOR),
            },
        )
        for role in roles
    ]


def deploy_role_arn(account: str, region: str, qualifier: str = "hnb659fds") -> str:
    return f"arn:aws:iam::{account}:role/cdk-{qualifier}-deploy-role-{account}-{region}"


def execution_role_arn(account: str, region: str, qualifier: str = "hnb659fds") -> str:
    return f"arn:aws:iam::{account}:role/cdk-{qualifier}-cfn-exec-role-{account}-{region}"
