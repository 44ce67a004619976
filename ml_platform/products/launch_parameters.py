"""What every product template shares: launch-time platform values and config-free tagging."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypedDict

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_servicecatalog as servicecatalog
from constructs import Construct

from ..constructs.sagemaker_role import SageMakerRole
from ..constructs.scoped_policy import Grant
from ..platform_parameters import TEAM, parameter_name


def platform_value(scope: Construct, construct_id: str, purpose: str, *, as_list: bool = False) -> cdk.CfnParameter:
    """An ``AWS::SSM::Parameter::Value<...>`` parameter defaulting to the platform's SSM name:
    CloudFormation reads it in the launching account when the product is provisioned."""
    kind = "List<String>" if as_list else "String"
    return cdk.CfnParameter(
        scope,
        construct_id,
        type=f"AWS::SSM::Parameter::Value<{kind}>",
        default=parameter_name(purpose),
        description=f"Platform value published by the data science account ({purpose}); leave as is.",
    )


class ScopeValues(TypedDict):
    partition: str
    region: str
    account: str


def product_scope_values() -> ScopeValues:
    """Partition, region and account of the launching account (products are env-agnostic)."""
    return ScopeValues(partition=cdk.Aws.PARTITION, region=cdk.Aws.REGION, account=cdk.Aws.ACCOUNT_ID)


class PlatformProduct(servicecatalog.ProductStack):
    """A product template that does not depend on the config.

    Its versions are snapshots (``ProductStackHistory``, locked): a template that changed under
    an unchanged version name fails synth. So nothing config-specific may enter it: platform
    values come from SSM at launch, and the hub stage's tags are removed here. Every resource
    is tagged ``Team`` (the launching account's team, from SSM) and ``Environment=Development``;
    the portfolio's TagOptions add the config's cost-allocation tags (XC-3, DS-4).
    """

    def __init__(self, scope: Construct, construct_id: str, *, description: str, stage_tag_keys: Sequence[str]) -> None:
        super().__init__(scope, construct_id, description=description)
        for key in stage_tag_keys:
            cdk.Tags.of(self).remove(key, priority=1000)
        self.team = platform_value(self, "Team", TEAM)
        cdk.Tags.of(self).add("Team", self.team.value_as_string, priority=1001)
        cdk.Tags.of(self).add("Environment", "Development", priority=1001)

    def execution_role(
        self, *, description: str, policies: Mapping[str, Sequence[Grant]], boundary_arn: str
    ) -> SageMakerRole:
        """The product's SageMaker role: under the spoke's permissions boundary, allowed to pass
        itself (``get_execution_role()`` in a notebook passes it to the jobs it starts)."""
        boundary = iam.ManagedPolicy.from_managed_policy_arn(self, "Boundary", boundary_arn)
        return SageMakerRole(
            self,
            "ExecutionRole",
            role_name=None,
            description=description,
            policies=policies,
            pass_own_role=True,
            permissions_boundary=boundary,
        )
