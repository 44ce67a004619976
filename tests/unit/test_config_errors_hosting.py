"""Invalid hosting strategy and cost-option combinations (issue #8): one line, field and reason."""

from __future__ import annotations

from typing import Any

import pytest

from .test_config_errors import Mutation, _both, _delete, _set, check_bad_config

STAGING, ASYNC, AB, BLUE_GREEN, SHADOW = (f"endpoints.{i}" for i in (0, 1, 3, 4, 5))


def _append_variant(endpoint: str, variant: dict[str, Any]) -> Mutation:
    def apply(data: dict[str, Any]) -> None:
        data["endpoints"][int(endpoint.split(".")[1])]["variants"].append(variant)

    return apply


CASES: list[tuple[str, Mutation, str, str]] = [
    (
        "weight zero",
        _set(f"{AB}.variants.1.initial_weight", 0),
        "endpoints[3].variants[1].initial_weight",
        "greater than 0",
    ),
    (
        "weight negative",
        _set(f"{AB}.variants.0.initial_weight", -0.5),
        "endpoints[3].variants[0].initial_weight",
        "greater than 0",
    ),
    (
        "ab test with one variant",
        _set(f"{AB}.variants", [{"name": "VariantA", "model": "weather-xgboost-v1"}]),
        "endpoints[3]",
        "needs two or more variants",
    ),
    (
        "single with two variants",
        _append_variant(STAGING, {"name": "VariantB", "model": "weather-xgboost-v1"}),
        "endpoints[0]",
        "exactly one variant",
    ),
    ("blue green without settings", _delete(f"{BLUE_GREEN}.blue_green"), "endpoints[4]", "needs them"),
    (
        "blue green settings on ab test",
        _set(f"{AB}.blue_green", {"traffic": "all_at_once"}),
        "endpoints[3]",
        "go with strategy blue_green",
    ),
    (
        "canary without size",
        _delete(f"{BLUE_GREEN}.blue_green.canary_percent"),
        "endpoints[4].blue_green",
        "needs 'canary_percent'",
    ),
    (
        "canary above half",
        _set(f"{BLUE_GREEN}.blue_green.canary_percent", 60),
        "endpoints[4].blue_green.canary_percent",
        "less than or equal to 50",
    ),
    (
        "linear without step",
        _set(f"{BLUE_GREEN}.blue_green", {"traffic": "linear"}),
        "endpoints[4].blue_green",
        "needs 'linear_step_percent'",
    ),
    (
        "linear step on canary",
        _set(f"{BLUE_GREEN}.blue_green.linear_step_percent", 20),
        "endpoints[4].blue_green",
        "applies to linear traffic",
    ),
    ("shadow without shadow variants", _delete(f"{SHADOW}.shadow_variants"), "endpoints[5]", "needs at least one"),
    (
        "shadow variants on a single endpoint",
        _set(f"{STAGING}.shadow_variants", [{"name": "S", "model": "weather-xgboost-v1", "sampling_percentage": 10}]),
        "endpoints[0]",
        "go with strategy shadow",
    ),
    (
        "shadow sampling zero",
        _set(f"{SHADOW}.shadow_variants.0.sampling_percentage", 0),
        "endpoints[5].shadow_variants[0].sampling_percentage",
        "greater than or equal to 1",
    ),
    (
        "shadow sampling above 100",
        _set(f"{SHADOW}.shadow_variants.0.sampling_percentage", 101),
        "endpoints[5].shadow_variants[0].sampling_percentage",
        "less than or equal to 100",
    ),
    (
        "shadow with serverless",
        _both(
            _set(f"{STAGING}.strategy", "shadow"),
            _set(
                f"{STAGING}.shadow_variants", [{"name": "S", "model": "weather-xgboost-v1", "sampling_percentage": 10}]
            ),
        ),
        "endpoints[0]",
        "not serverless",
    ),
    (
        "autoscaling on serverless",
        _set(f"{STAGING}.variants.0.autoscaling", {"max_capacity": 2}),
        "endpoints[0].variants[0]",
        "serverless variant scales itself",
    ),
    (
        "serverless with instance type",
        _set(f"{STAGING}.variants.0.instance_type", "ml.m5.large"),
        "endpoints[0].variants[0]",
        "has no instance_type",
    ),
    (
        "serverless memory not a size",
        _set(f"{STAGING}.variants.0.serverless.memory_mb", 1500),
        "endpoints[0].variants[0].serverless.memory_mb",
        "is not one of",
    ),
    (
        "provisioned above max concurrency",
        _set(f"{STAGING}.variants.0.serverless.provisioned_concurrency", 9),
        "endpoints[0].variants[0].serverless",
        "exceeds max_concurrency",
    ),
    (
        "serverless in prod",
        _both(_set(f"{BLUE_GREEN}.variants", [{"name": "VariantA", "model": "weather-xgboost-v2", "serverless": {}}])),
        "endpoints[4].variants[0].serverless",
        "prod stays VPC-only",
    ),
    (
        "serverless multi-model",
        _set(f"{STAGING}.variants.0.model", "weather-city-models"),
        "endpoints[0].variants[0].serverless",
        "multi-model containers need instances",
    ),
    (
        "async with serverless",
        _set(f"{STAGING}.async_inference", {}),
        "endpoints[0]",
        "a serverless variant cannot take it",
    ),
    ("async with shadow", _set(f"{SHADOW}.async_inference", {}), "endpoints[5]", "do not support shadow variants"),
    (
        "scale to zero without async",
        _set(f"{AB}.variants.1.autoscaling.min_capacity", 0),
        "endpoints[3].variants[1].autoscaling.min_capacity",
        "for async endpoints only",
    ),
    (
        "autoscaling min above max",
        _set(f"{AB}.variants.1.autoscaling", {"min_capacity": 5, "max_capacity": 3}),
        "endpoints[3].variants[1].autoscaling",
        "exceeds max_capacity",
    ),
    (
        "initial count outside autoscaling",
        _set(f"{AB}.variants.1.autoscaling", {"min_capacity": 3, "max_capacity": 4}),
        "endpoints[3].variants[1]",
        "outside autoscaling min/max",
    ),
    (
        "scheduled scaling bad cron",
        _set(f"{AB}.variants.0.autoscaling.schedules.0.schedule", "cron(0 7 * *)"),
        "endpoints[3].variants[0].autoscaling.schedules[0].schedule",
        "is not cron",
    ),
    (
        "prod variant on one instance",
        _set(f"{SHADOW}.variants.0.initial_instance_count", 1),
        "endpoints[5].variants[0].initial_instance_count",
        "2+ instances",
    ),
    (
        "nvme instance type",
        _set(f"{AB}.variants.0.instance_type", "ml.m5d.xlarge"),
        "endpoints[3].variants[0].instance_type",
        "NVMe instance storage",
    ),
    (
        "duplicate variant and shadow name",
        _set(f"{SHADOW}.shadow_variants.0.name", "VariantA"),
        "endpoints[5]",
        "duplicate variant name",
    ),
    (
        "shadow of an unknown model",
        _set(f"{SHADOW}.shadow_variants.0.model", "weather-lstm"),
        "endpoints[5].shadow_variants[0].model",
        "is not in 'models'",
    ),
    ("unknown strategy", _set(f"{AB}.strategy", "canary"), "endpoints[3].strategy", "Input should be"),
    (
        "custom alarm bad statistic",
        _set(f"{BLUE_GREEN}.blue_green.custom_alarms.0.statistic", "Median"),
        "endpoints[4].blue_green.custom_alarms[0].statistic",
        "should match pattern",
    ),
    (
        # issue #18: found by the generated configs (the rule pack refused the template instead)
        "prod endpoint without data capture",
        _set("endpoints.3.data_capture", {"enabled": False}),
        "endpoints[3].data_capture.enabled",
        "prod real-time endpoints capture data for Model Monitor (book ch11); turn capture off in test only",
    ),
    (
        "multi-model without a prefix",
        _set("models.2.model_data_url", "s3://bucket-name/model.tar.gz"),
        "models[2]",
        "S3 prefix ending in '/'",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_hosting_config(mutate: Mutation, path: str, reason: str) -> None:
    check_bad_config(mutate, path, reason)


def test_a_single_instance_prod_variant_can_be_acknowledged() -> None:
    from ..helpers import config_from, example_data

    data = example_data()
    data["endpoints"][5]["variants"][0]["initial_instance_count"] = 1
    data["endpoints"][5]["single_instance_reason"] = "shadow test of a low-traffic model, two weeks only"
    assert config_from(data).endpoints[5].variants[0].instance_count == 1
