"""The release of one model package group: test, a person's approval, then prod (WF-11, XA-11).

Each step, in the target account: the group's latest released version becomes its previous one
(the champion of an A/B test), the approved package its latest; then each hosting stack that
hosts the group's models is updated with its previous template and parameters (its
``Released<Model>`` parameters resolve the SSM values again, so CloudFormation creates the new
model and endpoint config, or the endpoint itself on a first release) and polled until the
update completes. Any failure notifies and fails the run.
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from ..release import NONE, ReleasedGroup, ReleaseStackTarget, ReleaseTarget
from .release_governance import governance_check

PACKAGE_ARN = "$.detail.ModelPackageArn"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
IN_PROGRESS = ("UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")


class ReleaseStateMachine(Construct):
    """Props:
    state_machine_name: physical name from the naming helper.
    group: the released group and its targets in order (from ``release.released_groups``).
    role: the state machine's role (the deployer roles trust exactly this role).
    deployer_roles: account -> ARN of the deployer role to assume there.
    topic: where approvals are requested and failures reported (encrypted).
    log_group: encrypted log group for the execution history.
    poll_seconds: wait between stack status checks.
    approval_days: how long a prod approval may wait before the run times out.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        state_machine_name: str,
        group: ReleasedGroup,
        role: iam.IRole,
        deployer_roles: Mapping[str, str],
        topic: sns.ITopic,
        log_group: logs.ILogGroup,
        poll_seconds: int = 60,
        approval_days: int = 7,
    ) -> None:
        super().__init__(scope, construct_id)
        self._topic = topic
        self._poll = cdk.Duration.seconds(poll_seconds)
        failed = self._notify("NotifyFailure", f"Release of {group.group} failed").next(
            sfn.Fail(self, "ReleaseFailed", cause=f"Release of {group.group} failed", error="ReleaseFailed")
        )
        done = self._notify("NotifyReleased", f"Released {group.group}").next(sfn.Succeed(self, "Released"))

        chain: sfn.IChainable = done
        first_prod = next((t for t in group.targets if t.environment == "prod"), None)
        deployers = {
            account: sfn.Credentials(
                role=sfn.TaskRole.from_role(
                    iam.Role.from_role_arn(self, f"Deployer{account}", deployer_roles[account], mutable=False)
                )
            )
            for account in sorted({t.account for t in group.targets})
        }
        for target in reversed(group.targets):
            chain = self._deploy(target, deployers[target.account], failed, chain)
            if target is first_prod:  # one approval before the first prod stack
                chain = self._approval(group, approval_days, failed).next(chain)
        if group.production_stage is not None or group.require_model_card:  # docs/model-governance.md
            chain = governance_check(self, group, topic, failed, chain)

        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_name=state_machine_name,
            definition_body=sfn.DefinitionBody.from_chainable(chain),
            role=role,
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
            timeout=cdk.Duration.days(approval_days + 1),
        )

    def _notify(self, state_id: str, subject: str) -> tasks.SnsPublish:
        return tasks.SnsPublish(
            self,
            state_id,
            topic=self._topic,
            subject=subject,
            message=sfn.TaskInput.from_object(
                {"modelPackageArn": sfn.JsonPath.string_at(PACKAGE_ARN), "execution": sfn.JsonPath.execution_id}
            ),
            result_path=sfn.JsonPath.DISCARD,
        )

    def _approval(self, group: ReleasedGroup, days: int, failed: sfn.IChainable) -> tasks.SnsPublish:
        """A person approves the promotion to prod (WF-11): send-task-success with the token."""
        approve = tasks.SnsPublish(
            self,
            "ApprovePromotion",
            topic=self._topic,
            subject=f"Approve release of {group.group} to prod",
            integration_pattern=sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
            message=sfn.TaskInput.from_object(
                {
                    "modelPackageArn": sfn.JsonPath.string_at(PACKAGE_ARN),
                    "taskToken": sfn.JsonPath.task_token,
                    "approve": "aws stepfunctions send-task-success --task-output '{}' --task-token <taskToken>",
                    "reject": "aws stepfunctions send-task-failure --error Rejected --task-token <taskToken>",
                }
            ),
            task_timeout=sfn.Timeout.duration(cdk.Duration.days(days)),
            result_path=sfn.JsonPath.DISCARD,
        )
        approve.add_catch(failed, result_path="$.error")
        return approve

    def _deploy(
        self, target: ReleaseTarget, credentials: sfn.Credentials, failed: sfn.IChainable, next_state: sfn.IChainable
    ) -> sfn.IChainable:
        """In the target account: the old latest version becomes the previous one (if any), the
        approved package the latest; then each hosting stack re-resolves its SSM parameters."""
        env = target.environment.capitalize()

        def ssm(action: str, state: str, parameters: dict[str, object], **kw: object) -> tasks.CallAwsService:
            name = str(parameters["Name"])
            arn = f"arn:{cdk.Aws.PARTITION}:ssm:{cdk.Aws.REGION}:{target.account}:parameter{name}"
            return tasks.CallAwsService(
                self,
                state,
                service="ssm",
                action=action,
                parameters=parameters,
                iam_resources=[arn],
                credentials=credentials,
                **kw,  # type: ignore[arg-type]
            )

        def read(track: str, name: str) -> tasks.CallAwsService:
            return ssm(
                "getParameter",
                f"Read{env}{track.capitalize()}",
                {"Name": name},
                result_selector={"value": sfn.JsonPath.string_at("$.Parameter.Value")},
                result_path=f"$.{track}",
            )

        def put(state: str, name: str, value: str) -> tasks.CallAwsService:
            parameters = {"Name": name, "Value": value, "Type": "String", "Overwrite": True}
            return ssm("putParameter", state, parameters, result_path=sfn.JsonPath.DISCARD)

        latest, previous = sfn.JsonPath.string_at("$.latest.value"), sfn.JsonPath.string_at("$.previous.value")
        keep = put(f"Record{env}Previous", target.previous, latest)
        record = put(f"Record{env}Latest", target.latest, sfn.JsonPath.string_at(PACKAGE_ARN))
        # A failed update puts both parameters back, so the next deploy of the account (cdk deploy,
        # the platform pipeline) resolves what is running, not the package that failed.
        restores = [
            put(f"Restore{env}Latest", target.latest, latest),
            put(f"Restore{env}Previous", target.previous, previous),
        ]
        restore = sfn.Chain.start(restores[0]).next(restores[1]).next(failed)
        reads = [read("latest", target.latest), read("previous", target.previous)]
        chain: sfn.IChainable = next_state
        for stack in reversed(target.stacks):
            chain = self._update(stack, target.account, credentials, restore, chain)
        first_release = sfn.Condition.string_equals("$.latest.value", NONE)
        shift = sfn.Choice(self, f"{env}HadRelease").when(first_release, record).otherwise(keep.next(record))
        record.next(chain)
        for task in (*reads, *restores):
            task.add_catch(failed, result_path="$.error")
        for task in (keep, record):
            task.add_catch(restore, result_path="$.error")
        return sfn.Chain.start(reads[0]).next(reads[1]).next(shift)

    def _update(
        self,
        stack: ReleaseStackTarget,
        account: str,
        credentials: sfn.Credentials,
        failed: sfn.IChainable,
        next_state: sfn.IChainable,
    ) -> sfn.IChainable:
        """UpdateStack with the previous template and parameter keys, then poll until done."""
        env = stack.label
        stack_arn = f"arn:{cdk.Aws.PARTITION}:cloudformation:{cdk.Aws.REGION}:{account}:stack/{stack.stack_name}/*"
        update = tasks.CallAwsService(
            self,
            f"Update{env}",
            service="cloudformation",
            action="updateStack",
            parameters={
                "StackName": stack.stack_name,
                "UsePreviousTemplate": True,
                "Capabilities": CAPABILITIES,
                "Parameters": [{"ParameterKey": p, "UsePreviousValue": True} for p in stack.parameters],
            },
            iam_resources=[stack_arn],
            credentials=credentials,
            result_path=sfn.JsonPath.DISCARD,
        )
        wait = sfn.Wait(self, f"Wait{env}", time=sfn.WaitTime.duration(self._poll))
        describe = tasks.CallAwsService(
            self,
            f"Describe{env}",
            service="cloudformation",
            action="describeStacks",
            parameters={"StackName": stack.stack_name},
            iam_resources=[stack_arn],
            credentials=credentials,
            result_selector={"status": sfn.JsonPath.string_at("$.Stacks[0].StackStatus")},
            result_path="$.stack",
        )
        # UpdateStack refuses an update that changes nothing ("No updates are to be performed"):
        # a stack whose models of this group resolve the same values (e.g. a shard hosting only
        # the group's previous version, on its first release) is already up to date.
        unchanged = (
            sfn.Choice(self, f"{env}Unchanged")
            .when(sfn.Condition.string_matches("$.error.Cause", "*No updates are to be performed*"), next_state)
            .otherwise(failed)
        )
        update.add_catch(unchanged, result_path="$.error")
        describe.add_catch(failed, result_path="$.error")
        check = (
            sfn.Choice(self, f"{env}Updated")
            .when(sfn.Condition.string_equals("$.stack.status", "UPDATE_COMPLETE"), next_state)
            .when(sfn.Condition.or_(*(sfn.Condition.string_equals("$.stack.status", s) for s in IN_PROGRESS)), wait)
            .otherwise(failed)
        )
        return sfn.Chain.start(update).next(wait).next(describe).next(check)
