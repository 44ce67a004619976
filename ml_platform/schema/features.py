"""Feature groups of the central feature store in the data lake account (book ch5)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from .base import StrictModel

# AWS::SageMaker::FeatureGroup FeatureGroupName / FeatureName patterns.
FeatureGroupName = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$", max_length=64)]
FeatureName = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$", max_length=64)]


def _feature_path(name: str) -> str:
    """Relative path of a feature's type, for a validator's message; config_errors moves it into the field path.

    Its pattern takes identifier-like segments only, so a feature named with a hyphen is named by
    ``event_time_feature`` instead.
    """
    return f"features.{name}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else "event_time_feature"


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


class StreamingIngestion(StrictModel):
    """Kinesis stream -> Lambda -> PutRecord into the online store (book ch5 streaming)."""

    enabled: bool = Field(default=True, description="Create the stream and the ingestion function.")
    shards: int = Field(default=1, ge=1, le=64, description="Kinesis shards (each billed per hour).")
    batch_size: int = Field(default=500, ge=1, le=10000, description="Records per Lambda invocation.")
    max_batching_window_seconds: int = Field(default=5, ge=0, le=300, description="Wait to fill a batch.")
    parallelization_factor: int = Field(default=1, ge=1, le=10, description="Concurrent batches per shard.")
    retry_attempts: int = Field(default=3, ge=0, le=10, description="Retries before the DLQ gets a record.")
    reserved_concurrency: int = Field(default=5, ge=1, le=100, description="Upper bound on concurrent runs.")


class BatchIngestion(StrictModel):
    """A scheduled Glue job loading a curated table into the feature group (book ch5)."""

    source_table: str = Field(description="Table in data_lake.curated_tables.")
    schedule: str = Field(default="cron(0 2 * * ? *)", description="Glue trigger cron (6 fields), UTC.")
    mapping: dict[FeatureName, str] = Field(
        min_length=2, description="Feature -> source column, or '@ingestion_time' for the load time."
    )

    @field_validator("schedule")
    @classmethod
    def _cron(cls, schedule: str) -> str:
        if not re.match(r"^cron\((\S+ ){5}\S+\)$", schedule):
            raise ValueError(f"'{schedule}' is not a 6-field cron(...) expression, e.g. cron(0 2 * * ? *)")
        return schedule


class FeatureGroupConfig(StrictModel):
    """A feature group of the central feature store (AS-8)."""

    name: FeatureGroupName = Field(description="Feature group name; book style ends in -v1.")
    description: str = Field(default="", max_length=128, description="Shown in the feature store catalog.")
    record_identifier: FeatureName = Field(description="Feature that identifies a record.")
    event_time_feature: FeatureName = Field(description="Fractional or String feature with the event time.")
    features: dict[FeatureName, FeatureType] = Field(min_length=2, description="Feature name to type.")
    online_store: OnlineStore = Field(default=OnlineStore(), description="Online store settings.")
    offline_store: OfflineStore = Field(default=OfflineStore(), description="Offline store settings.")
    streaming: StreamingIngestion | None = Field(default=None, description="Streaming ingestion (optional).")
    batch_ingestion: BatchIngestion | None = Field(default=None, description="Scheduled batch load (optional).")

    @model_validator(mode="after")
    def _consistent(self) -> FeatureGroupConfig:
        if self.record_identifier not in self.features:
            raise ValueError(f"record_identifier '{self.record_identifier}' is not one of the features")
        event_type = self.features.get(self.event_time_feature)
        if event_type is None:
            raise ValueError(f"event_time_feature '{self.event_time_feature}' is not one of the features")
        if event_type == FeatureType.INTEGRAL:
            raise ValueError("event_time_feature must be Fractional or String, not Integral")
        if (
            self.offline_store.enabled
            and self.offline_store.table_format == TableFormat.ICEBERG
            and event_type != FeatureType.STRING
        ):
            # CreateFeatureGroup refuses an Iceberg offline store whose event time is not a String (SageMaker
            # Developer Guide, "Offline store", Iceberg table format:
            # https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-storage-configurations-offline-store.html).
            raise ValueError(
                f"{_feature_path(self.event_time_feature)}: an Iceberg offline store takes only a String event time "
                f"(ISO-8601 UTC, e.g. 2025-01-01T00:00:00Z), not {event_type.value}"
            )
        if not (self.online_store.enabled or self.offline_store.enabled):
            raise ValueError("enable the online store, the offline store, or both")
        if self.batch_ingestion:
            unknown = [f for f in self.batch_ingestion.mapping if f not in self.features]
            missing = [
                f for f in (self.record_identifier, self.event_time_feature) if f not in self.batch_ingestion.mapping
            ]
            if unknown or missing:
                raise ValueError(f"batch_ingestion.mapping: unknown features {unknown}, unmapped required {missing}")
        if self.streaming and self.streaming.enabled and not self.online_store.enabled:
            raise ValueError("streaming ingestion writes to the online store: enable online_store")
        return self


class RealtimePredictionConfig(StrictModel):
    """A function that reads an entity's latest features and calls an endpoint (book ch5)."""

    name: FeatureGroupName = Field(description="Function name part, e.g. weather-now.")
    feature_group: FeatureGroupName = Field(description="Feature group (online store) to read.")
    endpoint: FeatureGroupName = Field(
        description="Endpoint (in 'endpoints') to invoke; its account hosts the function."
    )
    model_features: tuple[FeatureName, ...] = Field(min_length=1, description="Features sent to the model, in order.")
