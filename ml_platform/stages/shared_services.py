"""Shared services account: CI/CD, image registry, model artefacts, Service Catalog hub (XA-1)."""

from __future__ import annotations

from ..stacks.account_data import BucketSpec
from .account_stage import AccountStage


class SharedServicesStage(AccountStage):
    def bucket_specs(self) -> list[BucketSpec]:
        hosting = (self.config.accounts.test.account_id, self.config.accounts.prod.account_id)
        # Model artefacts are read by the hosting accounts (book ch14, XA-4c).
        return [BucketSpec("Artefacts", "artefacts", reader_accounts=hosting)]
