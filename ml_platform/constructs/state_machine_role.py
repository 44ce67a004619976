"""The role of a platform state machine: Step Functions assumes it, it may use one customer key (an
encrypted topic or table), and its task statements are written by CDK's task constructs."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from ..compliance.acknowledgements import acknowledge

LOGGING_AND_TRACING = (
    "CDK's state machine logging and tracing: logs:*LogDelivery* and xray:Put* have no resource scope."
)


def state_machine_role(
    scope: Construct,
    construct_id: str,
    *,
    role_name: str,
    description: str,
    key: kms.IKey,
    tasks: str,
    more_acknowledgements: Mapping[str, str] | None = None,
) -> iam.Role:
    """A role for Step Functions with exactly kms:Decrypt and kms:GenerateDataKey on ``key``; ``tasks`` says
    which statements the task constructs add inline, for the acknowledgement."""
    role = iam.Role(
        scope,
        construct_id,
        role_name=role_name,
        assumed_by=iam.ServicePrincipal("states.amazonaws.com"),
        description=description,
    )
    role.add_to_policy(iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key.key_arn]))
    acknowledge(
        role,
        {
            "NIST.800.53.R5-IAMNoInlinePolicy": (
                "Step Functions task constructs write the state machine role's statements inline, one per task "
                f"({tasks})."
            ),
            "AwsSolutions-IAM5[Resource::*]": LOGGING_AND_TRACING,
            **(more_acknowledgements or {}),
        },
    )
    return role
