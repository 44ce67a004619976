"""S3 bucket with the platform's non-negotiable defaults (XC-4, WA-SEC-9, WA-REL-1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ..cross_account import account_principals, org_condition
from .bucket_defaults import private_bucket_props


@dataclass(frozen=True)
class LifecycleProps:
    """Move objects to cheaper classes as they age; expire old versions (book ch13 cost).

    ``infrequent_access_days``/``glacier_days``: None skips that transition.
    ``noncurrent_version_days``: how long replaced/deleted versions are kept.
    """

    infrequent_access_days: int | None = 90
    glacier_days: int | None = None
    noncurrent_version_days: int = 90


class SecureBucket(Construct):
    """KMS-encrypted (customer key), versioned, private, TLS-only, access-logged, retained.

    Props:
        bucket_name: physical name from the naming helper (deterministic, reviewable), or None
            for a generated name (products launched many times); then give ``access_logs_prefix``.
        encryption_key: the customer-managed key for default encryption (S3 Bucket Keys on,
            which cuts KMS request cost).
        access_logs_bucket: destination of S3 server access logs.
        lifecycle: storage-class transitions; default ``LifecycleProps()``.
        cors_rules: browser access rules, e.g. for the Ground Truth worker portal; default none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bucket_name: str | None,
        encryption_key: kms.IKey,
        access_logs_bucket: s3.IBucket,
        lifecycle: LifecycleProps = LifecycleProps(),
        access_logs_prefix: str | None = None,
        cors_rules: Sequence[s3.CorsRule] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        self.encryption_key = encryption_key
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=bucket_name,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=encryption_key,
            bucket_key_enabled=True,
            server_access_logs_bucket=access_logs_bucket,
            server_access_logs_prefix=access_logs_prefix or f"{bucket_name}/",
            lifecycle_rules=[_lifecycle_rule(lifecycle)],
            cors=list(cors_rules) or None,
            **private_bucket_props(),
        )

    @property
    def bucket_name(self) -> str:
        return self.bucket.bucket_name

    def grant_read_to_accounts(
        self, account_ids: Sequence[str], prefix: str = "*", organization_id: str | None = None
    ) -> None:
        """Cross-account read of ``prefix`` for exactly these accounts (book ch14, XA-4c).

        The bucket policy names the accounts; their own IAM still decides which roles may
        read. Pair with ``PlatformKey.grant_decrypt_via_service(..., "s3")`` on the key.
        """
        if not account_ids:
            return
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CrossAccountRead",
                principals=account_principals(account_ids),
                actions=["s3:GetObject", "s3:GetObjectVersion"],
                resources=[self.bucket.arn_for_objects(prefix)],
                conditions=org_condition(organization_id) or None,
            )
        )
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CrossAccountList",
                principals=account_principals(account_ids),
                actions=["s3:ListBucket"],
                resources=[self.bucket.bucket_arn],
                conditions=org_condition(organization_id) or None,
            )
        )

    def grant_write_to_accounts(self, prefixes: Mapping[str, str], organization_id: str | None = None) -> None:
        """Cross-account write for each account, to its own ``prefix`` only (XA-4c).

        Object ownership is bucket-owner-enforced, so what another account writes belongs to
        this account and stays readable by the readers granted above.
        """
        for account_id, prefix in sorted(prefixes.items()):
            self.bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"CrossAccountWrite{account_id}",
                    principals=account_principals([account_id]),
                    actions=["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion", "s3:AbortMultipartUpload"],
                    resources=[self.bucket.arn_for_objects(f"{prefix}/*")],
                    conditions=org_condition(organization_id) or None,
                )
            )
        if prefixes:
            self.bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="CrossAccountWriterList",
                    principals=account_principals(list(prefixes)),
                    actions=["s3:ListBucket", "s3:GetBucketLocation"],
                    resources=[self.bucket.bucket_arn],
                    conditions=org_condition(organization_id) or None,
                )
            )


def _lifecycle_rule(props: LifecycleProps) -> s3.LifecycleRule:
    transitions = []
    if props.infrequent_access_days is not None:
        transitions.append(
            s3.Transition(
                storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                transition_after=cdk.Duration.days(props.infrequent_access_days),
            )
        )
    if props.glacier_days is not None:
        transitions.append(
            s3.Transition(
                storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                transition_after=cdk.Duration.days(props.glacier_days),
            )
        )
    return s3.LifecycleRule(
        id="TieringAndOldVersions",
        transitions=transitions or None,
        noncurrent_version_expiration=cdk.Duration.days(props.noncurrent_version_days),
        abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
    )
