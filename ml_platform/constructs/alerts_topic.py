"""Encrypted SNS topic for platform alerts (alarms, budgets, pipeline failures)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class AlertsTopic(Construct):
    """SNS topic encrypted with a customer key, publish over TLS only.

    Props:
        topic_name: physical name from the naming helper.
        encryption_key: customer key; it must let the publishing services (CloudWatch,
            EventBridge, Budgets) use it, see ``PlatformKey(service_principals=...)``.
        email_subscribers: addresses subscribed to the topic (each confirms by email).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topic_name: str,
        encryption_key: kms.IKey,
        email_subscribers: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
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


def alert_target(topic: sns.ITopic, dead_letters: sqs.IQueue, text: str, *paths: str) -> targets.SnsTopic:
    """An EventBridge target that posts ``text`` to the alerts topic, ``{0}``, ``{1}``... filled
    from the event ``paths``; what cannot be delivered goes to ``dead_letters``."""
    message = text.format(*(events.EventField.from_path(path) for path in paths))
    return targets.SnsTopic(topic, dead_letter_queue=dead_letters, message=events.RuleTargetInput.from_text(message))
