"""The platform's own delivery: a self-mutating CDK pipeline in shared services (WF-10, XC-2).

Source (CodeConnections or CodeCommit, from config) -> synth running ``make synth`` and
``make test`` -> the pipeline updates itself -> the account stages in deploy order: shared
services, data lake, the data science accounts (one wave), test, then prod after a person
approves. Each stage deploys with the target account's bootstrap roles (``cdk bootstrap
--trust <shared services>``), see docs/model-release.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_codecommit as codecommit
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import pipelines
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from ..deploy_order import PIPELINE_STACK_ID as PIPELINE_STACK_ID
from ..deploy_order import Wave
from ..naming import partition_for
from ..schema.model_build import PlatformPipelineConfig
from ..stages.account_stage import AccountStage
from ..topology import AccountKind
from .base import PlatformStack, StackContext

ARTIFACT_LOGS_PREFIX = "platform-pipeline"  # server access logs in the shared services log bucket
APPROVAL_STEP = "PromoteToProduction"
APPROVAL_COMMENT = "Test is deployed; approve to deploy the platform to production."


def _source(scope: Construct, source: PlatformPipelineConfig) -> pipelines.CodePipelineSource:
    if source.codecommit_repository is not None:
        repository = codecommit.Repository.from_repository_name(scope, "Repository", source.codecommit_repository)
        return pipelines.CodePipelineSource.code_commit(repository, source.branch)
    assert source.repository is not None and source.connection_arn is not None
    return pipelines.CodePipelineSource.connection(
        source.repository, source.branch, connection_arn=source.connection_arn, code_build_clone_output=False
    )


class PlatformPipelineStack(PlatformStack):
    """Stateless; its artifact bucket and key are CDK Pipelines' own (retained by CDK)."""

    STATEFUL = False
    DESCRIPTION = "Self-mutating pipeline that deploys every account stage of the ML platform."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        source: PlatformPipelineConfig,
        stages: Sequence[AccountStage],
        waves: Sequence[Wave],
        env: cdk.Environment,
        access_logs_bucket: str,
    ) -> None:
        super().__init__(scope, construct_id, context, env=env)
        self.pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            pipeline_name=self.naming.resource("platform-pipeline", 100),
            cross_account_keys=True,  # artifacts are read by the other accounts' deploy roles
            enable_key_rotation=True,
            docker_enabled_for_synth=False,
            synth=pipelines.ShellStep(
                "Synth",
                input=_source(self, source),
                # make synth builds the venv (pinned), Node 24 and the CDK CLI; make test runs every test.
                commands=[f"make synth CONFIG={source.config_file}", f"make test CONFIG={source.config_file}"],
                primary_output_directory="cdk.out",
            ),
            code_build_defaults=pipelines.CodeBuildOptions(
                build_environment=codebuild.BuildEnvironment(
                    build_image=codebuild.LinuxBuildImage.STANDARD_7_0, compute_type=codebuild.ComputeType.MEDIUM
                )
            ),
        )
        # The waves of the documented deploy (ml_platform/deploy_order.py): the README's
        # commands and ``make rehearse`` walk the same list.
        by_id = {stage.role.stage_id: stage for stage in stages}
        for wave in waves:
            if wave.kind == AccountKind.DATA_SCIENCE:
                parallel = self.pipeline.add_wave(wave.name)
                for stage_id in wave.stages:
                    parallel.add_stage(by_id[stage_id])
                continue
            [stage_id] = wave.stages
            pre = [pipelines.ManualApprovalStep(APPROVAL_STEP, comment=APPROVAL_COMMENT)] if wave.approval else []
            self.pipeline.add_stage(by_id[stage_id], pre=pre)
        self.pipeline.build_pipeline()
        if source.connection_arn is not None:
            self._allow_both_connection_prefixes(source.connection_arn)
        self._harden_artifact_bucket(access_logs_bucket)
        acknowledge(self, _acknowledgements(self.account, self.region))

    def _allow_both_connection_prefixes(self, connection_arn: str) -> None:
        """CDK grants ``codestar-connections:UseConnection`` only. Since the rename to AWS
        CodeConnections, a connection whose ARN is ``arn:aws:codeconnections:...`` is authorized
        under the ``codeconnections:`` prefix ("the service prefix needs to match that of the
        resource": https://docs.aws.amazon.com/dtconsole/latest/userguide/security-iam.html), so the
        source action would be denied: grant both prefixes."""
        source_stage = self.pipeline.pipeline.node.find_child("Source")
        roles = [c for c in source_stage.node.find_all() if isinstance(c, iam.Role)]
        assert roles, "the source action has a role (CodePipeline creates one per action)"
        for role in roles:
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=["codeconnections:UseConnection", "codestar-connections:UseConnection"],
                    resources=[connection_arn],
                )
            )

    def _harden_artifact_bucket(self, access_logs_bucket: str) -> None:
        """CDK Pipelines' own bucket: give it the platform bucket baseline (XC-4) it lacks."""
        bucket = self.pipeline.pipeline.artifact_bucket.node.default_child
        assert isinstance(bucket, s3.CfnBucket)
        bucket.versioning_configuration = s3.CfnBucket.VersioningConfigurationProperty(status="Enabled")
        bucket.ownership_controls = s3.CfnBucket.OwnershipControlsProperty(
            rules=[s3.CfnBucket.OwnershipControlsRuleProperty(object_ownership="BucketOwnerEnforced")]
        )
        bucket.logging_configuration = s3.CfnBucket.LoggingConfigurationProperty(
            destination_bucket_name=access_logs_bucket, log_file_prefix=f"{ARTIFACT_LOGS_PREFIX}/"
        )
        bucket.lifecycle_configuration = s3.CfnBucket.LifecycleConfigurationProperty(
            rules=[
                s3.CfnBucket.RuleProperty(
                    id="TransientArtifacts",
                    status="Enabled",
                    noncurrent_version_expiration=s3.CfnBucket.NoncurrentVersionExpirationProperty(noncurrent_days=30),
                    abort_incomplete_multipart_upload=s3.CfnBucket.AbortIncompleteMultipartUploadProperty(
                        days_after_initiation=7
                    ),
                )
            ]
        )
        bucket.apply_removal_policy(cdk.RemovalPolicy.RETAIN)


_CDK_ROLES = (
    "CDK Pipelines writes its roles' generated policies inline (pipeline, source, synth, self-mutation, "
    "asset publishing); each serves this pipeline only."
)
_ARTIFACTS = (
    "CDK Pipelines' artifact bucket holds transient build output between actions (KMS with the pipeline's "
    "cross-account key, TLS-only, no public access); the source of truth is the repository."
)


def _acknowledgements(account: str, region: str) -> dict[str, str]:
    """What CDK Pipelines generates and why it is acceptable (docs/model-release.md)."""
    artifact_actions = ("s3:List*", "s3:GetObject*", "s3:GetBucket*", "s3:DeleteObject*", "s3:Abort*")
    partition = partition_for(region)  # CDK writes the partition as a literal for a stack in a known region
    reasons = {
        "NIST.800.53.R5-IAMNoInlinePolicy": _CDK_ROLES,
        "NIST.800.53.R5-S3BucketReplicationEnabled": _ARTIFACTS,
        "AwsSolutions-IAM5[Resource::<PipelineArtifactsBucketAEA9A052.Arn>/*]": (
            "CDK Pipelines' grants on its own artifact bucket: objects are named per run"
        ),
        "AwsSolutions-IAM5[Action::kms:ReEncrypt*]": "CDK's grant on the pipeline's own artifact key",
        "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]": "CDK's grant on the pipeline's own artifact key",
        "AwsSolutions-IAM5[Resource::*]": (
            "CodeBuild's generated statements for actions without resource scope (ecr:GetAuthorizationToken, "
            "sts:AssumeRole of the target accounts' bootstrap roles by tag)"
        ),
        f"AwsSolutions-IAM5[Resource::arn:{partition}:logs:{region}:{account}:log-group:/aws/codebuild/*]": (
            "CodeBuild log groups of the asset publishing projects, named at run time"
        ),
        f"AwsSolutions-IAM5[Resource::arn:{partition}:codebuild:{region}:{account}:report-group/*]": (
            "CodeBuild test report groups of the asset publishing projects, named at run time"
        ),
        f"AwsSolutions-IAM5[Resource::arn:*:iam::{account}:role/*]": (
            "Self-mutation assumes the CDK bootstrap roles of this account (selected by the "
            "aws-cdk:bootstrap-role tag condition CDK adds)"
        ),
    }
    reasons |= {
        f"AwsSolutions-IAM5[Action::{a}]": "CDK's grant on the pipeline's own artifact bucket" for a in artifact_actions
    }
    for project in ("PipelineUpdatePipelineSelfMutationDAA41400", "PipelineBuildSynthCdkBuildProject6BEFA8E6"):
        reasons[
            f"AwsSolutions-IAM5[Resource::arn:{partition}:logs:{region}:{account}:log-group:/aws/codebuild/<{project}>:*]"
        ] = "CodeBuild's log streams of this project, named per build"
        reasons[
            f"AwsSolutions-IAM5[Resource::arn:{partition}:codebuild:{region}:{account}:report-group/<{project}>-*]"
        ] = "CodeBuild's report groups of this project, named per build"
    return reasons
