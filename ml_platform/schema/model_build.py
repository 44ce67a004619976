"""Model build and release: image registry, SageMaker pipelines, the platform pipeline (book ch6, ch8, ch12, ch14)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from .base import InstanceType, SageMakerName, Slug, StrictModel, check_not_above, unique_by
from .governance import GovernanceConfig
from .hosting_types import S3Uri

# ECR repository names below the organisation prefix, e.g. weather-training.
RepositoryName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+([._-][a-z0-9]+)*$", max_length=100)]
# An image of a platform repository: <repository>:<tag>. Tags are immutable (REG-6), so a tag
# names exactly one image; 'latest' is refused because it invites moving tags.
ImageRef = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+([._-][a-z0-9]+)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
HyperparameterValue = str | int | float


class ArtifactsConfig(StrictModel):
    """ECR repositories in shared services, pulled by data science, test and prod (XA-4b)."""

    repositories: Annotated[tuple[RepositoryName, ...], unique_by(str, "duplicate repository name(s): {}")] = Field(
        default=(), description="Image repositories (training, processing, inference images)."
    )
    keep_dev_images: int = Field(
        default=20, ge=1, le=1000, description="Images tagged dev-* kept per repository; release tags never expire."
    )
    untagged_image_days: int = Field(default=7, ge=1, le=365, description="Days before untagged layers expire.")


def _not_latest(image: str) -> str:
    if image.endswith(":latest"):
        raise ValueError(f"'{image}': pin a version tag; 'latest' moves and tags are immutable")
    return image


PinnedImage = Annotated[
    ImageRef, AfterValidator(_not_latest), Field(description="<repository>:<tag> of an artifacts repository.")
]


class ProcessingEngine(StrEnum):
    PYTHON = "python"  # script processor (python3 entrypoint)
    SPARK = "spark"  # smspark-submit with the DP-6 spark-defaults


class ProcessingConfig(StrictModel):
    """Feature engineering step (WF-2, DP-5)."""

    image: PinnedImage
    engine: ProcessingEngine = Field(default=ProcessingEngine.PYTHON, description="python or spark.")
    instance_type: InstanceType = Field(default="ml.m5.xlarge", description="Default of ProcessingInstanceType.")
    instance_count: int = Field(default=1, ge=1, le=50, description="Default of ProcessingInstanceCount.")
    volume_size_gb: int = Field(default=30, ge=1, le=16384, description="Encrypted volume per instance.")
    max_runtime_seconds: int = Field(default=3600, ge=60, le=432000, description="Stop after this long.")


class DebuggerRule(StrEnum):
    """Built-in Debugger rules (DBG-3); the value is the rule_to_invoke name."""

    LOSS_NOT_DECREASING = "LossNotDecreasing"
    OVERFIT = "Overfit"
    OVERTRAINING = "Overtraining"
    STALLED_TRAINING = "StalledTrainingRule"


class TrainingConfig(StrictModel):
    """Training step: managed spot with checkpoints by default (TR-6), Debugger rules (DBG-3)."""

    image: PinnedImage
    instance_type: InstanceType = Field(default="ml.m5.xlarge", description="Default of TrainingInstanceType.")
    instance_count: int = Field(default=1, ge=1, le=100, description="Instances per training job.")
    volume_size_gb: int = Field(default=30, ge=1, le=16384, description="Encrypted volume per instance.")
    spot: bool = Field(default=True, description="Managed spot training with checkpointing (TR-6).")
    max_runtime_seconds: int = Field(default=3600, ge=60, le=2419200, description="MaxRuntimeInSeconds.")
    max_wait_seconds: int = Field(default=7200, ge=60, le=2419200, description="MaxWaitTimeInSeconds (spot).")
    hyperparameters: dict[str, HyperparameterValue] = Field(default={}, description="Passed as strings.")
    debugger_rules: tuple[DebuggerRule, ...] = Field(
        default=(DebuggerRule.LOSS_NOT_DECREASING, DebuggerRule.OVERFIT), description="Built-in rules evaluated."
    )

    @model_validator(mode="after")
    def _spot_wait(self) -> TrainingConfig:
        if self.spot and self.max_wait_seconds < self.max_runtime_seconds:
            raise ValueError(
                f"max_wait_seconds ({self.max_wait_seconds}) must be >= max_runtime_seconds "
                f"({self.max_runtime_seconds}) for spot training"
            )
        return self


class Metric(StrEnum):
    """Metrics the evaluation script writes to evaluation.json, and the gate direction."""

    MSE = "mse"
    RMSE = "rmse"
    MAE = "mae"
    R2 = "r2"
    ACCURACY = "accuracy"
    PRECISION = "precision"
    RECALL = "recall"
    F1 = "f1"
    AUC = "auc"

    @property
    def lower_is_better(self) -> bool:
        return self in (Metric.MSE, Metric.RMSE, Metric.MAE)

    @property
    def json_path(self) -> str:
        """Where in evaluation.json (book WF-4: regression_metrics.mse.value)."""
        family = "regression_metrics" if self in _REGRESSION else "classification_metrics"
        return f"{family}.{self.value}.value"


_REGRESSION = (Metric.MSE, Metric.RMSE, Metric.MAE, Metric.R2)


class EvaluationConfig(StrictModel):
    """Evaluation step and the registration gate (WF-4, REG-8)."""

    image: PinnedImage
    instance_type: InstanceType = Field(default="ml.m5.large", description="Evaluation instance type.")
    metric: Metric = Field(description="Gate metric: mse, rmse, mae, r2, accuracy, precision, recall, f1, auc.")
    threshold: float = Field(strict=True, description="Register only if the metric is at or better than this.")


class ParameterRange(StrictModel):
    """A tuning range: continuous/integer (min_value, max_value) or categorical (values)."""

    type: str = Field(pattern="^(continuous|integer|categorical)$", description="continuous, integer or categorical.")
    min_value: float | None = Field(default=None, description="Lower bound (continuous, integer).")
    max_value: float | None = Field(default=None, description="Upper bound (continuous, integer).")
    values: tuple[str, ...] = Field(default=(), description="Choices (categorical).")
    scaling: str = Field(default="Auto", pattern="^(Auto|Linear|Logarithmic|ReverseLogarithmic)$")

    @model_validator(mode="after")
    def _bounds(self) -> ParameterRange:
        if self.type == "categorical":
            if not self.values or self.min_value is not None or self.max_value is not None:
                raise ValueError("a categorical range lists 'values' and no min_value/max_value")
        elif self.min_value is None or self.max_value is None or self.min_value >= self.max_value:
            raise ValueError(f"a {self.type} range needs min_value < max_value")
        return self


class TuningConfig(StrictModel):
    """Optional hyperparameter tuning in place of the single training job (TR-7)."""

    objective_metric: str = Field(default="validation:rmse", description="Metric the tuner optimises.")
    objective_type: str = Field(default="Minimize", pattern="^(Minimize|Maximize)$")
    strategy: str = Field(default="Bayesian", pattern="^(Bayesian|Random|Hyperband)$")
    max_jobs: int = Field(default=10, ge=1, le=500, description="Training jobs in total.")
    max_parallel_jobs: int = Field(default=2, ge=1, le=100, description="Training jobs at once.")
    ranges: dict[str, ParameterRange] = Field(min_length=1, description="Hyperparameter ranges by name.")

    @model_validator(mode="after")
    def _parallel(self) -> TuningConfig:
        check_not_above(self, "max_parallel_jobs", "max_jobs")
        return self


class RegistrationConfig(StrictModel):
    """What a registered model package declares (REG-3, WF-5)."""

    image: PinnedImage | None = Field(default=None, description="Inference image; default: the training image.")
    content_types: tuple[str, ...] = Field(default=("text/csv",), min_length=1)
    response_types: tuple[str, ...] = Field(default=("text/csv",), min_length=1)
    inference_instance_types: tuple[InstanceType, ...] = Field(default=("ml.t2.medium", "ml.m5.xlarge"), min_length=1)
    transform_instance_types: tuple[InstanceType, ...] = Field(default=("ml.m5.xlarge",), min_length=1)


class BatchTransformConfig(StrictModel):
    """Score a dataset with the registered model inside the pipeline (book ch10, XA-7)."""

    input_data: S3Uri = Field(
        description="S3 prefix of the records to score (one per line), in the team bucket or the team's prefix of "
        "the artefacts bucket."
    )
    content_type: str = Field(default="text/csv", description="Content type of the records.")
    instance_type: InstanceType = Field(default="ml.m5.xlarge", description="Transform instance type.")
    instance_count: int = Field(default=1, ge=1, le=100, description="Transform instances.")


class ModelBuildConfig(StrictModel):
    """A SageMaker model build pipeline in a team's data science account (WF-1..WF-6)."""

    name: SageMakerName = Field(description="Pipeline name, e.g. weather-pipeline.")
    team: Slug = Field(description="Data science team (accounts.data_science[].name) that owns it.")
    model_package_group: SageMakerName = Field(description="Registry group the pipeline registers into (REG-1).")
    description: str = Field(default="", max_length=1000, description="Pipeline and group description.")
    input_data: S3Uri | None = Field(
        default=None,
        description="Default InputData, in the team bucket or the team's prefix of the artefacts bucket; default: "
        "the team bucket's datasets/<name>/.",
    )
    processing: ProcessingConfig
    training: TrainingConfig
    evaluation: EvaluationConfig
    tuning: TuningConfig | None = Field(default=None, description="Tune instead of a single training job.")
    registration: RegistrationConfig = Field(default=RegistrationConfig())
    batch_transform: BatchTransformConfig | None = Field(
        default=None, description="Offline scoring with the new model after registration."
    )
    cache_minutes: int = Field(default=360, ge=0, le=43200, description="Step cache expiry (WF-6); 0 disables.")
    governance: GovernanceConfig | None = Field(
        default=None,
        description="Model card and production stage required before a release (docs/model-governance.md).",
    )


class PlatformPipelineConfig(StrictModel):
    """The self-mutating CDK pipeline in shared services that deploys every account stage."""

    connection_arn: (
        Annotated[
            str,
            StringConstraints(
                pattern=r"^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection/[A-Za-z0-9-]+$"
            ),
        ]
        | None
    ) = Field(
        default=None,
        description="CodeConnections ARN (GitHub, GitLab, Bitbucket) of the shared services account, with "
        "'repository' (connections are global: any region).",
    )
    repository: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")] | None = Field(
        default=None, description="owner/name of the connected repository."
    )
    codecommit_repository: SageMakerName | None = Field(default=None, description="CodeCommit repository name.")
    branch: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._/-]+$", max_length=100)] = Field(
        default="main", description="Branch that deploys."
    )
    config_file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_./-]+\.ya?ml$")] = Field(
        default="config/example.yaml", description="Config the pipeline synthesizes (path in the repository)."
    )

    @model_validator(mode="after")
    def _one_source(self) -> PlatformPipelineConfig:
        by_connection = self.connection_arn is not None or self.repository is not None
        if by_connection == (self.codecommit_repository is not None):
            raise ValueError("set either 'connection_arn' with 'repository', or 'codecommit_repository'")
        if by_connection and (self.connection_arn is None or self.repository is None):
            raise ValueError("'connection_arn' and 'repository' go together")
        return self
