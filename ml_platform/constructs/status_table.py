"""A small DynamoDB table of records the platform can rebuild (de-duplication, last seen statuses): a
customer key, on-demand, point-in-time recovery, and not retained with its stack."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

from ..compliance.acknowledgements import acknowledge


def recreatable_table(
    scope: Construct,
    construct_id: str,
    *,
    partition_key: str,
    key: kms.IKey,
    loss: str,
    time_to_live_attribute: str | None = None,
) -> dynamodb.Table:
    """``loss`` says what losing the records costs at worst, for the backup-plan acknowledgement."""
    table = dynamodb.Table(
        scope,
        construct_id,
        partition_key=dynamodb.Attribute(name=partition_key, type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryption_key=key,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        time_to_live_attribute=time_to_live_attribute,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    acknowledge(table, {"NIST.800.53.R5-DynamoDBInBackupPlan": f"{loss} Point-in-time recovery is on."})
    return table
