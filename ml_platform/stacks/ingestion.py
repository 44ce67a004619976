"""Streaming ingestion into the central feature store (book ch5; AS-9)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import aws_kms as kms
from constructs import Construct

from ..constructs.feature_group import FeatureGroup
from ..constructs.streaming_ingestion import StreamingIngestion
from ..schema.features import FeatureGroupConfig
from .base import PlatformStack, StackContext


class IngestionStack(PlatformStack):
    """Stateless: a stream keeps records 24 hours; the feature groups hold the data."""

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
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            context,
            stateful=False,
            description="Streaming ingestion into the central feature store.",
        )
        self.ingestions: dict[str, StreamingIngestion] = {}
        for config in feature_groups:
            streaming = config.streaming
            if streaming is None or not streaming.enabled:
                continue
            self.ingestions[config.name] = StreamingIngestion(
                self,
                f"Stream-{config.name}",
                name=context.naming.resource(f"ingest-{config.name}"),
                feature_group_name=config.name,
                feature_group_arn=groups[config.name].arn,
                record_identifier=config.record_identifier,
                event_time_feature=config.event_time_feature,
                features={k: v.value for k, v in config.features.items()},
                key=key,
                logs_key=logs_key,
                shards=streaming.shards,
                batch_size=streaming.batch_size,
                max_batching_window_seconds=streaming.max_batching_window_seconds,
                parallelization_factor=streaming.parallelization_factor,
                retry_attempts=streaming.retry_attempts,
                reserved_concurrency=streaming.reserved_concurrency,
            )
