"""Models and endpoints hosted in the test and prod accounts (book ch9, ch10).

An endpoint has one deployment strategy (single, A/B test, blue/green, shadow) and may use the
cost options (serverless variants, asynchronous inference, multi-model containers). Invalid
combinations are refused here, with the reason, before anything is built.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from .base import InstanceType, SageMakerName, StrictModel, duplicates
from .deployment import AsyncInferenceConfig, AutoscalingConfig, BlueGreenConfig, ServerlessConfig
from .hosting_types import ModelPackageArn, S3Uri
from .inference_components import InferenceComponentConfig, ManagedInstanceScaling, check_component_endpoint
from .monitoring import DataCaptureConfig

__all__ = ["EndpointConfig", "HostingAccount", "ModelConfig", "ReleaseTrack", "S3Uri", "Strategy", "VariantConfig"]

DEFAULT_INSTANCE_TYPE = "ml.m5.xlarge"


class ReleaseTrack(StrEnum):
    """Which released version of a model package group a model is (book ch8, ch9)."""

    LATEST = "latest"  # the newest approved version (the challenger of an A/B test)
    PREVIOUS = "previous"  # the version released before it (the champion)


class ModelConfig(StrictModel):
    """A model by registry package group (released versions), by one registry package, or by
    container image plus S3 artefact.

    Every hosted model waits for its release: its endpoint exists once the model's
    released-model value in the hosting account is set (docs/model-release.md).
    """

    name: SageMakerName = Field(description="Model name, referenced by endpoint variants.")
    model_package_group: SageMakerName | None = Field(
        default=None,
        description="Model package group of a model_builds entry: the model is the group's released version "
        "(see 'release'); approved versions are released to test, then prod after a person approves.",
    )
    release: ReleaseTrack = Field(
        default=ReleaseTrack.LATEST,
        description="With model_package_group: 'latest' (the newest released version) or 'previous' (the one "
        "released before it, e.g. the champion of an A/B test).",
    )
    model_package_arn: ModelPackageArn | None = Field(
        default=None,
        description="One registered model package (pinned; it must exist before the first deploy), in the platform's "
        "region; normally of a model_builds group (elsewhere: a warning, docs/hosting.md).",
    )
    image_uri: str | None = Field(
        default=None,
        description="Inference image (with model_data_url): an ECR URI in the platform's region, in shared services "
        "or the one hosting account.",
    )
    model_data_url: S3Uri | None = Field(
        default=None,
        description="S3 URI of model.tar.gz (with image_uri) in the artefacts bucket (or the one hosting account's "
        "inference bucket); multi-model: the S3 prefix of the models.",
    )
    multi_model: bool = Field(default=False, description="One container serving many models from an S3 prefix.")
    network_isolation: bool = Field(
        default=True, description="No network calls from the container (off only if the container needs them)."
    )

    @model_validator(mode="after")
    def _one_source(self) -> ModelConfig:
        by_image = self.image_uri is not None or self.model_data_url is not None
        sources = [self.model_package_group is not None, self.model_package_arn is not None, by_image]
        if sum(sources) != 1:
            raise ValueError(
                "set one of 'model_package_group', 'model_package_arn', or 'image_uri' with 'model_data_url'"
            )
        if by_image and (self.image_uri is None or self.model_data_url is None):
            raise ValueError("'image_uri' and 'model_data_url' go together")
        if "release" in self.model_fields_set and self.model_package_group is None:
            raise ValueError("'release' applies to a model_package_group only")
        if self.multi_model and (self.model_data_url is None or not self.model_data_url.endswith("/")):
            raise ValueError("a multi-model container needs image_uri and model_data_url as an S3 prefix ending in '/'")
        return self

    @property
    def from_registry(self) -> bool:
        """The model's container is a model package (released or pinned)."""
        return self.model_package_group is not None or self.model_package_arn is not None

    @property
    def package_account(self) -> str | None:
        return self.model_package_arn.split(":")[4] if self.model_package_arn else None

    @property
    def package_group(self) -> str | None:
        return self.model_package_arn.split("/")[1] if self.model_package_arn else None


class HostingAccount(StrEnum):
    TEST = "test"
    PROD = "prod"


class Strategy(StrEnum):
    SINGLE = "single"  # one variant
    AB_TEST = "ab_test"  # two or more weighted variants
    BLUE_GREEN = "blue_green"  # one variant, native blue/green with rollback alarms
    SHADOW = "shadow"  # one variant plus shadow variants receiving a copy of traffic


class VariantConfig(StrictModel):
    """A production variant of an endpoint: instances (optionally autoscaled) or serverless."""

    name: SageMakerName = Field(description="Variant name, e.g. VariantA.")
    model: SageMakerName | None = Field(
        default=None,
        description="Name of a model in the 'models' section (required, except on an inference-component endpoint).",
    )
    instance_type: InstanceType | None = Field(default=None, description=f"Default {DEFAULT_INSTANCE_TYPE}.")
    initial_instance_count: int | None = Field(default=None, ge=1, le=100, description="Default 2 (prod: 2+).")
    initial_weight: float = Field(default=1.0, gt=0, description="Traffic weight relative to the others.")
    autoscaling: AutoscalingConfig | None = Field(default=None, description="Scaling of an instance variant.")
    serverless: ServerlessConfig | None = Field(default=None, description="Serverless instead of instances.")
    managed_instance_scaling: ManagedInstanceScaling | None = Field(
        default=None,
        description="Inference-component endpoints only: SageMaker scales the instances to the copies' needs.",
    )

    @model_validator(mode="after")
    def _compute(self) -> VariantConfig:
        if self.serverless is not None:
            if self.instance_type is not None or self.initial_instance_count is not None:
                raise ValueError("a serverless variant has no instance_type or initial_instance_count")
            if self.autoscaling is not None:
                raise ValueError("a serverless variant scales itself; remove 'autoscaling' (use max_concurrency)")
        if self.autoscaling is not None:
            count = self.instance_count
            if not self.autoscaling.min_capacity <= count <= self.autoscaling.max_capacity:
                raise ValueError(
                    f"initial_instance_count ({count}) is outside autoscaling min/max "
                    f"({self.autoscaling.min_capacity}..{self.autoscaling.max_capacity})"
                )
        return self

    @property
    def instance_count(self) -> int:
        return self.initial_instance_count if self.initial_instance_count is not None else 2

    @property
    def instance(self) -> str:
        return self.instance_type or DEFAULT_INSTANCE_TYPE


class ShadowVariantConfig(StrictModel):
    """A shadow variant: receives a copy of live traffic; its responses are discarded (book ch9)."""

    name: SageMakerName = Field(description="Variant name, e.g. ShadowB.")
    model: SageMakerName = Field(description="Name of a model in the 'models' section.")
    instance_type: InstanceType = Field(default=DEFAULT_INSTANCE_TYPE, description="ml.* instance type.")
    initial_instance_count: int = Field(default=1, ge=1, le=100, description="Instances of the shadow.")
    sampling_percentage: int = Field(ge=1, le=100, description="Share of requests copied to the shadow.")


class EndpointConfig(StrictModel):
    """A real-time (or asynchronous) endpoint in the test or prod account."""

    name: SageMakerName = Field(description="Endpoint name.")
    account: HostingAccount = Field(description="Hosting account: test or prod.")
    strategy: Strategy = Field(default=Strategy.SINGLE, description="single, ab_test, blue_green or shadow.")
    variants: tuple[VariantConfig, ...] = Field(min_length=1, description="Production variants.")
    shadow_variants: tuple[ShadowVariantConfig, ...] = Field(default=(), description="Shadow strategy only.")
    blue_green: BlueGreenConfig | None = Field(default=None, description="Blue/green strategy settings.")
    async_inference: AsyncInferenceConfig | None = Field(default=None, description="Asynchronous endpoint.")
    single_instance_reason: str | None = Field(
        default=None, min_length=20, description="Why a prod variant may run on one instance (Security Hub)."
    )
    data_capture: DataCaptureConfig | None = Field(
        default=None,
        description="Default: on (20 % of requests) for instance endpoints; serverless cannot capture.",
    )
    inference_components: tuple[InferenceComponentConfig, ...] = Field(
        default=(),
        description="Inference components hosting mode: one component per model; variants then name no model "
        "(docs/inference-components.md).",
    )

    @property
    def models(self) -> tuple[str, ...]:
        """Every model the endpoint serves: its production, then its shadow variants', then its
        inference components' models."""
        return (
            tuple(v.model for v in self.variants if v.model is not None)
            + tuple(v.model for v in self.shadow_variants)
            + tuple(c.model for c in self.inference_components)
        )

    @property
    def component_mode(self) -> bool:
        """Models are deployed as inference components, not as variants' models."""
        return bool(self.inference_components)

    @property
    def capture(self) -> DataCaptureConfig | None:
        """The effective data capture: config, or the default for instance-backed endpoints."""
        if self.data_capture is not None:
            return self.data_capture if self.data_capture.enabled else None
        return None if any(v.serverless for v in self.variants) else DataCaptureConfig()

    @model_validator(mode="after")
    def _strategy(self) -> EndpointConfig:
        names = [v.name for v in self.variants] + [s.name for s in self.shadow_variants]
        dupes = duplicates(names)
        if dupes:
            raise ValueError(f"duplicate variant name(s): {', '.join(dupes)}")
        check_component_endpoint(self)
        count, strategy = len(self.variants), self.strategy.value
        if self.strategy == Strategy.AB_TEST and count < 2:
            raise ValueError("an ab_test endpoint needs two or more variants")
        if self.strategy != Strategy.AB_TEST and count != 1:
            raise ValueError(f"a {strategy} endpoint has exactly one variant (use ab_test for several)")
        if (self.strategy == Strategy.BLUE_GREEN) != (self.blue_green is not None):
            raise ValueError("'blue_green' settings go with strategy blue_green, and it needs them")
        if (self.strategy == Strategy.SHADOW) != bool(self.shadow_variants):
            raise ValueError("'shadow_variants' go with strategy shadow, and it needs at least one")
        serverless = any(v.serverless for v in self.variants)
        if serverless and self.strategy == Strategy.SHADOW:
            raise ValueError("shadow variants need instance-backed production variants, not serverless")
        if serverless and self.async_inference is not None:
            raise ValueError("asynchronous inference runs on instances; a serverless variant cannot take it")
        if serverless and self.data_capture is not None and self.data_capture.enabled:
            raise ValueError("serverless endpoints cannot capture data; set data_capture.enabled: false")
        if self.async_inference is not None and self.strategy == Strategy.SHADOW:
            raise ValueError("asynchronous endpoints do not support shadow variants")
        for i, variant in enumerate(self.variants):
            if variant.autoscaling and variant.autoscaling.min_capacity == 0 and self.async_inference is None:
                raise ValueError(
                    f"variants[{i}].autoscaling.min_capacity: 0 (scale to zero) is for async endpoints only"
                )
        return self
