"""What a team's people may do with the team's managed MLflow (issue #22): use that one app or tracking
server, nothing else.

Actions and resource types from the Service Authorization Reference: the MLflow REST API is authorized by
``sagemaker-mlflow:*`` on the tracking server
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemakerwithmlflow.html); an
app's by ``sagemaker:CallMlflowAppApi`` on the app (the ``mlflow-app`` resource type of
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html), and
``sagemaker-mlflow:*`` is granted on it too, as AWS's MLflow app examples do. The presigned URL opens the
MLflow UI from Studio; Describe lets the sagemaker-mlflow plugin turn the ARN into the server's URL.
"""

from __future__ import annotations

from ..mlflow_support import MlflowKind
from .sagemaker_scope import SageMakerScope
from .scoped_policy import Grant

_CONTROL: dict[MlflowKind, list[str]] = {
    MlflowKind.APP: [
        "sagemaker:CallMlflowAppApi",
        "sagemaker:CreatePresignedMlflowAppUrl",
        "sagemaker:DescribeMlflowApp",
    ],
    MlflowKind.TRACKING_SERVER: [
        "sagemaker:CreatePresignedMlflowTrackingServerUrl",
        "sagemaker:DescribeMlflowTrackingServer",
    ],
}


def mlflow_use(s: SageMakerScope) -> list[Grant]:
    """Track experiments and register models on the team's own MLflow (its ARN only); none without one."""
    if s.mlflow is None:
        return []
    return [
        Grant(
            "MlflowApi",
            ["sagemaker-mlflow:*", *_CONTROL[s.mlflow.kind]],
            [s.mlflow.arn],
            why="every MLflow REST API action (runs, experiments, models), on the team's one MLflow ARN only",
        ),
        Grant(
            "MlflowList",
            ["sagemaker:ListMlflowApps", "sagemaker:ListMlflowTrackingServers"],
            ["*"],
            why="List actions support no resource scoping; they find the team's MLflow ARN",
        ),
    ]
