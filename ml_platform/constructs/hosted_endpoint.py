"""A SageMaker endpoint from config: models, endpoint config, endpoint, rollout and scaling (book ch9, ch10).

Models and endpoint configs get generated names, so any change creates new ones and the
endpoint switches to them (no in-place break); the endpoint keeps its name and logical ID.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from ..schema.deployment import BlueGreenConfig, TrafficShift
from ..schema.hosting import EndpointConfig, ModelConfig, VariantConfig
from .endpoint_alarms import EndpointAlarms
from .ml_vpc import MlVpc
from .variant_autoscaling import VariantAutoscaling

_CFN_TRAFFIC = {TrafficShift.ALL_AT_ONCE: "ALL_AT_ONCE", TrafficShift.CANARY: "CANARY", TrafficShift.LINEAR: "LINEAR"}


def _model_of(variant: VariantConfig) -> str:
    """A variant's model (config validation: every variant outside component mode has one)."""
    assert variant.model is not None, f"{variant.name}: inference-component endpoints are ComponentEndpoint's"
    return variant.model


@dataclass(frozen=True)
class AsyncOutput:
    """Where an asynchronous endpoint writes results, and the topics it notifies."""

    output_path: str
    failure_path: str
    success_topic: sns.ITopic | None = None
    error_topic: sns.ITopic | None = None


class HostedEndpoint(Construct):
    """Props:
    endpoint: the endpoint from config (strategy, variants, cost options).
    models: every configured model by name.
    package_arns: model name -> package ARN to deploy (an SSM-resolved parameter for released models).
    role: the models' execution role (reads artefacts and images; writes async results).
    network: private subnets and the SageMaker security group (no internet path).
    key: encrypts the endpoint's storage volumes and async results.
    alarm_topic: where rollback alarms also notify (encrypted alerts topic).
    alarm_prefix: start of the rollback and scale-from-zero alarms' names.
    async_output: result locations and topics (asynchronous endpoints only).
    capture_uri: S3 prefix of captured requests/responses (endpoints that capture, book ch11).

    Serverless variants run outside the VPC (a SageMaker limitation): their models get no
    VPC config and no network isolation; config validation keeps them out of prod.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint: EndpointConfig,
        models: Mapping[str, ModelConfig],
        package_arns: Mapping[str, str],
        role: iam.IRole,
        network: MlVpc,
        key: kms.IKey,
        alarm_topic: sns.ITopic,
        alarm_prefix: str,
        async_output: AsyncOutput | None = None,
        capture_uri: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self._models, self._package_arns, self._role, self._network = models, package_arns, role, network
        variants = [
            sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                variant_name=v.name,
                model_name=self._model(v.name, _model_of(v), serverless=v.serverless is not None),
                initial_variant_weight=v.initial_weight,
                **(
                    {
                        "serverless_config": sagemaker.CfnEndpointConfig.ServerlessConfigProperty(
                            memory_size_in_mb=v.serverless.memory_mb,
                            max_concurrency=v.serverless.max_concurrency,
                            provisioned_concurrency=v.serverless.provisioned_concurrency,
                        )
                    }
                    if v.serverless
                    else {"instance_type": v.instance, "initial_instance_count": v.instance_count}
                ),
            )
            for v in endpoint.variants
        ]
        production_weight = sum(v.initial_weight for v in endpoint.variants)
        shadows = [
            sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                variant_name=s.name,
                model_name=self._model(s.name, s.model, serverless=False),
                instance_type=s.instance_type,
                initial_instance_count=s.initial_instance_count,
                # The shadow's weight relative to production is the share of requests copied to it.
                initial_variant_weight=round(production_weight * s.sampling_percentage / 100, 4),
            )
            for s in endpoint.shadow_variants
        ]
        self.config = sagemaker.CfnEndpointConfig(
            self,
            "Config",
            kms_key_id=key.key_arn,
            production_variants=variants,
            shadow_production_variants=shadows or None,
            async_inference_config=self._async_config(endpoint, key, async_output),
            data_capture_config=self._capture(endpoint, key, capture_uri),
        )
        self.alarms: EndpointAlarms | None = None
        if endpoint.blue_green is not None:
            self.alarms = EndpointAlarms(
                self,
                "RollbackAlarms",
                endpoint_name=endpoint.name,
                variant_name=endpoint.variants[0].name,
                settings=endpoint.blue_green,
                topic=alarm_topic,
                name_prefix=alarm_prefix,
            )
        scaled = any(v.autoscaling for v in endpoint.variants)
        self.endpoint = sagemaker.CfnEndpoint(
            self,
            "Endpoint",
            endpoint_name=endpoint.name,
            endpoint_config_name=self.config.attr_endpoint_config_name,
            deployment_config=self._deployment(endpoint.blue_green) if endpoint.blue_green else None,
            # Keep autoscaled instance counts through updates; weights still come from config.
            retain_all_variant_properties=True if scaled else None,
            exclude_retained_variant_properties=(
                [
                    sagemaker.CfnEndpoint.VariantPropertyProperty(variant_property_type=kind)
                    for kind in ("DesiredWeight", "DataCaptureConfig")
                ]
                if scaled
                else None
            ),
        )
        self.scaling = {
            v.name: VariantAutoscaling(
                self,
                f"Scaling{v.name}",
                endpoint_name=endpoint.name,
                variant_name=v.name,
                settings=v.autoscaling,
                asynchronous=endpoint.async_inference is not None,
                endpoint=self.endpoint,
                alarm_prefix=alarm_prefix,
            )
            for v in endpoint.variants
            if v.autoscaling is not None
        }

    def _model(self, variant: str, name: str, *, serverless: bool) -> str:
        model = self._models[name]
        if model.from_registry:
            container = sagemaker.CfnModel.ContainerDefinitionProperty(model_package_name=self._package_arns[name])
        else:
            container = sagemaker.CfnModel.ContainerDefinitionProperty(
                image=model.image_uri,
                model_data_url=model.model_data_url,
                mode="MultiModel" if model.multi_model else "SingleModel",
            )
        network = self._network
        cfn_model = sagemaker.CfnModel(
            self,
            f"Model{variant}",
            execution_role_arn=self._role.role_arn,
            containers=[container],
            vpc_config=None
            if serverless
            else sagemaker.CfnModel.VpcConfigProperty(
                subnets=network.subnets.subnet_ids, security_group_ids=[network.sagemaker_sg.security_group_id]
            ),
            enable_network_isolation=model.network_isolation and not serverless,
        )
        if serverless:
            acknowledge(
                cfn_model,
                {
                    "PlatformSageMaker::SM-ModelIsolated": (
                        "Serverless inference supports neither VPC config nor network isolation; config "
                        "validation keeps serverless endpoints out of prod (docs/hosting.md)."
                    )
                },
            )
        return cfn_model.attr_model_name

    def _deployment(self, settings: BlueGreenConfig) -> sagemaker.CfnEndpoint.DeploymentConfigProperty:
        """Native blue/green (book ch9): traffic shifts from config, rollback on this endpoint's alarms."""
        percent = settings.canary_percent or settings.linear_step_percent
        size = sagemaker.CfnEndpoint.CapacitySizeProperty(type="CAPACITY_PERCENT", value=percent) if percent else None
        assert self.alarms is not None
        return sagemaker.CfnEndpoint.DeploymentConfigProperty(
            blue_green_update_policy=sagemaker.CfnEndpoint.BlueGreenUpdatePolicyProperty(
                traffic_routing_configuration=sagemaker.CfnEndpoint.TrafficRoutingConfigProperty(
                    type=_CFN_TRAFFIC[settings.traffic],
                    canary_size=size if settings.traffic == TrafficShift.CANARY else None,
                    linear_step_size=size if settings.traffic == TrafficShift.LINEAR else None,
                    wait_interval_in_seconds=settings.wait_seconds,
                ),
                termination_wait_in_seconds=settings.termination_wait_seconds,
                maximum_execution_timeout_in_seconds=settings.max_execution_seconds,
            ),
            auto_rollback_configuration=sagemaker.CfnEndpoint.AutoRollbackConfigProperty(
                alarms=[sagemaker.CfnEndpoint.AlarmProperty(alarm_name=a.alarm_name) for a in self.alarms.alarms]
            ),
        )

    @staticmethod
    def _capture(
        endpoint: EndpointConfig, key: kms.IKey, uri: str | None
    ) -> sagemaker.CfnEndpointConfig.DataCaptureConfigProperty | None:
        return data_capture(endpoint, key, uri)

    @staticmethod
    def _async_config(
        endpoint: EndpointConfig, key: kms.IKey, output: AsyncOutput | None
    ) -> sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty | None:
        settings = endpoint.async_inference
        if settings is None:
            return None
        assert output is not None, "an asynchronous endpoint needs its output locations"
        notify = None
        if output.success_topic is not None and output.error_topic is not None:
            notify = sagemaker.CfnEndpointConfig.AsyncInferenceNotificationConfigProperty(
                success_topic=output.success_topic.topic_arn, error_topic=output.error_topic.topic_arn
            )
        return sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty(
            output_config=sagemaker.CfnEndpointConfig.AsyncInferenceOutputConfigProperty(
                s3_output_path=output.output_path,
                s3_failure_path=output.failure_path,
                kms_key_id=key.key_arn,
                notification_config=notify,
            ),
            client_config=sagemaker.CfnEndpointConfig.AsyncInferenceClientConfigProperty(
                max_concurrent_invocations_per_instance=settings.max_concurrent_invocations_per_instance
            ),
        )


def data_capture(
    endpoint: EndpointConfig, key: kms.IKey, uri: str | None
) -> sagemaker.CfnEndpointConfig.DataCaptureConfigProperty | None:
    """The endpoint config's data capture (book ch11), encrypted with the endpoint's key; also
    used by inference-component endpoints (``ComponentEndpoint``)."""
    capture = endpoint.capture
    if capture is None:
        return None
    assert uri is not None, "an endpoint that captures needs its capture location"
    return sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
        enable_capture=True,
        initial_sampling_percentage=capture.sampling_percentage,
        destination_s3_uri=uri,
        kms_key_id=key.key_arn,
        capture_options=[
            sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode=mode.capitalize())
            for mode in capture.capture
        ],
        capture_content_type_header=sagemaker.CfnEndpointConfig.CaptureContentTypeHeaderProperty(
            csv_content_types=list(capture.csv_content_types) or None,
            json_content_types=list(capture.json_content_types) or None,
        ),
    )
