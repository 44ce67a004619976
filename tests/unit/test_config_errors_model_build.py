"""Bad model build and release configs (issue #7): one line naming the field and the reason."""

from __future__ import annotations

import pytest

from .test_config_errors import Mutation, _both, _delete, _set, check_bad_config

BUILD = "model_builds.0"
PIPELINE_SOURCE = "platform_pipeline"
CASES: list[tuple[str, Mutation, str, str]] = [
    (
        "threshold not a number",
        _set(f"{BUILD}.evaluation.threshold", "six"),
        "model_builds[0].evaluation.threshold",
        "valid number",
    ),
    (
        "threshold quoted number",
        _set(f"{BUILD}.evaluation.threshold", "6.0"),
        "model_builds[0].evaluation.threshold",
        "valid number",
    ),
    (
        "unknown metric",
        _set(f"{BUILD}.evaluation.metric", "msee"),
        "model_builds[0].evaluation.metric",
        "Input should be 'mse'",
    ),
    (
        "group name invalid",
        _set(f"{BUILD}.model_package_group", "weather_pollution!"),
        "model_builds[0].model_package_group",
        "should match pattern",
    ),
    (
        "group name too long",
        _set(f"{BUILD}.model_package_group", "g" * 64),
        "model_builds[0].model_package_group",
        "at most 63",
    ),
    ("unknown team", _set(f"{BUILD}.team", "nobody"), "model_builds[0].team", "is not a data science team"),
    (
        "image of an unconfigured repository",
        _set(f"{BUILD}.training.image", "other:1.0"),
        "model_builds[0].training.image",
        "not in artifacts.repositories",
    ),
    (
        "latest tag",
        _set(f"{BUILD}.training.image", "weather-training:latest"),
        "model_builds[0].training.image",
        "pin a version tag",
    ),
    (
        "image without tag",
        _set(f"{BUILD}.processing.image", "weather-processing"),
        "model_builds[0].processing.image",
        "should match pattern",
    ),
    (
        "spot wait shorter than runtime",
        _set(f"{BUILD}.training.max_wait_seconds", 600),
        "model_builds[0].training",
        "must be >= max_runtime_seconds",
    ),
    (
        "unknown engine",
        _set(f"{BUILD}.processing.engine", "dask"),
        "model_builds[0].processing.engine",
        "Input should be 'python' or 'spark'",
    ),
    (
        "unknown debugger rule",
        _set(f"{BUILD}.training.debugger_rules", ["Vanishing"]),
        "model_builds[0].training.debugger_rules[0]",
        "Input should be",
    ),
    (
        "duplicate pipeline of a team",
        _both(_set("model_builds.1.team", "weatherproduct"), _set("model_builds.1.name", "weather-pipeline")),
        "model_builds[1]",
        "is already used by team",
    ),
    (
        "tuning parallel above total",
        _set("model_builds.1.tuning.max_parallel_jobs", 20),
        "model_builds[1].tuning",
        "exceeds max_jobs",
    ),
    (
        "tuning range min above max",
        _set("model_builds.1.tuning.ranges.eta", {"type": "continuous", "min_value": 2, "max_value": 1}),
        "model_builds[1].tuning.ranges.eta",
        "min_value < max_value",
    ),
    (
        "categorical range without values",
        _set("model_builds.1.tuning.ranges.eta", {"type": "categorical"}),
        "model_builds[1].tuning.ranges.eta",
        "lists 'values'",
    ),
    (
        "release a group no pipeline builds",
        _set("models.1.model_package_group", "other-group"),
        "models[1].model_package_group",
        "'other-group' is the model_package_group of no model_builds entry",
    ),
    (
        "a group and an image",
        _set("models.1.image_uri", "x"),
        "models[1]",
        "set one of 'model_package_group', 'model_package_arn', or 'image_uri' with 'model_data_url'",
    ),
    (
        "a release track without a group",
        _set("models.2.release", "previous"),
        "models[2]",
        "'release' applies to a model_package_group only",
    ),
    (
        "pipeline source both kinds",
        _set(f"{PIPELINE_SOURCE}.codecommit_repository", "platform"),
        "platform_pipeline",
        "set either 'connection_arn'",
    ),
    (
        "pipeline connection without repository",
        _delete(f"{PIPELINE_SOURCE}.repository"),
        "platform_pipeline",
        "go together",
    ),
    (
        "pipeline connection ARN malformed",
        _set(f"{PIPELINE_SOURCE}.connection_arn", "arn:aws:s3:::bucket"),
        "platform_pipeline.connection_arn",
        "should match pattern",
    ),
    (
        "duplicate repository",
        _set("artifacts.repositories", ["a", "a"]),
        "artifacts.repositories",
        "duplicate repository",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_model_build_config(mutate: Mutation, path: str, reason: str) -> None:
    check_bad_config(mutate, path, reason)


def test_debugger_rules_need_a_region_with_the_image() -> None:
    check_bad_config(
        _both(
            _set("organisation.region", "il-central-1"),
            _set("organisation.availability_zones", ["il-central-1a", "il-central-1b"]),
        ),
        "model_builds[0].training.debugger_rules",
        "has no Debugger rule images",
    )
