"""Stateful baseline of one account: customer keys and secure buckets (XC-4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aws_cdk import aws_s3 as s3
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from ..constructs.access_logs_bucket import AccessLogsBucket
from ..constructs.platform_key import PlatformKey
from ..constructs.secure_bucket import LifecycleProps, SecureBucket
from .base import PlatformStack, StackContext

# Services that publish to the encrypted alerts topic and so must use its key.
ALERT_PUBLISHERS = ("cloudwatch.amazonaws.com", "events.amazonaws.com", "budgets.amazonaws.com")


@dataclass(frozen=True)
class BucketSpec:
    """A platform bucket of an account: construct ID, name purpose, lifecycle, readers."""

    construct_id: str
    purpose: str
    lifecycle: LifecycleProps = field(default_factory=LifecycleProps)
    reader_accounts: Sequence[str] = field(default_factory=tuple)
    cors_rules: Sequence[s3.CorsRule] = field(default_factory=tuple)
    key_purpose: str | None = None  # a KeySpec purpose of the account; default: the data key
    writer_prefixes: Mapping[str, str] = field(default_factory=dict)  # account -> its own prefix


@dataclass(frozen=True)
class KeySpec:
    """An extra customer key of an account: construct ID, alias purpose, what it protects."""

    construct_id: str
    purpose: str
    description: str
    service_principals: Sequence[str] = ()
    allow_cloudwatch_logs: bool = False


def _baseline_keys(slug: str) -> tuple[KeySpec, KeySpec, KeySpec]:
    """The keys every account has, whatever its role: its data, its alerts topic, its logs."""
    return (
        KeySpec("DataKey", "data", f"Encrypts platform data in the {slug} account buckets."),
        KeySpec(
            "AlertsKey", "alerts", f"Encrypts the {slug} account alerts topic.", service_principals=ALERT_PUBLISHERS
        ),
        KeySpec(
            "LogsKey",
            "logs",
            f"Encrypts CloudWatch log groups (flow logs, functions) of the {slug} account.",
            allow_cloudwatch_logs=True,
        ),
    )


class AccountDataStack(PlatformStack):
    """Keys (one per purpose) and buckets; termination-protected and retained."""

    STATEFUL = True
    DESCRIPTION = "Keys and buckets of the {slug} account (stateful, retained)."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        buckets: Sequence[BucketSpec],
        keys: Sequence[KeySpec] = (),
    ) -> None:
        super().__init__(scope, construct_id, context)
        naming = self.naming
        acknowledge(
            self,
            {
                "NIST.800.53.R5-S3BucketReplicationEnabled": (
                    "The platform runs in one region (XC-5); versioning, retention and termination "
                    "protection guard against loss. Cross-region DR replication is an organisation "
                    "policy choice, not a default (docs/decisions.md)."
                ),
            },
        )
        self.data_key, self.alerts_key, self.logs_key = (self._key(spec) for spec in _baseline_keys(naming.slug))
        self.keys = {spec.purpose: self._key(spec) for spec in keys}
        self.access_logs = AccessLogsBucket(self, "AccessLogs", bucket_name=naming.bucket("access-logs"))
        self.buckets: dict[str, SecureBucket] = {}
        for spec in buckets:
            key = self.keys[spec.key_purpose] if spec.key_purpose else self.data_key
            bucket = SecureBucket(
                self,
                spec.construct_id,
                bucket_name=naming.bucket(spec.purpose),
                encryption_key=key.key,
                access_logs_bucket=self.access_logs.bucket,
                lifecycle=spec.lifecycle,
                cors_rules=spec.cors_rules,
            )
            if spec.reader_accounts:
                bucket.grant_read_to_accounts(spec.reader_accounts, organization_id=context.organization_id)
                key.grant_decrypt_via_service(spec.reader_accounts, "s3", sid=f"CrossAccountDecrypt{spec.construct_id}")
            if spec.writer_prefixes:
                bucket.grant_write_to_accounts(spec.writer_prefixes, organization_id=context.organization_id)
                # SageMaker writes training output through S3 and checks the key itself.
                key.grant_encrypt_via_services(
                    list(spec.writer_prefixes), ("s3", "sagemaker"), sid=f"CrossAccountEncrypt{spec.construct_id}"
                )
            self.buckets[spec.purpose] = bucket

    def _key(self, spec: KeySpec) -> PlatformKey:
        return PlatformKey(
            self,
            spec.construct_id,
            alias=self.naming.alias(spec.purpose),
            description=spec.description,
            service_principals=spec.service_principals,
            allow_cloudwatch_logs=spec.allow_cloudwatch_logs,
        )
