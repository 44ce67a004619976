"""Topic policy statements that let an AWS service publish for one of this account's resources."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns


def allow_service_publish(topic: sns.ITopic, *, sid: str, service: str, source: str) -> None:
    """Let ``<service>.amazonaws.com`` publish to ``topic`` only on behalf of this account's
    resource ``source`` (the part of its ARN after the account, wildcards allowed): the
    ``aws:SourceAccount`` and ``aws:SourceArn`` conditions keep other accounts' resources
    from using the service to publish here (confused deputy)."""
    stack = cdk.Stack.of(topic)
    source_arn = f"arn:{stack.partition}:{service}:{stack.region}:{stack.account}:{source}"
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid=sid,
            principals=[iam.ServicePrincipal(f"{service}.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={
                "StringEquals": {"aws:SourceAccount": stack.account},
                "ArnLike": {"aws:SourceArn": source_arn},
            },
        )
    )
