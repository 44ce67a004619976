"""A monthly AWS Budget of the account with alerts to its encrypted topic (book ch10, ch13)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from constructs import Construct


class AccountBudget(Construct):
    """Props:
    budget_name: physical name from the naming helper.
    limit_usd: monthly cost limit.
    thresholds_percent: actual-spend alerts, percent of the limit.
    forecast_alert: also alert when forecasted spend passes 100 %.
    topic: the account's alerts topic (its key lets budgets.amazonaws.com use it).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        budget_name: str,
        limit_usd: float,
        thresholds_percent: Sequence[int],
        forecast_alert: bool,
        topic: sns.ITopic,
    ) -> None:
        super().__init__(scope, construct_id)
        account = cdk.Stack.of(self).account
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="BudgetsPublish",
                principals=[iam.ServicePrincipal("budgets.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": account}},
            )
        )
        subscribers = [budgets.CfnBudget.SubscriberProperty(subscription_type="SNS", address=topic.topic_arn)]
        alerts = [("ACTUAL", t) for t in thresholds_percent] + ([("FORECASTED", 100)] if forecast_alert else [])
        self.budget = budgets.CfnBudget(
            self,
            "Budget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_name=budget_name,
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=limit_usd, unit="USD"),
            ),
            notifications_with_subscribers=[
                budgets.CfnBudget.NotificationWithSubscribersProperty(
                    notification=budgets.CfnBudget.NotificationProperty(
                        notification_type=kind,
                        comparison_operator="GREATER_THAN",
                        threshold=threshold,
                        threshold_type="PERCENTAGE",
                    ),
                    subscribers=subscribers,
                )
                for kind, threshold in alerts
            ],
        )
