"""Managed MLflow of a data science account (issue #22, capability 2).

A team gets one MLflow: an ``AWS::SageMaker::MlflowApp`` where the region has it, else an
``AWS::SageMaker::MlflowTrackingServer`` (ml_platform/mlflow_support.py decides from cfn-lint's provider
data). ``size`` and ``version`` exist only on a tracking server (an app sizes itself and its MLflow version
is read-only in the resource schema), so setting them in an app region is a config error.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .base import StrictModel


class TrackingServerSize(StrEnum):
    """``TrackingServerSize`` of AWS::SageMaker::MlflowTrackingServer (priced per hour by size)."""

    SMALL = "Small"
    MEDIUM = "Medium"
    LARGE = "Large"


# WeeklyMaintenanceWindowStart of both resource schemas, e.g. Tue:03:30 (UTC).
MaintenanceWindow = Annotated[
    str, StringConstraints(pattern=r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):([0-5]\d)$")
]
MlflowVersion = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+)+$", max_length=16)]
ArtefactPrefix = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$", max_length=64)]


class MlflowConfig(StrictModel):
    """The team's managed MLflow (docs/mlflow.md). Artefacts go to the team's projects bucket, encrypted with
    its data key, under ``artefact_prefix``; people of the team reach it from Studio through the VPC."""

    enabled: bool = Field(default=True, description="false: no MLflow (as if the section were left out).")
    kind: Literal["auto", "app", "tracking_server"] = Field(
        default="auto",
        description="auto: an MLflow app where the region has one, else a tracking server; app or "
        "tracking_server: only that (docs/mlflow.md: the tracking server's VPC path is the documented one).",
    )
    size: TrackingServerSize | None = Field(
        default=None, description="Tracking server size (tracking server regions only; default Small)."
    )
    version: MlflowVersion | None = Field(
        default=None, description="MLflow version of a tracking server (tracking server regions only; default: AWS's)."
    )
    weekly_maintenance_window: MaintenanceWindow | None = Field(
        default=None, description="Start of the weekly maintenance window in UTC, e.g. 'Tue:03:30' (default: AWS's)."
    )
    automatic_model_registration: bool = Field(
        default=True,
        description="Register MLflow models into the SageMaker Model Registry (only into groups named after the "
        "team's model_package_group, docs/mlflow.md).",
    )
    artefact_prefix: ArtefactPrefix = Field(
        default="mlflow", description="Prefix of the artefacts in the projects bucket."
    )
