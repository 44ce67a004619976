"""Product "Basic SageMaker Notebook Instance Environment" (DS-1, DS-2, SC-2, AS-3)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .. import platform_parameters as params
from ..compliance.acknowledgements import acknowledge
from ..constructs.notebook_instance import NotebookInstance
from ..constructs.secure_bucket import SecureBucket
from ..personas import NOTEBOOK_GRANTS
from .launch_parameters import PlatformProduct, platform_value

PRODUCT_NAME = "Basic SageMaker Notebook Instance Environment"
# Bump when the template changes (synth fails otherwise); list the old ones to keep them.
CURRENT_VERSION = "release-2.1"
# Release notes: 1.0 initial; 1.1 instance metadata through IMDSv2 only; 2.0 the role's
# permissions split into managed policies IAM accepts (docs/service-catalog.md); 2.1 the role's
# trust allows sts:SetSourceIdentity (issue #22; 2.0 is not offered: its jobs would fail).
VERSION_DESCRIPTION = "Release notes in docs/service-catalog.md (2.1: source identity, issue #22)"
LOGS_PREFIX = "notebook-products/"
# 1.0 and 1.1 are no longer offered: their role policy is over IAM's 6,144-character limit, so
# no launch of them can succeed (issue #17). Their snapshots stay in the repository as history.
PREVIOUS_VERSIONS: tuple[str, ...] = ()


class NotebookProduct(PlatformProduct):
    """A notebook instance (private subnet, no internet, no root, KMS volume, auto-stop), its
    execution role (under the platform's permissions boundary) and an encrypted bucket."""

    def __init__(self, scope: Construct, construct_id: str, *, stage_tag_keys: Sequence[str]) -> None:
        super().__init__(scope, construct_id, product_name=PRODUCT_NAME, stage_tag_keys=stage_tag_keys)
        name = cdk.CfnParameter(
            self,
            "NotebookInstanceName",
            type="String",
            default="myNotebook",
            allowed_pattern="[A-Za-z0-9-]{1,63}",
            min_length=1,
            max_length=63,
            description="Name of the notebook instance (letters, digits, hyphens)",
        )
        instance_type = cdk.CfnParameter(
            self,
            "NotebookInstanceType",
            type="String",
            description="Instance type (the portfolio allows only approved types)",
        )
        volume = cdk.CfnParameter(
            self,
            "NotebookVolumeSize",
            type="Number",
            default=20,
            min_value=5,
            max_value=100,
            description="ML storage volume size in GB",
        )
        subnets = platform_value(self, "SubnetIds", params.SUBNET_IDS, as_list=True)
        group = platform_value(self, "SecurityGroupId", params.SAGEMAKER_SECURITY_GROUP)
        volume_key = platform_value(self, "VolumeKeyArn", params.STUDIO_KEY_ARN)
        data_key = platform_value(self, "DataKeyArn", params.DATA_KEY_ARN)
        lifecycle = platform_value(self, "LifecycleConfigName", params.NOTEBOOK_LIFECYCLE_CONFIG)
        logs_bucket = platform_value(self, "AccessLogsBucket", params.ACCESS_LOGS_BUCKET)
        launch = self.role_parameters()

        bucket = SecureBucket(
            self,
            "Bucket",
            bucket_name=None,
            access_logs_prefix=LOGS_PREFIX,
            encryption_key=kms.Key.from_key_arn(self, "DataKey", data_key.value_as_string),
            access_logs_bucket=s3.Bucket.from_bucket_name(self, "AccessLogs", logs_bucket.value_as_string),
        )
        acknowledge(
            bucket,
            {
                "NIST.800.53.R5-S3BucketReplicationEnabled": "single-region platform (XC-5); versioned and retained",
                "Annotation::@aws-cdk/aws-s3:accessLogsPolicyNotAdded": (
                    "the account's access log bucket accepts logs under notebook-products/ from every bucket "
                    "of the account (AccessLogsBucket.allow_logs_from_account_buckets)"
                ),
            },
        )
        role = self.execution_role(
            launch,
            description="Execution role of a notebook product",
            capabilities=NOTEBOOK_GRANTS,
            bucket_name=bucket.bucket_name,
            key_arns=[data_key.value_as_string, volume_key.value_as_string],
        )
        notebook = NotebookInstance(
            self,
            "Notebook",
            instance_name=name.value_as_string,
            instance_type=instance_type.value_as_string,
            role_arn=role.role_arn,
            subnet_id=cdk.Fn.select(0, subnets.value_as_list),
            security_group_ids=[group.value_as_string],
            kms_key_arn=volume_key.value_as_string,
            lifecycle_config_name=lifecycle.value_as_string,
            volume_size_gb=volume.value_as_number,
        )
        notebook.node.add_dependency(*role.policies)  # the instance starts with its permissions in place
        cdk.CfnOutput(self, "NotebookInstanceNameOutput", value=name.value_as_string)
        cdk.CfnOutput(self, "BucketName", value=bucket.bucket_name)
