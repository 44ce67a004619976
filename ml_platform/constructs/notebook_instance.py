"""Notebook instance with the platform's guardrails (DS-1, DS-2, WA-SEC-3, AWS Solutions SM1-SM3)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct


class NotebookInstance(Construct):
    """In a private subnet, no direct internet, no root, KMS-encrypted volume, auto-stop.

    Props:
        instance_name, instance_type: e.g. ``ml.t3.large`` (book's approved list).
        role_arn: its SageMaker execution role.
        subnet_id, security_group_ids: the private network (``MlVpc``).
        kms_key_arn: customer key for the ML storage volume.
        lifecycle_config_name: e.g. the ``NotebookIdleStop`` configuration.
        volume_size_gb: ML storage volume size (default 20).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        instance_name: str,
        instance_type: str,
        role_arn: str,
        subnet_id: str,
        security_group_ids: Sequence[str],
        kms_key_arn: str,
        lifecycle_config_name: str,
        volume_size_gb: float = 20,
    ) -> None:
        super().__init__(scope, construct_id)
        self.instance = sagemaker.CfnNotebookInstance(
            self,
            "Instance",
            notebook_instance_name=instance_name,
            instance_type=instance_type,
            role_arn=role_arn,
            subnet_id=subnet_id,
            security_group_ids=list(security_group_ids),
            kms_key_id=kms_key_arn,
            direct_internet_access="Disabled",
            root_access="Disabled",
            lifecycle_config_name=lifecycle_config_name,
            volume_size_in_gb=volume_size_gb,
            # IMDSv2 only: session tokens for the instance metadata (checkov CKV_AWS_371).
            instance_metadata_service_configuration=(
                sagemaker.CfnNotebookInstance.InstanceMetadataServiceConfigurationProperty(
                    minimum_instance_metadata_service_version="2"
                )
            ),
        )
