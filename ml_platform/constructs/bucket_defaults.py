"""What every platform bucket is, whatever its encryption (XC-4, WA-SEC-9, WA-REL-1)."""

from __future__ import annotations

from typing import TypedDict

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3


class PrivateBucketProps(TypedDict):
    versioned: bool
    block_public_access: s3.BlockPublicAccess
    object_ownership: s3.ObjectOwnership
    enforce_ssl: bool
    minimum_tls_version: float
    removal_policy: cdk.RemovalPolicy


def private_bucket_props() -> PrivateBucketProps:
    """Versioned, no public access, owned by the bucket owner (no ACLs), TLS 1.2+ only, and
    retained when its stack is deleted: the ``s3.Bucket`` props shared by ``SecureBucket`` and
    ``AccessLogsBucket``, so the two cannot drift apart."""
    return PrivateBucketProps(
        versioned=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
