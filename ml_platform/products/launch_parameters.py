"""What every product template shares: launch-time platform values and config-free tagging."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_servicecatalog as servicecatalog
from constructs import Construct

from .. import platform_parameters as params
from ..constructs.sagemaker_role import SageMakerRole
from ..constructs.sagemaker_scope import SageMakerScope
from ..constructs.scoped_policy import Grant
from ..personas import Capabilities, policies_for
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


@dataclass(frozen=True)
class RoleParameters:
    """What a product's execution role needs from the launching account, read from SSM."""

    role_prefix: cdk.CfnParameter
    image_account: cdk.CfnParameter
    boundary_arn: cdk.CfnParameter


class PlatformProduct(servicecatalog.ProductStack):
    """A product template that does not depend on the config.

    Its versions are snapshots (``ProductStackHistory``, locked): a template that changed under
    an unchanged version name fails synth. So nothing config-specific may enter it: platform
    values come from SSM at launch, and the hub stage's tags are removed here. Every resource
    is tagged ``Team`` (the launching account's team, from SSM) and ``Environment=Development``;
    the portfolio's TagOptions add the config's cost-allocation tags (XC-3, DS-4).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, product_name: str, stage_tag_keys: Sequence[str]
    ) -> None:
        super().__init__(scope, construct_id, description=f"{product_name} (ML platform product)")
        for key in stage_tag_keys:
            cdk.Tags.of(self).remove(key, priority=1000)
        self.team = platform_value(self, "Team", TEAM)
        cdk.Tags.of(self).add("Team", self.team.value_as_string, priority=1001)
        cdk.Tags.of(self).add("Environment", "Development", priority=1001)

    def role_parameters(self) -> RoleParameters:
        """The launch parameters ``execution_role`` takes: a separate step, because each product
        declares them among its other parameters (the construct order is the template's)."""
        return RoleParameters(
            role_prefix=platform_value(self, "SageMakerRolePrefix", params.SAGEMAKER_ROLE_PREFIX),
            image_account=platform_value(self, "ImageAccountId", params.IMAGE_ACCOUNT),
            boundary_arn=platform_value(self, "PermissionsBoundaryArn", params.PRODUCT_PERMISSIONS_BOUNDARY),
        )

    def execution_role(
        self,
        launch: RoleParameters,
        *,
        description: str,
        capabilities: Capabilities,
        bucket_name: str,
        key_arns: Sequence[str],
        extra_grants: Mapping[str, Sequence[Grant]] | None = None,
    ) -> SageMakerRole:
        """The product's SageMaker role: the persona's ``capabilities`` on the product's bucket
        and keys (plus ``extra_grants`` per policy), under the spoke's permissions boundary,
        allowed to pass itself (``get_execution_role()`` in a notebook passes it to the jobs it
        starts)."""
        values = SageMakerScope(
            **product_scope_values(),
            bucket_name=bucket_name,
            key_arns=key_arns,
            role_name_prefix=launch.role_prefix.value_as_string,
            image_accounts=[launch.image_account.value_as_string],
        )
        policies = policies_for(capabilities, values)
        for policy, grants in (extra_grants or {}).items():
            policies[policy] += grants
        boundary = iam.ManagedPolicy.from_managed_policy_arn(self, "Boundary", launch.boundary_arn.value_as_string)
        return SageMakerRole(
            self,
            "ExecutionRole",
            role_name=None,
            description=description,
            policies=policies,
            pass_own_role=True,
            permissions_boundary=boundary,
        )
