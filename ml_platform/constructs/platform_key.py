"""Customer-managed KMS key with rotation, an alias, retention and scoped grants (XC-4)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from ..cross_account import account_principals

# Services whose KMS requests for an encrypted topic carry no source account or ARN.
NO_SOURCE_CONTEXT = frozenset({"events.amazonaws.com"})


class PlatformKey(Construct):
    """One key per purpose (data, alerts, ...), so a grant on one never opens another.

    Props:
        alias: full alias name (``alias/...``), from the naming helper.
        description: what the key protects; shown in the KMS console.
        service_principals: AWS services that use the key on the account's behalf
            (e.g. ``cloudwatch.amazonaws.com`` for alarms to an encrypted topic); each gets
            only ``kms:Decrypt`` and ``kms:GenerateDataKey*``. Default: none.
        allow_cloudwatch_logs: let CloudWatch Logs use the key for this account's log
            groups (encryption context condition). Default: False.

    The account root keeps administration of the key (the default key policy), which
    delegates use to IAM policies in the account; nothing outside the account can use the
    key unless ``grant_decrypt_via_service`` names that account explicitly.
    Rotation is on and the key is retained when the stack or resource goes away.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alias: str,
        description: str,
        service_principals: Sequence[str] = (),
        allow_cloudwatch_logs: bool = False,
    ) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            alias=alias,
            description=description,
            enable_key_rotation=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            pending_window=cdk.Duration.days(30),
        )
        for service in service_principals:
            # EventBridge's requests to KMS for an encrypted topic carry no aws:SourceAccount or
            # aws:SourceArn ("Adding the aws:SourceAccount and aws:SourceArn to a AWS KMS policy
            # is not supported for EventBridge-to-encrypted topics", Amazon SNS Developer Guide:
            # https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html), so its statement
            # has no such condition (where a rule targets the topic, CDK's SNS target adds the same
            # unconditioned grant). The topic policy keeps EventBridge to this account instead.
            source = (
                {}
                if service in NO_SOURCE_CONTEXT
                else {"StringEquals": {"aws:SourceAccount": cdk.Stack.of(self).account}}
            )
            self.key.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"Allow{service.split('.')[0].capitalize()}Use",
                    principals=[iam.ServicePrincipal(service)],
                    actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                    resources=["*"],  # in a key policy "*" means this key
                    conditions=source or None,
                )
            )

        if allow_cloudwatch_logs:
            self._allow_cloudwatch_logs()

    def _allow_cloudwatch_logs(self) -> None:
        """CloudWatch Logs encrypts this account's log groups with the key, nothing else."""
        stack = cdk.Stack.of(self)
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchLogs",
                principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
                actions=[
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                resources=["*"],
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": (
                            f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:*"
                        )
                    }
                },
            )
        )

    @property
    def key_arn(self) -> str:
        return self.key.key_arn

    def grant_encrypt_via_services(self, account_ids: Sequence[str], services: Sequence[str], sid: str) -> None:
        """Let other accounts encrypt and decrypt, but only through ``services`` in this region.

        Used where a team account writes encrypted objects into this account (model artefacts,
        XA-4c); the writer account's IAM must allow it too.
        """
        actions = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
        actions += ["kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
        self._grant_via(account_ids, actions, services, sid)

    def grant_decrypt_via_service(self, account_ids: Sequence[str], service: str, sid: str) -> None:
        """Let other accounts decrypt, but only through ``service`` (e.g. ``s3``) in this region.

        Used for cross-account reads of encrypted objects (book ch14, XA-4c): the reader
        account's IAM must allow it too, so this alone opens nothing.
        """
        self._grant_via(account_ids, ["kms:Decrypt", "kms:DescribeKey"], [service], sid)

    def _grant_via(self, account_ids: Sequence[str], actions: list[str], services: Sequence[str], sid: str) -> None:
        if not account_ids:
            return
        region = cdk.Stack.of(self).region
        via = [f"{service}.{region}.amazonaws.com" for service in services]
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid=sid,
                principals=account_principals(account_ids),
                actions=actions,
                resources=["*"],
                conditions={"StringEquals": {"kms:ViaService": via[0] if len(via) == 1 else via}},
            )
        )
