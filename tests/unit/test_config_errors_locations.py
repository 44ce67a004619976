"""ARNs, image URIs and S3 locations from the wrong place (issue #18, defect 4): an error where
the location can never work, a warning where it is merely unusual (docs/hosting.md "Where a
model comes from", docs/decisions.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ml_platform.config import config_warnings, load_config
from ml_platform.config_location_checks import location_warnings
from ml_platform.config_location_platform import ARTEFACTS, MONITORING
from ml_platform.large_config import large_config

from ..helpers import config_from, example_data
from .test_config_errors import Mutation, _both, _set, check_bad_config

# The example: models[2] (weather-city-models, image + artefact) is hosted by endpoints[2] in
# test; endpoints[1] is asynchronous in test; the monitors watch weather-prediction in prod.
SHARED, DATA_LAKE, TEAM, RESEARCH, TEST, PROD = (
    "111111111111",
    "222222222222",
    "333333333333",
    "444444444444",
    "555555555555",
    "666666666666",
)
ARTEFACTS_BUCKET = f"openaq-shared-artefacts-{SHARED}-us-east-1"
TEST_INFERENCE = f"openaq-test-inference-{TEST}-us-east-1"
PROD_MONITORING = f"openaq-prod-monitoring-{PROD}-us-east-1"
TEST_MONITORING = f"openaq-test-monitoring-{TEST}-us-east-1"
PROJECTS = f"openaq-weatherproduct-projects-{TEAM}-us-east-1"
IMAGE = "openaq/weather-inference:1.7-1"
CITY_MODELS = "models.2"


def _package(arn: str) -> Mutation:
    """weather-city-models becomes a pinned registry package."""

    def apply(data: dict[str, Any]) -> None:
        data["models"][2] = {"name": "weather-city-models", "model_package_arn": arn}

    return apply


def _package_arn(
    account: str = TEAM, region: str = "us-east-1", partition: str = "aws", group: str = "weather-pollution"
) -> str:
    return f"arn:{partition}:sagemaker:{region}:{account}:model-package/{group}/3"


def _host_city_models_in_prod(data: dict[str, Any]) -> None:
    variant = {"name": "VariantA", "model": "weather-city-models", "initial_instance_count": 2}
    data["endpoints"].append({"name": "weather-city-models-prod", "account": "prod", "variants": [variant]})


def _image(account: str, region: str = "us-east-1") -> Mutation:
    return _set(f"{CITY_MODELS}.image_uri", f"{account}.dkr.ecr.{region}.amazonaws.com/{IMAGE}")


ERRORS: list[tuple[str, Mutation, str, str]] = [
    (
        "model package in another partition",
        _package(_package_arn(partition="aws-cn", region="cn-north-1")),
        "models[2].model_package_arn",
        "partition aws-cn is not the platform's (aws, region us-east-1); credentials of one partition cannot reach "
        "another",
    ),
    (
        "model package in another region",
        _package(_package_arn(region="eu-west-1")),
        "models[2].model_package_arn",
        "the package is in region eu-west-1; the hosting accounts create models in us-east-1, and SageMaker needs "
        "a model's artefacts and image in the model's region",
    ),
    (
        "image outside ECR",
        _set(f"{CITY_MODELS}.image_uri", "docker.io/library/python:3.11"),
        "models[2].image_uri",
        "not an Amazon ECR image URI (<account>.dkr.ecr.us-east-1.amazonaws.com/<repository>:<tag>); the "
        "platform's models pull their image from ECR only",
    ),
    (
        "image with the China domain in a commercial region",
        _set(f"{CITY_MODELS}.image_uri", f"{SHARED}.dkr.ecr.us-east-1.amazonaws.com.cn/{IMAGE}"),
        "models[2].image_uri",
        "not an Amazon ECR image URI",
    ),
    (
        "image in another region",
        _image(SHARED, "eu-west-1"),
        "models[2].image_uri",
        "the image is in region eu-west-1; SageMaker needs a model's image in the model's region (us-east-1)",
    ),
    (
        "image in a team account",
        _image(TEAM),
        "models[2].image_uri",
        f"account {TEAM} is the data science account of team 'weatherproduct'; the models' role of test pulls "
        f"images only from shared services ({SHARED}) or test ({TEST})",
    ),
    (
        "image in test for a model prod hosts too",
        _both(_host_city_models_in_prod, _image(TEST)),
        "models[2].image_uri",
        f"account {TEST} is the test account; the models' role of test and prod pulls images only from shared "
        f"services ({SHARED})",
    ),
    (
        "model artefact in a platform bucket the models' role cannot read",
        _set(f"{CITY_MODELS}.model_data_url", f"s3://{PROD_MONITORING}/cities/"),
        "models[2].model_data_url",
        f"{PROD_MONITORING} is the monitoring bucket of the prod account, outside what the models' role of test "
        f"may use (s3://{ARTEFACTS_BUCKET}/, s3://{TEST_INFERENCE}/)",
    ),
    (
        "model artefact in test's bucket for a model prod hosts too",
        _both(_host_city_models_in_prod, _set(f"{CITY_MODELS}.model_data_url", f"s3://{TEST_INFERENCE}/cities/")),
        "models[2].model_data_url",
        f"{TEST_INFERENCE} is the inference bucket of the test account, outside what the models' role of test and "
        f"prod may use (s3://{ARTEFACTS_BUCKET}/)",
    ),
    (
        "model artefact outside the platform for a model test and prod host",
        _both(_host_city_models_in_prod, _set(f"{CITY_MODELS}.model_data_url", "s3://acme-models/cities/")),
        "models[2].model_data_url",
        "acme-models is not a platform bucket: it can be in only one of the test account and the prod account, "
        f"and the models' role of test and prod has no grant for it in the other (use s3://{ARTEFACTS_BUCKET}/)",
    ),
    (
        "async results in the artefacts bucket",
        _set("endpoints.1.async_inference.output_path", f"s3://{ARTEFACTS_BUCKET}/async/"),
        "endpoints[1].async_inference.output_path",
        f"{ARTEFACTS_BUCKET} is the artefacts bucket of the shared services account, outside what the models' role "
        f"of test may use (s3://{TEST_INFERENCE}/)",
    ),
    (
        "async failures in prod's inference bucket",
        _set("endpoints.1.async_inference.failure_path", f"s3://openaq-prod-inference-{PROD}-us-east-1/failures/"),
        "endpoints[1].async_inference.failure_path",
        f"openaq-prod-inference-{PROD}-us-east-1 is the inference bucket of the prod account, outside what the "
        f"models' role of test may use (s3://{TEST_INFERENCE}/)",
    ),
    (
        "ground truth in the other hosting account",
        _set("monitors.1.ground_truth", f"s3://{TEST_MONITORING}/ground-truth/"),
        "monitors[1].ground_truth",
        f"{TEST_MONITORING} is the monitoring bucket of the test account, outside what the monitoring role of prod "
        f"may use (s3://{PROD_MONITORING}/)",
    ),
    (
        "baseline in a team bucket",
        _set("monitors.0.baseline", f"s3://{PROJECTS}/baselines/"),
        "monitors[0].baseline",
        f"{PROJECTS} is the projects bucket of the data science account of team 'weatherproduct', outside what the "
        f"monitoring role of prod may use (s3://{PROD_MONITORING}/)",
    ),
    (
        "pipeline input in another team's bucket",
        _set("model_builds.0.input_data", f"s3://openaq-weatherresearch-projects-{RESEARCH}-us-east-1/datasets/"),
        "model_builds[0].input_data",
        f"openaq-weatherresearch-projects-{RESEARCH}-us-east-1 is the projects bucket of the data science account "
        "of team 'weatherresearch', outside what the job role of team 'weatherproduct' may use "
        f"(s3://{PROJECTS}/, s3://{ARTEFACTS_BUCKET}/weatherproduct/)",
    ),
    (
        "batch transform input under another team's artefacts prefix",
        _set("model_builds.0.batch_transform.input_data", f"s3://{ARTEFACTS_BUCKET}/weatherresearch/score/"),
        "model_builds[0].batch_transform.input_data",
        f"the job role of team 'weatherproduct' has a grant only under s3://{ARTEFACTS_BUCKET}/weatherproduct/ in "
        f"this bucket (use s3://{PROJECTS}/, s3://{ARTEFACTS_BUCKET}/weatherproduct/)",
    ),
    (
        "connection in another partition",
        _set(
            "platform_pipeline.connection_arn",
            f"arn:aws-us-gov:codeconnections:us-gov-west-1:{SHARED}:connection/00000000-0000-4000-8000-000000000000",
        ),
        "platform_pipeline.connection_arn",
        "partition aws-us-gov is not the platform's (aws, region us-east-1)",
    ),
    (
        "observability sink in another partition",
        _set("observability.sink_arn", "arn:aws-cn:oam:us-east-1:999999999999:sink/a1b2c3"),
        "observability.sink_arn",
        "partition aws-cn is not the platform's (aws, region us-east-1)",
    ),
    (
        "lake admin in another partition",
        _set("data_lake.admins", [f"arn:aws-cn:iam::{DATA_LAKE}:role/DataAdmin"]),
        "data_lake.admins[0]",
        "partition aws-cn is not the platform's (aws, region us-east-1)",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "reason"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_a_location_that_can_never_work_is_an_error(mutate: Mutation, path: str, reason: str) -> None:
    check_bad_config(mutate, path, reason)


WARNINGS: list[tuple[str, Mutation, str]] = [
    (
        "model package of an account the config does not know",
        _package(_package_arn(account="999999999999")),
        "models[2].model_package_arn: account 999999999999 is not an account of this config; test can deploy the "
        "package only if its group policy grants them and its artefacts and image are where the models' role may "
        "read",
    ),
    (
        "model package of a group no model build registers into",
        _package(_package_arn(group="legacy-models")),
        "models[2].model_package_arn: group 'legacy-models' is not the model_package_group of a model_builds entry "
        "of team 'weatherproduct', so the platform gives test and prod no access to it (its group policy must "
        "grant them)",
    ),
    (
        "model package in shared services",
        _package(_package_arn(account=SHARED)),
        f"models[2].model_package_arn: account {SHARED} is the shared services account, not a team's model "
        "registry; the platform gives test no access to its packages (its group policy must grant them)",
    ),
    (
        "model package in prod for a model test hosts",
        _package(_package_arn(account=PROD)),
        f"models[2].model_package_arn: account {PROD} is the prod account, not a team's model registry; the "
        "platform gives test no access to its packages (its group policy must grant them)",
    ),
    (
        "image of an account the config does not know",
        _image("763104351884"),
        "models[2].image_uri: account 763104351884 is not an account of this config: the models' role of test can "
        "pull only images AWS publishes for SageMaker (e.g. Deep Learning Containers) from there; the platform's "
        f"images are in shared services ({SHARED}) or test ({TEST})",
    ),
    (
        "model artefact outside the platform's buckets",
        _set(f"{CITY_MODELS}.model_data_url", "s3://acme-models/cities/"),
        f"models[2].model_data_url: acme-models is not a platform bucket: it works only if it is in the test "
        f"account ({TEST}) and its bucket policy grants the models' role of test (platform buckets that work: "
        f"s3://{ARTEFACTS_BUCKET}/, s3://{TEST_INFERENCE}/)",
    ),
    (
        "async results outside the platform's buckets",
        _set("endpoints.1.async_inference.output_path", "s3://acme-results/async/"),
        f"endpoints[1].async_inference.output_path: acme-results is not a platform bucket: it works only if it is "
        f"in the test account ({TEST}) and its bucket policy grants the models' role of test (platform buckets "
        f"that work: s3://{TEST_INFERENCE}/)",
    ),
    (
        "ground truth outside the platform's buckets",
        _set("monitors.1.ground_truth", "s3://acme-labels/weather/"),
        f"monitors[1].ground_truth: acme-labels is not a platform bucket: it works only if it is in the prod "
        f"account ({PROD}) and its bucket policy grants the monitoring role of prod (platform buckets that work: "
        f"s3://{PROD_MONITORING}/)",
    ),
    (
        "pipeline input outside the platform's buckets",
        _set("model_builds.0.input_data", "s3://acme-datasets/weather/"),
        "model_builds[0].input_data: acme-datasets is not a platform bucket: it works only if it is in the data "
        f"science account of team 'weatherproduct' ({TEAM}) and its bucket policy grants the job role of team "
        f"'weatherproduct' (platform buckets that work: s3://{PROJECTS}/, s3://{ARTEFACTS_BUCKET}/weatherproduct/)",
    ),
    (
        "connection of another account",
        _set(
            "platform_pipeline.connection_arn",
            "arn:aws:codeconnections:us-east-1:999999999999:connection/00000000-0000-4000-8000-000000000000",
        ),
        "platform_pipeline.connection_arn: the connection is in account 999999999999; the platform pipeline runs "
        f"in shared services ({SHARED}) and can use another account's connection only if that account shares it",
    ),
    (
        "observability sink in an account that links to it",
        _set("observability.sink_arn", f"arn:aws:oam:us-east-1:{PROD}:sink/a1b2c3"),
        "observability.sink_arn: the sink is in the prod account, which itself links to the sink as a source "
        "account; a sink belongs in a monitoring account (shared services, or your organisation's)",
    ),
    (
        "lake admin of another account",
        _set("data_lake.admins", ["arn:aws:iam::999999999999:role/DataAdmin"]),
        "data_lake.admins[0]: the role is in account 999999999999, not the data lake account "
        f"({DATA_LAKE}) whose Lake Formation admins these are; other accounts get access through Lake Formation "
        "grants",
    ),
]


@pytest.mark.parametrize(("mutate", "line"), [c[1:] for c in WARNINGS], ids=[c[0] for c in WARNINGS])
def test_an_unusual_location_is_a_warning(mutate: Mutation, line: str) -> None:
    data = example_data()
    mutate(data)
    config = config_from(data)  # no error: synth goes on
    assert location_warnings(config) == [line]
    assert config_warnings(config) == [line]


ACCEPTED: list[tuple[str, Mutation]] = [
    ("model package of a team's released group", _package(_package_arn())),
    ("model package of the one account that hosts the model", _package(_package_arn(account=TEST))),
    ("image of the one account that hosts the model", _image(TEST)),
    (
        "image through ECR's dual-stack endpoint",
        _set(f"{CITY_MODELS}.image_uri", f"{SHARED}.dkr-ecr.us-east-1.on.aws/{IMAGE}"),
    ),
    (
        "model artefact in the hosting account's bucket",
        _set(f"{CITY_MODELS}.model_data_url", f"s3://{TEST_INFERENCE}/m/"),
    ),
    (
        "async results in the account's bucket",
        _set("endpoints.1.async_inference.output_path", f"s3://{TEST_INFERENCE}/x/"),
    ),
    ("baseline in the account's monitoring bucket", _set("monitors.0.baseline", f"s3://{PROD_MONITORING}/baselines/")),
    (
        "pipeline input under the team's artefacts",
        _set("model_builds.0.input_data", f"s3://{ARTEFACTS_BUCKET}/weatherproduct/d/"),
    ),
    (
        "connection created in another region (connections are global)",
        _set(
            "platform_pipeline.connection_arn",
            f"arn:aws:codeconnections:eu-west-1:{SHARED}:connection/00000000-0000-4000-8000-000000000000",
        ),
    ),
    (
        "sink of an organisation monitoring account",
        _set("observability.sink_arn", "arn:aws:oam:us-east-1:999999999999:sink/a"),
    ),
    ("lake admin of the data lake account", _set("data_lake.admins", [f"arn:aws:iam::{DATA_LAKE}:role/DataAdmin"])),
]


@pytest.mark.parametrize("mutate", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_a_location_the_platform_reaches_is_silent(mutate: Mutation) -> None:
    data = example_data()
    mutate(data)
    assert location_warnings(config_from(data)) == []


def test_the_example_and_the_large_config_are_error_and_warning_free() -> None:
    for data in (example_data(), large_config(example_data())):
        assert location_warnings(config_from(data)) == []


def test_load_config_prints_each_warning_and_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = example_data()
    _set("data_lake.admins", ["arn:aws:iam::999999999999:role/DataAdmin"])(data)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    config = load_config(path)
    assert config.data_lake.admins == ("arn:aws:iam::999999999999:role/DataAdmin",)
    [line] = capsys.readouterr().err.splitlines()
    assert line == f"config warning: {config_warnings(config)[0]}"
    assert line.startswith("config warning: data_lake.admins[0]: the role is in account 999999999999")


def test_the_bucket_purposes_are_the_stages_own() -> None:
    from ml_platform.release import ARTEFACTS_PURPOSE
    from ml_platform.stages.workload import MONITORING_PURPOSE

    assert (ARTEFACTS, MONITORING) == (ARTEFACTS_PURPOSE, MONITORING_PURPOSE)
