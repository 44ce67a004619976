"""Cross-reference checks of inference-component endpoints (issue #22): models, accounts, region.

Messages start with the field path, like every config error (docs/inference-components.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .region_features import INFERENCE_COMPONENT, resource_types_in

if TYPE_CHECKING:
    from .config import PlatformConfig


def check_inference_components(config: PlatformConfig) -> None:
    models = {m.name: m for m in config.models}
    region = config.organisation.region
    names: dict[tuple[str, str], str] = {}  # (account, component) -> endpoint
    for i, endpoint in enumerate(config.endpoints):
        if not endpoint.component_mode:
            continue
        path = f"endpoints[{i}]"
        if INFERENCE_COMPONENT not in resource_types_in(region):
            raise ValueError(
                f"{path}.inference_components: region {region} has no {INFERENCE_COMPONENT} in CloudFormation "
                "(cfn-lint's provider data); use instance variants with models there"
            )
        for j, component in enumerate(endpoint.inference_components):
            where = f"{path}.inference_components[{j}]"
            model = models.get(component.model)
            if model is None:
                raise ValueError(f"{where}.model: '{component.model}' is not in 'models'")
            if model.multi_model:
                raise ValueError(
                    f"{where}.model: '{component.model}' is a multi-model container; a component deploys one "
                    "model (give each model its own component)"
                )
            key = (endpoint.account.value, component.name)
            if key in names:
                raise ValueError(
                    f"{where}.name: '{component.name}' is also a component of endpoint '{names[key]}' in the "
                    f"{endpoint.account.value} account (names are unique per account and region)"
                )
            names[key] = endpoint.name
        isolation = {models[c.model].network_isolation for c in endpoint.inference_components}
        if len(isolation) > 1:
            # "the model and the endpoint must be compatible by having the same values for ... the
            # network isolation" (https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-deploy-models.html)
            raise ValueError(
                f"{path}.inference_components: its models mix network_isolation true and false; a component "
                "endpoint needs the same setting on every model"
            )
        for j, variant in enumerate(endpoint.variants):
            managed = variant.managed_instance_scaling
            fewest = managed.min_instances if managed is not None else variant.instance_count
            if endpoint.account.value == "prod" and fewest < 2 and not endpoint.single_instance_reason:
                raise ValueError(
                    f"{path}.variants[{j}].managed_instance_scaling.min_instances: prod real-time variants keep "
                    "2+ instances across AZs (Security Hub SageMaker.4); or give 'single_instance_reason'"
                )
    component_endpoints = {e.name for e in config.endpoints if e.component_mode}
    for i, monitor in enumerate(config.monitors):
        if monitor.endpoint in component_endpoints:
            # "Model Monitor currently supports only endpoints that host a single model"
            # (https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor.html)
            raise ValueError(
                f"monitors[{i}].endpoint: '{monitor.endpoint}' hosts inference components; Model Monitor "
                "supports endpoints that host a single model"
            )
