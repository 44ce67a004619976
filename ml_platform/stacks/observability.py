"""Central observability in shared services: the CloudWatch OAM sink the other accounts link to,
and an overview dashboard of every endpoint across accounts (book ch14; XA-1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import aws_cdk as cdk
import cdk_monitoring_constructs as cmc
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_oam as oam
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..naming import partition_for
from ..schema.hosting import EndpointConfig
from .base import PlatformStack, StackContext


class ObservabilityStack(PlatformStack):
    """Stateless: the sink and the dashboard hold no data (the metrics stay in their accounts)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        source_accounts: Sequence[str],
        resource_types: Sequence[str],
        endpoints: Mapping[str, Sequence[EndpointConfig]],
        alerts_topic: sns.ITopic,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            context,
            stateful=False,
            description="Cross-account observability sink and the overview dashboard of the platform.",
        )
        partition = partition_for(self.region)
        self.sink = oam.CfnSink(
            self,
            "Sink",
            name=self.naming.resource("observability"),
            # Exactly the configured accounts may link, and only these resource types.
            policy={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": [f"arn:{partition}:iam::{a}:root" for a in sorted(set(source_accounts))]},
                        "Action": ["oam:CreateLink", "oam:UpdateLink"],
                        "Resource": "*",
                        "Condition": {"ForAllValues:StringEquals": {"oam:ResourceTypes": sorted(resource_types)}},
                    }
                ],
            },
        )
        cdk.CfnOutput(self, "SinkArn", value=self.sink.attr_arn, description="Put into observability.sink_arn")
        facade = cmc.MonitoringFacade(
            self,
            "Overview",
            alarm_factory_defaults=cmc.AlarmFactoryDefaults(
                actions_enabled=True,
                alarm_name_prefix=self.naming.resource("overview"),
                action=cmc.SnsAlarmActionStrategy(on_alarm_topic=alerts_topic),
            ),
            dashboard_factory=cmc.DefaultDashboardFactory(
                self,
                "Dashboards",
                dashboard_name_prefix=self.naming.resource("overview"),
                create_dashboard=True,
                create_summary_dashboard=False,
                create_alarm_dashboard=False,
            ),
        )
        for account, hosted in sorted(endpoints.items()):
            if not hosted:
                continue
            facade.add_large_header(f"Endpoints of account {account}")
            for endpoint in hosted:
                facade.monitor_custom(
                    metric_groups=[
                        cmc.CustomMetricGroup(
                            title=title,
                            metrics=[
                                cloudwatch.Metric(
                                    namespace="AWS/SageMaker",
                                    metric_name=metric,
                                    dimensions_map={"EndpointName": endpoint.name, "VariantName": variant.name},
                                    statistic=statistic,
                                    period=cdk.Duration.minutes(5),
                                    account=account,
                                    region=self.region,
                                    label=variant.name,
                                )
                                for variant in endpoint.variants
                            ],
                        )
                        for title, metric, statistic in (
                            ("Invocations", "Invocations", "Sum"),
                            ("Model latency p99 (µs)", "ModelLatency", "p99"),
                            ("5XX errors", "Invocation5XXErrors", "Sum"),
                        )
                    ],
                    human_readable_name=f"{endpoint.name} ({account})",
                    alarm_friendly_name=endpoint.name,
                )
