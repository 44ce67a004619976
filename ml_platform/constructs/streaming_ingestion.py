"""Streaming feature ingestion: Kinesis -> Lambda -> Feature Store PutRecord, partial batch
failures, retries with bisection, then an encrypted dead-letter queue (book ch5; AS-9)."""

from __future__ import annotations

import json
from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from ..context import PROJECT_ROOT
from .lambda_function import PlatformFunction
from .scoped_policy import Grant

CODE = PROJECT_ROOT / "lambda" / "feature_ingestion"


class StreamingIngestion(Construct):
    """Props:
    name: physical name part (stream, function, queue).
    feature_group_name, feature_group_arn, record_identifier, event_time_feature, features:
        the target feature group (the function validates records against it).
    key: customer key of the stream, the queue and the online store.
    logs_key: key of the function's log group.
    shards, batch_size, max_batching_window_seconds, parallelization_factor,
    retry_attempts, reserved_concurrency: from config.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        feature_group_name: str,
        feature_group_arn: str,
        record_identifier: str,
        event_time_feature: str,
        features: Mapping[str, str],
        key: kms.IKey,
        logs_key: kms.IKey,
        shards: int = 1,
        batch_size: int = 500,
        max_batching_window_seconds: int = 5,
        parallelization_factor: int = 1,
        retry_attempts: int = 3,
        reserved_concurrency: int = 5,
        offline_store: bool = True,
    ) -> None:
        super().__init__(scope, construct_id)
        # Both stores when the group has an offline store: training reads what streamed in.
        target_stores = "OnlineStore,OfflineStore" if offline_store else "OnlineStore"
        self.stream = kinesis.Stream(
            self,
            "Stream",
            stream_name=name,
            shard_count=shards,
            encryption=kinesis.StreamEncryption.KMS,
            encryption_key=key,
            retention_period=cdk.Duration.hours(24),
        )
        self.dead_letters = sqs.Queue(
            self,
            "DeadLetters",
            queue_name=f"{name}-dlq",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=key,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
        )
        self.function = PlatformFunction(
            self,
            "Ingest",
            function_name=name,
            code_dir=CODE,
            handler="handler.lambda_handler",
            logs_key=logs_key,
            reserved_concurrency=reserved_concurrency,
            timeout_seconds=120,
            environment={
                "FEATURE_GROUP_NAME": feature_group_name,
                "RECORD_IDENTIFIER": record_identifier,
                "EVENT_TIME_FEATURE": event_time_feature,
                "FEATURE_DEFINITIONS": json.dumps(dict(features), separators=(",", ":")),
                "TARGET_STORES": target_stores,
            },
            grants=[
                Grant("PutRecords", ["sagemaker:PutRecord"], [feature_group_arn]),  # AS-9: this group only
                Grant("OnlineStoreKey", ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"], [key.key_arn]),
            ],
        )
        self.function.function.add_event_source(
            sources.KinesisEventSource(
                self.stream,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=batch_size,
                max_batching_window=cdk.Duration.seconds(max_batching_window_seconds),
                parallelization_factor=parallelization_factor,
                retry_attempts=retry_attempts,
                max_record_age=cdk.Duration.days(1),  # finite: a poison record cannot block its shard forever
                bisect_batch_on_error=True,
                report_batch_item_failures=True,
                on_failure=sources.SqsDlq(self.dead_letters),
            )
        )
        acknowledge(
            self,
            {
                "NIST.800.53.R5-LambdaInsideVPC": (
                    "the data lake account has no VPC: the function only calls Kinesis, SQS and Feature Store APIs "
                    "with IAM authentication and holds no data"
                ),
                "NIST.800.53.R5-LambdaDLQ": (
                    "invoked synchronously by the Kinesis event source mapping, whose on-failure destination is "
                    "the encrypted dead-letter queue of this construct"
                ),
                "AwsSolutions-SQS3": "this queue is the dead-letter queue of the ingestion",
                "AwsSolutions-KDS3": "a customer-managed key instead of aws/kinesis is the platform's rule (XC-4)",
                "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]": (
                    "CDK's grant to send to the encrypted dead-letter queue, on this construct's key only"
                ),
                "AwsSolutions-IAM5[Action::kms:ReEncrypt*]": (
                    "CDK's grant to send to the encrypted dead-letter queue, on this construct's key only"
                ),
                "NIST.800.53.R5-IAMNoInlinePolicy": (
                    "CDK's event-source grants (read this stream, send to this queue, use their key) on the "
                    "function's own role"
                ),
            },
        )
