"""Shared services side of model release: the model events bus, the approval gate (only real changes of
approval status go on), one release state machine per released group, and notifications for rejections
and failed releases (book ch12, ch14)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from ..constructs.alerts_topic import alert_target
from ..constructs.approval_gate import ApprovalGate
from ..constructs.dead_letter_queue import DeadLetterQueue
from ..constructs.release_governance import held_approval_detail, package_read_acknowledgements, release_rule_detail
from ..constructs.release_state_machine import ReleaseStateMachine
from ..constructs.state_machine_role import state_machine_role
from ..naming import partition_for
from ..release import MODEL_EVENTS_PURPOSE, RELEASE_ROLE_PURPOSE, ReleasedGroup
from .base import PlatformStack, StackContext
from .model_build import PACKAGE_STATE_CHANGE

EXECUTION_STATUS_CHANGE = "Step Functions Execution Status Change"


class ModelReleaseStack(PlatformStack):
    """Stateless: the bus and state machines can be recreated; runs in flight would be lost."""

    STATEFUL = False
    DESCRIPTION = "Model events bus and approval-driven release of models to test and prod."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        team_accounts: Sequence[str],
        groups: Sequence[ReleasedGroup],
        deployer_roles: Mapping[str, str],
        alerts_topic: sns.ITopic,
        alerts_key: kms.IKey,
        logs_key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id, context)
        naming = self.naming
        self.bus = events.EventBus(self, "ModelEvents", event_bus_name=naming.resource(MODEL_EVENTS_PURPOSE))
        # Exactly the data science accounts may put events (XA-10). A plain CfnResource: the L1
        # class sets its deprecated 'principal' property and so warns on every synth.
        cdk.CfnResource(
            self,
            "ModelEventsPolicy",
            type="AWS::Events::EventBusPolicy",
            properties={
                "EventBusName": self.bus.event_bus_name,
                "StatementId": "DataScienceAccountsPutEvents",
                "Statement": {
                    "Sid": "DataScienceAccountsPutEvents",
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": [f"arn:{partition_for(self.region)}:iam::{a}:root" for a in sorted(set(team_accounts))]
                    },
                    "Action": "events:PutEvents",
                    "Resource": self.bus.event_bus_arn,
                },
            },
        )
        dead_letters = DeadLetterQueue(
            self, "EventDeadLetters", queue_name=naming.resource("release-events-dlq", 80), encryption_key=alerts_key
        )
        # Publishing to the encrypted alerts topic: the alerts key.
        self.role = state_machine_role(
            self,
            "ReleaseRole",
            role_name=naming.resource(RELEASE_ROLE_PURPOSE),
            description="Release state machines: assume the deployer roles in test and prod, notify",
            key=alerts_key,
            tasks="publish to the alerts topic, assume the named deployer roles, X-Ray, log delivery",
            more_acknowledgements=package_read_acknowledgements(list(groups))
            | {
                f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:{t.account}:"
                f"stack/{s.stack_name}/*]": (
                    "CallAwsService names the hosting stack it updates in the target account (suffix = stack "
                    "ID); the call runs as the deployer role there, which is what grants it."
                )
                for g in groups
                for t in g.targets
                for s in t.stacks
            },
        )
        log_group = logs.LogGroup(
            self,
            "ReleaseLogs",
            log_group_name=f"/aws/vendedlogs/states/{naming.resource('model-release')}",
            encryption_key=logs_key,
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.state_machines: dict[str, ReleaseStateMachine] = {}
        for group in groups:
            machine = ReleaseStateMachine(
                self,
                "Release" + "".join(p.capitalize() for p in f"{group.team}-{group.group}".split("-")),
                state_machine_name=naming.resource(f"release-{group.team}-{group.group}", 80),
                group=group,
                role=self.role,
                deployer_roles=deployer_roles,
                topic=alerts_topic,
                log_group=log_group,
            )
            self.state_machines[f"{group.team}/{group.group}"] = machine

        # Only a change of approval status goes on: the package events carry no previous status, so the
        # gate remembers it (issue #19). Approved starts the group's release, Rejected notifies.
        gate = ApprovalGate(
            self,
            "ApprovalGate",
            state_machine_name=naming.resource("release-approval-gate", 80),
            releases={(g.account, g.group): self.state_machines[f"{g.team}/{g.group}"].state_machine for g in groups},
            role_name=naming.resource("release-approval-gate"),
            key=alerts_key,
            topic=alerts_topic,
            log_group=log_group,
        )
        events.Rule(
            self,
            "ApprovalChanges",
            event_bus=self.bus,
            description="Approvals and rejections of model packages go through the approval gate",
            event_pattern=events.EventPattern(
                source=["aws.sagemaker"],
                detail_type=[PACKAGE_STATE_CHANGE],
                account=sorted(set(team_accounts)),
                # Completed: a package registered already approved sends events while it is still being
                # created; the gate would record the first and swallow the one where it is usable.
                # Governed groups: approvals only in the production stage (docs/model-governance.md).
                detail=release_rule_detail(list(groups)),
            ),
            targets=[targets.SfnStateMachine(gate.state_machine, dead_letter_queue=dead_letters.queue)],
        )
        acknowledge(
            gate.state_machine,
            {
                "NIST.800.53.R5-IAMNoInlinePolicy": (
                    "CDK's Step Functions rule target writes its role's one statement (states:StartExecution "
                    "on exactly this state machine) inline."
                )
            },
        )
        held = held_approval_detail(list(groups))
        if held is not None:  # governed approvals outside the production stage: say nothing was released
            events.Rule(
                self,
                "GovernedApprovalsHeld",
                event_bus=self.bus,
                description="Approvals of governed groups outside the production stage are announced, not released",
                event_pattern=events.EventPattern(
                    source=["aws.sagemaker"],
                    detail_type=[PACKAGE_STATE_CHANGE],
                    account=sorted(set(team_accounts)),
                    detail=held,
                ),
                targets=[
                    alert_target(
                        alerts_topic,
                        dead_letters.queue,
                        "Version {0} was approved outside the production stage: nothing was released. The "
                        "approver sets the production stage and approves again (docs/model-governance.md).",
                        "$.detail.ModelPackageArn",
                    )
                ],
            )
        # Timeouts and aborts end a run without passing its own failure notification; the gate's failures too.
        events.Rule(
            self,
            "ReleaseFailures",
            description="Release runs that fail, time out or are aborted notify the platform team",
            event_pattern=events.EventPattern(
                source=["aws.states"],
                detail_type=[EXECUTION_STATUS_CHANGE],
                detail={
                    "status": ["FAILED", "TIMED_OUT", "ABORTED"],
                    "stateMachineArn": [
                        *(m.state_machine.state_machine_arn for _, m in sorted(self.state_machines.items())),
                        gate.state_machine.state_machine_arn,  # a release it could not start
                    ],
                },
            ),
            targets=[
                alert_target(
                    alerts_topic,
                    dead_letters.queue,
                    "Release {0} ended {1}.",
                    "$.detail.executionArn",
                    "$.detail.status",
                )
            ],
        )
