"""What a team's people may do with the team's managed MLflow (issue #22): use that one app or tracking
server, nothing else.

Actions and resource types from the Service Authorization Reference: a tracking server's MLflow REST API is
authorized by the ``sagemaker-mlflow`` actions, whose only resource type is ``mlflow-tracking-server``
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemakerwithmlflow.html), so
``sagemaker-mlflow:*`` on the server's ARN is every MLflow call on that server and nothing else. An app's
REST API is authorized by ``sagemaker:CallMlflowAppApi`` on the ``mlflow-app`` resource type
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html); a
``sagemaker-mlflow`` action cannot name an app's ARN, so an app's people get no ``sagemaker-mlflow:*`` (it would
match nothing). The presigned URL opens the MLflow UI from Studio; Describe lets the sagemaker-mlflow plugin
turn the ARN into the server's URL.
"""

from __future__ import annotations

from ..mlflow_support import MlflowKind
from .sagemaker_scope import SageMakerScope
from .scoped_policy import Grant

_ACTIONS: dict[MlflowKind, list[str]] = {
    MlflowKind.APP: [
        "sagemaker:CallMlflowAppApi",
        "sagemaker:CreatePresignedMlflowAppUrl",
        "sagemaker:DescribeMlflowApp",
    ],
    MlflowKind.TRACKING_SERVER: [
        "sagemaker-mlflow:*",
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
            _ACTIONS[s.mlflow.kind],
            [s.mlflow.arn],
            why="the MLflow REST API (sagemaker-mlflow:* of a tracking server), on the team's one MLflow ARN only",
        ),
        Grant(
            "MlflowList",
            ["sagemaker:ListMlflowApps", "sagemaker:ListMlflowTrackingServers"],
            ["*"],
            why="List actions support no resource scoping; they find the team's MLflow ARN",
        ),
    ]
