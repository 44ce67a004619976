"""Account-wide endpoint and monitor dashboard from metric searches (book ch9, ch11, ch14).

SEARCH expressions list every endpoint and variant that publishes metrics, so the dashboard
does not change when endpoints are added (issue #13) and works across accounts through the
observability sink (``search_account``). Built with cdk-monitoring-constructs.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
import cdk_monitoring_constructs as cmc
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

ENDPOINT_DIMENSIONS = "EndpointName,VariantName"
MONITOR_DIMENSIONS = "Endpoint,MonitoringSchedule"
# (title, namespace, dimensions, metric name or "" for every metric, statistic, period minutes)
PANELS = (
    ("Invocations", "AWS/SageMaker", ENDPOINT_DIMENSIONS, "Invocations", "Sum", 5),
    ("Model latency p99 (µs)", "AWS/SageMaker", ENDPOINT_DIMENSIONS, "ModelLatency", "p99", 5),
    ("4XX errors", "AWS/SageMaker", ENDPOINT_DIMENSIONS, "Invocation4XXErrors", "Sum", 5),
    ("5XX errors", "AWS/SageMaker", ENDPOINT_DIMENSIONS, "Invocation5XXErrors", "Sum", 5),
    ("CPU utilization (%)", "/aws/sagemaker/Endpoints", ENDPOINT_DIMENSIONS, "CPUUtilization", "Average", 5),
    ("Memory utilization (%)", "/aws/sagemaker/Endpoints", ENDPOINT_DIMENSIONS, "MemoryUtilization", "Average", 5),
    ("Data quality (drift per feature)", "aws/sagemaker/Endpoints/data-metrics", MONITOR_DIMENSIONS, "", "Maximum", 60),
    ("Model quality", "aws/sagemaker/Endpoints/model-metrics", MONITOR_DIMENSIONS, "", "Maximum", 60),
)


def search(namespace: str, dimensions: str, metric: str, statistic: str, minutes: int) -> str:
    """A CloudWatch SEARCH over every series of the schema (names quoted: namespaces contain '/')."""
    schema = "{" + ",".join(f'"{part}"' for part in (namespace, *dimensions.split(","))) + "}"
    query = f'{schema} MetricName="{metric}"' if metric else schema
    return f"SEARCH('{query}', '{statistic}', {minutes * 60})"


class AccountDashboard(Construct):
    """Props:
    dashboard_name: physical name prefix (from the naming helper).
    accounts: (heading, account ID) per section; None: the account the dashboard is in.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, dashboard_name: str, accounts: Sequence[tuple[str, str | None]]
    ) -> None:
        super().__init__(scope, construct_id)
        self.facade = cmc.MonitoringFacade(
            self,
            "Facade",
            alarm_factory_defaults=cmc.AlarmFactoryDefaults(actions_enabled=False, alarm_name_prefix=dashboard_name),
            dashboard_factory=cmc.DefaultDashboardFactory(
                self,
                "Dashboards",
                dashboard_name_prefix=dashboard_name,
                create_dashboard=True,
                create_summary_dashboard=False,
                create_alarm_dashboard=False,
            ),
        )
        for heading, account in accounts:
            groups = [
                cmc.CustomMetricGroup(
                    title=title,
                    metrics=[
                        cloudwatch.MathExpression(
                            expression=search(namespace, dimensions, metric, statistic, minutes),
                            using_metrics={},
                            label="",
                            period=cdk.Duration.minutes(minutes),
                            search_account=account,
                        )
                    ],
                )
                for title, namespace, dimensions, metric, statistic, minutes in PANELS
            ]
            self.facade.monitor_custom(
                metric_groups=groups,
                human_readable_name=heading,
                alarm_friendly_name=heading.replace(" ", "-"),
            )
