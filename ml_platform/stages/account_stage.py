"""Base stage: explicit account/region, tags from config, the stateful/stateless baseline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from constructs import Construct

from ..config import PlatformConfig
from ..naming import Naming
from ..stacks.account_data import AccountDataStack, BucketSpec
from ..stacks.operations import OperationsStack


@dataclass(frozen=True)
class AccountRole:
    """Where a stage deploys and how its resources are named and tagged."""

    stage_id: str  # construct ID of the stage: stable, renaming it replaces everything
    slug: str  # name part: shared, datalake, test, prod or the team name
    account_id: str
    environment: str  # Environment tag (XC-3), e.g. Development for data science
    team: str  # Team tag (XC-3)


class AccountStage(cdk.Stage):
    """Every account gets: a data stack (keys, access logs, buckets) and an operations stack.

    Subclasses pass the buckets of their role and add their own stacks after ``super()``.
    """

    def __init__(
        self, scope: Construct, role: AccountRole, config: PlatformConfig, buckets: Sequence[BucketSpec]
    ) -> None:
        super().__init__(
            scope,
            role.stage_id,
            env=cdk.Environment(account=role.account_id, region=config.organisation.region),
        )
        self.role = role
        self.config = config
        self.naming: Naming = config.naming(role.slug, role.account_id)
        self.azs = config.organisation.availability_zones
        for key, value in sorted(config.tags.items()):
            cdk.Tags.of(self).add(key, value)
        cdk.Tags.of(self).add("Environment", role.environment)
        cdk.Tags.of(self).add("Team", role.team)

        self.data = AccountDataStack(
            self, "Data", naming=self.naming, availability_zones=self.azs, buckets=buckets,
            organization_id=config.organisation.organization_id,
        )
        self.operations = OperationsStack(
            self, "Operations", naming=self.naming, availability_zones=self.azs,
            alerts_key=self.data.alerts_key.key, alert_emails=config.organisation.alert_emails,
        )
