"""Shared services account: CI/CD, image registry, model artefacts, Service Catalog hub (XA-1)."""

from __future__ import annotations

from constructs import Construct

from ..config import PlatformConfig
from ..stacks.account_data import BucketSpec
from .account_stage import AccountRole, AccountStage


class SharedServicesStage(AccountStage):
    def __init__(self, scope: Construct, config: PlatformConfig) -> None:
        accounts = config.accounts
        role = AccountRole("SharedServices", "shared", accounts.shared_services.account_id,
                           "SharedServices", config.organisation.platform_team)
        # Model artefacts are read by the hosting accounts (book ch14, XA-4c).
        artefacts = BucketSpec("Artefacts", "artefacts",
                               reader_accounts=(accounts.test.account_id, accounts.prod.account_id))
        super().__init__(scope, role, config, [artefacts])
