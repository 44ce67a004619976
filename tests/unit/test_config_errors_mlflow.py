"""Bad managed MLflow configs (issue #22): one line naming the field and the reason."""

from __future__ import annotations

from typing import Any

import pytest

from ml_platform.mlflow_support import MlflowKind, mlflow_kind

from ..helpers import config_from, example_data
from .test_config_errors import Mutation, _both, _set, check_bad_config

MLFLOW = "accounts.data_science.0.mlflow"
FIELD = "accounts.data_science[0].mlflow"


def _region(region: str) -> Mutation:
    def apply(data: dict[str, Any]) -> None:
        data["organisation"]["region"] = region
        data["organisation"]["availability_zones"] = [f"{region}a", f"{region}b"]
        for team in data["accounts"]["data_science"]:  # Studio spaces have their own region check
            team.get("studio", {}).pop("private_spaces", None)
            team.get("studio", {}).pop("shared_spaces", None)

    return apply


def _no_debugger_rules(data: dict[str, Any]) -> None:
    for build in data["model_builds"]:  # the region has no Debugger rule images (its own check comes first)
        build["training"]["debugger_rules"] = []


CASES: list[tuple[str, Mutation, str, str]] = [
    (
        "region without either MLflow type",
        _region("cn-north-1"),
        FIELD,
        "region cn-north-1 has neither AWS::SageMaker::MlflowApp nor AWS::SageMaker::MlflowTrackingServer",
    ),
    (
        "an app where the region has tracking servers only",
        _both(_region("ap-southeast-3"), _no_debugger_rules, _set(MLFLOW, {"kind": "app"})),
        f"{FIELD}.kind",
        "region ap-southeast-3 has no AWS::SageMaker::MlflowApp; use kind: auto",
    ),
    (
        "size in an app region",
        _set(MLFLOW, {"size": "Medium"}),
        f"{FIELD}.size",
        "region us-east-1 gets an AWS::SageMaker::MlflowApp, which has no size",
    ),
    (
        "version in an app region",
        _set(MLFLOW, {"version": "3.0"}),
        f"{FIELD}.version",
        "which has no version",
    ),
    ("unknown size", _set(MLFLOW, {"size": "Huge"}), f"{FIELD}.size", "Input should be 'Small', 'Medium' or 'Large'"),
    (
        "maintenance window without a day",
        _set(MLFLOW, {"weekly_maintenance_window": "03:30"}),
        f"{FIELD}.weekly_maintenance_window",
        "should match pattern",
    ),
    (
        "artefact prefix with a leading slash",
        _set(MLFLOW, {"artefact_prefix": "/mlflow"}),
        f"{FIELD}.artefact_prefix",
        "should match pattern",
    ),
    ("unknown key", _set(MLFLOW, {"enabled": True, "flavour": "app"}), f"{FIELD}.flavour", "unknown key"),
]


def test_enabled_false_is_as_if_the_section_were_left_out() -> None:
    data = example_data()
    data["accounts"]["data_science"][0]["mlflow"] = {"enabled": False, "size": "Large"}  # not checked when off
    assert config_from(data).accounts.data_science[0].mlflow is None


@pytest.mark.parametrize(("mutate", "path", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_mlflow_config_names_field_and_reason(mutate: Mutation, path: str, reason: str) -> None:
    check_bad_config(mutate, path, reason)


@pytest.mark.parametrize(
    ("region", "kind"),
    [
        ("us-east-1", MlflowKind.APP),
        ("eu-west-1", MlflowKind.APP),
        ("ap-southeast-3", MlflowKind.TRACKING_SERVER),
        ("me-central-1", MlflowKind.TRACKING_SERVER),
        ("cn-north-1", None),
        ("us-gov-west-1", None),
    ],
)
def test_the_region_decides_app_or_tracking_server_from_cfn_lint_provider_data(
    region: str, kind: MlflowKind | None
) -> None:
    assert mlflow_kind(region) == kind


def test_a_team_may_ask_for_a_tracking_server_where_apps_exist() -> None:
    """docs/mlflow.md: the tracking server's VPC endpoint is the documented path from VPC-only Studio."""
    assert mlflow_kind("us-east-1", "tracking_server") == MlflowKind.TRACKING_SERVER
    assert mlflow_kind("us-east-1", "app") == MlflowKind.APP
    assert mlflow_kind("ap-southeast-3", "app") is None
