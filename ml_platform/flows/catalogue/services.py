"""AWS services writing to the platform's resources: alarms, budgets and rules to topics and
queues; Ground Truth, CloudWatch Logs and VPC flow logs (``service_logs``) (issue #17).

Alarm and rule flows are derived from the templates (every alarm action, every rule target and
dead-letter queue), so a new alarm or rule cannot skip its proof.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...assembly.cloud_assembly import StackInstance
from ..model import Flow, Role, Service, allow, deny, in_area
from ..platform import OUTSIDE_ACCOUNT, Platform
from .service_logs import ground_truth, logs_and_flow_logs

AREA = "services"
ALARMS_DOC = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html"
SNS_KMS_DOC = "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html"
EVENTS_DOC = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html"
BUDGETS_DOC = "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html"
LOGS_KMS_DOC = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html"
S3_LOGS_DOC = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html"


def _resources(platform: Platform, kind: str) -> Iterator[tuple[StackInstance, str, dict[str, Any]]]:
    for stack in platform.assembly.stacks:
        for logical_id, resource in stack.resources.items():
            if resource["Type"] == kind:
                yield stack, logical_id, platform.resolver.resolve(stack, resource.get("Properties", {}))


def _topic_key(platform: Platform, topic_arn: str) -> str:
    """The KMS key ARN of a topic the stacks create."""
    for stack, logical_id, props in _resources(platform, "AWS::SNS::Topic"):
        if platform.resolver.ref(stack, logical_id) == topic_arn:
            return str(props["KmsMasterKeyId"])
    raise ValueError(f"no stack creates topic {topic_arn}")


def _alarms(platform: Platform) -> list[Flow]:
    """Every alarm's actions can publish, through the topic policy and the topic's key."""
    flows: list[Flow] = []
    keys: dict[str, tuple[str, str]] = {}
    for stack, logical_id, props in _resources(platform, "AWS::CloudWatch::Alarm"):
        alarm = platform.resolver.get_att(stack, logical_id, "Arn")
        cloudwatch = Service("cloudwatch.amazonaws.com", stack.account, alarm)
        for topic in (a for a in props.get("AlarmActions", []) if ":sns:" in a):  # autoscaling actions need no policy
            flows.append(
                allow(f"alarm {props['AlarmName']} notifies its topic", cloudwatch, "sns:Publish", topic, ALARMS_DOC)
            )
            keys[stack.account] = (_topic_key(platform, topic), alarm)
    for account, (key, alarm) in sorted(keys.items()):
        cloudwatch = Service("cloudwatch.amazonaws.com", account, alarm)
        flows.append(
            allow(
                f"CloudWatch encrypts notifications with {account}'s alerts key",
                cloudwatch,
                "kms:GenerateDataKey",
                key,
                SNS_KMS_DOC,
            )
        )
    prod = platform.roles[-1]
    topic, prefix = platform.alerts_topic(prod.stage_id), platform.naming(prod.slug).resource("")
    test = platform.account("test")
    foreign = Service("cloudwatch.amazonaws.com", test, platform.arn("cloudwatch", test, f"alarm:{prefix}x"))
    stray = Service(
        "cloudwatch.amazonaws.com", prod.account_id, platform.arn("cloudwatch", prod.account_id, "alarm:handmade")
    )
    why = "issue #17: CloudWatch publishes for this account's platform alarms only (aws:SourceAccount, aws:SourceArn)"
    flows += [
        deny("an alarm of another account publishes to prod's alerts topic", foreign, "sns:Publish", topic, why),
        deny("an alarm outside the platform prefix publishes to prod's alerts topic", stray, "sns:Publish", topic, why),
    ]
    return flows


def _budgets(platform: Platform) -> list[Flow]:
    flows: list[Flow] = []
    for role in platform.roles:
        name = platform.naming(role.slug).resource("monthly", 100)
        budgets = Service("budgets.amazonaws.com", role.account_id, f"arn:aws:budgets::{role.account_id}:budget/{name}")
        topic = platform.alerts_topic(role.stage_id)
        flows += [
            allow(f"budget of {role.slug} notifies its topic", budgets, "sns:Publish", topic, BUDGETS_DOC),
            allow(
                f"budget of {role.slug} encrypts with the alerts key",
                budgets,
                "kms:GenerateDataKey",
                _topic_key(platform, topic),
                SNS_KMS_DOC,
            ),
        ]
    return flows


def _rules(platform: Platform) -> list[Flow]:
    """Every rule target and dead-letter queue accepts what EventBridge delivers for the rule."""
    flows: list[Flow] = []
    for stack, logical_id, props in _resources(platform, "AWS::Events::Rule"):
        rule = platform.resolver.get_att(stack, logical_id, "Arn")
        name = stack.path_of(logical_id).split("/")[-2]
        events = Service("events.amazonaws.com", stack.account, rule)
        for target in props.get("Targets", []):
            arn = str(target["Arn"])
            if ":sns:" in arn:
                flows.append(
                    allow(
                        f"rule {name} of {stack.stage} publishes to {arn.split(':')[-1]}",
                        events,
                        "sns:Publish",
                        arn,
                        EVENTS_DOC,
                    )
                )
                # No source context on KMS for EventBridge-to-encrypted topics (SNS docs).
                key = _topic_key(platform, arn)
                flows.append(
                    allow(
                        f"rule {name} of {stack.stage} encrypts for its topic",
                        Service("events.amazonaws.com"),
                        "kms:GenerateDataKey",
                        key,
                        SNS_KMS_DOC,
                    )
                )
            elif ":lambda:" in arn:
                flows.append(
                    allow(
                        f"rule {name} of {stack.stage} invokes its function",
                        events,
                        "lambda:InvokeFunction",
                        arn,
                        EVENTS_DOC,
                    )
                )
            elif "RoleArn" in target:
                assumer = Service("events.amazonaws.com", stack.account, rule)
                flows.append(
                    allow(
                        f"EventBridge assumes the target role of rule {name} of {stack.stage}",
                        assumer,
                        "sts:AssumeRole",
                        str(target["RoleArn"]),
                        EVENTS_DOC,
                    )
                )
                action = "states:StartExecution" if ":states:" in arn else "events:PutEvents"
                flows.append(
                    allow(
                        f"rule {name} of {stack.stage} delivers to its target",
                        Role(str(target["RoleArn"])),
                        action,
                        arn,
                        EVENTS_DOC,
                    )
                )
            else:
                raise ValueError(f"{stack.path_of(logical_id)}: no flow known for a rule target {arn}")
            dead_letters = target.get("DeadLetterConfig", {}).get("Arn")
            if dead_letters:
                flows.append(
                    allow(
                        f"rule {name} of {stack.stage} parks undelivered events",
                        events,
                        "sqs:SendMessage",
                        str(dead_letters),
                        EVENTS_DOC,
                    )
                )
    shared = platform.roles[0]
    outsider = Service("events.amazonaws.com", OUTSIDE_ACCOUNT, platform.arn("events", OUTSIDE_ACCOUNT, "rule/spam"))
    flows.append(
        deny(
            "a rule of another account publishes to the shared alerts topic",
            outsider,
            "sns:Publish",
            platform.alerts_topic(shared.stage_id),
            "confused-deputy guard: the topic admits EventBridge for this account only (aws:SourceAccount)",
        )
    )
    return flows


def flows(platform: Platform) -> list[Flow]:
    return in_area(
        AREA,
        [
            *_alarms(platform),
            *_budgets(platform),
            *_rules(platform),
            *ground_truth(platform),
            *logs_and_flow_logs(platform),
        ],
    )
