"""Destination bucket for S3 server access logs of the account's platform buckets."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from .bucket_defaults import private_bucket_props

ACK_REASON_SSE_S3 = (
    "S3 server access logging can only deliver to buckets with SSE-S3 default encryption "
    "(SSE-KMS is not supported for the log target); see docs/decisions.md"
)


class AccessLogsBucket(Construct):
    """Private, TLS-only, versioned log bucket; logs expire after ``retention_days``.

    It is the one bucket without a customer key (acknowledged with ``ACK_REASON_SSE_S3``).
    cdk-nag recognises it as a log destination, so it needs no access logging of its own.
    """

    def __init__(self, scope: Construct, construct_id: str, *, bucket_name: str, retention_days: int = 365) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=bucket_name,
            encryption=s3.BucketEncryption.S3_MANAGED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireLogs",
                    expiration=cdk.Duration.days(retention_days),
                    noncurrent_version_expiration=cdk.Duration.days(30),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
                )
            ],
            **private_bucket_props(),
        )
        acknowledge(self.bucket, {"NIST.800.53.R5-S3DefaultEncryptionKMS": ACK_REASON_SSE_S3})

    def allow_logs_from_account_buckets(self, prefix: str) -> None:
        """Accept server access logs under ``prefix`` from any bucket of this account, e.g.
        buckets of Service Catalog products whose names are generated at launch."""
        stack = cdk.Stack.of(self)
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AccountBucketsServerAccessLogs",
                principals=[iam.ServicePrincipal("logging.s3.amazonaws.com")],
                actions=["s3:PutObject"],
                resources=[self.bucket.arn_for_objects(f"{prefix}*")],
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            )
        )
