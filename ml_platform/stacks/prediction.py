"""Near-real-time predictions in a hosting account: an entity's latest features from the
central feature store, then the endpoint (book ch5 online predictions, ch14; XA-5)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_kms as kms
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from ..constructs.lambda_function import PlatformFunction
from ..constructs.ml_vpc import MlVpc
from ..constructs.scoped_policy import Grant
from ..context import PROJECT_ROOT
from ..naming import partition_for
from ..schema.features import RealtimePredictionConfig
from .base import PlatformStack, StackContext

CODE = PROJECT_ROOT / "lambda" / "realtime_prediction"


def prediction_role_name(prefix: str, slug: str, name: str) -> str:
    """The data lake's online reader role trusts ``<prefix>-<slug>-predict-*``."""
    return f"{prefix}-{slug}-predict-{name}"


class PredictionStack(PlatformStack):
    """Stateless: functions only; the data is in the feature store and the endpoint."""

    STATEFUL = False
    DESCRIPTION = "Feature-store-backed prediction functions of the {slug} account."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        predictions: Sequence[RealtimePredictionConfig],
        online_reader_role_arn: str,
        network: MlVpc,
        logs_key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id, context)
        naming = self.naming
        partition = partition_for(self.region)
        self.functions: dict[str, PlatformFunction] = {}
        for prediction in predictions:
            endpoint_arn = (
                f"arn:{partition}:sagemaker:{self.region}:{self.account}:endpoint/{prediction.endpoint.lower()}"
            )
            function = PlatformFunction(
                self,
                f"Predict-{prediction.name}",
                function_name=naming.resource(f"predict-{prediction.name}"),
                role_name=prediction_role_name(naming.prefix, naming.slug, prediction.name),
                code_dir=CODE,
                handler="handler.lambda_handler",
                logs_key=logs_key,
                reserved_concurrency=10,
                timeout_seconds=30,
                memory_mb=512,
                environment={
                    "FEATURE_GROUP_NAME": prediction.feature_group,
                    "MODEL_FEATURES": ",".join(prediction.model_features),
                    "ENDPOINT_NAME": prediction.endpoint,
                    "FEATURE_STORE_ROLE_ARN": online_reader_role_arn,
                },
                grants=[
                    Grant("ReadFeaturesInTheDataLake", ["sts:AssumeRole"], [online_reader_role_arn]),
                    Grant("InvokeEndpoint", ["sagemaker:InvokeEndpoint"], [endpoint_arn]),
                ],
                vpc=network.vpc,
                subnets=network.subnets.subnets,
                security_groups=[network.sagemaker_sg],
            )
            acknowledge(
                function,
                {
                    "NIST.800.53.R5-LambdaDLQ": (
                        "invoked synchronously by its caller, which gets the typed error response; an asynchronous "
                        "dead-letter queue would never receive anything"
                    )
                },
            )
            self.functions[prediction.name] = function
