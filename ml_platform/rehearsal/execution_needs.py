"""What deploying a stack asks of the bootstrap's CloudFormation execution role (issue #18),
from the same data as the launch-role rehearsal: every IAM action the handlers of every
resource type of the stack need (``handler_permissions``, for create, update and delete;
``SKIPS`` is the one table of what is left out), plus what CloudFormation itself does with the
execution role for a CDK app:

- invoke the functions behind custom resources (``LEGACY_HANDLERS``: ``lambda:InvokeFunction``);
- read the outputs ``Fn::GetStackOutput`` names (``cloudformation:DescribeStacks``: the function's
  ``RoleArn`` "defaults to the current stack's execution role",
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html).

Nothing else: the CLI's deploy role creates and executes the change sets and reads the SSM
parameters CloudFormation resolves, and the file and image publishing roles upload the assets
(bootstrap/template.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..assembly.cloud_assembly import CloudAssembly, StackInstance
from ..topology import AccountKind, AccountRole
from .handler_permissions import needed_actions
from .iam_reference import action_name, known_action, service_actions

GET_STACK_OUTPUT = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html"


@dataclass(frozen=True)
class ExecutionNeed:
    """One IAM action a stack's deployment needs from the execution role, and what needs it."""

    action: str  # as the IAM reference spells it
    stack: str  # <stage>/<stack>
    logical_id: str
    resource_type: str
    handlers: tuple[str, ...]


# -- what each account kind's stacks need -----------------------------------------------------------


def stacks_of_kind(assembly: CloudAssembly, roles: Sequence[AccountRole], kind: AccountKind) -> list[StackInstance]:
    """The stacks CloudFormation deploys in the accounts of ``kind`` with the execution role
    (every stage of that kind, and app-level stacks in those accounts such as the platform
    pipeline); not product launches (the launch role deploys them) nor the bootstrap stack."""
    accounts = {r.account_id for r in roles if r.kind == kind}
    return [s for s in assembly.stacks if s.account in accounts and s.stage not in ("Products", "Bootstrap")]


@dataclass(frozen=True)
class BeyondSchema:
    """What a resource's handlers need beyond its schema's list, as the service documents it.
    ``actions`` may end in ``*`` (every action of the IAM reference data with that prefix)."""

    resource_type: str
    applies: Callable[[StackInstance, Mapping[str, Any]], bool]
    actions: tuple[str, ...]
    handlers: tuple[str, ...]
    why: str


def _grants_another_account(stack: StackInstance, props: Mapping[str, Any]) -> bool:
    principal = props.get("Principal", {}).get("DataLakePrincipalIdentifier")
    if not isinstance(principal, str):
        return False
    account = principal if re.fullmatch(r"\d{12}", principal) else principal.split(":")[4] if ":" in principal else ""
    return bool(account) and account != stack.account


# "To share Data Catalog resources with version 3 or above of the Cross account version settings,
# the grantor requires to have the IAM permissions defined in the AWS managed policy
# AWSLakeFormationCrossAccountManager" (Lake Formation Developer Guide, cross-account prerequisites:
# https://docs.aws.amazon.com/lake-formation/latest/dg/cross-account-share-prerequisistes.html; the
# policy: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLakeFormationCrossAccountManager.html).
LF_CROSS_ACCOUNT = (
    "ram:CreateResourceShare",
    "ram:UpdateResourceShare",
    "ram:DeleteResourceShare",
    "ram:AssociateResourceShare",
    "ram:DisassociateResourceShare",
    "ram:AssociateResourceSharePermission",
    "glue:PutResourcePolicy",
    "glue:DeleteResourcePolicy",
    "organizations:DescribeOrganization",
    "organizations:DescribeAccount",
    "ram:Get*",
    "ram:List*",
)
BEYOND_SCHEMA: tuple[BeyondSchema, ...] = (
    BeyondSchema(
        "AWS::LakeFormation::PrincipalPermissions",
        _grants_another_account,
        LF_CROSS_ACCOUNT,
        ("create", "delete"),
        "a grant to another account shares the table through AWS RAM (cross-account version 3+)",
    ),
    # Application Auto Scaling "also needs ... permissions for the target service" (Application
    # Auto Scaling User Guide, identity-based policy examples:
    # https://docs.aws.amazon.com/autoscaling/application/userguide/security_iam_id-based-policy-examples.html):
    # for a SageMaker variant, what AWSApplicationAutoScalingSageMakerEndpointPolicy lists.
    BeyondSchema(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        lambda stack, props: props.get("ServiceNamespace") == "sagemaker",
        (
            "sagemaker:DescribeEndpoint",
            "sagemaker:DescribeEndpointConfig",
            "sagemaker:UpdateEndpointWeightsAndCapacities",
        ),
        ("create", "update"),
        "registering a variant as a scalable target checks it with the caller's SageMaker permissions",
    ),
)


def _beyond_schema(stack: StackInstance, logical_id: str, kind: str, props: Mapping[str, Any]) -> list[ExecutionNeed]:
    found = []
    for extra in BEYOND_SCHEMA:
        if extra.resource_type != kind or not extra.applies(stack, props):
            continue
        for pattern in extra.actions:
            service, name = pattern.split(":", 1)
            actions = (
                [a for a in service_actions(service) if a.split(":", 1)[1].startswith(name[:-1])]
                if name.endswith("*")
                else [action_name(pattern)]
            )
            found += [ExecutionNeed(a, stack.key, logical_id, kind, extra.handlers) for a in actions]
    return found


def execution_needs(stacks: Iterable[StackInstance], region: str) -> list[ExecutionNeed]:
    """Every action deploying, updating and deleting ``stacks`` asks of the execution role."""
    found: list[ExecutionNeed] = []
    for stack in stacks:
        for logical_id, resource in stack.resources.items():
            kind = resource["Type"]
            if kind == "AWS::CDK::Metadata":
                continue
            # Raw properties: a property set under a condition counts as set (the policy must
            # serve whichever way the condition goes).
            needed, _ = needed_actions(kind, resource.get("Properties", {}), region)
            for need in needed:
                if not known_action(need.action):
                    raise ValueError(
                        f"{stack.key} {logical_id} ({kind}): {need.action} is not in the IAM reference data; "
                        "add it to handler_permissions.SKIPS or STAND_INS with a reason"
                    )
                found.append(ExecutionNeed(action_name(need.action), stack.key, logical_id, kind, need.handlers))
            found += _beyond_schema(stack, logical_id, kind, resource.get("Properties", {}))
        if _uses(stack.template, "Fn::GetStackOutput"):
            found.append(
                ExecutionNeed(
                    "cloudformation:DescribeStacks",
                    stack.key,
                    "(Fn::GetStackOutput)",
                    "AWS::CloudFormation::Stack",
                    ("create", "update"),
                )
            )
    return found


def _uses(value: Any, function: str) -> bool:
    if isinstance(value, dict):
        return function in value or any(_uses(v, function) for v in value.values())
    if isinstance(value, list):
        return any(_uses(v, function) for v in value)
    return False
