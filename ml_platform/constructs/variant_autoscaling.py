"""Application Auto Scaling of one endpoint variant (book ch10)."""

from __future__ import annotations

from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..schema.deployment import AutoscalingConfig


class VariantAutoscaling(Construct):
    """Scalable target (min/max), target tracking, optional schedules.

    Props:
        endpoint_name, variant_name: the resource ``endpoint/<name>/variant/<variant>``.
        settings: capacity bounds, target, cooldowns and schedules from config.
        asynchronous: track the queue (``ApproximateBacklogSizePerInstance``) instead of
            invocations per instance, so an async endpoint can scale to and from zero.
        endpoint: the endpoint the target registers (it must exist first).

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
