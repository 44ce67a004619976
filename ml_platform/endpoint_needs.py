"""Which interface endpoints each VPC needs, derived from what runs inside it (issue #21).

A VPC without internet reaches an AWS service only through its interface endpoint (S3 through the gateway
endpoint every VPC has), and each interface endpoint costs money per AZ-hour whether anyone calls it or
not. So a VPC gets exactly the endpoints of:

- the VPC-only Studio domain of a data science account, as AWS documents it
  (https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html): SageMaker
  API and runtime for Studio notebooks without internet; STS and CloudWatch Logs for the SageMaker Python
  SDK's remote training jobs (it reads their status and logs from CloudWatch while it waits); Service
  Catalog for SageMaker Projects, when the portfolio is shared with the team;
- what the team's configuration lets its people use from Studio: Feature Store runtime for a team with
  ``feature_store``, Athena when curated data lake tables are shared with it (Athena reads the Glue
  catalog and asks Lake Formation itself, from the service side, so Glue needs no endpoint unless people
  call it directly: list ``glue`` in ``network.interface_endpoints`` then);
- the services the code of each Lambda function placed in that VPC calls, read from its source
  (ml_platform/flows/lambda_calls.py, the same extraction the runtime flows and IAM checks use);
- ``network.interface_endpoints``, extras a platform team asks for.

tests/flows/test_vpc_endpoints.py checks the result against the runtime flows of the synthesized app: an
endpoint no in-VPC flow needs fails, and so does an in-VPC flow whose service has no endpoint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .config import PlatformConfig
from .flows.lambda_calls import function_calls
from .mlflow_support import MLFLOW_ENDPOINT_WHY, mlflow_endpoint
from .schema.accounts import DataScienceAccount
from .schema.network import InterfaceEndpoint

STUDIO_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html"
# botocore service name -> its interface endpoint; None: reached through a gateway endpoint.
CLIENT_ENDPOINTS: Mapping[str, InterfaceEndpoint | None] = {
    "s3": None,
    "sts": InterfaceEndpoint.STS,
    "sagemaker": InterfaceEndpoint.SAGEMAKER_API,
    "sagemaker-runtime": InterfaceEndpoint.SAGEMAKER_RUNTIME,
    "sagemaker-featurestore-runtime": InterfaceEndpoint.SAGEMAKER_FEATURESTORE_RUNTIME,
    "servicecatalog": InterfaceEndpoint.SERVICECATALOG,
    "logs": InterfaceEndpoint.LOGS,
    "cloudwatch": InterfaceEndpoint.MONITORING,
    "kms": InterfaceEndpoint.KMS,
    "ssm": InterfaceEndpoint.SSM,
    "glue": InterfaceEndpoint.GLUE,
    "athena": InterfaceEndpoint.ATHENA,
    "ecr": InterfaceEndpoint.ECR_API,
    "codecommit": InterfaceEndpoint.CODECOMMIT,
}
STUDIO: Mapping[InterfaceEndpoint, str] = {
    InterfaceEndpoint.SAGEMAKER_API: f"VPC-only Studio: notebooks need the SageMaker API ({STUDIO_DOC})",
    InterfaceEndpoint.SAGEMAKER_RUNTIME: f"VPC-only Studio: notebooks need the SageMaker runtime ({STUDIO_DOC})",
    InterfaceEndpoint.STS: f"VPC-only Studio: the SageMaker Python SDK's remote training jobs ({STUDIO_DOC})",
    InterfaceEndpoint.LOGS: f"VPC-only Studio: the SDK reads a training job's status from CloudWatch ({STUDIO_DOC})",
}
# The Lambda folders each data science VPC hosts; test and prod host the realtime prediction functions.
DATA_SCIENCE_FUNCTIONS = ("studio_teardown",)
LABELING_FUNCTIONS = ("labeling_pre_annotation", "labeling_post_annotation")
HOSTING_FUNCTIONS = ("realtime_prediction",)


FEATURE_STORE_RUNTIME_ACTIONS = frozenset({"GetRecord", "PutRecord", "BatchGetRecord", "DeleteRecord"})
AUTHORIZATION_ONLY = frozenset({"iam:PassRole"})  # checked by the service being called, no request of its own


def endpoint_for_action(action: str) -> InterfaceEndpoint | None:
    """The endpoint a caller inside a VPC sends ``action`` to; None for S3 (gateway) and authorization-only
    actions. ValueError for a service this table does not know yet."""
    if action in AUTHORIZATION_ONLY:
        return None
    if mlflow_endpoint(action):
        return InterfaceEndpoint.EXPERIMENTS
    prefix, operation = action.split(":", 1)
    if prefix == "sagemaker":
        if operation in FEATURE_STORE_RUNTIME_ACTIONS:
            return InterfaceEndpoint.SAGEMAKER_FEATURESTORE_RUNTIME
        if operation.startswith("InvokeEndpoint"):
            return InterfaceEndpoint.SAGEMAKER_RUNTIME
        return InterfaceEndpoint.SAGEMAKER_API
    service = {"cloudwatch": "cloudwatch", "ecr": "ecr"}.get(prefix, prefix)
    if service not in CLIENT_ENDPOINTS:
        raise ValueError(f"{action}: add the endpoint of {prefix} to CLIENT_ENDPOINTS")
    return CLIENT_ENDPOINTS[service]


def function_endpoints(folders: Iterable[str]) -> dict[InterfaceEndpoint, str]:
    """The interface endpoints the code of the functions in ``lambda/<folder>`` calls."""
    needs: dict[InterfaceEndpoint, str] = {}
    for folder in folders:
        for call in function_calls(folder):
            if call.service not in CLIENT_ENDPOINTS:
                raise ValueError(f"lambda/{folder} calls {call.service}: add its endpoint to CLIENT_ENDPOINTS")
            endpoint = CLIENT_ENDPOINTS[call.service]
            if endpoint is not None:
                needs.setdefault(endpoint, f"lambda/{folder} calls {call.service} {call.operation} from the VPC")
    return needs


def data_science_endpoints(config: PlatformConfig, team: DataScienceAccount) -> dict[InterfaceEndpoint, str]:
    """Endpoint -> why, for one team's VPC."""
    needs = dict(STUDIO)
    shared = config.service_catalog.share_with
    if shared is None or team.name in shared:
        needs[InterfaceEndpoint.SERVICECATALOG] = f"SageMaker Projects: the shared portfolio's products ({STUDIO_DOC})"
    if team.feature_store:
        needs[InterfaceEndpoint.SAGEMAKER_FEATURESTORE_RUNTIME] = "the team's feature groups (GetRecord, PutRecord)"
    if any(t.share_with is None or team.name in t.share_with for t in config.data_lake.curated_tables):
        needs[InterfaceEndpoint.ATHENA] = "Studio queries the shared curated tables with Athena"
    if team.mlflow is not None:
        needs[InterfaceEndpoint.EXPERIMENTS] = MLFLOW_ENDPOINT_WHY
    folders = [*DATA_SCIENCE_FUNCTIONS, *(LABELING_FUNCTIONS if team.labeling is not None else ())]
    for endpoint, why in function_endpoints(folders).items():
        needs.setdefault(endpoint, why)
    for extra in config.network.interface_endpoints:
        needs.setdefault(extra, "listed in network.interface_endpoints")
    return needs


def hosting_endpoints(config: PlatformConfig, account_slug: str) -> dict[InterfaceEndpoint, str]:
    """Endpoint -> why, for the test or prod VPC: hosted models are network-isolated and call nothing, so
    only the functions placed in the VPC count."""
    hosted = {e.name for e in config.endpoints if e.account.value == account_slug}
    predicts = any(p.endpoint in hosted for p in config.realtime_predictions)  # a function sits by its endpoint
    return function_endpoints(HOSTING_FUNCTIONS if predicts else ())
