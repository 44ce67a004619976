"""Model package approvals that really changed: the gate between the model events bus and the releases.

SageMaker sends "SageMaker Model Package State Change" for every update of a package, with the package's
current ``ModelApprovalStatus`` but not its previous one
(https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html#eventbridge-model-package),
so an EventBridge pattern cannot tell an approval from a metadata edit of an approved package. The gate
remembers each package's last approval status in a table: a conditional UpdateItem records the new one
and fails (``DynamoDB.ConditionalCheckFailedException``) when it is the same, which ends the run. A change
to Approved starts the package group's release state machine; a change to Rejected notifies the topic.
Both are retried; if they still fail, the recorded status is forgotten again (so the package's next event
goes through) and the run fails, which the stack's failure rule announces. (Issue #19, defect 7.)
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from .state_machine_role import state_machine_role
from .status_table import recreatable_table

PACKAGE_ARN = "$.detail.ModelPackageArn"
STATUS = "$.detail.ModelApprovalStatus"


class ApprovalGate(Construct):
    """Props:
    state_machine_name: physical name from the naming helper.
    releases: (account, model package group) -> the state machine that releases that group.
    role_name: physical name of the gate's own role (Step Functions; the task constructs add its statements).
    key: encrypts the table of last approval statuses, and is the topic's key.
    topic: where rejections are announced (encrypted with ``key``).
    log_group: encrypted log group for the execution history.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        state_machine_name: str,
        releases: Mapping[tuple[str, str], sfn.IStateMachine],
        role_name: str,
        key: kms.IKey,
        topic: sns.ITopic,
        log_group: logs.ILogGroup,
    ) -> None:
        super().__init__(scope, construct_id)
        # Its own role: the release role's policy names the release machines, which depend on it.
        # The table and the topic share the key, hence one key on the role.
        self.role = state_machine_role(
            self,
            "Role",
            role_name=role_name,
            description="Approval gate: record each package's approval status, start its release, notify",
            key=key,
            tasks="update the status table, start the named release machines, publish, X-Ray, log delivery",
        )
        self.table = recreatable_table(
            self,
            "LastApprovalStatus",
            partition_key="ModelPackageArn",
            key=key,
            loss=(
                "Holds only each package's last approval status; losing it at worst lets one unrelated edit "
                "through once."
            ),
        )
        record = tasks.DynamoUpdateItem(
            self,
            "RecordStatus",
            table=self.table,
            key={"ModelPackageArn": tasks.DynamoAttributeValue.from_string(sfn.JsonPath.string_at(PACKAGE_ARN))},
            update_expression="SET ApprovalStatus = :status",
            condition_expression="attribute_not_exists(ApprovalStatus) OR ApprovalStatus <> :status",
            expression_attribute_values={
                ":status": tasks.DynamoAttributeValue.from_string(sfn.JsonPath.string_at(STATUS))
            },
            result_path=sfn.JsonPath.DISCARD,
        )
        record.add_catch(sfn.Succeed(self, "StatusUnchanged"), errors=["DynamoDB.ConditionalCheckFailedException"])
        forget = tasks.DynamoDeleteItem(
            self,
            "ForgetStatus",
            table=self.table,
            key={"ModelPackageArn": tasks.DynamoAttributeValue.from_string(sfn.JsonPath.string_at(PACKAGE_ARN))},
            result_path=sfn.JsonPath.DISCARD,
        ).next(sfn.Fail(self, "GateFailed", error="ApprovalGateFailed", cause="release start or notice failed"))
        rejected = tasks.SnsPublish(
            self,
            "NotifyRejected",
            topic=topic,
            subject="Model package rejected",
            message=sfn.TaskInput.from_text(
                sfn.JsonPath.format("Model package {} was rejected.", sfn.JsonPath.string_at(PACKAGE_ARN))
            ),
            result_path=sfn.JsonPath.DISCARD,
        )
        _retry_then(rejected, forget)
        route = sfn.Choice(self, "ApprovedOrRejected").when(sfn.Condition.string_equals(STATUS, "Rejected"), rejected)
        for (account, group), machine in sorted(releases.items(), key=lambda item: item[0]):
            start = tasks.StepFunctionsStartExecution(
                self,
                f"Release{account}{group}",
                state_machine=machine,
                input=sfn.TaskInput.from_json_path_at("$"),  # the release reads the same event
                result_path=sfn.JsonPath.DISCARD,
            )
            _retry_then(start, forget)
            approved_here = sfn.Condition.and_(
                sfn.Condition.string_equals(STATUS, "Approved"),
                sfn.Condition.string_equals("$.account", account),
                sfn.Condition.string_equals("$.detail.ModelPackageGroupName", group),
            )
            route.when(approved_here, start)
        route.otherwise(sfn.Succeed(self, "NoReleaseConfigured"))
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_name=state_machine_name,
            definition_body=sfn.DefinitionBody.from_chainable(record.next(route)),
            role=self.role,
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
            timeout=cdk.Duration.minutes(5),
        )


def _retry_then(task: sfn.TaskStateBase, on_failure: sfn.IChainable) -> None:
    """Retry a transient failure a few times, then go to ``on_failure`` (the run's input kept)."""
    task.add_retry(errors=["States.ALL"], interval=cdk.Duration.seconds(5), max_attempts=3, backoff_rate=2)
    task.add_catch(on_failure, errors=["States.ALL"], result_path="$.error")
