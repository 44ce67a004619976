"""Forward matching events of this account's default bus to a bus in another account (XA-10)."""

from __future__ import annotations

from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from ..compliance.acknowledgements import acknowledge


class EventForwarder(Construct):
    """An EventBridge rule whose target is another account's event bus.

    Props:
        rule_name: physical name from the naming helper.
        description: what is forwarded and why.
        event_pattern: which events; keep it narrow (the receiving bus policy names this account).
        target_bus_arn: the receiving bus (its policy must allow this account's PutEvents).
        dead_letters: where undeliverable events go (nothing is silently dropped).

    The rule gets its own role allowed ``events:PutEvents`` on exactly that bus.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        rule_name: str,
        description: str,
        event_pattern: events.EventPattern,
        target_bus_arn: str,
        dead_letters: sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        bus = events.EventBus.from_event_bus_arn(self, "TargetBus", target_bus_arn)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("events.amazonaws.com"),
            description=f"Forwards {rule_name} events to {target_bus_arn}",
        )
        self.rule = events.Rule(
            self,
            "Rule",
            rule_name=rule_name,
            description=description,
            event_pattern=event_pattern,
            targets=[targets.EventBus(bus, role=self.role, dead_letter_queue=dead_letters)],
        )
        acknowledge(
            self.role,
            {
                "NIST.800.53.R5-IAMNoInlinePolicy": (
                    "CDK's EventBus target writes this role's one statement (events:PutEvents on exactly the "
                    "target bus) inline; the role serves this rule only."
                )
            },
        )
