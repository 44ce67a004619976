"""A real-time endpoint: one model per variant, an encrypted endpoint config, the endpoint (book ch9).

Models and endpoint configs get generated names, so any change creates new ones and the
endpoint switches to them (no in-place break); the endpoint keeps its name and logical ID.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..schema.hosting import EndpointConfig, ModelConfig
from .ml_vpc import MlVpc


class HostedEndpoint(Construct):
    """Props:
    endpoint: the endpoint from config (name, variants).
    models: every configured model by name.
    package_arns: model name -> package ARN to deploy (a parameter value for released models).
    role: the models' execution role (reads artefacts and images).
    network: private subnets and the SageMaker security group (no internet path).
    key: encrypts the endpoint's storage volumes.
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
    ) -> None:
        super().__init__(scope, construct_id)
        vpc_config = sagemaker.CfnModel.VpcConfigProperty(
            subnets=network.subnets.subnet_ids, security_group_ids=[network.sagemaker_sg.security_group_id]
        )
        variants = []
        for variant in endpoint.variants:
            model = models[variant.model]
            container = (
                sagemaker.CfnModel.ContainerDefinitionProperty(model_package_name=package_arns[model.name])
                if model.model_package_arn
                else sagemaker.CfnModel.ContainerDefinitionProperty(
                    image=model.image_uri, model_data_url=model.model_data_url
                )
            )
            cfn_model = sagemaker.CfnModel(
                self,
                f"Model{variant.name}",
                execution_role_arn=role.role_arn,
                containers=[container],
                vpc_config=vpc_config,
                enable_network_isolation=True,
            )
            variants.append(
                sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                    variant_name=variant.name,
                    model_name=cfn_model.attr_model_name,
                    instance_type=variant.instance_type,
                    initial_instance_count=variant.initial_instance_count,
                    initial_variant_weight=variant.initial_weight,
                )
            )
        self.config = sagemaker.CfnEndpointConfig(self, "Config", kms_key_id=key.key_arn, production_variants=variants)
        self.endpoint = sagemaker.CfnEndpoint(
            self, "Endpoint", endpoint_name=endpoint.name, endpoint_config_name=self.config.attr_endpoint_config_name
        )
