"""The released-model SSM parameters of a hosting account, and the role the shared services
release state machine assumes there to write them and update the hosting stacks (XA-11)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from ..constructs.scoped_policy import Grant, ScopedPolicy
from ..naming import partition_for
from ..platform_parameters import NAMESPACE
from ..release import CDK_QUALIFIER
from .base import PlatformStack, StackContext

BOOTSTRAP_VERSION = f"/cdk-bootstrap/{CDK_QUALIFIER}/version"  # every CDK stack's BootstrapVersion parameter
RELEASED_PREFIX = f"{NAMESPACE}/released-models/"
# Never change this text: an SSM parameter update rewrites the value (see _released_parameter).
RELEASED_DESCRIPTION = "Released model (docs/model-release.md): a package ARN or image URI, or 'none'"


class ReleaseAccessStack(PlatformStack):
    """Stateless. The released-model SSM parameters of the account's hosting stacks, and the
    deployer role, which may write exactly the released groups' parameters and update exactly
    the hosting stacks, nothing else.

    CloudFormation performs the update with the role the stack was deployed with (the
    bootstrap execution role), so the deployer only needs to pass that role to it.

    Each parameter starts at ``none`` (nothing released: the hosting stacks leave the model's
    endpoints out), or at a pinned package ARN. A release overwrites it; CloudFormation changes
    it again only when its initial value in the config changes, so platform deploys do not roll
    a release back (drift detection shows released values).
    """

    STATEFUL = False
    DESCRIPTION = "Released models of the {slug} hosting stacks and the role that releases them."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        parameters: Mapping[str, str],
        role_name: str | None = None,
        release_role_arn: str | None = None,
        stack_names: Sequence[str] = (),
        released: Sequence[str] = (),
    ) -> None:
        """``parameters``: SSM name -> initial value of every parameter the hosting stacks
        resolve; ``released``: those the release state machine reads and writes."""
        super().__init__(scope, construct_id, context)
        self.parameters = {
            name: self._released_parameter(name, initial) for name, initial in sorted(parameters.items())
        }
        if role_name is None or release_role_arn is None:
            return
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
        partition = partition_for(self.region)

        def parameter_arn(name: str) -> str:
            return f"arn:{partition}:ssm:{self.region}:{self.account}:parameter{name}"

        stacks = [f"arn:{partition}:cloudformation:{self.region}:{self.account}:stack/{n}/*" for n in stack_names]
        exec_role = (
            f"arn:{partition}:iam::{self.account}:role/cdk-{CDK_QUALIFIER}-cfn-exec-role-{self.account}-{self.region}"
        )
        policy = ScopedPolicy(
            self,
            "DeployerPolicy",
            name=None,
            description="Release approved models into the hosting stacks",
            grants=[
                Grant(
                    "UpdateHostingStacks",
                    ["cloudformation:UpdateStack", "cloudformation:DescribeStacks"],
                    stacks,
                    why="the hosting stacks by name; the suffix is the stack ID CloudFormation assigns",
                ),
                Grant(
                    "RecordReleases",
                    ["ssm:GetParameter", "ssm:PutParameter"],
                    [parameter_arn(n) for n in sorted(released)],
                ),
                # UpdateStack resolves the stacks' AWS::SSM::Parameter::Value parameters (the released
                # models, CDK's bootstrap version) with the caller's credentials ("Specify existing
                # resources at runtime with CloudFormation-supplied parameter types", CloudFormation
                # User Guide: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html).
                Grant(
                    "ResolveStackParameters",
                    ["ssm:GetParameters"],
                    [parameter_arn(n) for n in [*sorted(parameters), BOOTSTRAP_VERSION]],
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

    def _released_parameter(self, name: str, initial: str) -> ssm.StringParameter:
        """A released-model parameter whose properties never change after its first deploy,
        except its value when the config's initial value changes (a deliberate pin).

        CloudFormation's update of an ``AWS::SSM::Parameter`` is a ``PutParameter`` of the
        template's value with overwrite, whatever property changed (the resource provider's
        update handler: github.com/aws-cloudformation/aws-cloudformation-resource-providers-ssm,
        ``aws-ssm-parameter``). A changed tag or description would therefore put ``none`` back
        over a release and the hosting stacks would delete its endpoints. So these parameters
        carry no tags (the platform's tags reach them through no aspect) and a fixed description;
        a test pins their properties (tests/infra/test_model_build_release.py)."""
        parameter = ssm.StringParameter(
            self,
            "Released"
            + "".join(p.capitalize() for p in name.removeprefix(RELEASED_PREFIX).replace("/", "-").split("-")),
            parameter_name=name,
            string_value=initial,
            description=RELEASED_DESCRIPTION,
        )
        resource = parameter.node.default_child
        assert isinstance(resource, ssm.CfnParameter)
        resource.add_property_deletion_override("Tags")
        acknowledge(
            parameter,
            {
                "PlatformSageMaker::SM-CostAllocationTags": (
                    "a tag change would rewrite the released value (CloudFormation updates an SSM parameter by "
                    "PutParameter with overwrite); the parameter costs nothing to allocate"
                )
            },
        )
        return parameter
