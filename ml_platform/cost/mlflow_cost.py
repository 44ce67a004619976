"""Idle cost of a team's managed MLflow (issue #22).

A tracking server is billed per hour by size whether anyone logs or not; a serverless MLflow app has no
compute charge of its own (its artefacts are S3 storage, usage-priced like every bucket). Prices in
``prices.json`` under ``mlflow`` with their sources; an unpriced size is an error, not zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

APP = "AWS::SageMaker::MlflowApp"
SERVER = "AWS::SageMaker::MlflowTrackingServer"
MLFLOW_TYPES = (APP, SERVER)
RESOURCE_CLASS = "MLflow"


def mlflow_monthly(kind: str, props: Mapping[str, Any], prices: Mapping[str, Any]) -> tuple[float, str]:
    """(monthly idle cost, detail) of an MLflow app or tracking server."""
    table: Mapping[str, Any] = prices["mlflow"]
    if kind == APP:
        return float(table["app_month"]), "serverless app: no idle compute charge"
    size = str(props.get("TrackingServerSize", "Small"))  # the resource's default size
    hourly: Mapping[str, float] = table["tracking_server_hour"]
    if size not in hourly:
        raise KeyError(f"no price for an MLflow tracking server of size {size} in prices.json; add it")
    return hourly[size] * float(prices["hours_per_month"]), f"tracking server {size}"
