"""A platform Lambda function: Powertools layer, encrypted log group, bounded concurrency,
one scoped managed policy. Shared by the custom resources and the data-plane functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from ..lambda_asset import function_asset
from ..naming import partition_for
from .powertools import ARCHITECTURE, RUNTIME, powertools_layer
from .scoped_policy import Grant, ScopedPolicy

VPC_NETWORK_INTERFACES = Grant(
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
)


class PlatformFunction(Construct):
    """Props:
    function_name: physical name (its log group is ``/aws/lambda/<name>``).
    code_dir: the function's folder (``lambda/<function>``), shipped with the shared runtime library
        (ml_platform/lambda_asset.py); handler: ``module.function``.
    role_name: physical role name, or None for a generated one.
    grants: what the function may do besides writing its own logs.
    logs_key: customer key of the log group.
    environment, timeout_seconds, memory_mb, reserved_concurrency: runtime settings.
    vpc, subnets, security_groups: private subnets to run in (None: outside a VPC).
    dead_letter_queue_arn: where failed asynchronous invocations go (after Lambda's retries);
        the caller grants ``sqs:SendMessage`` on it in ``grants`` (kept in the scoped policy).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function_name: str,
        code_dir: Path,
        handler: str,
        grants: Sequence[Grant],
        logs_key: kms.IKey,
        role_name: str | None = None,
        environment: Mapping[str, str] | None = None,
        timeout_seconds: int = 60,
        memory_mb: int = 512,
        reserved_concurrency: int = 2,
        vpc: ec2.IVpc | None = None,
        subnets: Sequence[ec2.ISubnet] = (),
        security_groups: Sequence[ec2.ISecurityGroup] = (),
        dead_letter_queue_arn: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.role = iam.Role(self, "Role", role_name=role_name, assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/aws/lambda/{function_name}",
            encryption_key=logs_key,
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        logs_arn = f"arn:{partition_for(stack.region)}:logs:{stack.region}:{stack.account}"
        log_arn = f"{logs_arn}:log-group:/aws/lambda/{function_name}:*"
        all_grants = [
            *grants,
            Grant(
                "WriteOwnLogs",
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                [log_arn],
                why="log streams of the function's own log group",
            ),
        ]
        if vpc is not None:
            all_grants.append(VPC_NETWORK_INTERFACES)
        self.policy = ScopedPolicy(
            self, "Permissions", name=role_name, description=f"Permissions of {function_name}", grants=all_grants
        )
        self.role.add_managed_policy(self.policy.policy)
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=function_name,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=handler,
            code=lambda_.Code.from_asset(str(function_asset(code_dir))),
            layers=[powertools_layer(self)],
            role=self.role,
            log_group=log_group,
            timeout=cdk.Duration.seconds(timeout_seconds),
            memory_size=memory_mb,
            reserved_concurrent_executions=reserved_concurrency,
            environment={"POWERTOOLS_SERVICE_NAME": function_name, **(environment or {})},
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=list(subnets)) if vpc is not None else None,
            security_groups=list(security_groups) if vpc is not None else None,
        )
        self.function.node.add_dependency(self.policy)
        if dead_letter_queue_arn is not None:
            # On the L1: the L2 option would add an inline policy next to the scoped one.
            cfn = self.function.node.default_child
            assert isinstance(cfn, lambda_.CfnFunction)
            cfn.dead_letter_config = lambda_.CfnFunction.DeadLetterConfigProperty(target_arn=dead_letter_queue_arn)
