"""Which accounts exist, in deploy order, and how each is named and tagged.

Plain Python (no CDK): the stages, tests and scripts all read the account layout from here,
so a stage ID (which every logical ID hangs under) is defined in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .config import PlatformConfig
from .schema.accounts import DataScienceAccount


class AccountKind(StrEnum):
    SHARED_SERVICES = "shared_services"
    DATA_LAKE = "data_lake"
    DATA_SCIENCE = "data_science"
    TEST = "test"
    PROD = "prod"


@dataclass(frozen=True)
class AccountRole:
    """Where a stage deploys and how its resources are named and tagged."""

    kind: AccountKind
    stage_id: str  # construct ID of the stage: stable; renaming it replaces everything in it
    slug: str  # name part: shared, datalake, test, prod or the team name
    account_id: str
    environment: str  # Environment tag (XC-3)
    team: str  # Team tag (XC-3)
    team_config: DataScienceAccount | None = None


def account_roles(config: PlatformConfig) -> list[AccountRole]:
    """Every account role in deploy order: shared services, data lake, teams, test, prod."""
    accounts, platform = config.accounts, config.organisation.platform_team
    roles = [
        AccountRole(
            AccountKind.SHARED_SERVICES,
            "SharedServices",
            "shared",
            accounts.shared_services.account_id,
            "SharedServices",
            platform,
        ),
        AccountRole(AccountKind.DATA_LAKE, "DataLake", "datalake", accounts.data_lake.account_id, "DataLake", platform),
    ]
    # Environment=Development: the tag Studio and idle-resource policies key on (XC-3, AS-24).
    roles += [
        AccountRole(
            AccountKind.DATA_SCIENCE,
            f"DataScience-{team.name}",
            team.name,
            team.account_id,
            "Development",
            team.name,
            team,
        )
        for team in accounts.data_science
    ]
    roles += [
        AccountRole(AccountKind.TEST, "Test", "test", accounts.test.account_id, "Test", platform),
        AccountRole(AccountKind.PROD, "Production", "prod", accounts.prod.account_id, "Production", platform),
    ]
    return roles
