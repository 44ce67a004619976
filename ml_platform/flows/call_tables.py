"""The Lambda call extraction's tables of what botocore's models do not say (ml_platform/flows/lambda_calls.py)."""

from __future__ import annotations

from collections.abc import Mapping

# boto3 adds these to clients; they are no operation of the model (boto3 docs, S3 transfer).
S3_TRANSFER = {
    "upload_file": ("PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"),
    "upload_fileobj": ("PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"),
    "download_file": ("HeadObject", "GetObject"),
    "download_fileobj": ("HeadObject", "GetObject"),
    "copy": ("HeadObject", "CopyObject", "UploadPartCopy"),
}

# Where the IAM action is not "<signing name>:<operation>" (Service Authorization Reference,
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
IAM_OVERRIDES: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("s3", "HeadObject"): ("s3:GetObject",),
    ("s3", "HeadBucket"): ("s3:ListBucket",),
    ("s3", "ListObjects"): ("s3:ListBucket",),
    ("s3", "ListObjectsV2"): ("s3:ListBucket",),
    ("s3", "ListObjectVersions"): ("s3:ListBucketVersions",),
    ("s3", "CreateMultipartUpload"): ("s3:PutObject",),
    ("s3", "UploadPart"): ("s3:PutObject",),
    ("s3", "CompleteMultipartUpload"): ("s3:PutObject",),
    ("s3", "UploadPartCopy"): ("s3:GetObject", "s3:PutObject"),
    ("s3", "CopyObject"): ("s3:GetObject", "s3:PutObject"),
    ("s3", "DeleteObjects"): ("s3:DeleteObject",),
    ("sts", "GetCallerIdentity"): (),  # needs no permission
}
