"""A role SageMaker assumes (Studio user, job, pipeline) with one scoped managed policy."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_servicecatalog as servicecatalog
from constructs import Construct

from .scoped_policy import Grant, ScopedPolicy


class SageMakerRole(Construct):
    """Trusted only by ``sagemaker.amazonaws.com`` acting for this account (confused-deputy
    guard ``aws:SourceAccount``); no AWS managed policies (no AmazonSageMakerFullAccess).

    Props:
        role_name: physical name (PassRole grants match the platform's name prefix), or None
            for a CloudFormation-generated name (Service Catalog products launched many times).
        description: what the role is for.
        grants: the statements of its managed policy (see ``sagemaker_grants``).
        permissions_boundary: boundary the role must carry (roles created by product launches).
        pass_own_role: also allow passing this role to SageMaker (``get_execution_role()`` in a
            notebook passes the notebook's own role to the jobs it starts).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        role_name: str | None,
        description: str,
        grants: Sequence[Grant],
        permissions_boundary: iam.IManagedPolicy | None = None,
        pass_own_role: bool = False,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        # A product template launches in other accounts: there only the pseudo parameter is right.
        account = cdk.Aws.ACCOUNT_ID if isinstance(stack, servicecatalog.ProductStack) else stack.account
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
        if permissions_boundary is not None:
            iam.PermissionsBoundary.of(self.role).apply(permissions_boundary)
        if pass_own_role:
            grants = [
                *grants,
                Grant(
                    "PassOwnRole",
                    ["iam:PassRole"],
                    [self.role.role_arn],
                    conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
                ),
            ]
        self.policy = ScopedPolicy(
            self,
            "Permissions",
            name=role_name,
            description=f"Least-privilege permissions of {role_name or description}",
            grants=grants,
        )
        if pass_own_role:  # the policy names the role: attach from the policy side (no cycle)
            self.policy.policy.attach_to_role(self.role)
        else:
            self.role.add_managed_policy(self.policy.policy)

    @property
    def role_arn(self) -> str:
        return self.role.role_arn
