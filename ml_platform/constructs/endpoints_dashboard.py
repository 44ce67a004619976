"""Per-variant endpoint metrics on one dashboard (book ch9: compare A/B and shadow variants)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from ..schema.hosting import EndpointConfig

# (title, metric, statistic): what a reviewer compares across variants.
PANELS = (
    ("Invocations", "Invocations", "Sum"),
    ("Model latency p99 (µs)", "ModelLatency", "p99"),
    ("4XX errors", "Invocation4XXErrors", "Sum"),
    ("5XX errors", "Invocation5XXErrors", "Sum"),
)


class EndpointsDashboard(Construct):
    """Props:
    dashboard_name: physical name from the naming helper.
    endpoints: the account's endpoints; every production and shadow variant gets its own line.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, dashboard_name: str, endpoints: Sequence[EndpointConfig]
    ) -> None:
        super().__init__(scope, construct_id)
        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=dashboard_name)
        for endpoint in endpoints:
            variants = [v.name for v in endpoint.variants] + [s.name for s in endpoint.shadow_variants]
            self.dashboard.add_widgets(
                cloudwatch.TextWidget(markdown=f"### {endpoint.name} ({endpoint.strategy.value})", width=24, height=1)
            )
            self.dashboard.add_widgets(
                *(
                    cloudwatch.GraphWidget(
                        title=f"{endpoint.name}: {title}",
                        width=6,
                        left=[
                            cloudwatch.Metric(
                                namespace="AWS/SageMaker",
                                metric_name=metric,
                                dimensions_map={"EndpointName": endpoint.name, "VariantName": variant},
                                statistic=statistic,
                                period=cdk.Duration.minutes(1),
                                label=variant,
                            )
                            for variant in variants
                        ],
                    )
                    for title, metric, statistic in PANELS
                )
            )
