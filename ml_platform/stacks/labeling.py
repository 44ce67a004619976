"""Ground Truth in a data science account: private workforce, custom workflow functions and
the labeling job role (book ch3; AS-7)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from aws_cdk import aws_kms as kms
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from ..constructs.lambda_function import PlatformFunction
from ..constructs.ml_vpc import MlVpc
from ..constructs.private_workforce import PrivateWorkforce, SesSender
from ..constructs.sagemaker_role import SageMakerRole
from ..constructs.scoped_policy import Grant
from ..context import PROJECT_ROOT
from ..naming import partition_for
from ..schema.labeling import LabelingConfig, LabelingTask
from .base import PlatformStack, StackContext

# The post-annotation function's names for the task kinds (lambda/labeling_post_annotation).
_TASK_TYPES = {LabelingTask.TEXT_CLASSIFICATION: "classification", LabelingTask.BOUNDING_BOX: "bounding_box"}
PRE_CODE = PROJECT_ROOT / "lambda" / "labeling_pre_annotation"
POST_CODE = PROJECT_ROOT / "lambda" / "labeling_post_annotation"
PRE_FUNCTION, POST_FUNCTION = "gt-pre-annotation", "gt-post-annotation"  # name purposes
SYNC_INVOKE = (
    "Ground Truth invokes the function synchronously and handles its errors per data object; "
    "an asynchronous dead-letter queue would never receive anything"
)


class LabelingStack(PlatformStack):
    """Stateful (termination-protected): the user pool holds the workers' accounts."""

    STATEFUL = True
    DESCRIPTION = "Ground Truth private workforce and custom workflow of {slug}."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        labeling: LabelingConfig,
        bucket_name: str,
        data_key: kms.IKey,
        notification_key: kms.IKey,
        logs_key: kms.IKey,
        network: MlVpc,
    ) -> None:
        super().__init__(scope, construct_id, context)
        naming = self.naming
        partition = partition_for(self.region)
        email = labeling.invitation_email
        self.workforce = PrivateWorkforce(
            self,
            "Workforce",
            name=naming.resource("labeling"),
            workteam_name=labeling.workteam_name,
            key=notification_key,
            logs_key=logs_key,
            mfa=labeling.mfa,
            source_ip_cidrs=[str(c) for c in labeling.source_ip_cidrs],
            invitation_email=SesSender(**email.model_dump()) if email is not None else None,
        )
        bucket = f"arn:{partition}:s3:::{bucket_name}"
        categories = json.dumps(list(labeling.label_categories), separators=(",", ":"))
        self.pre = self._workflow_function(
            "PreAnnotation",
            PRE_FUNCTION,
            PRE_CODE,
            logs_key,
            network,
            grants=[],
            environment={"LABEL_CATEGORIES": categories},
        )
        self.post = self._workflow_function(
            "PostAnnotation",
            POST_FUNCTION,
            POST_CODE,
            logs_key,
            network,
            timeout_seconds=300,
            environment={
                "TASK_TYPE": _TASK_TYPES[labeling.task_type],
                "TIE_BREAK": labeling.tie_break.value,
                "BOX_MATCH_IOU": f"{labeling.box_match_iou:g}",
                "LABEL_CATEGORIES": categories,
            },
            grants=[  # reads the workers' annotations Ground Truth writes to the labeling bucket, nothing else
                Grant(
                    "ReadAnnotations", ["s3:GetObject"], [f"{bucket}/*"], why="annotation files of the labeling bucket"
                ),
                Grant("DataKey", ["kms:Decrypt", "kms:DescribeKey"], [data_key.key_arn]),
            ],
        )
        functions = [
            f"arn:{partition}:lambda:{self.region}:{self.account}:function:{naming.resource(n)}"
            for n in (PRE_FUNCTION, POST_FUNCTION)
        ]
        self.job_role = SageMakerRole(
            self,
            "JobRole",
            role_name=naming.resource("sm-labeling"),
            description="Execution role of the team's Ground Truth labeling jobs",
            grants=_job_grants(
                partition, self.region, self.account, bucket, data_key.key_arn, functions, labeling.automated_labeling
            ),
        )

    def _workflow_function(
        self,
        construct_id: str,
        purpose: str,
        code_dir: Path,
        logs_key: kms.IKey,
        network: MlVpc,
        *,
        grants: Sequence[Grant],
        environment: Mapping[str, str],
        timeout_seconds: int = 60,
    ) -> PlatformFunction:
        """A custom workflow function: in the team's VPC, called by Ground Truth synchronously."""
        function = PlatformFunction(
            self,
            construct_id,
            function_name=self.naming.resource(purpose),
            code_dir=code_dir,
            handler="handler.lambda_handler",
            logs_key=logs_key,
            grants=grants,
            reserved_concurrency=10,
            timeout_seconds=timeout_seconds,
            environment=environment,
            vpc=network.vpc,
            subnets=network.subnets.subnets,
            security_groups=[network.sagemaker_sg],
        )
        acknowledge(function, {"NIST.800.53.R5-LambdaDLQ": SYNC_INVOKE})
        return function


def _job_grants(
    partition: str, region: str, account: str, bucket: str, key_arn: str, functions: list[str], automated: bool
) -> list[Grant]:
    """Scoped to the labeling bucket, its key and the two workflow functions (AS-7)."""
    grants = [
        Grant(
            "LabelingObjects",
            ["s3:GetObject", "s3:PutObject", "s3:GetBucketLocation"],
            [f"{bucket}/*", bucket],
            why="input manifests, outputs and templates of the labeling bucket",
        ),
        Grant("LabelingListing", ["s3:ListBucket"], [bucket]),
        Grant("DataKey", ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"], [key_arn]),
        Grant("WorkflowFunctions", ["lambda:InvokeFunction"], functions),
        Grant(
            "JobLogs",
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            [f"arn:{partition}:logs:{region}:{account}:log-group:/aws/sagemaker/LabelingJobs*"],
            why="Ground Truth's own log group",
        ),
    ]
    if automated:  # active learning trains and runs a model on the job's behalf (book ch3)
        sm = f"arn:{partition}:sagemaker:{region}:{account}"
        grants.append(
            Grant(
                "AutomatedLabeling",
                [
                    "sagemaker:CreateTrainingJob",
                    "sagemaker:CreateTransformJob",
                    "sagemaker:CreateModel",
                    "sagemaker:DescribeTrainingJob",
                    "sagemaker:DescribeTransformJob",
                    "sagemaker:AddTags",
                ],
                [f"{sm}:training-job/*", f"{sm}:transform-job/*", f"{sm}:model/*"],
                why="jobs of automated labeling",
            )
        )
    return grants
