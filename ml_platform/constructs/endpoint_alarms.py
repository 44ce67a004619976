"""Alarms that roll a blue/green deployment back (book ch9): 5XX errors, p99 latency, custom."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..schema.deployment import BlueGreenConfig

NAMESPACE = "AWS/SageMaker"
_OPERATORS = {
    "GreaterThanThreshold": cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    "GreaterThanOrEqualToThreshold": cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    "LessThanThreshold": cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    "LessThanOrEqualToThreshold": cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
}


def rollback_alarm_name(prefix: str, endpoint_name: str, what: str) -> str:
    return f"{prefix}-{endpoint_name}-{what}"


class EndpointAlarms(Construct):
    """Props:
    endpoint_name, variant_name: the metrics' dimensions (the variant keeps its name across
        blue and green fleets, so the alarms watch the new fleet as traffic shifts).
    settings: thresholds and custom alarms from config.
    topic: alarms also notify the account's alerts topic.
    name_prefix: start of every alarm name (the account's alarm prefix, which its alerts topic
        admits CloudWatch for).

    Alarm names are ``<prefix>-<endpoint>-<what>``; the endpoint's deployment config lists them.
    Missing data is not breaching: an idle endpoint must not roll back.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint_name: str,
        variant_name: str,
        settings: BlueGreenConfig,
        topic: sns.ITopic,
        name_prefix: str,
    ) -> None:
        super().__init__(scope, construct_id)
        dimensions = {"EndpointName": endpoint_name, "VariantName": variant_name}

        def alarm(what: str, metric: str, statistic: str, threshold: float, comparison: str, description: str) -> None:
            created = cloudwatch.Alarm(
                self,
                "".join(p.capitalize() for p in what.split("-")),
                alarm_name=rollback_alarm_name(name_prefix, endpoint_name, what),
                alarm_description=description,
                metric=cloudwatch.Metric(
                    namespace=NAMESPACE,
                    metric_name=metric,
                    dimensions_map=dimensions,
                    statistic=statistic,
                    period=cdk.Duration.minutes(1),
                ),
                threshold=threshold,
                evaluation_periods=2,
                datapoints_to_alarm=2,
                comparison_operator=_OPERATORS[comparison],
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            created.add_alarm_action(actions.SnsAction(topic))
            self.alarms.append(created)

        self.alarms: list[cloudwatch.Alarm] = []
        alarm(
            "5xx-errors",
            "Invocation5XXErrors",
            "Sum",
            settings.error_5xx_threshold,
            "GreaterThanOrEqualToThreshold",
            f"{endpoint_name}: server errors during a deployment roll it back",
        )
        alarm(
            "latency-p99",
            "ModelLatency",
            "p99",
            settings.latency_p99_ms * 1000,  # ModelLatency is in microseconds
            "GreaterThanThreshold",
            f"{endpoint_name}: p99 model latency above {settings.latency_p99_ms} ms rolls a deployment back",
        )
        for custom in settings.custom_alarms:
            alarm(
                custom.name,
                custom.metric,
                custom.statistic,
                custom.threshold,
                custom.comparison.value,
                f"{endpoint_name}: {custom.metric} {custom.statistic} (custom rollback alarm)",
            )
