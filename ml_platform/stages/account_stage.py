"""Base stage: explicit account/region, tags from config, the stateful/stateless baseline."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from ..config import PlatformConfig
from ..naming import Naming, partition_for
from ..stacks.account_data import AccountDataStack, BucketSpec, KeySpec
from ..stacks.base import StackContext
from ..stacks.observability import sink_parameter_arn
from ..stacks.operations import OperationsStack
from ..topology import AccountRole


class AccountStage(cdk.Stage):
    """Every account gets: a data stack (keys, access logs, buckets) and an operations stack.

    Subclasses name the buckets of their role in ``bucket_specs`` and add their own stacks
    after ``super().__init__``.
    """

    def __init__(self, scope: Construct, role: AccountRole, config: PlatformConfig) -> None:
        super().__init__(
            scope,
            role.stage_id,
            env=cdk.Environment(account=role.account_id, region=config.organisation.region),
        )
        self.role = role
        self.config = config
        self.naming: Naming = config.naming(role.slug, role.account_id)
        for key, value in sorted(config.tags.items()):
            cdk.Tags.of(self).add(key, value)
        cdk.Tags.of(self).add("Environment", role.environment)
        cdk.Tags.of(self).add("Team", role.team)

        self.stack_context = StackContext(
            naming=self.naming,
            availability_zones=config.organisation.availability_zones,
            organization_id=config.organisation.organization_id,
        )
        self.data = AccountDataStack(
            self, "Data", self.stack_context, buckets=self.bucket_specs(), keys=self.key_specs()
        )
        self.operations = OperationsStack(
            self,
            "Operations",
            self.stack_context,
            alerts_key=self.data.alerts_key.key,
            alert_emails=config.organisation.alert_emails,
            observability_sink_arn=config.observability.sink_arn if self.links_observability() else None,
            observability_sink_parameter=(
                sink_parameter_arn(
                    partition_for(config.organisation.region),
                    config.organisation.region,
                    config.accounts.shared_services.account_id,
                )
                if self.links_observability() and config.observability.sink_arn is None
                else None
            ),
            observability_resource_types=config.observability.resource_types,
            budget=config.budgets,
        )

    def links_observability(self) -> bool:
        """Whether this account links to the shared services sink (data science, test, prod)."""
        return False

    def bucket_specs(self) -> list[BucketSpec]:
        """The platform buckets of this account role (besides the access log bucket)."""
        return []

    def key_specs(self) -> list[KeySpec]:
        """Customer keys of this account role besides data, alerts and logs."""
        return []
