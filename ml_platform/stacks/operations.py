"""Stateless baseline of one account: the encrypted alerts topic later capabilities publish to."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_kms as kms
from constructs import Construct

from ..constructs.alerts_topic import AlertsTopic
from ..naming import Naming
from .base import PlatformStack


class OperationsStack(PlatformStack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        naming: Naming,
        availability_zones: Sequence[str],
        alerts_key: kms.IKey,
        alert_emails: Sequence[str] = (),
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            stack_name=naming.stack(construct_id),
            description=f"Alerts and operations of the {naming.slug} account (stateless).",
            availability_zones=availability_zones,
            stateful=False,
        )
        self.alerts = AlertsTopic(
            self,
            "Alerts",
            topic_name=naming.resource("alerts", max_length=256),
            encryption_key=alerts_key,
            email_subscribers=alert_emails,
        )
