"""Network of a workload account: the private ML VPC (book ch2, ch13)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from ..constructs.ml_vpc import MlVpc
from ..schema.network import LOG_RETENTION_DAYS, VpcConfig
from .base import PlatformStack, StackContext

# CloudWatch Logs retention values in the order of aws_logs.RetentionDays (INFINITE excluded).
_RETENTION = dict(zip(LOG_RETENTION_DAYS, list(logs.RetentionDays)[: len(LOG_RETENTION_DAYS)], strict=True))


def retention(days: int) -> logs.RetentionDays:
    return _RETENTION[days]


class NetworkStack(PlatformStack):
    """Termination-protected: the Studio domain's subnets cannot change without replacing it."""

    STATEFUL = True
    DESCRIPTION = "Private isolated VPC, endpoints and flow logs of the {slug} account."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        vpc: VpcConfig,
        interface_endpoints: Sequence[str],
        endpoint_az_count: int,
        logs_key: kms.IKey,
        flow_log_retention_days: int,
    ) -> None:
        super().__init__(scope, construct_id, context)
        self.network = MlVpc(
            self,
            "Network",
            availability_zones=context.availability_zones,
            interface_endpoints=interface_endpoints,
            endpoint_az_count=endpoint_az_count,
            flow_log_key=logs_key,
            flow_log_retention=retention(flow_log_retention_days),
            cidr=str(vpc.cidr) if vpc.cidr else None,
            existing_vpc_id=vpc.existing_vpc_id,
            existing_subnet_ids=vpc.existing_subnet_ids,
        )
        # CDK's singleton provider that removes the default security group's rules: a generic
        # CfnResource, which the Tags aspect cannot tag.
        provider = self.node.try_find_child("Custom::VpcRestrictDefaultSGCustomResourceProvider")
        if provider is not None:
            acknowledge(
                provider,
                {
                    "PlatformSageMaker::SM-CostAllocationTags": (
                        "CDK's default-security-group cleanup provider is a plain CfnResource the Tags aspect "
                        "cannot reach; it costs nothing while idle."
                    )
                },
            )
