"""Alarms of the endpoints and monitors of one hosting stack, with cdk-monitoring-constructs (book ch9, ch11).

5XX alarms per variant (shadows included) and an alarm per monitor metric configured in
``monitors[].alarm``; every alarm notifies the account's encrypted alerts topic. They live
with their endpoint (issue #13); the account's dashboard (``AccountDashboard``) shows all
endpoints through metric searches.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
import cdk_monitoring_constructs as cmc
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..schema.hosting import EndpointConfig
from ..schema.monitoring import MonitorConfig, MonitorType

INVOCATION_NAMESPACE = "AWS/SageMaker"
# Where Model Monitor and Clarify publish their metrics (dimensions Endpoint, MonitoringSchedule).
MONITOR_NAMESPACES = {
    MonitorType.DATA_QUALITY: "aws/sagemaker/Endpoints/data-metrics",
    MonitorType.MODEL_QUALITY: "aws/sagemaker/Endpoints/model-metrics",
    MonitorType.MODEL_BIAS: "aws/sagemaker/Endpoints/bias-metrics",
    MonitorType.MODEL_EXPLAINABILITY: "aws/sagemaker/Endpoints/explainability-metrics",
}
FIVE_MINUTES = cdk.Duration.minutes(5)


def violation_alarm_name(prefix: str, monitor: MonitorConfig) -> str:
    """Deterministic: the retraining function maps alarm names back to endpoints."""
    return f"{prefix}-{monitor.schedule_name}-violation"


class EndpointObservability(Construct):
    """Props:
    alarm_prefix: prefix of the alarm names (from the naming helper).
    topic: the encrypted alerts topic every alarm notifies.
    endpoints: the account's endpoints.
    monitors: the account's monitors (those with ``alarm`` get one).
    error_threshold: 5XX errors per variant in five minutes that alarm.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alarm_prefix: str,
        topic: sns.ITopic,
        endpoints: Sequence[EndpointConfig],
        monitors: Sequence[MonitorConfig],
        error_threshold: int = 5,
    ) -> None:
        super().__init__(scope, construct_id)
        self.alarm_prefix = alarm_prefix
        self.facade = cmc.MonitoringFacade(
            self,
            "Facade",
            alarm_factory_defaults=cmc.AlarmFactoryDefaults(
                actions_enabled=True,
                alarm_name_prefix=alarm_prefix,
                action=cmc.SnsAlarmActionStrategy(on_alarm_topic=topic),
                datapoints_to_alarm=1,
            ),
            dashboard_factory=cmc.DefaultDashboardFactory(
                self,
                "Dashboards",
                dashboard_name_prefix=alarm_prefix,
                create_dashboard=False,
                create_summary_dashboard=False,
                create_alarm_dashboard=False,
            ),
        )
        for endpoint in endpoints:
            self._endpoint(endpoint, error_threshold)
        alarmed = [m for m in monitors if m.alarm is not None]
        if alarmed:
            for monitor in alarmed:
                self._violation(monitor)

    def _endpoint(self, endpoint: EndpointConfig, error_threshold: int) -> None:
        variants = [v.name for v in endpoint.variants] + [s.name for s in endpoint.shadow_variants]

        def metric(name: str, statistic: str, variant: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace=INVOCATION_NAMESPACE,
                metric_name=name,
                dimensions_map={"EndpointName": endpoint.name, "VariantName": variant},
                statistic=statistic,
                period=FIVE_MINUTES,
                label=variant,
            )

        errors: list[object] = [
            cmc.CustomMetricWithAlarm(
                metric=metric("Invocation5XXErrors", "Sum", v),
                alarm_friendly_name=f"{v}-5xx",
                add_alarm={
                    "Critical": cmc.CustomThreshold(
                        threshold=error_threshold,
                        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                        treat_missing_data_override=cloudwatch.TreatMissingData.NOT_BREACHING,
                    )
                },
            )
            for v in variants
        ]
        groups = [cmc.CustomMetricGroup(title="5XX errors", metrics=errors)]  # type: ignore[arg-type]
        self.facade.monitor_custom(
            metric_groups=groups,
            human_readable_name=f"Endpoint {endpoint.name} ({endpoint.strategy.value})",
            alarm_friendly_name=endpoint.name,
        )

    def _violation(self, monitor: MonitorConfig) -> None:
        assert monitor.alarm is not None
        alarm = monitor.alarm
        violation = cloudwatch.Metric(
            namespace=MONITOR_NAMESPACES[monitor.type],
            metric_name=alarm.metric,
            dimensions_map={"Endpoint": monitor.endpoint, "MonitoringSchedule": monitor.schedule_name},
            statistic="Maximum",
            period=cdk.Duration.hours(1),
            label=alarm.metric,
        )
        operator = (
            cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
            if alarm.comparison == "greater"
            else cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
        )
        self.facade.monitor_custom(
            metric_groups=[
                cmc.CustomMetricGroup(
                    title=f"{monitor.endpoint}: {alarm.metric}",
                    metrics=[
                        cmc.CustomMetricWithAlarm(
                            metric=violation,
                            alarm_friendly_name=monitor.schedule_name,
                            add_alarm={
                                "Violation": cmc.CustomThreshold(
                                    threshold=alarm.threshold,
                                    comparison_operator=operator,
                                    alarm_name_override=violation_alarm_name(self.alarm_prefix, monitor),
                                    treat_missing_data_override=cloudwatch.TreatMissingData.NOT_BREACHING,
                                )
                            },
                        )
                    ],
                )
            ],
            human_readable_name=f"{monitor.schedule_name} ({monitor.type.value})",
            alarm_friendly_name=monitor.schedule_name,
        )
