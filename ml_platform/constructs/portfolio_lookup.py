"""Finds the ID of the portfolio the hub shares with this account, at deploy time (custom
resource; code in lambda/portfolio_lookup). Portfolio IDs are random and exist only in the hub."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from ..compliance.provider_framework import acknowledged_provider
from ..context import PROJECT_ROOT
from .lambda_function import PlatformFunction
from .scoped_policy import Grant

CODE = PROJECT_ROOT / "lambda" / "portfolio_lookup"


class PortfolioLookup(Construct):
    """Props:
        hub_role_arn: read-only role in the hub account the function assumes.
        portfolio_name: display name of the shared portfolio.
        role_name: physical name of the function's role (the hub trusts exactly this ARN).
        function_name: physical name of the function.
        logs_key: customer key of its log group.

    The function runs outside the VPC: a deploy-time lookup of one ID through two control-plane calls
    (STS, Service Catalog), reading no data; inside, the VPC would need a Service Catalog endpoint that
    costs money every hour for a call made once per deployment (issue #21).

    ``portfolio_id`` is the ID, resolved when the stack deploys.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        hub_role_arn: str,
        portfolio_name: str,
        role_name: str,
        function_name: str,
        logs_key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        lookup = PlatformFunction(
            self,
            "Lookup",
            function_name=function_name,
            code_dir=CODE,
            handler="handler.on_event",
            role_name=role_name,
            logs_key=logs_key,
            timeout_seconds=120,
            memory_mb=256,
            grants=[Grant("AssumeHubReader", ["sts:AssumeRole"], [hub_role_arn])],
        )
        acknowledge(
            lookup,
            {
                "NIST.800.53.R5-LambdaInsideVPC": (
                    "a deploy-time lookup of the hub portfolio's ID (STS AssumeRole, Service Catalog "
                    "ListPortfolios), no data; in the VPC it would need a Service Catalog endpoint billed "
                    "every hour for one call per deployment (issue #21)"
                )
            },
        )
        function = lookup.function
        provider = acknowledged_provider(self, logs_key, function)
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=provider.service_token,
            resource_type="Custom::PortfolioLookup",
            properties={"HubRoleArn": hub_role_arn, "PortfolioName": portfolio_name},
        )
        self.portfolio_id = self.resource.get_att_string("PortfolioId")
