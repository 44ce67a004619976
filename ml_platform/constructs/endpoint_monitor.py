"""One Model Monitor / Clarify monitor of an endpoint: job definition and schedule (book ch11).

Every job runs in the private subnets with network isolation and inter-container encryption,
and encrypts its volume and reports with the account's data key (Security Hub SageMaker
controls). Job definitions get generated names: a change replaces the definition and the
schedule moves to the new one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sm
from constructs import Construct

from ..schema.monitoring import MonitorConfig, MonitorType
from .ml_vpc import MlVpc

ENDPOINT_PATH = "/opt/ml/processing/input/endpoint"
OUTPUT_PATH = "/opt/ml/processing/output"
MONITORING_TYPE = {
    MonitorType.DATA_QUALITY: "DataQuality",
    MonitorType.MODEL_QUALITY: "ModelQuality",
    MonitorType.MODEL_BIAS: "ModelBias",
    MonitorType.MODEL_EXPLAINABILITY: "ModelExplainability",
}


@dataclass(frozen=True)
class MonitorTarget:
    """Where a monitor runs and writes (values may be tokens)."""

    role_arn: str
    bucket: str  # the account's monitoring bucket: baselines, reports, ground truth
    key_arn: str
    network: MlVpc
    image_uri: str  # Model Monitor analyzer or Clarify, from monitoring_images
    config_uri: str | None = None  # Clarify analysis config (bias, explainability)


def time_offsets(schedule: str) -> tuple[str, str]:
    """Window of captured data a ground-truth monitor reads: one schedule period, ending an hour
    ago so that the period's labels have arrived (StartTimeOffset, EndTimeOffset)."""
    match = re.match(r"^cron\(0 (\S+) ", schedule)
    hours = match.group(1) if match else "*"
    period = 1 if hours == "*" else int(hours[2:]) if hours.startswith("*/") else 24
    return f"-PT{period + 1}H", "-PT1H"


class EndpointMonitor(Construct):
    """Props:
    monitor: the monitor from config (type, schedule, settings).
    target: role, bucket, key, network and image (see ``MonitorTarget``).
    """

    def __init__(self, scope: Construct, construct_id: str, *, monitor: MonitorConfig, target: MonitorTarget) -> None:
        super().__init__(scope, construct_id)
        self._monitor, self._target = monitor, target
        kind = monitor.type.value.replace("_", "-")
        base = f"s3://{target.bucket}"
        self.baseline = monitor.baseline or f"{base}/baselines/{monitor.endpoint}/{kind}/"
        self.reports = f"{base}/reports/{monitor.endpoint}/{kind}/"
        builders = {
            MonitorType.DATA_QUALITY: self._data_quality,
            MonitorType.MODEL_QUALITY: self._model_quality,
            MonitorType.MODEL_BIAS: self._model_bias,
            MonitorType.MODEL_EXPLAINABILITY: self._model_explainability,
        }
        self.job_definition = builders[monitor.type]()
        arn = self.job_definition.get_att("JobDefinitionArn").to_string()
        self.schedule = sm.CfnMonitoringSchedule(
            self,
            "Schedule",
            monitoring_schedule_name=monitor.schedule_name,
            endpoint_name=monitor.endpoint,
            monitoring_schedule_config=sm.CfnMonitoringSchedule.MonitoringScheduleConfigProperty(
                monitoring_job_definition_name=cdk.Fn.select(1, cdk.Fn.split("/", arn)),
                monitoring_type=MONITORING_TYPE[monitor.type],
                schedule_config=sm.CfnMonitoringSchedule.ScheduleConfigProperty(schedule_expression=monitor.schedule),
            ),
        )

    # -- pieces shared by the four job definition types (each type has its own property classes)

    def _common(self, cls: Any) -> dict[str, Any]:
        t, m = self._target, self._monitor
        return {
            "role_arn": t.role_arn,
            "job_resources": cls.MonitoringResourcesProperty(
                cluster_config=cls.ClusterConfigProperty(
                    instance_count=1,
                    instance_type=m.instance_type,
                    volume_size_in_gb=m.volume_size_gb,
                    volume_kms_key_id=t.key_arn,
                )
            ),
            "network_config": cls.NetworkConfigProperty(
                enable_inter_container_traffic_encryption=True,
                enable_network_isolation=True,
                vpc_config=cls.VpcConfigProperty(
                    subnets=t.network.subnets.subnet_ids,
                    security_group_ids=[t.network.sagemaker_sg.security_group_id],
                ),
            ),
            "stopping_condition": cls.StoppingConditionProperty(max_runtime_in_seconds=m.max_runtime_seconds),
        }

    def _output(self, cls: Any) -> Any:
        return cls.MonitoringOutputConfigProperty(
            kms_key_id=self._target.key_arn,
            monitoring_outputs=[
                cls.MonitoringOutputProperty(
                    s3_output=cls.S3OutputProperty(
                        local_path=OUTPUT_PATH, s3_uri=self.reports, s3_upload_mode="EndOfJob"
                    )
                )
            ],
        )

    def _endpoint_input(self, cls: Any, *, offsets: bool, attributes: bool) -> Any:
        m = self._monitor
        extra: dict[str, Any] = {}
        if offsets:
            extra["start_time_offset"], extra["end_time_offset"] = time_offsets(m.schedule)
        if attributes:
            extra["inference_attribute"] = m.inference_attribute
            extra["probability_attribute"] = m.probability_attribute
        return cls.EndpointInputProperty(
            endpoint_name=m.endpoint,
            local_path=ENDPOINT_PATH,
            s3_input_mode="File",
            s3_data_distribution_type="FullyReplicated",
            **extra,
        )

    def _constraints(self, cls: Any) -> Any:
        return cls.ConstraintsResourceProperty(s3_uri=f"{self.baseline}constraints.json")

    # -- the four types

    def _data_quality(self) -> cdk.CfnResource:
        cls = sm.CfnDataQualityJobDefinition
        return cls(
            self,
            "JobDefinition",
            data_quality_app_specification=cls.DataQualityAppSpecificationProperty(
                image_uri=self._target.image_uri, environment={"publish_cloudwatch_metrics": "Enabled"}
            ),
            data_quality_baseline_config=cls.DataQualityBaselineConfigProperty(
                constraints_resource=self._constraints(cls),
                statistics_resource=cls.StatisticsResourceProperty(s3_uri=f"{self.baseline}statistics.json"),
            ),
            data_quality_job_input=cls.DataQualityJobInputProperty(
                endpoint_input=self._endpoint_input(cls, offsets=False, attributes=False)
            ),
            data_quality_job_output_config=self._output(cls),
            **self._common(cls),
        )

    def _model_quality(self) -> cdk.CfnResource:
        cls, m = sm.CfnModelQualityJobDefinition, self._monitor
        assert m.problem_type is not None and m.ground_truth is not None
        return cls(
            self,
            "JobDefinition",
            model_quality_app_specification=cls.ModelQualityAppSpecificationProperty(
                image_uri=self._target.image_uri,
                problem_type=m.problem_type.value,
                environment={"publish_cloudwatch_metrics": "Enabled"},
            ),
            model_quality_baseline_config=cls.ModelQualityBaselineConfigProperty(
                constraints_resource=self._constraints(cls)
            ),
            model_quality_job_input=cls.ModelQualityJobInputProperty(
                endpoint_input=self._endpoint_input(cls, offsets=True, attributes=True),
                ground_truth_s3_input=cls.MonitoringGroundTruthS3InputProperty(s3_uri=m.ground_truth),
            ),
            model_quality_job_output_config=self._output(cls),
            **self._common(cls),
        )

    def _model_bias(self) -> cdk.CfnResource:
        cls, m = sm.CfnModelBiasJobDefinition, self._monitor
        assert m.ground_truth is not None and self._target.config_uri is not None
        return cls(
            self,
            "JobDefinition",
            model_bias_app_specification=cls.ModelBiasAppSpecificationProperty(
                image_uri=self._target.image_uri, config_uri=self._target.config_uri
            ),
            model_bias_baseline_config=cls.ModelBiasBaselineConfigProperty(constraints_resource=self._constraints(cls)),
            model_bias_job_input=cls.ModelBiasJobInputProperty(
                endpoint_input=self._endpoint_input(cls, offsets=True, attributes=True),
                ground_truth_s3_input=cls.MonitoringGroundTruthS3InputProperty(s3_uri=m.ground_truth),
            ),
            model_bias_job_output_config=self._output(cls),
            **self._common(cls),
        )

    def _model_explainability(self) -> cdk.CfnResource:
        cls = sm.CfnModelExplainabilityJobDefinition
        assert self._target.config_uri is not None
        return cls(
            self,
            "JobDefinition",
            model_explainability_app_specification=cls.ModelExplainabilityAppSpecificationProperty(
                image_uri=self._target.image_uri, config_uri=self._target.config_uri
            ),
            model_explainability_baseline_config=cls.ModelExplainabilityBaselineConfigProperty(
                constraints_resource=self._constraints(cls)
            ),
            model_explainability_job_input=cls.ModelExplainabilityJobInputProperty(
                endpoint_input=self._endpoint_input(cls, offsets=False, attributes=True)
            ),
            model_explainability_job_output_config=self._output(cls),
            **self._common(cls),
        )
