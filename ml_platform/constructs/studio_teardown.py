"""Deletes a domain's apps and spaces before the domain, so ``cdk destroy`` does not fail
on running apps (custom resource with ``custom_resources.Provider``; code in lambda/studio_teardown)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import custom_resources as cr
from constructs import Construct, IDependable

from ..compliance.provider_framework import acknowledge_provider_framework
from ..context import PROJECT_ROOT
from ..naming import partition_for
from .powertools import ARCHITECTURE, RUNTIME, powertools_layer
from .scoped_policy import Grant, ScopedPolicy

CODE = PROJECT_ROOT / "lambda" / "studio_teardown"


class StudioTeardown(Construct):
    """Props:
    domain_id: the domain to clean up on delete.
    function_name_prefix: physical name prefix of the two handler functions.
    vpc, subnets, security_groups: the handlers run in the private VPC and reach SageMaker
        through its endpoint.
    logs_key: customer key of their log groups.
    depends_on: the user profiles (the domain is a dependency through ``domain_id``):
        CloudFormation deletes this resource before them.
    total_timeout: how long deletion may wait for apps to go (bounded; then it fails).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain_id: str,
        function_name_prefix: str,
        vpc: ec2.IVpc,
        subnets: Sequence[ec2.ISubnet],
        security_groups: Sequence[ec2.ISecurityGroup],
        logs_key: kms.IKey,
        depends_on: Sequence[IDependable],
        total_timeout_minutes: int = 30,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        sm = f"arn:{partition_for(stack.region)}:sagemaker:{stack.region}:{stack.account}"
        role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        functions: dict[str, lambda_.Function] = {}
        log_arns: list[str] = []
        for kind in ("on_event", "is_complete"):
            name = f"{function_name_prefix}-{kind.replace('_', '-')}"
            log_arns.append(f"{sm.replace(':sagemaker:', ':logs:')}:log-group:/aws/lambda/{name}:*")
            log_group = logs.LogGroup(
                self,
                f"{kind}Logs",
                log_group_name=f"/aws/lambda/{name}",
                encryption_key=logs_key,
                retention=logs.RetentionDays.ONE_YEAR,
                removal_policy=cdk.RemovalPolicy.DESTROY,
            )
            functions[kind] = lambda_.Function(
                self,
                kind.title().replace("_", ""),
                function_name=name,
                runtime=RUNTIME,
                architecture=ARCHITECTURE,
                handler=f"handler.{kind}",
                code=lambda_.Code.from_asset(str(CODE), exclude=["__pycache__", "*.pyc"]),
                layers=[powertools_layer(self, f"{kind}Powertools")],
                role=role,
                log_group=log_group,
                timeout=cdk.Duration.minutes(5),
                memory_size=256,
                vpc=vpc,
                vpc_subnets=ec2.SubnetSelection(subnets=list(subnets)),
                security_groups=list(security_groups),
                reserved_concurrent_executions=2,  # one stack at a time; never a runaway
                environment={"POWERTOOLS_SERVICE_NAME": "studio-teardown"},
            )
        policy = ScopedPolicy(
            self,
            "Permissions",
            name=f"{function_name_prefix}-teardown",
            description="List and delete the Studio apps and spaces of the domain",
            grants=[
                Grant(
                    "ListStudio",
                    ["sagemaker:ListApps", "sagemaker:ListSpaces"],
                    ["*"],
                    why="SageMaker List actions support no resource-level scoping",
                ),
                Grant(
                    "DeleteStudioAppsAndSpaces",
                    ["sagemaker:DeleteApp", "sagemaker:DeleteSpace"],
                    [f"{sm}:app/*", f"{sm}:space/*"],
                    why="apps and spaces are created by users at run time",
                ),
                Grant(
                    "WriteOwnLogs",
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    log_arns,
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
        self.provider = cr.Provider(
            self,
            "Provider",
            on_event_handler=functions["on_event"],
            is_complete_handler=functions["is_complete"],
            query_interval=cdk.Duration.seconds(30),
            total_timeout=cdk.Duration.minutes(total_timeout_minutes),
            log_group=provider_logs,
            disable_waiter_state_machine_logging=False,
            waiter_state_machine_log_options=cr.LogOptions(
                destination=provider_logs, level=sfn.LogLevel.ALL, include_execution_data=False
            ),
        )
        acknowledge_provider_framework(self, self.provider, list(functions.values()))
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=self.provider.service_token,
            resource_type="Custom::StudioTeardown",
            properties={"DomainId": domain_id},
        )
        for dependency in depends_on:
            self.resource.node.add_dependency(dependency)
