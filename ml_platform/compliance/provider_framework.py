"""Acknowledgements for CDK's custom resource Provider framework (its functions, roles and
waiter state machine are CDK's code, not ours). Each reason says why the finding is accepted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import custom_resources as cr
from aws_cdk.aws_kms import IKey
from constructs import Construct

from .acknowledgements import acknowledge

BASIC_EXECUTION_ROLE = (
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]"
)
# Only with an is_complete handler: the framework then adds a waiter state machine.
WAITER_REASONS = {
    "AwsSolutions-IAM5[Resource::*]": (
        "waiter state machine logging: CloudWatch Logs delivery actions (logs:CreateLogDelivery, "
        "logs:PutResourcePolicy, ...) support no resource scoping"
    ),
    "AwsSolutions-SF2": (
        "X-Ray tracing of CDK's waiter state machine adds cost without insight; its executions are logged"
    ),
}
REASONS = {
    BASIC_EXECUTION_ROLE: "CDK Provider framework functions: AWS basic execution role for their own logs only",
    "NIST.800.53.R5-LambdaDLQ": (
        "invoked synchronously (CloudFormation -> Provider framework -> handler); a failure is reported "
        "to CloudFormation, so an asynchronous dead-letter queue would never receive anything"
    ),
    "NIST.800.53.R5-IAMNoInlinePolicy": "CDK Provider framework roles carry CDK's generated invoke policies inline",
    "NIST.800.53.R5-LambdaConcurrency": "CDK Provider framework functions run once per stack operation",
    "NIST.800.53.R5-LambdaInsideVPC": (
        "CDK Provider framework functions only call Lambda, Step Functions and the CloudFormation "
        "response URL and touch no data; the platform VPC deliberately has no such endpoints"
    ),
}


def acknowledge_provider_framework(
    scope: Construct, provider: cr.Provider, handlers: Sequence[lambda_.Function]
) -> None:
    """Acknowledge the framework findings on ``scope`` (the construct owning the provider)."""
    stack = cdk.Stack.of(scope)
    framework = [c for c in provider.node.find_all() if isinstance(c, lambda_.CfnFunction)]
    invoked = [h.node.default_child for h in handlers]
    invoked += [f for f in framework if "isComplete" in f.node.path or "onTimeout" in f.node.path]
    versions = {
        f"AwsSolutions-IAM5[Resource::<{stack.get_logical_id(f)}.Arn>:*]": (  # type: ignore[arg-type]
            "CDK Provider framework invokes these functions and their versions (':*'), nothing else"
        )
        for f in invoked
    }
    waiter = any("waiter-state-machine" in c.node.path for c in provider.node.find_all())
    acknowledge(scope, {**versions, **REASONS, **(WAITER_REASONS if waiter else {})})


def acknowledged_provider(scope: Construct, logs_key: IKey, on_event: lambda_.Function, **options: Any) -> cr.Provider:
    """CDK's Provider framework in ``scope`` (ids ``ProviderLogs`` and ``Provider``), logging to a log group
    encrypted with ``logs_key``, with its findings acknowledged. ``options`` go to ``cr.Provider``; an
    ``is_complete_handler`` is invoked by the framework too."""
    provider_logs = logs.LogGroup(
        scope,
        "ProviderLogs",
        encryption_key=logs_key,
        retention=logs.RetentionDays.ONE_YEAR,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    if options.pop("log_waiter", False):  # the waiter state machine logs to the same group
        options["disable_waiter_state_machine_logging"] = False
        options["waiter_state_machine_log_options"] = cr.LogOptions(
            destination=provider_logs, level=sfn.LogLevel.ALL, include_execution_data=False
        )
    provider = cr.Provider(scope, "Provider", on_event_handler=on_event, log_group=provider_logs, **options)
    handlers = [on_event, *([options["is_complete_handler"]] if "is_complete_handler" in options else [])]
    acknowledge_provider_framework(scope, provider, handlers)
    return provider
