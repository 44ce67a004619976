"""Idle cost of the managed MLflow (issue #22): a tracking server by size and hour, an app at zero."""

from __future__ import annotations

from typing import Any

import pytest

from ml_platform.cost.estimate import estimate, items, load_prices

PRICES: dict[str, Any] = {
    "hours_per_month": 730,
    "mlflow": {"tracking_server_hour": {"Small": 0.5}, "app_month": 0.0},
}


def _template(kind: str, **props: Any) -> dict[str, Any]:
    return {"Resources": {"Mlflow": {"Type": kind, "Properties": props}}}


def test_a_tracking_server_costs_its_size_every_hour() -> None:
    [item] = items(_template("AWS::SageMaker::MlflowTrackingServer", TrackingServerSize="Small"), PRICES)
    assert (item.resource_class, item.monthly, item.detail) == ("MLflow", 365.0, "tracking server Small")


def test_a_tracking_server_without_a_size_is_small() -> None:
    [item] = items(_template("AWS::SageMaker::MlflowTrackingServer"), PRICES)
    assert item.monthly == 365.0


def test_an_unpriced_size_is_an_error_not_zero() -> None:
    with pytest.raises(KeyError, match="size Large"):
        list(items(_template("AWS::SageMaker::MlflowTrackingServer", TrackingServerSize="Large"), PRICES))


def test_an_app_has_an_estimate_line_at_zero() -> None:
    totals = estimate({"DataScience-x/Mlflow": _template("AWS::SageMaker::MlflowApp")}, PRICES)
    assert totals == {"DataScience-x": {"MLflow": 0.0}}


def test_shipped_prices_name_their_source() -> None:
    mlflow = load_prices()["mlflow"]
    assert "aws.amazon.com/sagemaker/pricing" in mlflow["source"] and mlflow["app_month"] == 0.0
    assert mlflow["tracking_server_hour"]["Small"] > 0
