"""Central observability in shared services: the CloudWatch OAM sink the other accounts link to,
and an overview dashboard of every endpoint across accounts (book ch14; XA-1)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_oam as oam
from aws_cdk import aws_ram as ram
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from ..constructs.account_dashboard import AccountDashboard
from ..naming import partition_for
from ..platform_parameters import NAMESPACE
from .base import PlatformStack, StackContext

SINK_PARAMETER = f"{NAMESPACE}/observability/sink-arn"


def sink_parameter_arn(partition: str, region: str, shared_account: str) -> str:
    """The shared parameter's ARN: how another account names it (its name alone is local)."""
    return f"arn:{partition}:ssm:{region}:{shared_account}:parameter{SINK_PARAMETER}"


class ObservabilityStack(PlatformStack):
    """Stateless: the sink and the dashboard hold no data (the metrics stay in their accounts)."""

    STATEFUL = False
    DESCRIPTION = "Cross-account observability sink and the overview dashboard of the platform."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        source_accounts: Sequence[str],
        resource_types: Sequence[str],
        hosting_accounts: Sequence[tuple[str, str]],
    ) -> None:
        super().__init__(scope, construct_id, context)
        partition = partition_for(self.region)
        self.sink = oam.CfnSink(
            self,
            "Sink",
            name=self.naming.resource("observability"),
            # Exactly the configured accounts may link, and only these resource types.
            policy={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": [f"arn:{partition}:iam::{a}:root" for a in sorted(set(source_accounts))]},
                        "Action": ["oam:CreateLink", "oam:UpdateLink"],
                        "Resource": "*",
                        "Condition": {"ForAllValues:StringEquals": {"oam:ResourceTypes": sorted(resource_types)}},
                    }
                ],
            },
        )
        cdk.CfnOutput(self, "SinkArn", value=self.sink.attr_arn, description="The sink the accounts link to")
        # The linked accounts find the sink without a manual step (issue #18): its ARN in an SSM
        # parameter shared with them through AWS RAM, which their Operations stacks read as an
        # SSM-typed parameter by ARN ("Working with shared parameters", Systems Manager User
        # Guide: https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-shared-parameters.html;
        # sharing needs the advanced tier). Inside an organisation with RAM sharing enabled the
        # share needs no acceptance (the curated tables' Lake Formation shares rely on it too).
        self.sink_parameter = ssm.StringParameter(
            self,
            "SinkArnParameter",
            parameter_name=SINK_PARAMETER,
            string_value=self.sink.attr_arn,
            tier=ssm.ParameterTier.ADVANCED,
            description="ARN of the platform's CloudWatch observability sink (shared with the linked accounts)",
        )
        ram.CfnResourceShare(
            self,
            "SinkArnShare",
            name=self.naming.resource("observability-sink"),
            allow_external_principals=False,
            principals=sorted(set(source_accounts)),
            resource_arns=[self.sink_parameter.parameter_arn],
        )
        # Metric searches per account: the overview lists every endpoint without naming any, so
        # adding endpoints does not change this stack (issue #13).
        self.overview = AccountDashboard(
            self,
            "Overview",
            dashboard_name=self.naming.resource("overview"),
            accounts=[(f"Endpoints of {label} ({account})", account) for label, account in hosting_accounts],
        )
