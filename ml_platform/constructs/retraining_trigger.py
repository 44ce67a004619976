"""Monitor violations start a team's model build pipeline, at most once per window (book ch11, ch12).

EventBridge (monitoring jobs that complete with violations, violation alarms) -> a function
that assumes the team's trigger role and calls StartPipelineExecution, de-duplicated with
Powertools idempotency in an encrypted DynamoDB table. Events that cannot be delivered, and
invocations that fail after Lambda's retries, land in a dead-letter queue.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from ..context import PROJECT_ROOT
from ..naming import partition_for
from ..retraining import RetrainingTarget
from .dead_letter_queue import DeadLetterQueue
from .lambda_function import PlatformFunction
from .scoped_policy import Grant
from .status_table import recreatable_table

CODE = PROJECT_ROOT / "lambda" / "retraining_trigger"


class RetrainingTrigger(Construct):
    """Props:
    function_name: physical name; the function's role has the same name (the team roles trust it).
    retraining_targets: per monitored endpoint, the pipeline and the team role to assume.
    schedules: monitoring schedule name -> endpoint.
    alarms: violation alarm name -> endpoint.
    key: encrypts the idempotency table.
    alerts_key: encrypts the dead-letter queue (EventBridge may use it).
    logs_key: encrypts the function's log group.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function_name: str,
        retraining_targets: Sequence[RetrainingTarget],
        schedules: Mapping[str, str],
        alarms: Mapping[str, str],
        key: kms.IKey,
        alerts_key: kms.IKey,
        logs_key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.table = recreatable_table(  # only de-duplication records, each expiring
            self,
            "Idempotency",
            partition_key="id",
            key=key,
            time_to_live_attribute="expiration",
            loss=(
                "Holds only de-duplication records that expire after one window; losing them at worst allows "
                "one extra retraining."
            ),
        )
        self.dead_letters = DeadLetterQueue(
            self,
            "DeadLetters",
            queue_name=f"{function_name}-dlq",
            encryption_key=alerts_key,
            function_dead_letters=True,
        )
        queue = self.dead_letters.queue
        self.function = PlatformFunction(
            self,
            "Function",
            function_name=function_name,
            role_name=function_name,
            code_dir=CODE,
            handler="handler.lambda_handler",
            logs_key=logs_key,
            reserved_concurrency=2,
            timeout_seconds=60,
            memory_mb=256,
            environment={
                "TARGETS": json.dumps(
                    {
                        t.endpoint: {
                            "pipeline_arn": t.pipeline_arn,
                            "role_arn": t.role_arn,
                            "window_seconds": t.window_seconds,
                        }
                        for t in retraining_targets
                    },
                    sort_keys=True,
                ),
                "SCHEDULES": json.dumps(dict(schedules), sort_keys=True),
                "ALARMS": json.dumps(dict(alarms), sort_keys=True),
                "IDEMPOTENCY_TABLE": self.table.table_name,
            },
            grants=[
                Grant("AssumeTeamTriggerRoles", ["sts:AssumeRole"], sorted({t.role_arn for t in retraining_targets})),
                Grant(
                    "IdempotencyRecords",
                    ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
                    [self.table.table_arn],
                ),
                Grant("DeadLetters", ["sqs:SendMessage"], [queue.queue_arn]),
                Grant(
                    "ReadMonitoringExecutions",
                    ["sagemaker:ListMonitoringExecutions"],
                    ["*"],
                    why="a List action IAM scopes to no resource type; the status decides violations (issue #19)",
                ),
                Grant(
                    "UseKeys",
                    ["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"],
                    [key.key_arn, alerts_key.key_arn],
                ),
            ],
            dead_letter_queue_arn=queue.queue_arn,
        )
        acknowledge(
            self.function,
            {
                "NIST.800.53.R5-LambdaInsideVPC": (
                    "Control-plane calls only (STS, StartPipelineExecution across accounts, DynamoDB); it reads "
                    "no data, and the hosting VPC has no DynamoDB or cross-account path it would need."
                )
            },
        )
        target = targets.LambdaFunction(self.function.function, dead_letter_queue=queue, retry_attempts=4)
        partition, region, account = partition_for(stack.region), stack.region, stack.account
        schedule_arns = [
            f"arn:{partition}:sagemaker:{region}:{account}:monitoring-schedule/{name.lower()}"
            for name in sorted(schedules)
        ]
        self.rules = [
            events.Rule(
                self,
                "MonitoringViolations",
                # Every completed job of these schedules: the function reads its monitoring execution's
                # status (CompletedWithViolations) with ListMonitoringExecutions, since the job event has
                # no documented field that says so (issue #19).
                description="Completed monitoring jobs are checked for violations, which start retraining",
                event_pattern=events.EventPattern(
                    source=["aws.sagemaker"],
                    detail_type=["SageMaker Processing Job State Change"],
                    detail={
                        "ProcessingJobStatus": ["Completed"],
                        "MonitoringScheduleArn": schedule_arns,
                    },
                ),
                targets=[target],
            )
        ]
        if alarms:
            self.rules.append(
                events.Rule(
                    self,
                    "ViolationAlarms",
                    description="Monitor violation alarms going to ALARM start retraining",
                    event_pattern=events.EventPattern(
                        source=["aws.cloudwatch"],
                        detail_type=["CloudWatch Alarm State Change"],
                        detail={"alarmName": sorted(alarms), "state": {"value": ["ALARM"]}},
                    ),
                    targets=[target],
                )
            )
