"""Model build in a team's data science account: registry groups, SageMaker pipelines, and
the events that start a release (book ch8, ch12, ch14; REG-1, WF-1..WF-8, XA-10)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..constructs.alerts_topic import alert_target
from ..constructs.dead_letter_queue import DeadLetterQueue
from ..constructs.event_forwarder import EventForwarder
from ..constructs.ml_vpc import MlVpc
from ..constructs.model_package_group import ModelPackageGroup
from ..constructs.scoped_policy import Grant, ScopedPolicy
from ..naming import partition_for
from ..pipelines.model_build import BuildTarget, model_build_definition
from ..retraining import TRIGGER_ROLE_PURPOSE
from ..schema.governance import ModelLifecycleConfig
from ..schema.model_build import ModelBuildConfig
from .base import PlatformStack, StackContext

PACKAGE_STATE_CHANGE = "SageMaker Model Package State Change"
PIPELINE_STATUS_CHANGE = "SageMaker Model Building Pipeline Execution Status Change"


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


class ModelBuildStack(PlatformStack):
    """Stateless except the registry groups, which are retained (their packages are the record)."""

    STATEFUL = False
    DESCRIPTION = "Model build pipelines and registry of the {slug} account."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        builds: Sequence[ModelBuildConfig],
        pipeline_role: iam.IRole,
        bucket_name: str,
        volume_key: kms.IKey,
        network: MlVpc,
        artefacts_uri: str,
        artefacts_key: str,
        image_registry: str,
        deploy_accounts: Sequence[str],
        model_events_bus_arn: str,
        alerts_topic: sns.ITopic,
        alerts_key: kms.IKey,
        retraining_callers: Mapping[str, Sequence[str]] | None = None,
        lifecycle: ModelLifecycleConfig | None = None,
        release_account: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id, context)
        self.groups: dict[str, ModelPackageGroup] = {}
        self.pipelines: dict[str, sagemaker.CfnPipeline] = {}
        for build in builds:
            self.groups[build.model_package_group] = ModelPackageGroup(
                self,
                f"Group{_pascal(build.model_package_group)}",
                group_name=build.model_package_group,
                description=build.description,
                deploy_accounts=deploy_accounts,
                # A governed group's release machine reads each version's card and stage (model governance).
                reader_accounts=[release_account] if build.governance and release_account else [],
            )
            target = BuildTarget(
                region=self.region,
                role_arn=pipeline_role.role_arn,
                bucket=bucket_name,
                artefacts_uri=f"{artefacts_uri}/{build.name}",
                artefacts_key=artefacts_key,
                volume_key=volume_key.key_arn,
                subnet_ids=network.subnets.subnet_ids,
                security_group_ids=[network.sagemaker_sg.security_group_id],
                image_registry=image_registry,
            )
            pipeline = sagemaker.CfnPipeline(
                self,
                f"Pipeline{_pascal(build.name)}",
                pipeline_name=build.name,
                pipeline_display_name=build.name,
                pipeline_description=build.description or None,
                role_arn=pipeline_role.role_arn,
                # Typed Any: PascalCase keys; tokens (subnets, keys) resolve through to_json_string.
                pipeline_definition={
                    "PipelineDefinitionBody": self.to_json_string(
                        model_build_definition(build, target, lifecycle or ModelLifecycleConfig())
                    )
                },
            )
            pipeline.node.add_dependency(self.groups[build.model_package_group])
            self.pipelines[build.name] = pipeline

        if retraining_callers:
            self._trigger_role(retraining_callers)
        dead_letters = DeadLetterQueue(
            self, "EventDeadLetters", queue_name=self.naming.resource("model-events-dlq", 80), encryption_key=alerts_key
        )
        groups = sorted(self.groups)
        if groups:
            # XA-10: approvals and rejections go to shared services, which releases or notifies.
            self.forwarder = EventForwarder(
                self,
                "ApprovalForwarder",
                rule_name=self.naming.resource("model-approvals"),
                description="Forwards model package approvals and rejections to the shared services bus",
                event_pattern=events.EventPattern(
                    source=["aws.sagemaker"],
                    detail_type=[PACKAGE_STATE_CHANGE],
                    detail={"ModelPackageGroupName": groups, "ModelApprovalStatus": ["Approved", "Rejected"]},
                ),
                target_bus_arn=model_events_bus_arn,
                dead_letters=dead_letters.queue,
            )
        if self.pipelines:
            # WF-8: a failed pipeline run tells the team.
            events.Rule(
                self,
                "PipelineFailures",
                rule_name=self.naming.resource("pipeline-failures"),
                description="Failed model build pipeline executions notify the team's alerts topic",
                event_pattern=events.EventPattern(
                    source=["aws.sagemaker"],
                    detail_type=[PIPELINE_STATUS_CHANGE],
                    detail={
                        "currentPipelineExecutionStatus": ["Failed"],
                        "pipelineArn": [
                            f"arn:{self.partition}:sagemaker:{self.region}:{self.account}:pipeline/{name.lower()}"
                            for name in sorted(self.pipelines)
                        ],
                    },
                ),
                targets=[
                    alert_target(
                        alerts_topic,
                        dead_letters.queue,
                        "Model build pipeline {0} failed (execution {1}).",
                        "$.detail.pipelineArn",
                        "$.detail.pipelineExecutionArn",
                    )
                ],
            )

    def _trigger_role(self, callers: Mapping[str, Sequence[str]]) -> None:
        """XA-11: the hosting accounts' retraining functions may start exactly these pipelines."""
        functions = sorted({arn for arns in callers.values() for arn in arns})
        accounts = sorted({arn.split(":")[4] for arn in functions})
        self.trigger_role = iam.Role(
            self,
            "RetrainingTriggerRole",
            role_name=self.naming.resource(TRIGGER_ROLE_PURPOSE),
            description="Assumed by the hosting accounts' retraining functions to start model build pipelines",
            assumed_by=iam.CompositePrincipal(*(iam.AccountPrincipal(a) for a in accounts)).with_conditions(
                {"ArnEquals": {"aws:PrincipalArn": functions}}
            ),
        )
        partition = partition_for(self.region)
        policy = ScopedPolicy(
            self,
            "RetrainingTriggerPolicy",
            name=None,
            description="Start the pipelines that monitors retrain",
            grants=[
                Grant(
                    "StartRetraining",
                    ["sagemaker:StartPipelineExecution", "sagemaker:DescribePipelineExecution"],
                    [
                        f"arn:{partition}:sagemaker:{self.region}:{self.account}:pipeline/{name.lower()}{suffix}"
                        for name in sorted(callers)
                        for suffix in ("", "/execution/*")
                    ],
                    why="executions of exactly these pipelines, named at run time",
                )
            ],
        )
        self.trigger_role.add_managed_policy(policy.policy)
