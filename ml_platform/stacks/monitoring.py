"""Monitoring of a hosting account: Model Monitor / Clarify schedules, dashboard and alarms, and
the retraining trigger (book ch9, ch11, ch12)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sns as sns
from constructs import Construct

from .. import monitoring_images as images
from ..clarify_config import analysis_config
from ..constructs import sagemaker_scope as platform_grants
from ..constructs.endpoint_monitor import EndpointMonitor, MonitorTarget
from ..constructs.endpoint_observability import EndpointObservability, violation_alarm_name
from ..constructs.ml_vpc import MlVpc
from ..constructs.retraining_trigger import RetrainingTrigger
from ..constructs.sagemaker_role import SageMakerRole
from ..constructs.scoped_policy import Grant
from ..naming import partition_for
from ..release import CDK_QUALIFIER
from ..retraining import FUNCTION_PURPOSE, RetrainingTarget
from ..schema.hosting import EndpointConfig
from ..schema.monitoring import MonitorConfig, MonitorType
from .base import PlatformStack, StackContext

CLARIFY_TYPES = (MonitorType.MODEL_BIAS, MonitorType.MODEL_EXPLAINABILITY)


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


class MonitoringStack(PlatformStack):
    """Stateless: schedules, alarms and the trigger; captured data and reports are in the data stack."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        endpoints: Sequence[EndpointConfig],
        monitors: Sequence[MonitorConfig],
        retraining: Sequence[RetrainingTarget],
        network: MlVpc,
        key: kms.IKey,
        bucket_name: str,
        alerts_topic: sns.ITopic,
        alerts_key: kms.IKey,
        logs_key: kms.IKey,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            context,
            stateful=False,
            description=f"Model monitoring, dashboard, alarms and retraining of the {context.naming.slug} account.",
        )
        naming = self.naming
        self.monitors: dict[str, EndpointMonitor] = {}
        if monitors:
            role = self._monitor_role(monitors, bucket_name, key)
            for monitor in monitors:
                clarify = monitor.type in CLARIFY_TYPES
                target = MonitorTarget(
                    role_arn=role.role.role_arn,
                    bucket=bucket_name,
                    key_arn=key.key_arn,
                    network=network,
                    image_uri=images.clarify_image(self.region) if clarify else images.model_monitor_image(self.region),
                    config_uri=self._analysis_config(monitor) if clarify else None,
                )
                construct = EndpointMonitor(
                    self, f"Monitor{_pascal(monitor.schedule_name)}", monitor=monitor, target=target
                )
                construct.node.add_dependency(role)
                self.monitors[monitor.schedule_name] = construct
        self.observability = EndpointObservability(
            self,
            "Observability",
            dashboard_name=naming.resource("endpoints", 200),
            topic=alerts_topic,
            endpoints=endpoints,
            monitors=monitors,
        )
        if retraining:
            retrained = {t.endpoint for t in retraining}
            self.retraining = RetrainingTrigger(
                self,
                "Retraining",
                function_name=naming.resource(FUNCTION_PURPOSE),
                retraining_targets=retraining,
                schedules={m.schedule_name: m.endpoint for m in monitors if m.endpoint in retrained},
                alarms={violation_alarm_name(m): m.endpoint for m in monitors if m.alarm and m.endpoint in retrained},
                key=key,
                alerts_key=alerts_key,
                logs_key=logs_key,
            )

    def _monitor_role(self, monitors: Sequence[MonitorConfig], bucket_name: str, key: kms.IKey) -> SageMakerRole:
        """Reads captured data, baselines and labels, writes reports and metrics; Clarify invokes
        the endpoint it explains and reads its analysis config from the CDK asset bucket."""
        partition = partition_for(self.region)
        scope = platform_grants.SageMakerScope(
            partition=partition,
            region=self.region,
            account=self.account,
            bucket_name=bucket_name,
            key_arns=[key.key_arn],
            role_name_prefix=self.naming.resource("sm-"),
            image_accounts=[],
        )
        basics = [g for g in platform_grants.runtime_basics(scope) if g.sid != "PassPlatformSageMakerRoles"]
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
            assets = f"arn:{partition}:s3:::cdk-{CDK_QUALIFIER}-assets-{self.account}-{self.region}"
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
            "MonitorRole",
            role_name=self.naming.resource("sm-monitoring"),
            description="Execution role of the Model Monitor and Clarify jobs",
            grants=grants,
        )

    def _analysis_config(self, monitor: MonitorConfig) -> str:
        """Write the Clarify analysis config as a file asset; the job definition reads it from S3."""
        folder = Path(tempfile.mkdtemp(prefix="clarify-"))
        path = folder / f"{monitor.schedule_name}.json"
        path.write_text(json.dumps(analysis_config(monitor), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        asset = s3_assets.Asset(self, f"AnalysisConfig{_pascal(monitor.schedule_name)}", path=str(path))
        return asset.s3_object_url
