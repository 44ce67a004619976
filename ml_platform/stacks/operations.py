"""Stateless baseline of one account: the encrypted alerts topic later capabilities publish to."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_oam as oam
from constructs import Construct

from ..constructs.account_budget import AccountBudget
from ..constructs.alerts_topic import AlertsTopic
from ..schema.cost import BudgetsConfig
from .base import PlatformStack, StackContext


class OperationsStack(PlatformStack):
    """The encrypted alerts topic of the account, and its link to the shared observability sink."""

    STATEFUL = False
    DESCRIPTION = "Alerts and operations of the {slug} account (stateless)."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        alerts_key: kms.IKey,
        alert_emails: Sequence[str] = (),
        observability_sink_arn: str | None = None,
        observability_sink_parameter: str | None = None,
        observability_resource_types: Sequence[str] = (),
        budget: BudgetsConfig | None = None,
    ) -> None:
        super().__init__(scope, construct_id, context)
        naming = self.naming
        self.alerts = AlertsTopic(
            self,
            "Alerts",
            topic_name=naming.resource("alerts", max_length=256),
            encryption_key=alerts_key,
            email_subscribers=alert_emails,
            alarm_name_prefix=naming.resource(""),
        )
        if budget is not None:
            AccountBudget(
                self,
                "Budget",
                budget_name=naming.resource("monthly", 100),
                limit_usd=budget.limit_for(naming.slug),
                thresholds_percent=budget.thresholds_percent,
                forecast_alert=budget.forecast_alert,
                topic=self.alerts.topic,
            )
        if observability_sink_parameter is not None:  # the platform's sink, found at deploy time
            observability_sink_arn = cdk.CfnParameter(
                self,
                "ObservabilitySinkArn",
                type="AWS::SSM::Parameter::Value<String>",
                default=observability_sink_parameter,
                description="ARN of the shared services observability sink (a shared SSM parameter; leave as is)",
            ).value_as_string
        if observability_sink_arn is not None:
            # Book ch14: this account's metrics and logs show in the shared services dashboards.
            self.observability_link = oam.CfnLink(
                self,
                "ObservabilityLink",
                resource_types=list(observability_resource_types),
                sink_identifier=observability_sink_arn,
                label_template="$AccountName",
            )
