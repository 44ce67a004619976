"""Encrypted SNS topic for platform alerts (alarms, budgets, pipeline failures)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
import jsii
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from .topic_publishers import allow_service_publish


class AlertsTopic(Construct):
    """SNS topic encrypted with a customer key, publish over TLS only.

    Props:
        topic_name: physical name from the naming helper.
        encryption_key: customer key; it must let the publishing services (CloudWatch,
            EventBridge, Budgets) use it, see ``PlatformKey(service_principals=...)``.
        email_subscribers: addresses subscribed to the topic (each confirms by email).
        alarm_name_prefix: CloudWatch may publish for this account's alarms whose names start
            with it (every platform alarm does); no other alarm, no other account.

    EventBridge targets (``alert_target``) may publish for rules of this account only: CDK's
    target grants ``events.amazonaws.com`` without a condition, so an aspect adds
    ``aws:SourceAccount`` to that statement (confused-deputy guard; EventBridge User Guide,
    "Amazon SNS permissions": https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topic_name: str,
        encryption_key: kms.IKey,
        email_subscribers: Sequence[str] = (),
        alarm_name_prefix: str,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.topic = sns.Topic(
            self,
            "Topic",
            topic_name=topic_name,
            display_name=topic_name,
            master_key=encryption_key,
            enforce_ssl=True,
        )
        for address in email_subscribers:
            self.topic.add_subscription(subscriptions.EmailSubscription(address))
        # Alarm actions publish as cloudwatch.amazonaws.com (issue #17: without this statement no
        # alarm could notify). "Amazon SNS topic policies for CloudWatch alarms":
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
        allow_service_publish(
            self.topic, sid="CloudWatchAlarmsPublish", service="cloudwatch", source=f"alarm:{alarm_name_prefix}*"
        )
        cdk.Aspects.of(self).add(_EventBridgeFromThisAccount(stack.account))


@jsii.implements(cdk.IAspect)
class _EventBridgeFromThisAccount:
    """Adds ``aws:SourceAccount`` to the topic policy statements that admit EventBridge."""

    def __init__(self, account: str) -> None:
        self.account = account

    def visit(self, node: object) -> None:
        if not isinstance(node, sns.CfnTopicPolicy):
            return
        document = cdk.Stack.of(node).resolve(node.policy_document)
        for index, statement in enumerate(document.get("Statement", [])):
            if statement.get("Principal") == {"Service": "events.amazonaws.com"} and "Condition" not in statement:
                node.add_property_override(
                    f"PolicyDocument.Statement.{index}.Condition",
                    {"StringEquals": {"aws:SourceAccount": self.account}},
                )


def alert_target(topic: sns.ITopic, dead_letters: sqs.IQueue, text: str, *paths: str) -> targets.SnsTopic:
    """An EventBridge target that posts ``text`` to the alerts topic, ``{0}``, ``{1}``... filled
    from the event ``paths``; what cannot be delivered goes to ``dead_letters``."""
    message = text.format(*(events.EventField.from_path(path) for path in paths))
    return targets.SnsTopic(topic, dead_letter_queue=dead_letters, message=events.RuleTargetInput.from_text(message))
