"""Data science account of one team: Studio, pipelines, model registry (XA-1, XA-2)."""

from __future__ import annotations

from constructs import Construct

from ..config import PlatformConfig
from ..stacks.account_data import BucketSpec, KeySpec
from ..stacks.network import NetworkStack
from ..stacks.studio import StudioStack
from ..stacks.studio_access import StudioAccessStack
from ..topology import AccountRole
from .account_stage import AccountStage


class DataScienceStage(AccountStage):
    def __init__(self, scope: Construct, role: AccountRole, config: PlatformConfig) -> None:
        super().__init__(scope, role, config)
        assert role.team_config is not None, "a data science role carries its team config"
        self.team = role.team_config
        self.network = NetworkStack(
            self,
            "Network",
            self.stack_context,
            vpc=self.team.vpc,
            interface_endpoints=[e.value for e in config.network.interface_endpoints],
            logs_key=self.data.logs_key.key,
            flow_log_retention_days=config.network.flow_log_retention_days,
        )

        bucket_name = self.naming.bucket("projects")
        studio_key = self.data.keys["studio"].key
        self.access = StudioAccessStack(
            self,
            "Access",
            self.stack_context,
            bucket_name=bucket_name,
            key_arns=[self.data.data_key.key_arn, studio_key.key_arn],
            image_accounts=[config.accounts.shared_services.account_id],
        )
        self.studio = StudioStack(
            self,
            "Studio",
            self.stack_context,
            team=self.team,
            network=self.network.network,
            studio_key=studio_key,
            data_key=self.data.data_key.key,
            logs_key=self.data.logs_key.key,
            bucket_name=bucket_name,
            persona_roles=self.access.persona_roles,
        )

    def key_specs(self) -> list[KeySpec]:
        return [KeySpec("StudioKey", "studio", f"Encrypts Studio home EFS and app volumes of {self.role.slug}.")]

    def bucket_specs(self) -> list[BucketSpec]:
        # Team data, Studio sharing and the SageMaker default bucket of the account's jobs.
        return [BucketSpec("Projects", "projects")]
