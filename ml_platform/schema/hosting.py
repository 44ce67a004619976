"""Models and endpoints hosted in the test and prod accounts (book ch9, ch10)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from .base import InstanceType, SageMakerName, StrictModel, duplicates

ModelPackageArn = Annotated[
    str,
    StringConstraints(
        pattern=r"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package/[a-zA-Z0-9-]+/\d+$"
    ),
]
S3Uri = Annotated[str, StringConstraints(pattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$")]


class ModelConfig(StrictModel):
    """A model by registry package ARN, or by container image plus S3 artefact."""

    name: SageMakerName
    model_package_arn: ModelPackageArn | None = None
    image_uri: str | None = None
    model_data_url: S3Uri | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ModelConfig:
        by_image = self.image_uri is not None or self.model_data_url is not None
        if (self.model_package_arn is not None) == by_image:
            raise ValueError("set either 'model_package_arn' or both 'image_uri' and 'model_data_url'")
        if by_image and (self.image_uri is None or self.model_data_url is None):
            raise ValueError("'image_uri' and 'model_data_url' go together")
        return self


class HostingAccount(str, Enum):
    TEST = "test"
    PROD = "prod"


class VariantConfig(StrictModel):
    name: SageMakerName
    model: SageMakerName = Field(description="Name of a model in the 'models' section.")
    instance_type: InstanceType = "ml.m5.xlarge"
    initial_instance_count: int = Field(default=2, ge=1, le=100)
    initial_weight: float = Field(default=1.0, gt=0)


class EndpointConfig(StrictModel):
    name: SageMakerName
    account: HostingAccount
    variants: tuple[VariantConfig, ...] = Field(min_length=1)

    @field_validator("variants")
    @classmethod
    def _unique_variants(cls, variants: tuple[VariantConfig, ...]) -> tuple[VariantConfig, ...]:
        dupes = duplicates([v.name for v in variants])
        if dupes:
            raise ValueError(f"duplicate variant name(s): {', '.join(dupes)}")
        return variants
