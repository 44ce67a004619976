"""A team's managed MLflow: ``AWS::SageMaker::MlflowApp`` or ``AWS::SageMaker::MlflowTrackingServer`` with its
own least-privilege role (issue #22).

The role is what MLflow acts as (RoleArn of both types): it writes and reads the artefacts under one prefix of
one bucket with one key, and registers models into the Model Package Groups automatic registration creates
(``<registered model>-<suffix>``, https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-track-experiments-model-registration.html).
The actions are those AWS lists for the MLflow service role (S3 artefact store and the SageMaker Model Registry,
https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-create-tracking-server-iam.html), each on its resources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..mlflow_support import MlflowKind
from ..naming import partition_for
from .sagemaker_role import SageMakerRole
from .scoped_policy import Grant


@dataclass(frozen=True)
class MlflowArtefactStore:
    """Where MLflow keeps artefacts: a prefix of an S3 bucket encrypted with ``key_arn`` (SSE-KMS)."""

    bucket_name: str
    prefix: str
    key_arn: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket_name}/{self.prefix}"


class MlflowServer(Construct):
    """Managed MLflow of one account, retained (its runs and registered models live in it).

    Props:
        kind: ``MlflowKind.APP`` (serverless, where the region has it) or ``MlflowKind.TRACKING_SERVER``.
        name: the app's or tracking server's name (create-only: changing it replaces the resource).
        role_name: physical name of the MLflow role.
        store: the artefact store (bucket, prefix, key).
        registry_groups: Model Package Group names or IAM patterns automatic registration may create and add
            versions to; empty: the role gets no registry permission and registration is off.
        size: tracking server size (``Small`` default); ignored by an app.
        version: tracking server MLflow version (None: AWS's default); an app's is read-only.
        maintenance_window: ``WeeklyMaintenanceWindowStart`` (UTC, e.g. ``Tue:03:30``), or None.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        kind: MlflowKind,
        name: str,
        role_name: str,
        store: MlflowArtefactStore,
        registry_groups: Sequence[str] = (),
        size: str = "Small",
        version: str | None = None,
        maintenance_window: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.kind = kind
        self.role = SageMakerRole(
            self,
            "Role",
            role_name=role_name,
            description=f"Role of the managed MLflow {name}: its artefacts and model registration only",
            grants=self._grants(stack, store, registry_groups),
        )
        registration = bool(registry_groups)
        resource: cdk.CfnResource
        if kind == MlflowKind.APP:
            app = sagemaker.CfnMlflowApp(
                self,
                "App",
                name=name,
                artifact_store_uri=store.uri,
                role_arn=self.role.role_arn,
                model_registration_mode=f"AutoModelRegistration{'Enabled' if registration else 'Disabled'}",
                weekly_maintenance_window_start=maintenance_window,
            )
            self.arn = app.attr_arn
            resource = app
        else:
            server = sagemaker.CfnMlflowTrackingServer(
                self,
                "TrackingServer",
                tracking_server_name=name,
                artifact_store_uri=store.uri,
                role_arn=self.role.role_arn,
                automatic_model_registration=registration,
                tracking_server_size=size,
                mlflow_version=version,
                weekly_maintenance_window_start=maintenance_window,
            )
            self.arn = server.attr_tracking_server_arn
            resource = server
        # The server holds the experiments, runs and registered models: never deleted with the stack.
        resource.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        resource.node.add_dependency(self.role)  # MLflow checks its role's access when it starts
        self.resource = resource

    @staticmethod
    def _grants(stack: cdk.Stack, store: MlflowArtefactStore, registry_groups: Sequence[str]) -> list[Grant]:
        partition = partition_for(stack.region)  # a literal, as in every platform policy
        bucket = f"arn:{partition}:s3:::{store.bucket_name}"
        grants = [
            Grant(
                "ArtefactObjects",
                ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
                [f"{bucket}/{store.prefix}/*"],
                why="artefacts are named by run at run time, under MLflow's own prefix",
            ),
            Grant(
                "ArtefactList",
                ["s3:ListBucket"],
                [bucket],
                conditions={"StringLike": {"s3:prefix": [store.prefix, f"{store.prefix}/*"]}},
            ),
            Grant("ArtefactBucketLocation", ["s3:GetBucketLocation"], [bucket]),
            # The bucket's default encryption (SSE-KMS with the data key): S3 asks KMS as the caller.
            Grant(
                "ArtefactKey",
                ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                [store.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{stack.region}.amazonaws.com"}},
            ),
        ]
        if registry_groups:
            base = f"arn:{partition}:sagemaker:{stack.region}:{stack.account}"
            groups = [g.lower() for g in registry_groups]  # SageMaker lowercases names in ARNs
            grants.append(
                Grant(
                    "AutomaticModelRegistration",
                    [
                        "sagemaker:CreateModelPackageGroup",
                        "sagemaker:DescribeModelPackageGroup",
                        "sagemaker:CreateModelPackage",
                        "sagemaker:DescribeModelPackage",
                        "sagemaker:UpdateModelPackage",
                        "sagemaker:AddTags",
                    ],
                    [f"{base}:model-package-group/{g}" for g in groups]
                    + [f"{base}:model-package/{g}/*" for g in groups],
                    why="the groups automatic registration names after the team's groups, and their versions",
                )
            )
        return grants
