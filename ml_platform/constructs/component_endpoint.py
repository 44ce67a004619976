"""An endpoint in inference components hosting mode (issue #22): one endpoint config without
models, with managed instance scaling; one model and one ``AWS::SageMaker::InferenceComponent``
per configured component, each with its own compute share, copies and scaling.

Why a release touches one component only: the endpoint config names no model, so a new value of
one model's released parameter replaces that model (generated name) and updates the component
that names it, in place (the component type has no create-only property), while the endpoint
config, the endpoint and the other components stay as they are. CloudFormation properties:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-inferencecomponent.html
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..schema.hosting import EndpointConfig, ModelConfig
from ..schema.inference_components import InferenceComponentConfig
from .component_autoscaling import ComponentAutoscaling
from .hosted_endpoint import data_capture
from .ml_vpc import MlVpc


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


class ComponentEndpoint(Construct):
    """Props:
    endpoint: the endpoint from config (one variant, its managed instance scaling, the components).
    models: every configured model by name.
    package_arns: model name -> package ARN to deploy (an SSM-resolved parameter for released models).
    role: execution role of the endpoint config and of the models (artefacts, images, logs).
    network: private subnets and the SageMaker security group (no internet path).
    key: encrypts the instances' storage volumes.
    alarm_prefix: start of the components' scale-from-zero alarms' names.
    capture_uri: S3 prefix of captured requests/responses (endpoints that capture, book ch11).

    ``components`` maps each component name to the construct holding its model, component and
    scaling, so the stack can give each its own release condition.
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
        alarm_prefix: str,
        capture_uri: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self._vpc = sagemaker.CfnEndpointConfig.VpcConfigProperty(
            subnets=network.subnets.subnet_ids, security_group_ids=[network.sagemaker_sg.security_group_id]
        )
        variants = []
        for v in endpoint.variants:
            managed = v.managed_instance_scaling
            variants.append(
                sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                    variant_name=v.name,
                    instance_type=v.instance,
                    initial_instance_count=v.instance_count,
                    managed_instance_scaling=sagemaker.CfnEndpointConfig.ManagedInstanceScalingProperty(
                        status="ENABLED",
                        min_instance_count=managed.min_instances,
                        max_instance_count=managed.max_instances,
                    )
                    if managed is not None
                    else None,
                    routing_config=sagemaker.CfnEndpointConfig.RoutingConfigProperty(
                        routing_strategy=managed.routing.value.upper()
                    )
                    if managed is not None
                    else None,
                )
            )
        # Component mode: the endpoint config names no model, but carries the execution role
        # SageMaker uses for the endpoint, and the VPC and isolation of its containers.
        self.config = sagemaker.CfnEndpointConfig(
            self,
            "Config",
            kms_key_id=key.key_arn,
            execution_role_arn=role.role_arn,
            vpc_config=self._vpc,
            enable_network_isolation=all(models[c.model].network_isolation for c in endpoint.inference_components),
            production_variants=variants,
            # Capture is an endpoint config setting, as for any real-time endpoint (prod requires it,
            # SM-ProdDataCapture). Not verified against a component endpoint: docs/inference-components.md.
            data_capture_config=data_capture(endpoint, key, capture_uri),
        )
        self.endpoint = sagemaker.CfnEndpoint(
            self, "Endpoint", endpoint_name=endpoint.name, endpoint_config_name=self.config.attr_endpoint_config_name
        )
        only_variant = endpoint.variants[0].name
        self.components = {
            c.name: _Component(
                self,
                f"Component{_pascal(c.name)}",
                component=c,
                model=models[c.model],
                package_arn=package_arns.get(c.model),
                role=role,
                network=network,
                endpoint=self.endpoint,
                variant_name=c.variant or only_variant,
                alarm_prefix=alarm_prefix,
            )
            for c in endpoint.inference_components
        }


class _Component(Construct):
    """One model and its inference component (and copy scaling, where configured)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        component: InferenceComponentConfig,
        model: ModelConfig,
        package_arn: str | None,
        role: iam.IRole,
        network: MlVpc,
        endpoint: sagemaker.CfnEndpoint,
        variant_name: str,
        alarm_prefix: str,
    ) -> None:
        super().__init__(scope, construct_id)
        if model.from_registry:
            assert package_arn is not None, f"{model.name}: a registry model needs its package ARN"
            container = sagemaker.CfnModel.ContainerDefinitionProperty(model_package_name=package_arn)
        else:
            container = sagemaker.CfnModel.ContainerDefinitionProperty(
                image=model.image_uri, model_data_url=model.model_data_url, mode="SingleModel"
            )
        self.model = sagemaker.CfnModel(
            self,
            "Model",
            execution_role_arn=role.role_arn,
            containers=[container],
            vpc_config=sagemaker.CfnModel.VpcConfigProperty(
                subnets=network.subnets.subnet_ids, security_group_ids=[network.sagemaker_sg.security_group_id]
            ),
            enable_network_isolation=model.network_isolation,
        )
        requirements = sagemaker.CfnInferenceComponent.InferenceComponentComputeResourceRequirementsProperty(
            number_of_cpu_cores_required=component.cpu_cores,
            min_memory_required_in_mb=component.min_memory_mb,
            number_of_accelerator_devices_required=component.accelerators or None,
        )
        self.component = sagemaker.CfnInferenceComponent(
            self,
            "Component",
            inference_component_name=component.name,
            # The endpoint's name attribute (Ref is its ARN): the component waits for the endpoint.
            endpoint_name=endpoint.attr_endpoint_name,
            variant_name=variant_name,
            specification=sagemaker.CfnInferenceComponent.InferenceComponentSpecificationProperty(
                model_name=self.model.attr_model_name, compute_resource_requirements=requirements
            ),
            runtime_config=sagemaker.CfnInferenceComponent.InferenceComponentRuntimeConfigProperty(
                copy_count=component.copies
            ),
        )
        self.scaling: ComponentAutoscaling | None = None
        if component.scaling is not None:
            self.scaling = ComponentAutoscaling(
                self,
                "Scaling",
                component_name=component.name,
                settings=component.scaling,
                component=self.component,
                alarm_prefix=alarm_prefix,
            )
