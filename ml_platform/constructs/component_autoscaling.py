"""Application Auto Scaling of one inference component's copies (issue #22).

AWS documents both halves in "Scale an endpoint to zero instances", SageMaker Developer Guide
(https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html):
the component registers as ``inference-component/<name>`` with the dimension
``sagemaker:inference-component:DesiredCopyCount`` and a target tracking policy on
``SageMakerInferenceComponentInvocationsPerCopy``; to scale out from zero copies, a step scaling
policy (+1, ``ChangeInCapacity``, ``Maximum``, cooldown 60 s) triggered by an alarm on
``AWS/SageMaker`` ``NoCapacityInvocationFailures`` (``InferenceComponentName``, ``Sum`` over 60 s).
"""

from __future__ import annotations

from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..schema.inference_components import CopyScaling
from .scale_from_zero import WakeUp, scale_from_zero

SCALE_TO_ZERO_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html"
COPY_DIMENSION = "sagemaker:inference-component:DesiredCopyCount"


def component_scale_from_zero_name(prefix: str, component_name: str) -> str:
    """Name of a component's scale-from-zero alarm: under the account's endpoint alarm prefix."""
    return f"{prefix}-{component_name}-scale-from-zero"


class ComponentAutoscaling(Construct):
    """Scalable target on the copies, target tracking, and with ``min_copies: 0`` the
    scale-from-zero step policy and its alarm.

    Props:
        component_name: the inference component's name (``inference-component/<name>``).
        settings: copy bounds, target and cooldowns from config.
        component: the component the target registers (it must exist first).
        alarm_prefix: start of the scale-from-zero alarm's name (``endpoint_alarm_prefix``).

    No role is given: Application Auto Scaling uses its SageMaker service-linked role.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        component_name: str,
        settings: CopyScaling,
        component: sagemaker.CfnInferenceComponent,
        alarm_prefix: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.target = appscaling.CfnScalableTarget(
            self,
            "Target",
            service_namespace="sagemaker",
            resource_id=f"inference-component/{component_name}",
            scalable_dimension=COPY_DIMENSION,
            min_capacity=settings.min_copies,
            max_capacity=settings.max_copies,
        )
        self.target.add_resource_dependency(component)
        self.policy = appscaling.CfnScalingPolicy(
            self,
            "Policy",
            policy_name=f"{component_name}-target-tracking",
            policy_type="TargetTrackingScaling",
            scaling_target_id=self.target.ref,
            target_tracking_scaling_policy_configuration=appscaling.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty(
                target_value=float(settings.target_invocations_per_copy),
                scale_in_cooldown=settings.scale_in_cooldown_seconds,
                scale_out_cooldown=settings.scale_out_cooldown_seconds,
                predefined_metric_specification=appscaling.CfnScalingPolicy.PredefinedMetricSpecificationProperty(
                    predefined_metric_type="SageMakerInferenceComponentInvocationsPerCopy"
                ),
            ),
        )
        self.scale_from_zero: tuple[appscaling.CfnScalingPolicy, cloudwatch.CfnAlarm] | None = None
        if settings.min_copies == 0:
            self.scale_from_zero = self._scale_from_zero(component_name, alarm_prefix)

    def _scale_from_zero(
        self, component_name: str, alarm_prefix: str
    ) -> tuple[appscaling.CfnScalingPolicy, cloudwatch.CfnAlarm]:
        """Target tracking cannot leave zero copies (nothing to divide by): a request that finds no
        capacity is counted in ``NoCapacityInvocationFailures`` and this pair adds a copy. AWS's
        example alarms above 1 failure a minute; here one failed request is enough (``>= 1``), so
        a single caller is not left waiting for a second failure. The alarm's only action is the
        policy: waking a model scaled to zero is routine, not a page."""
        return scale_from_zero(
            self,
            self.target,
            WakeUp(
                policy_name=f"{component_name}-scale-from-zero",
                alarm_name=component_scale_from_zero_name(alarm_prefix, component_name),
                description=f"{component_name}: a request found no copy; adds one ({SCALE_TO_ZERO_DOC})",
                metric_name="NoCapacityInvocationFailures",
                dimension=("InferenceComponentName", component_name),
                statistic="Sum",
                periods=1,
                treat_missing_data="notBreaching",
                aggregation="Maximum",
                cooldown=60,
            ),
        )
