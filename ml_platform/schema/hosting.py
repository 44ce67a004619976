"""Models and endpoints hosted in the test and prod accounts (book ch9, ch10)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from .base import InstanceType, SageMakerName, StrictModel, duplicates

ModelPackageArn = Annotated[
    str,
    StringConstraints(pattern=r"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package/[a-zA-Z0-9-]+/\d+$"),
]
S3Uri = Annotated[str, StringConstraints(pattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$")]


class ModelConfig(StrictModel):
    """A model by registry package ARN, or by container image plus S3 artefact."""

    name: SageMakerName = Field(description="Model name, referenced by endpoint variants.")
    model_package_arn: ModelPackageArn | None = Field(default=None, description="Registered model package.")
    image_uri: str | None = Field(default=None, description="Inference image (with model_data_url).")
    model_data_url: S3Uri | None = Field(default=None, description="S3 URI of model.tar.gz (with image_uri).")
    follow_releases: bool = Field(
        default=False,
        description="Approved versions of the package's group replace it (test, then prod after approval); "
        "model_package_arn is the first version.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> ModelConfig:
        by_image = self.image_uri is not None or self.model_data_url is not None
        if (self.model_package_arn is not None) == by_image:
            raise ValueError("set either 'model_package_arn' or both 'image_uri' and 'model_data_url'")
        if by_image and (self.image_uri is None or self.model_data_url is None):
            raise ValueError("'image_uri' and 'model_data_url' go together")
        if self.follow_releases and self.model_package_arn is None:
            raise ValueError("'follow_releases' needs 'model_package_arn' (releases come from its package group)")
        return self

    @property
    def package_account(self) -> str | None:
        return self.model_package_arn.split(":")[4] if self.model_package_arn else None

    @property
    def package_group(self) -> str | None:
        return self.model_package_arn.split("/")[1] if self.model_package_arn else None


class HostingAccount(StrEnum):
    TEST = "test"
    PROD = "prod"


class VariantConfig(StrictModel):
    """A production variant of an endpoint."""

    name: SageMakerName = Field(description="Variant name, e.g. VariantA.")
    model: SageMakerName = Field(description="Name of a model in the 'models' section.")
    instance_type: InstanceType = Field(default="ml.m5.xlarge", description="ml.* instance type.")
    initial_instance_count: int = Field(default=2, ge=1, le=100, description="Instances at start (prod: 2+).")
    initial_weight: float = Field(default=1.0, gt=0, description="Traffic weight relative to the others.")


class EndpointConfig(StrictModel):
    """A real-time endpoint in the test or prod account."""

    name: SageMakerName = Field(description="Endpoint name.")
    account: HostingAccount = Field(description="Hosting account: test or prod.")
    variants: tuple[VariantConfig, ...] = Field(min_length=1, description="Production variants.")

    @field_validator("variants")
    @classmethod
    def _unique_variants(cls, variants: tuple[VariantConfig, ...]) -> tuple[VariantConfig, ...]:
        dupes = duplicates([v.name for v in variants])
        if dupes:
            raise ValueError(f"duplicate variant name(s): {', '.join(dupes)}")
        return variants
