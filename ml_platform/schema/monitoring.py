"""Data capture, Model Monitor / Clarify monitors, retraining and central observability (book ch11, ch12, ch14)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from .base import InstanceType, SageMakerName, StrictModel
from .hosting_types import S3Uri

# Model Monitor schedules run hourly, every N hours or daily at an hour (minute 0, UTC):
# cron(0 * ? * * *), cron(0 */6 ? * * *), cron(0 2 ? * * *).
_CRON_RE = re.compile(r"^cron\(0 (\*|\*/([1-9]|1[0-9]|2[0-4])|1?[0-9]|2[0-3]) \? \* \* \*\)$")
Header = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,128}$")]


class DataCaptureConfig(StrictModel):
    """What a real-time endpoint captures for monitoring (book ch11); default on."""

    enabled: bool = Field(default=True, description="Capture requests and responses.")
    sampling_percentage: int = Field(default=20, ge=1, le=100, description="Share of requests captured.")
    capture: tuple[Literal["input", "output"], ...] = Field(
        default=("input", "output"), min_length=1, description="input, output or both."
    )
    csv_content_types: tuple[str, ...] = Field(default=("text/csv",), description="Captured as CSV.")
    json_content_types: tuple[str, ...] = Field(default=("application/json",), description="Captured as JSON.")


class MonitorType(StrEnum):
    DATA_QUALITY = "data_quality"
    MODEL_QUALITY = "model_quality"
    MODEL_BIAS = "model_bias"
    MODEL_EXPLAINABILITY = "model_explainability"


class ProblemType(StrEnum):
    REGRESSION = "Regression"
    BINARY = "BinaryClassification"
    MULTICLASS = "MulticlassClassification"


class Facet(StrictModel):
    """A sensitive group for bias metrics (Clarify facet), e.g. city."""

    name: Header = Field(description="Feature (header) of the facet.")
    values: tuple[str | float, ...] = Field(default=(), description="Facet values or threshold; empty: all.")


class ShapConfig(StrictModel):
    """Kernel SHAP settings of the explainability monitor (Clarify)."""

    baseline: tuple[tuple[float | str, ...], ...] = Field(min_length=1, description="Baseline row(s) of features.")
    num_samples: int = Field(default=100, ge=1, le=10000, description="Samples per explanation.")
    agg_method: Literal["mean_abs", "median", "mean_sq"] = Field(default="mean_abs")


class ViolationAlarm(StrictModel):
    """Alarm on a metric the monitor publishes (e.g. feature_baseline_drift_pm25, mse)."""

    metric: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,200}$")] = Field(description="Metric name.")
    threshold: float = Field(strict=True, description="Alarm at or beyond this value.")
    comparison: Literal["greater", "less"] = Field(default="greater", description="Direction that is bad.")


class MonitorConfig(StrictModel):
    """A scheduled monitor on an endpoint (book ch11)."""

    endpoint: SageMakerName = Field(description="Name of an endpoint in the 'endpoints' section.")
    type: MonitorType = Field(description="data_quality, model_quality, model_bias or model_explainability.")
    schedule: str = Field(default="cron(0 * ? * * *)", description="Hourly, every N hours or daily cron (UTC).")
    instance_type: InstanceType = Field(default="ml.m5.xlarge", description="Monitoring job instance type.")
    volume_size_gb: int = Field(default=20, ge=1, le=16384, description="Encrypted volume of the job.")
    max_runtime_seconds: int = Field(default=1800, ge=60, le=3600, description="Stop the job after this long.")
    baseline: S3Uri | None = Field(
        default=None,
        description="Prefix of constraints.json/statistics.json in the endpoint account's monitoring bucket; default "
        "under its baselines/.",
    )
    ground_truth: S3Uri | None = Field(
        default=None, description="Labels (model_quality, model_bias), in the endpoint account's monitoring bucket."
    )
    problem_type: ProblemType | None = Field(default=None, description="model_quality: the kind of model.")
    inference_attribute: str | None = Field(default=None, description="Where the prediction is in the output.")
    probability_attribute: str | None = Field(default=None, description="Where the probability is (classifiers).")
    probability_threshold: float | None = Field(default=None, ge=0, le=1, description="Classifier threshold.")
    headers: tuple[Header, ...] = Field(default=(), description="Feature names, in request order (Clarify).")
    label: Header | None = Field(default=None, description="model_bias: the label column of the ground truth.")
    label_values: tuple[str | float, ...] = Field(
        default=(1,), description="model_bias: label values (or threshold) of the positive outcome."
    )
    facets: tuple[Facet, ...] = Field(default=(), description="model_bias: sensitive groups.")
    shap: ShapConfig | None = Field(default=None, description="model_explainability: SHAP settings.")
    alarm: ViolationAlarm | None = Field(default=None, description="Alarm (and retrain) on a monitor metric.")

    @field_validator("schedule")
    @classmethod
    def _cron(cls, schedule: str) -> str:
        if not _CRON_RE.match(schedule):
            raise ValueError(
                f"'{schedule}' is not a Model Monitor schedule: hourly cron(0 * ? * * *), every N hours "
                "cron(0 */N ? * * *) or daily cron(0 H ? * * *)"
            )
        return schedule

    @model_validator(mode="after")
    def _type_settings(self) -> MonitorConfig:
        needs = {
            MonitorType.MODEL_QUALITY: ("ground_truth", "problem_type"),
            MonitorType.MODEL_BIAS: ("ground_truth", "label", "facets", "headers"),
            MonitorType.MODEL_EXPLAINABILITY: ("shap", "headers"),
        }.get(self.type, ())
        missing = [field for field in needs if not getattr(self, field)]
        if missing:
            raise ValueError(f"a {self.type.value} monitor needs {', '.join(missing)}")
        if self.type == MonitorType.DATA_QUALITY and (self.ground_truth or self.facets or self.shap):
            raise ValueError("a data_quality monitor takes no ground_truth, facets or shap")
        if self.shap and self.headers and any(len(row) != len(self.headers) for row in self.shap.baseline):
            raise ValueError(f"every shap.baseline row needs {len(self.headers)} values (one per header)")
        return self

    @property
    def schedule_name(self) -> str:
        return f"{self.endpoint}-{self.type.value.replace('_', '-')}"


class RetrainingConfig(StrictModel):
    """Start a model build pipeline when a monitor of an endpoint finds violations (book ch12)."""

    endpoint: SageMakerName = Field(description="Monitored endpoint.")
    pipeline: SageMakerName = Field(description="Name of a model_builds pipeline.")
    window_hours: int = Field(default=24, ge=1, le=720, description="At most one retraining per window.")


class ObservabilityConfig(StrictModel):
    """CloudWatch cross-account observability (book ch14): one sink in shared services."""

    sink_arn: (
        Annotated[str, StringConstraints(pattern=r"^arn:aws[a-z-]*:oam:[a-z0-9-]+:\d{12}:sink/[A-Za-z0-9-]+$")] | None
    ) = Field(
        default=None,
        description="A sink you already run (e.g. an organisation monitoring account), in the platform's partition "
        "and region; default: the platform's sink in shared services, which the accounts find through a shared SSM "
        "parameter (no manual step).",
    )
    resource_types: tuple[Literal["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup", "AWS::XRay::Trace"], ...] = Field(
        default=("AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"), min_length=1, description="What accounts share."
    )
