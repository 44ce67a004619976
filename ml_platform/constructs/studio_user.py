"""A Studio user profile in a domain, with its own execution role (book ch2, DS-4)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct


class StudioUser(Construct):
    """Props: ``domain_id``, ``user_name`` (profile name), ``execution_role_arn`` (the user's
    persona role) and ``security_group_ids``. Tags come from the stage (Environment, Team)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain_id: str,
        user_name: str,
        execution_role_arn: str,
        security_group_ids: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.profile = sagemaker.CfnUserProfile(
            self,
            "Profile",
            domain_id=domain_id,
            user_profile_name=user_name,
            user_settings=sagemaker.CfnUserProfile.UserSettingsProperty(
                execution_role=execution_role_arn, security_groups=list(security_group_ids)
            ),
        )
