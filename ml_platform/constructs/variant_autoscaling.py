"""Application Auto Scaling of one endpoint variant (book ch10)."""

from __future__ import annotations

from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..schema.deployment import AutoscalingConfig
from .scale_from_zero import WakeUp, scale_from_zero

# "Optional: Define a scaling policy that scales up from zero for new requests" in "Autoscale an
# asynchronous endpoint", SageMaker Developer Guide:
SCALE_FROM_ZERO_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-autoscale.html"


def scale_from_zero_name(prefix: str, endpoint_name: str, variant_name: str) -> str:
    """Name of the scale-from-zero alarm: under the account's endpoint alarm prefix."""
    return f"{prefix}-{endpoint_name}-{variant_name}-scale-from-zero"


class VariantAutoscaling(Construct):
    """Scalable target (min/max), target tracking, optional schedules.

    Props:
        endpoint_name, variant_name: the resource ``endpoint/<name>/variant/<variant>``.
        settings: capacity bounds, target, cooldowns and schedules from config.
        asynchronous: track the queue (``ApproximateBacklogSizePerInstance``) instead of
            invocations per instance, so an async endpoint can scale to and from zero.
        endpoint: the endpoint the target registers (it must exist first).
        alarm_prefix: start of the scale-from-zero alarm's name (the account's endpoint alarm
            prefix, ``endpoint_alarm_prefix``).

    An async variant with ``min_capacity: 0`` also gets a step-scaling policy and the alarm that
    triggers it (``scale_from_zero``): target tracking alone only scales out from zero once the
    backlog exceeds its target, so a small batch would wait in the queue.

    No role is given: Application Auto Scaling uses its SageMaker service-linked role.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint_name: str,
        variant_name: str,
        settings: AutoscalingConfig,
        asynchronous: bool,
        endpoint: sagemaker.CfnEndpoint,
        alarm_prefix: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.target = appscaling.CfnScalableTarget(
            self,
            "Target",
            service_namespace="sagemaker",
            resource_id=f"endpoint/{endpoint_name}/variant/{variant_name}",
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            min_capacity=settings.min_capacity,
            max_capacity=settings.max_capacity,
            scheduled_actions=[
                appscaling.CfnScalableTarget.ScheduledActionProperty(
                    scheduled_action_name=s.name,
                    schedule=s.schedule,
                    scalable_target_action=appscaling.CfnScalableTarget.ScalableTargetActionProperty(
                        min_capacity=s.min_capacity, max_capacity=s.max_capacity
                    ),
                )
                for s in settings.schedules
            ]
            or None,
        )
        self.target.add_resource_dependency(endpoint)
        tracking = appscaling.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty(
            target_value=float(
                settings.target_backlog_per_instance if asynchronous else settings.target_invocations_per_instance
            ),
            scale_in_cooldown=settings.scale_in_cooldown_seconds,
            scale_out_cooldown=settings.scale_out_cooldown_seconds,
            predefined_metric_specification=None
            if asynchronous
            else appscaling.CfnScalingPolicy.PredefinedMetricSpecificationProperty(
                predefined_metric_type="SageMakerVariantInvocationsPerInstance"
            ),
            customized_metric_specification=appscaling.CfnScalingPolicy.CustomizedMetricSpecificationProperty(
                metric_name="ApproximateBacklogSizePerInstance",
                namespace="AWS/SageMaker",
                dimensions=[
                    appscaling.CfnScalingPolicy.MetricDimensionProperty(name="EndpointName", value=endpoint_name)
                ],
                statistic="Average",
            )
            if asynchronous
            else None,
        )
        self.policy = appscaling.CfnScalingPolicy(
            self,
            "Policy",
            policy_name=f"{endpoint_name}-{variant_name}-target-tracking",
            policy_type="TargetTrackingScaling",
            scaling_target_id=self.target.ref,
            target_tracking_scaling_policy_configuration=tracking,
        )
        self.scale_from_zero: tuple[appscaling.CfnScalingPolicy, cloudwatch.CfnAlarm] | None = None
        if asynchronous and settings.min_capacity == 0:
            self.scale_from_zero = self._scale_from_zero(endpoint_name, variant_name, alarm_prefix)

    def _scale_from_zero(
        self, endpoint_name: str, variant_name: str, alarm_prefix: str
    ) -> tuple[appscaling.CfnScalingPolicy, cloudwatch.CfnAlarm]:
        """Add one instance while requests wait and there is no instance, as documented in
        https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-autoscale.html (the
        optional policy that scales up from zero for new requests): a ``StepScaling`` policy of
        +1 instance (``ChangeInCapacity``, lower bound 0, ``Average``, cooldown 300 s) and an alarm
        on ``AWS/SageMaker`` ``HasBacklogWithoutCapacity`` (``EndpointName``, ``Average`` over
        60 s, 2 of 2 periods ``>= 1``, missing data ``missing``) whose action is the policy.

        The alarm's only action is the policy (its ``Ref`` is the policy ARN): a batch arriving at
        an endpoint at zero is routine, not something to page about.
        """
        return scale_from_zero(
            self,
            self.target,
            WakeUp(
                policy_name=f"{endpoint_name}-{variant_name}-scale-from-zero",
                alarm_name=scale_from_zero_name(alarm_prefix, endpoint_name, variant_name),
                description=(
                    f"{endpoint_name}: requests wait and {variant_name} has no instance; scales it out from "
                    f"zero ({SCALE_FROM_ZERO_DOC})"
                ),
                metric_name="HasBacklogWithoutCapacity",
                dimension=("EndpointName", endpoint_name),
                statistic="Average",
                periods=2,
                treat_missing_data="missing",
                aggregation="Average",
                cooldown=300,
            ),
        )
