"""A role SageMaker assumes (Studio user, job, pipeline) with scoped managed policies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_servicecatalog as servicecatalog
from constructs import Construct

from .scoped_policy import Grant, ScopedPolicy

MAX_MANAGED_POLICIES = 10  # managed policies per role, IAM's default quota
# With the domain's ExecutionRoleIdentityConfig USER_PROFILE_NAME, SageMaker sets the user profile
# name as source identity when it assumes an execution role, and every role the Studio session
# hands to a job must allow it too, or the job creation fails with AccessDenied
# (https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access-how-to.html).
SOURCE_IDENTITY = "sts:SetSourceIdentity"


def allow_source_identity(role: iam.Role, account: str) -> None:
    """Let SageMaker (acting for ``account``) carry the Studio user's name into the role's sessions."""
    role.assume_role_policy.add_statements(  # type: ignore[union-attr]  # set by assumed_by
        iam.PolicyStatement(
            sid="SageMakerSourceIdentity",
            actions=[SOURCE_IDENTITY],
            principals=[iam.ServicePrincipal("sagemaker.amazonaws.com")],
            conditions={"StringEquals": {"aws:SourceAccount": account}},
        )
    )


class SageMakerRole(Construct):
    """Trusted only by ``sagemaker.amazonaws.com`` acting for this account (confused-deputy
    guard ``aws:SourceAccount``); no AWS managed policies (no AmazonSageMakerFullAccess).

    Props:
        role_name: physical name (PassRole grants match the platform's name prefix), or None
            for a CloudFormation-generated name (Service Catalog products launched many times).
        description: what the role is for.
        grants: the statements of its managed policy (see ``sagemaker_grants``), or
        policies: the statements by capability, one managed policy each (named
            ``<role_name>-<capability>``). IAM caps a managed policy at 6,144 characters and a
            role at 10 managed policies; a persona's grants do not fit one policy (issue #17).
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
        grants: Sequence[Grant] = (),
        policies: Mapping[str, Sequence[Grant]] | None = None,
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
        allow_source_identity(self.role, account)
        if permissions_boundary is not None:
            iam.PermissionsBoundary.of(self.role).apply(permissions_boundary)
        if (policies is None) == (not grants):
            raise ValueError(f"{construct_id}: give either grants or policies")
        groups: dict[str, list[Grant]] = (
            {"": list(grants)} if policies is None else {k: list(v) for k, v in policies.items()}
        )
        if len(groups) > MAX_MANAGED_POLICIES:
            raise ValueError(f"{construct_id}: {len(groups)} policies; IAM attaches at most {MAX_MANAGED_POLICIES}")
        if pass_own_role:
            first = next(iter(groups))
            groups[first].append(
                Grant(
                    "PassOwnRole",
                    ["iam:PassRole"],
                    [self.role.role_arn],
                    conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
                )
            )
        self.policies: list[ScopedPolicy] = []
        for capability, statements in groups.items():
            suffix = "".join(part.title() for part in capability.split("-"))
            policy = ScopedPolicy(
                self,
                f"Permissions{suffix}",
                name=f"{role_name}-{capability}" if role_name and capability else role_name,
                description=f"{capability or 'Least-privilege'} permissions of {role_name or description}"[:1000],
                grants=statements,
            )
            if pass_own_role:  # the policy names the role: attach from the policy side (no cycle)
                policy.policy.attach_to_role(self.role)
            else:
                self.role.add_managed_policy(policy.policy)
            self.policies.append(policy)
        self.policy = self.policies[0]

    @property
    def role_arn(self) -> str:
        return self.role.role_arn
