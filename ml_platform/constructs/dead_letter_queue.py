"""Encrypted SQS queue that keeps what an event target or function could not deliver."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from ..compliance.acknowledgements import acknowledge


class DeadLetterQueue(Construct):
    """KMS (customer key), TLS-only, 14 days retention: nothing is silently dropped.

    Props:
        queue_name: physical name from the naming helper.
        encryption_key: must let the sending service use it (EventBridge: the alerts key).
        function_dead_letters: a Lambda function's dead-letter queue (cdk-nag then needs no acknowledgement).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queue_name: str,
        encryption_key: kms.IKey,
        function_dead_letters: bool = False,
    ) -> None:
        super().__init__(scope, construct_id)
        self.queue = sqs.Queue(
            self,
            "Queue",
            queue_name=queue_name,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=encryption_key,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
        )
        if not function_dead_letters:  # cdk-nag recognises a function's DeadLetterConfig by itself
            acknowledge(
                self.queue,
                {"AwsSolutions-SQS3": "This queue is itself the dead-letter queue; what fails here stays 14 days."},
            )
