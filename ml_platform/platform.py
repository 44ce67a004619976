"""Compose the whole platform: one stage per account, in deploy order, checked by rule packs."""

from __future__ import annotations

import aws_cdk as cdk

from .compliance.rule_packs import register_rule_packs
from .config import PlatformConfig
from .schema.hosting import HostingAccount
from .stages.account_stage import AccountStage
from .stages.data_lake import DataLakeStage
from .stages.data_science import DataScienceStage
from .stages.shared_services import SharedServicesStage
from .stages.workload import WorkloadStage


def build_platform(app: cdk.App, config: PlatformConfig, *, rule_packs: bool = True) -> list[AccountStage]:
    """Add every account stage to ``app``; returns them in deploy order."""
    stages: list[AccountStage] = [SharedServicesStage(app, config), DataLakeStage(app, config)]
    stages += [DataScienceStage(app, config, team) for team in config.accounts.data_science]
    stages += [WorkloadStage(app, config, HostingAccount.TEST), WorkloadStage(app, config, HostingAccount.PROD)]
    if rule_packs:
        register_rule_packs(app)
    return stages
