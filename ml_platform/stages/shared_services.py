"""Shared services account: CI/CD, image registry, model artefacts, Service Catalog hub (XA-1)."""

from __future__ import annotations

from constructs import Construct

from ..config import PlatformConfig
from ..stacks.account_data import BucketSpec
from ..stacks.catalog_hub import ServiceCatalogHubStack
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

    def bucket_specs(self) -> list[BucketSpec]:
        hosting = (self.config.accounts.test.account_id, self.config.accounts.prod.account_id)
        # Model artefacts are read by the hosting accounts (book ch14, XA-4c).
        return [BucketSpec("Artefacts", "artefacts", reader_accounts=hosting)]
