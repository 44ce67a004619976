"""The team's managed MLflow (issue #22): the app or tracking server and its role."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from constructs import Construct

from .. import platform_parameters as params
from ..constructs.mlflow_server import MlflowArtefactStore, MlflowServer
from ..mlflow_support import MlflowKind, registration_groups
from ..role_names import MLFLOW_ROLE_SUFFIX
from ..schema.mlflow import MlflowConfig, TrackingServerSize
from .base import PlatformStack, StackContext


class MlflowStack(PlatformStack):
    """Stateful: the server keeps the team's experiments, runs and registered models (retained)."""

    STATEFUL = True
    DESCRIPTION = "Managed MLflow of the {slug} account (stateful, retained)."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        mlflow: MlflowConfig,
        kind: MlflowKind,
        bucket_name: str,
        data_key_arn: str,
        model_package_groups: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id, context)
        name = self.naming.resource("mlflow", 256)
        groups = (
            registration_groups(list(model_package_groups), name if kind == MlflowKind.TRACKING_SERVER else None)
            if mlflow.automatic_model_registration
            else []
        )
        self.server = MlflowServer(
            self,
            "Mlflow",
            kind=kind,
            name=name,
            role_name=self.naming.resource(f"sm-{MLFLOW_ROLE_SUFFIX}"),
            store=MlflowArtefactStore(bucket_name=bucket_name, prefix=mlflow.artefact_prefix, key_arn=data_key_arn),
            registry_groups=groups,
            size=(mlflow.size or TrackingServerSize.SMALL).value,
            version=mlflow.version,
            maintenance_window=mlflow.weekly_maintenance_window,
        )
        self.publish(params.MLFLOW_ARN, self.server.arn, "The team's managed MLflow: mlflow.set_tracking_uri(<ARN>)")
        cdk.CfnOutput(self, "MlflowArn", value=self.server.arn, description="mlflow.set_tracking_uri(<this ARN>)")

    @property
    def arn(self) -> str:
        return self.server.arn
