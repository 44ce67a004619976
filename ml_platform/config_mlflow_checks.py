"""Cross-field checks of the teams' managed MLflow (issue #22): what the region's CloudFormation offers.

Messages start with the field path, like every config error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .mlflow_support import APP_TYPE, SERVER_TYPE, MlflowKind, mlflow_kind

if TYPE_CHECKING:
    from .config import PlatformConfig


def check_mlflow(config: PlatformConfig) -> None:
    region = config.organisation.region
    for i, team in enumerate(config.accounts.data_science):
        if team.mlflow is None:
            continue
        path = f"accounts.data_science[{i}].mlflow"
        kind = mlflow_kind(region, team.mlflow.kind)
        if kind is None and team.mlflow.kind != "auto":
            wanted = APP_TYPE if team.mlflow.kind == "app" else SERVER_TYPE
            raise ValueError(f"{path}.kind: region {region} has no {wanted}; use kind: auto")
        if kind is None:
            raise ValueError(f"{path}: region {region} has neither {APP_TYPE} nor {SERVER_TYPE}; remove the section")
        if kind == MlflowKind.APP:
            # An app sizes itself, and its MlflowVersion is read-only in the resource schema.
            for field in ("size", "version"):
                if getattr(team.mlflow, field) is not None:
                    raise ValueError(
                        f"{path}.{field}: region {region} gets an {APP_TYPE}, which has no {field} "
                        "(only a tracking server has one); remove it"
                    )
