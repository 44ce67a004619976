"""Invalid inference-component endpoints (issue #22): one line, field and reason.

``endpoints[6]`` is the example's ``weather-cities`` endpoint (test, three city components,
scale to zero); ``endpoints[0]`` the serverless staging endpoint, ``endpoints[5]`` the prod shadow.
"""

from __future__ import annotations

from typing import Any

import pytest

from .test_config_errors import Mutation, _both, _delete, _set, check_bad_config

CITIES, STAGING, SHADOW = "endpoints.6", "endpoints.0", "endpoints.5"
VARIANT = f"{CITIES}.variants.0"
COMPONENTS = f"{CITIES}.inference_components"


def _append(path: str, item: dict[str, Any]) -> Mutation:
    def apply(data: dict[str, Any]) -> None:
        data[path].append(item)

    return apply


def _component(index: int, **fields: Any) -> Mutation:
    def apply(data: dict[str, Any]) -> None:
        data["endpoints"][6]["inference_components"][index].update(fields)

    return apply


CASES: list[tuple[str, Mutation, str, str]] = [
    (
        "managed instance scaling without components",
        _set(f"{STAGING}.variants.0.managed_instance_scaling", {"min_instances": 1, "max_instances": 2}),
        "endpoints[0].variants[0].managed_instance_scaling",
        "needs inference_components",
    ),
    (
        "variant without model outside component mode",
        _delete(f"{SHADOW}.variants.0.model"),
        "endpoints[5].variants[0].model",
        "required",
    ),
    (
        "variant with a model in component mode",
        _set(f"{VARIANT}.model", "weather-city-delhi"),
        "endpoints[6].variants[0].model",
        "names no model",
    ),
    (
        "components with serverless",
        _both(
            _set(f"{VARIANT}.serverless", {"memory_mb": 2048}),
            _delete(f"{VARIANT}.instance_type"),
            _delete(f"{VARIANT}.initial_instance_count"),
        ),
        "endpoints[6].variants[0].serverless",
        "not serverless",
    ),
    (
        "components with async inference",
        _set(f"{CITIES}.async_inference", {"notifications": False}),
        "endpoints[6].async_inference",
        "real-time requests only",
    ),
    (
        "components with blue/green",
        _both(_set(f"{CITIES}.strategy", "blue_green"), _set(f"{CITIES}.blue_green", {"traffic": "all_at_once"})),
        "endpoints[6].strategy",
        "strategy single",
    ),
    (
        "components with shadow variants",
        _both(
            _set(f"{CITIES}.strategy", "shadow"),
            _set(
                f"{CITIES}.shadow_variants",
                [{"name": "ShadowB", "model": "weather-xgboost-v2", "sampling_percentage": 10}],
            ),
        ),
        "endpoints[6].strategy",
        "strategy single",
    ),
    (
        "components with variant autoscaling",
        _set(f"{VARIANT}.autoscaling", {"min_capacity": 1, "max_capacity": 2}),
        "endpoints[6].variants[0].autoscaling",
        "managed_instance_scaling",
    ),
    (
        "multi-model container as a component",
        _component(0, model="weather-city-models"),
        "endpoints[6].inference_components[0].model",
        "multi-model container",
    ),
    (
        "component model unknown",
        _component(1, model="weather-city-paris"),
        "endpoints[6].inference_components[1].model",
        "is not in 'models'",
    ),
    (
        "duplicate component name",
        _component(1, name="weather-city-delhi"),
        "endpoints[6].inference_components[1].name",
        "duplicate component name",
    ),
    (
        "component on an unknown variant",
        _component(2, variant="VariantB"),
        "endpoints[6].inference_components[2].variant",
        "is not a variant",
    ),
    (
        "scale to zero instances with a component that keeps a copy",
        _component(2, scaling={"min_copies": 1, "max_copies": 2}),
        "endpoints[6].variants[0].managed_instance_scaling.min_instances",
        "scale to zero copies",
    ),
    (
        "initial instances outside managed scaling",
        _set(f"{VARIANT}.initial_instance_count", 3),
        "endpoints[6].variants[0].initial_instance_count",
        "outside managed_instance_scaling",
    ),
    (
        "managed scaling min above max",
        _set(f"{VARIANT}.managed_instance_scaling", {"min_instances": 3, "max_instances": 2}),
        "endpoints[6].variants[0].managed_instance_scaling",
        "min_instances",
    ),
    (
        "copies outside scaling",
        _component(0, copies=3),
        "endpoints[6].inference_components[0].copies",
        "outside scaling min/max",
    ),
    (
        "zero copies without scaling",
        _component(0, copies=0, scaling=None),
        "endpoints[6].inference_components[0].copies",
        "never serves",
    ),
    (
        "cpu cores below the API minimum",
        _component(0, cpu_cores=0.1),
        "endpoints[6].inference_components[0].cpu_cores",
        "0.25",
    ),
    (
        "memory below the API minimum",
        _component(0, min_memory_mb=64),
        "endpoints[6].inference_components[0].min_memory_mb",
        "128",
    ),
    (
        "region without inference components (us-west-1)",
        _both(
            _set("organisation.region", "us-west-1"),
            _set("organisation.availability_zones", ["us-west-1a", "us-west-1b"]),
        ),
        "endpoints[6].inference_components",
        "region us-west-1 has no AWS::SageMaker::InferenceComponent",
    ),
    (
        "component name reused in the same account",
        lambda data: data["endpoints"].append(
            {
                "name": "weather-cities-2",
                "account": "test",
                "variants": [{"name": "AllTraffic", "instance_type": "ml.c5.large", "initial_instance_count": 1}],
                "inference_components": [{"name": "weather-city-delhi", "model": "weather-city-delhi"}],
            }
        ),
        "endpoints[7].inference_components[0].name",
        "also a component of endpoint 'weather-cities'",
    ),
    (
        "prod component endpoint on one instance",
        _both(
            _set(f"{CITIES}.account", "prod"),
            _delete(f"{CITIES}.data_capture"),
            _set(f"{VARIANT}.initial_instance_count", 2),
        ),
        "endpoints[6].variants[0].managed_instance_scaling.min_instances",
        "2+ instances",
    ),
    (
        "models with and without network isolation on one endpoint",
        _set("models.3.network_isolation", False),
        "endpoints[6].inference_components",
        "mix network_isolation",
    ),
    (
        "a monitor on a component endpoint",
        _both(
            _set(f"{CITIES}.data_capture", {"enabled": True}),
            _append("monitors", {"endpoint": "weather-cities", "type": "data_quality"}),
        ),
        "monitors[4].endpoint",
        "Model Monitor supports endpoints that host a single model",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_component_config(mutate: Mutation, path: str, reason: str) -> None:
    check_bad_config(mutate, path, reason)


def test_the_example_endpoint_is_in_component_mode() -> None:
    from ..helpers import config_from, example_data

    endpoint = config_from(example_data()).endpoints[6]
    assert endpoint.name == "weather-cities" and endpoint.component_mode
    assert endpoint.variants[0].model is None and endpoint.capture is None
    assert all(c.scales_to_zero for c in endpoint.inference_components)
