"""The monitors of the endpoints in one hosting stack, and the role they run as (book ch11).

Lives next to the endpoints it watches (issue #13: everything of an endpoint in its stack).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from .. import monitoring_images as images
from ..clarify_config import analysis_config
from ..naming import partition_for
from ..release import CDK_QUALIFIER
from ..schema.monitoring import MonitorConfig, MonitorType
from ..synth_staging import new_staging_folder
from . import sagemaker_scope as platform_grants
from .endpoint_monitor import EndpointMonitor, MonitorTarget
from .ml_vpc import MlVpc
from .sagemaker_role import SageMakerRole
from .scoped_policy import Grant

CLARIFY_TYPES = (MonitorType.MODEL_BIAS, MonitorType.MODEL_EXPLAINABILITY)


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


class EndpointMonitors(Construct):
    """Props:
    monitors: the monitors of this stack's endpoints.
    role_name: physical name of their execution role (one per hosting stack).
    bucket_name: the account's monitoring bucket (capture, baselines, labels, reports).
    key: the account's data key (volumes, reports).
    network: private subnets and the SageMaker security group.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        monitors: Sequence[MonitorConfig],
        role_name: str,
        bucket_name: str,
        key: kms.IKey,
        network: MlVpc,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        region, account = stack.region, stack.account
        self.role = self._role(monitors, role_name, bucket_name, key, region, account)
        self.monitors: dict[str, EndpointMonitor] = {}
        for monitor in monitors:
            clarify = monitor.type in CLARIFY_TYPES
            target = MonitorTarget(
                role_arn=self.role.role.role_arn,
                bucket=bucket_name,
                key_arn=key.key_arn,
                network=network,
                image_uri=images.clarify_image(region) if clarify else images.model_monitor_image(region),
                config_uri=self._analysis_config(monitor) if clarify else None,
            )
            construct = EndpointMonitor(
                self, f"Monitor{_pascal(monitor.schedule_name)}", monitor=monitor, target=target
            )
            construct.node.add_dependency(self.role)
            self.monitors[monitor.schedule_name] = construct

    def _role(
        self, monitors: Sequence[MonitorConfig], name: str, bucket_name: str, key: kms.IKey, region: str, account: str
    ) -> SageMakerRole:
        """Reads captured data, baselines and labels, writes reports and metrics; Clarify invokes
        the endpoint it explains and reads its analysis config from the CDK asset bucket."""
        partition = partition_for(region)
        scope = platform_grants.SageMakerScope(
            partition=partition,
            region=region,
            account=account,
            bucket_name=bucket_name,
            key_arns=[key.key_arn],
            role_name_prefix=name,
            image_accounts=[],
        )
        basics = platform_grants.runtime_basics(scope)
        endpoints = sorted({m.endpoint.lower() for m in monitors if m.type in CLARIFY_TYPES})
        grants = [
            *platform_grants.data_access(scope),
            *basics,
            Grant(
                "MonitorMetrics",
                ["cloudwatch:PutMetricData"],
                ["*"],
                why="PutMetricData has no resource scope; limited to Model Monitor's namespaces by condition",
                conditions={"StringLike": {"cloudwatch:namespace": "aws/sagemaker/Endpoints/*"}},
            ),
        ]
        if endpoints:
            assets = f"arn:{partition}:s3:::cdk-{CDK_QUALIFIER}-assets-{account}-{region}"
            grants += [
                Grant(
                    "ExplainEndpoints",
                    ["sagemaker:InvokeEndpoint"],
                    [scope.arn("sagemaker", f"endpoint/{e}") for e in endpoints],
                ),
                Grant(
                    "ReadAnalysisConfigs",
                    ["s3:GetObject"],
                    [f"{assets}/*"],
                    why="Clarify analysis configs are CDK file assets, named by content hash",
                ),
            ]
        return SageMakerRole(
            self,
            "Role",
            role_name=name,
            description="Execution role of the Model Monitor and Clarify jobs",
            grants=grants,
        )

    def _analysis_config(self, monitor: MonitorConfig) -> str:
        """Write the Clarify analysis config as a file asset; the job definition reads it from S3."""
        folder = new_staging_folder("clarify-")
        path = folder / f"{monitor.schedule_name}.json"
        path.write_text(json.dumps(analysis_config(monitor), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        asset = s3_assets.Asset(self, f"AnalysisConfig{_pascal(monitor.schedule_name)}", path=str(path))
        return asset.s3_object_url
