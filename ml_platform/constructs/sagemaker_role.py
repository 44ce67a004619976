"""A role SageMaker assumes (Studio user, job, pipeline) with one scoped managed policy."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from .scoped_policy import Grant, ScopedPolicy


class SageMakerRole(Construct):
    """Trusted only by ``sagemaker.amazonaws.com`` acting for this account (confused-deputy
    guard ``aws:SourceAccount``); no AWS managed policies (no AmazonSageMakerFullAccess).

    Props:
        role_name: physical name; PassRole grants match the platform's name prefix.
        description: what the role is for.
        grants: the statements of its managed policy (see ``sagemaker_grants``).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        role_name: str,
        description: str,
        grants: Sequence[Grant],
    ) -> None:
        super().__init__(scope, construct_id)
        account = cdk.Stack.of(self).account
        self.role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            description=description,
            assumed_by=iam.ServicePrincipal(
                "sagemaker.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": account}}
            ),
            max_session_duration=cdk.Duration.hours(12),  # long training jobs and Studio sessions
        )
        self.policy = ScopedPolicy(
            self,
            "Permissions",
            name=role_name,
            description=f"Least-privilege permissions of {role_name}",
            grants=grants,
        )
        self.role.add_managed_policy(self.policy.policy)

    @property
    def role_arn(self) -> str:
        return self.role.role_arn
