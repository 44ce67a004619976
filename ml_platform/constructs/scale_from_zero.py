"""The step policy and alarm that scale a SageMaker target out of zero (book ch10, issue #22).

Target tracking cannot leave zero (there is nothing to divide by), so both the asynchronous
variants (``VariantAutoscaling``) and the inference components (``ComponentAutoscaling``) pair a
``StepScaling`` policy of +1 (``ChangeInCapacity``, lower bound 0) with an alarm on a SageMaker
metric whose only action is that policy: waking a target at zero is routine, not a page. What
differs (metric, statistic, periods, cooldown) is each caller's, from the AWS page it cites.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct


@dataclass(frozen=True)
class WakeUp:
    """What wakes the target: the alarm's metric and the policy's pace."""

    policy_name: str
    alarm_name: str
    description: str
    metric_name: str
    dimension: tuple[str, str]  # (name, value) of the metric's one dimension
    statistic: str
    periods: int  # evaluation periods of 60 s, all of them breaching
    treat_missing_data: str
    aggregation: str  # the step policy's metric aggregation
    cooldown: int


def scale_from_zero(
    scope: Construct, target: appscaling.CfnScalableTarget, wake: WakeUp
) -> tuple[appscaling.CfnScalingPolicy, cloudwatch.CfnAlarm]:
    """Add ``ScaleFromZeroPolicy`` and ``ScaleFromZeroAlarm`` to ``scope`` (stable IDs)."""
    policy = appscaling.CfnScalingPolicy(
        scope,
        "ScaleFromZeroPolicy",
        policy_name=wake.policy_name,
        policy_type="StepScaling",
        scaling_target_id=target.ref,
        step_scaling_policy_configuration=appscaling.CfnScalingPolicy.StepScalingPolicyConfigurationProperty(
            adjustment_type="ChangeInCapacity",
            metric_aggregation_type=wake.aggregation,
            cooldown=wake.cooldown,
            step_adjustments=[
                appscaling.CfnScalingPolicy.StepAdjustmentProperty(metric_interval_lower_bound=0, scaling_adjustment=1)
            ],
        ),
    )
    name, value = wake.dimension
    alarm = cloudwatch.CfnAlarm(
        scope,
        "ScaleFromZeroAlarm",
        alarm_name=wake.alarm_name,
        alarm_description=wake.description,
        namespace="AWS/SageMaker",
        metric_name=wake.metric_name,
        dimensions=[cloudwatch.CfnAlarm.DimensionProperty(name=name, value=value)],
        statistic=wake.statistic,
        period=60,
        evaluation_periods=wake.periods,
        datapoints_to_alarm=wake.periods,
        threshold=1,
        comparison_operator="GreaterThanOrEqualToThreshold",
        treat_missing_data=wake.treat_missing_data,
        alarm_actions=[policy.ref],  # Ref of AWS::ApplicationAutoScaling::ScalingPolicy: its ARN
    )
    return policy, alarm
