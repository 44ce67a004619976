"""Shared services account: CI/CD, image registry, model artefacts, Service Catalog hub (XA-1)."""

from __future__ import annotations

from constructs import Construct

from .. import release
from ..config import PlatformConfig
from ..cross_account import role_arn
from ..release import ARTEFACTS_PURPOSE
from ..stacks.account_data import BucketSpec, KeySpec
from ..stacks.catalog_hub import ServiceCatalogHubStack
from ..stacks.image_registry import ImageRegistryStack
from ..stacks.model_release import ModelReleaseStack
from ..stacks.observability import ObservabilityStack
from ..topology import AccountRole
from .account_stage import AccountStage


class SharedServicesStage(AccountStage):
    def __init__(self, scope: Construct, role: AccountRole, config: PlatformConfig) -> None:
        super().__init__(scope, role, config)
        self.catalog = ServiceCatalogHubStack(
            self,
            "ServiceCatalog",
            self.stack_context,
            catalog=config.service_catalog,
            spokes={team.name: team.account_id for team in config.accounts.data_science},
            tags=config.tags,
        )
        teams = [t.account_id for t in config.accounts.data_science]
        hosting = [config.accounts.test.account_id, config.accounts.prod.account_id]
        if config.artifacts.repositories:
            self.images = ImageRegistryStack(
                self,
                "Images",
                self.stack_context,
                artifacts=config.artifacts,
                repository_names=[release.repository_name(config, r) for r in config.artifacts.repositories],
                pull_accounts=teams + hosting,
            )
        self.release = ModelReleaseStack(
            self,
            "ModelRelease",
            self.stack_context,
            team_accounts=teams,
            groups=release.released_groups(config),
            deployer_roles={
                account: role_arn(
                    account,
                    config.naming(slug, account).resource(release.DEPLOYER_ROLE_PURPOSE),
                    config.organisation.region,
                )
                for slug, account in zip(("test", "prod"), hosting, strict=True)
            },
            alerts_topic=self.operations.alerts.topic,
            alerts_key=self.data.alerts_key.key,
            logs_key=self.data.logs_key.key,
        )
        self.observability = ObservabilityStack(
            self,
            "Observability",
            self.stack_context,
            source_accounts=teams + hosting,
            resource_types=config.observability.resource_types,
            hosting_accounts=[("test", config.accounts.test.account_id), ("prod", config.accounts.prod.account_id)],
        )

    def bucket_specs(self) -> list[BucketSpec]:
        hosting = (self.config.accounts.test.account_id, self.config.accounts.prod.account_id)
        # Model artefacts: each team's pipelines write under its own prefix, the hosting
        # accounts read them to create models (book ch14, XA-4c).
        writers = {t.account_id: t.name for t in self.config.accounts.data_science}
        return [
            BucketSpec(
                "Artefacts",
                ARTEFACTS_PURPOSE,
                reader_accounts=hosting,
                key_purpose=ARTEFACTS_PURPOSE,
                writer_prefixes=writers,
            )
        ]

    def key_specs(self) -> list[KeySpec]:
        return [KeySpec("ArtefactsKey", ARTEFACTS_PURPOSE, "Encrypts model artefacts written by the team pipelines.")]
