"""Streaming ingestion into the central feature store (book ch5; AS-9)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypedDict

from aws_cdk import aws_kms as kms
from constructs import Construct

from ..constructs.batch_ingestion import BatchFeatureIngestion
from ..constructs.feature_group import FeatureGroup
from ..constructs.streaming_ingestion import StreamingIngestion
from ..naming import partition_for
from ..schema.features import FeatureGroupConfig
from .base import PlatformStack, StackContext


class _Target(TypedDict):
    """What every ingestion of a feature group needs to know about it (and where it logs)."""

    feature_group_name: str
    feature_group_arn: str
    record_identifier: str
    event_time_feature: str
    logs_key: kms.IKey


class IngestionStack(PlatformStack):
    """Stateless: a stream keeps records 24 hours; the feature groups hold the data."""

    STATEFUL = False
    DESCRIPTION = "Streaming ingestion into the central feature store."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        feature_groups: Sequence[FeatureGroupConfig],
        groups: Mapping[str, FeatureGroup],
        key: kms.IKey,
        logs_key: kms.IKey,
        data_key: kms.IKey,
        curated_bucket_name: str,
        curated_tables: Mapping[str, str],
        curated_database: str,
    ) -> None:
        super().__init__(scope, construct_id, context)
        self.ingestions: dict[str, StreamingIngestion] = {}
        self.batches: dict[str, BatchFeatureIngestion] = {}
        for config in feature_groups:
            target = _Target(
                feature_group_name=config.name,
                feature_group_arn=groups[config.name].arn,
                record_identifier=config.record_identifier,
                event_time_feature=config.event_time_feature,
                logs_key=logs_key,
            )
            batch = config.batch_ingestion
            if batch is not None:
                prefix = curated_tables[batch.source_table]
                self.batches[config.name] = BatchFeatureIngestion(
                    self,
                    f"Batch-{config.name}",
                    job_name=context.naming.resource(f"batch-{config.name}"),
                    database=curated_database,
                    table=batch.source_table,
                    table_objects_arn=f"arn:{partition_for(self.region)}:s3:::{curated_bucket_name}/{prefix}*",
                    mapping=batch.mapping,
                    event_time_type=str(config.features[config.event_time_feature]),
                    schedule=batch.schedule,
                    data_key=data_key,
                    features_key=key,
                    **target,
                )
            streaming = config.streaming
            if streaming is None or not streaming.enabled:
                continue
            self.ingestions[config.name] = StreamingIngestion(
                self,
                f"Stream-{config.name}",
                name=context.naming.resource(f"ingest-{config.name}"),
                features={k: v.value for k, v in config.features.items()},
                key=key,
                shards=streaming.shards,
                batch_size=streaming.batch_size,
                max_batching_window_seconds=streaming.max_batching_window_seconds,
                parallelization_factor=streaming.parallelization_factor,
                retry_attempts=streaming.retry_attempts,
                reserved_concurrency=streaming.reserved_concurrency,
                offline_store=config.offline_store.enabled,
                **target,
            )
