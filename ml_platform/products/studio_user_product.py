"""Product "Basic SageMaker Studio Environment": a user in the team's domain (DS-4, SC-2, AS-4)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from constructs import Construct

from .. import platform_parameters as params
from ..constructs.scoped_policy import Grant
from ..constructs.studio_user import StudioUser
from ..personas import STUDIO_PRODUCT_GRANTS
from .launch_parameters import PlatformProduct, platform_value

PRODUCT_NAME = "Basic SageMaker Studio Environment"
CURRENT_VERSION = "release-2.1"
# Release notes: 1.0 initial; 2.0 the role's permissions split into managed policies IAM
# accepts (docs/service-catalog.md). 1.0 is no longer offered: its role policy is over IAM's
# 6,144-character limit, so no launch of it can succeed (issue #17). 2.1: the role's trust allows
# sts:SetSourceIdentity (issue #22); 2.0 is not offered: its jobs would fail under the audit identity.
VERSION_DESCRIPTION = "Release notes in docs/service-catalog.md (2.1: source identity, issue #22)"
PREVIOUS_VERSIONS: tuple[str, ...] = ()
USER_PROFILE_PATTERN = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"


def personal_prefix_grants(bucket: str, user: str, partition: str) -> list[Grant]:
    """The user's own prefix of the team bucket: users/<name>/ (book ch2 personal bucket/prefix)."""
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    return [
        Grant(
            "PersonalObjects",
            ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            [f"{bucket_arn}/users/{user}/*"],
            why="objects under the user's own prefix only",
        ),
        Grant(
            "PersonalListing",
            ["s3:ListBucket"],
            [bucket_arn],
            conditions={"StringLike": {"s3:prefix": [f"users/{user}/*"]}},
        ),
    ]


class StudioUserProduct(PlatformProduct):
    """A Studio user profile in the launching account's domain (domain ID resolved at launch
    from SSM, never at synth), its execution role and a personal prefix of the team bucket."""

    def __init__(self, scope: Construct, construct_id: str, *, stage_tag_keys: Sequence[str]) -> None:
        super().__init__(scope, construct_id, product_name=PRODUCT_NAME, stage_tag_keys=stage_tag_keys)
        user = cdk.CfnParameter(
            self,
            "UserProfileName",
            type="String",
            allowed_pattern=USER_PROFILE_PATTERN,
            description="Studio user profile name (letters, digits, hyphens)",
        )
        domain = platform_value(self, "StudioDomainId", params.STUDIO_DOMAIN_ID)
        group = platform_value(self, "SecurityGroupId", params.SAGEMAKER_SECURITY_GROUP)
        bucket = platform_value(self, "ProjectsBucket", params.PROJECTS_BUCKET)
        data_key = platform_value(self, "DataKeyArn", params.DATA_KEY_ARN)
        volume_key = platform_value(self, "VolumeKeyArn", params.STUDIO_KEY_ARN)
        launch = self.role_parameters()

        role = self.execution_role(
            launch,
            description="Execution role of a Studio product user",
            capabilities=STUDIO_PRODUCT_GRANTS,
            bucket_name=bucket.value_as_string,
            key_arns=[data_key.value_as_string, volume_key.value_as_string],
            extra_grants={
                "data": personal_prefix_grants(bucket.value_as_string, user.value_as_string, cdk.Aws.PARTITION)
            },
        )
        profile = StudioUser(
            self,
            "User",
            domain_id=domain.value_as_string,
            user_name=user.value_as_string,
            execution_role_arn=role.role_arn,
            security_group_ids=[group.value_as_string],
        )
        profile.node.add_dependency(*role.policies)
        cdk.CfnOutput(self, "UserProfileNameOutput", value=user.value_as_string)
