"""Test and prod accounts: model hosting, data capture and monitoring (XA-1, XA-3)."""

from __future__ import annotations

from constructs import Construct

from ..config import PlatformConfig
from ..schema.hosting import HostingAccount
from ..stacks.account_data import BucketSpec
from .account_stage import AccountRole, AccountStage

_ENVIRONMENT = {HostingAccount.TEST: "Test", HostingAccount.PROD: "Production"}


class WorkloadStage(AccountStage):
    def __init__(self, scope: Construct, config: PlatformConfig, which: HostingAccount) -> None:
        account = config.accounts.test if which == HostingAccount.TEST else config.accounts.prod
        role = AccountRole(_ENVIRONMENT[which], which.value, account.account_id,
                           _ENVIRONMENT[which], config.organisation.platform_team)
        # Captured requests, async and batch outputs land here (book ch9-ch11).
        super().__init__(scope, role, config, [BucketSpec("Inference", "inference")])
        self.hosting_account = which
