"""Finds the ID of the portfolio the hub shares with this account, at deploy time (custom
resource; code in lambda/portfolio_lookup). Portfolio IDs are random and exist only in the hub."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct

from ..compliance.provider_framework import acknowledge_provider_framework
from ..context import PROJECT_ROOT
from ..naming import partition_for
from .powertools import ARCHITECTURE, RUNTIME, powertools_layer
from .scoped_policy import Grant, ScopedPolicy

CODE = PROJECT_ROOT / "lambda" / "portfolio_lookup"


class PortfolioLookup(Construct):
    """Props:
        hub_role_arn: read-only role in the hub account the function assumes.
        portfolio_name: display name of the shared portfolio.
        role_name: physical name of the function's role (the hub trusts exactly this ARN).
        function_name: physical name of the function.
        vpc, subnets, security_groups: the function runs in the private VPC (STS and Service
            Catalog through their endpoints).
        logs_key: customer key of its log group.

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
        vpc: ec2.IVpc,
        subnets: Sequence[ec2.ISubnet],
        security_groups: Sequence[ec2.ISecurityGroup],
        logs_key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        partition = partition_for(stack.region)
        role = iam.Role(self, "Role", role_name=role_name, assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/aws/lambda/{function_name}",
            encryption_key=logs_key,
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        function = lambda_.Function(
            self,
            "Function",
            function_name=function_name,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler="handler.on_event",
            code=lambda_.Code.from_asset(str(CODE), exclude=["__pycache__", "*.pyc"]),
            layers=[powertools_layer(self)],
            role=role,
            log_group=log_group,
            timeout=cdk.Duration.minutes(2),
            memory_size=256,
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=list(subnets)),
            security_groups=list(security_groups),
            reserved_concurrent_executions=2,
            environment={"POWERTOOLS_SERVICE_NAME": "portfolio-lookup"},
        )
        log_arn = f"arn:{partition}:logs:{stack.region}:{stack.account}:log-group:/aws/lambda/{function_name}:*"
        policy = ScopedPolicy(
            self,
            "Permissions",
            name=role_name,
            description="Assume the hub's portfolio reader role",
            grants=[
                Grant("AssumeHubReader", ["sts:AssumeRole"], [hub_role_arn]),
                Grant(
                    "WriteOwnLogs",
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    [log_arn],
                    why="log streams of the function's own log group",
                ),
                Grant(
                    "VpcNetworkInterfaces",
                    [
                        "ec2:CreateNetworkInterface",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeSubnets",
                        "ec2:DeleteNetworkInterface",
                        "ec2:AssignPrivateIpAddresses",
                        "ec2:UnassignPrivateIpAddresses",
                    ],
                    ["*"],
                    why="Lambda creates its VPC network interfaces before their IDs exist",
                ),
            ],
        )
        role.add_managed_policy(policy.policy)
        provider_logs = logs.LogGroup(
            self,
            "ProviderLogs",
            encryption_key=logs_key,
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        provider = cr.Provider(self, "Provider", on_event_handler=function, log_group=provider_logs)
        acknowledge_provider_framework(self, provider, [function])
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=provider.service_token,
            resource_type="Custom::PortfolioLookup",
            properties={"HubRoleArn": hub_role_arn, "PortfolioName": portfolio_name},
        )
        self.portfolio_id = self.resource.get_att_string("PortfolioId")
