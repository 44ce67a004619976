"""Feature groups of the central feature store in the data lake account (book ch5)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from .base import StrictModel

# AWS::SageMaker::FeatureGroup FeatureGroupName / FeatureName patterns.
FeatureGroupName = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$", max_length=64)]
FeatureName = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$", max_length=64)]


class FeatureType(StrEnum):
    INTEGRAL = "Integral"
    FRACTIONAL = "Fractional"
    STRING = "String"


class TableFormat(StrEnum):
    GLUE = "Glue"
    ICEBERG = "Iceberg"


class OnlineStore(StrictModel):
    """Low-latency store for inference reads (KMS-encrypted)."""

    enabled: bool = Field(default=True, description="Create the online store.")
    ttl_days: int | None = Field(default=None, ge=1, le=36500, description="Record TTL, days.")


class OfflineStore(StrictModel):
    """S3 + Glue table in the data lake for training reads (KMS-encrypted)."""

    enabled: bool = Field(default=True, description="Create the offline store.")
    table_format: TableFormat = Field(default=TableFormat.GLUE, description="Glue or Iceberg table.")


class FeatureGroupConfig(StrictModel):
    """A feature group of the central feature store (AS-8)."""

    name: FeatureGroupName = Field(description="Feature group name; book style ends in -v1.")
    description: str = Field(default="", max_length=128, description="Shown in the feature store catalog.")
    record_identifier: FeatureName = Field(description="Feature that identifies a record.")
    event_time_feature: FeatureName = Field(description="Fractional or String feature with the event time.")
    features: dict[FeatureName, FeatureType] = Field(min_length=2, description="Feature name to type.")
    online_store: OnlineStore = Field(default=OnlineStore(), description="Online store settings.")
    offline_store: OfflineStore = Field(default=OfflineStore(), description="Offline store settings.")

    @model_validator(mode="after")
    def _consistent(self) -> FeatureGroupConfig:
        if self.record_identifier not in self.features:
            raise ValueError(f"record_identifier '{self.record_identifier}' is not one of the features")
        event_type = self.features.get(self.event_time_feature)
        if event_type is None:
            raise ValueError(f"event_time_feature '{self.event_time_feature}' is not one of the features")
        if event_type == FeatureType.INTEGRAL:
            raise ValueError("event_time_feature must be Fractional or String, not Integral")
        if not (self.online_store.enabled or self.offline_store.enabled):
            raise ValueError("enable the online store, the offline store, or both")
        return self
