"""Deletes a domain's apps and spaces before the domain, so ``cdk destroy`` does not fail
on running apps (custom resource with ``custom_resources.Provider``; code in lambda/studio_teardown)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct, IDependable

from ..compliance.provider_framework import acknowledged_provider
from ..context import PROJECT_ROOT
from ..naming import partition_for
from .lambda_function import PlatformFunction
from .scoped_policy import Grant

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
        grants = [
            Grant(
                "ListStudio",
                ["sagemaker:ListApps", "sagemaker:ListSpaces"],
                ["*"],
                why="SageMaker List actions support no resource-level scoping",
            ),
            Grant(
                "DeleteStudioAppsAndSpaces",
                ["sagemaker:DeleteApp", "sagemaker:DeleteSpace"],
                [f"{sm}:app/{domain_id}/*", f"{sm}:space/{domain_id}/*"],
                why="apps and spaces of this one domain, created by users at run time",
            ),
        ]
        functions: dict[str, lambda_.Function] = {}
        for kind in ("on_event", "is_complete"):
            functions[kind] = PlatformFunction(
                self,
                kind.title().replace("_", ""),
                function_name=f"{function_name_prefix}-{kind.replace('_', '-')}",
                code_dir=CODE,
                handler=f"handler.{kind}",
                grants=grants,
                logs_key=logs_key,
                timeout_seconds=300,
                memory_mb=256,
                vpc=vpc,
                subnets=subnets,
                security_groups=security_groups,
            ).function
        self.provider = acknowledged_provider(
            self,
            logs_key,
            functions["on_event"],
            is_complete_handler=functions["is_complete"],
            query_interval=cdk.Duration.seconds(30),
            total_timeout=cdk.Duration.minutes(total_timeout_minutes),
            log_waiter=True,
        )
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=self.provider.service_token,
            resource_type="Custom::StudioTeardown",
            properties={"DomainId": domain_id},
        )
        for dependency in depends_on:
            self.resource.node.add_dependency(dependency)
