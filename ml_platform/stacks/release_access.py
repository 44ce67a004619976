"""The role the shared services release state machine assumes in a hosting account (XA-11), and
the released-model SSM parameters it writes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from ..constructs.scoped_policy import Grant, ScopedPolicy
from ..naming import partition_for
from ..release import CDK_QUALIFIER, released_ssm_parameter
from .base import PlatformStack, StackContext

BOOTSTRAP_VERSION = f"/cdk-bootstrap/{CDK_QUALIFIER}/version"  # every CDK stack's BootstrapVersion parameter


class ReleaseAccessStack(PlatformStack):
    """Stateless. The deployer role may write exactly the released-model parameters and update
    exactly the hosting stacks, nothing else.

    CloudFormation performs the update with the role the stack was deployed with (the
    bootstrap execution role), so the deployer only needs to pass that role to it.

    Each released-model parameter starts at the config's package ARN. A release overwrites it;
    CloudFormation changes it again only when the config's ARN changes (a deliberate pin), so
    platform deploys do not roll a release back (drift detection shows released values).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        role_name: str,
        release_role_arn: str,
        stack_names: Sequence[str],
        released_models: Mapping[str, str],
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            context,
            stateful=False,
            description=f"Role that releases approved models into the {context.naming.slug} hosting stacks.",
        )
        shared_account = release_role_arn.split(":")[4]
        self.role = iam.Role(
            self,
            "DeployerRole",
            role_name=role_name,
            description="Assumed by the shared services release state machine to update hosting stacks",
            # The account principal plus the exact role ARN: trust survives the role being recreated.
            assumed_by=iam.AccountPrincipal(shared_account).with_conditions(
                {"ArnEquals": {"aws:PrincipalArn": release_role_arn}}
            ),
        )
        self.parameters = {
            model: ssm.StringParameter(
                self,
                "Released" + "".join(p.capitalize() for p in model.split("-")),
                parameter_name=released_ssm_parameter(model),
                string_value=initial,
                description=f"Released model package of {model} (written by releases, docs/model-release.md)",
            )
            for model, initial in sorted(released_models.items())
        }
        partition = partition_for(self.region)
        stacks = [f"arn:{partition}:cloudformation:{self.region}:{self.account}:stack/{n}/*" for n in stack_names]
        exec_role = (
            f"arn:{partition}:iam::{self.account}:role/cdk-{CDK_QUALIFIER}-cfn-exec-role-{self.account}-{self.region}"
        )
        policy = ScopedPolicy(
            self,
            "DeployerPolicy",
            name=None,
            description="Update the hosting stacks' released-model parameters",
            grants=[
                Grant(
                    "UpdateHostingStacks",
                    ["cloudformation:UpdateStack", "cloudformation:DescribeStacks"],
                    stacks,
                    why="the hosting stacks by name; the suffix is the stack ID CloudFormation assigns",
                ),
                Grant(
                    "RecordReleases",
                    ["ssm:PutParameter"],
                    [
                        f"arn:{partition}:ssm:{self.region}:{self.account}:parameter{released_ssm_parameter(m)}"
                        for m in sorted(released_models)
                    ],
                ),
                # UpdateStack resolves the stacks' AWS::SSM::Parameter::Value parameters (the released
                # models, CDK's bootstrap version) with the caller's credentials ("Specify existing
                # resources at runtime with CloudFormation-supplied parameter types", CloudFormation
                # User Guide: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html).
                Grant(
                    "ResolveStackParameters",
                    ["ssm:GetParameters"],
                    [
                        f"arn:{partition}:ssm:{self.region}:{self.account}:parameter{name}"
                        for name in [*(released_ssm_parameter(m) for m in sorted(released_models)), BOOTSTRAP_VERSION]
                    ],
                ),
                Grant(
                    "PassExecutionRoleToCloudFormation",
                    ["iam:PassRole"],
                    [exec_role],
                    conditions={"StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}},
                ),
            ],
        )
        self.role.add_managed_policy(policy.policy)
