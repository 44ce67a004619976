"""Data science account of one team: Studio, pipelines, model registry (XA-1, XA-2)."""

from __future__ import annotations

from constructs import Construct

from ..config import PlatformConfig
from ..schema.accounts import DataScienceAccount
from ..stacks.account_data import BucketSpec
from .account_stage import AccountRole, AccountStage


class DataScienceStage(AccountStage):
    def __init__(self, scope: Construct, config: PlatformConfig, team: DataScienceAccount) -> None:
        # Environment=Development: the tag the idle-resource and Studio policies key on (XC-3).
        role = AccountRole(f"DataScience-{team.name}", team.name, team.account_id,
                           "Development", team.name)
        super().__init__(scope, role, config, [BucketSpec("Projects", "projects")])
        self.team = team
