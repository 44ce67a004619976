"""MLOps project template for SageMaker Projects: a model build/deploy skeleton (SC-2, WF-14)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from .launch_parameters import PlatformProduct

PRODUCT_NAME = "MLOps Model Build and Deploy Project"
CURRENT_VERSION = "release-1.0"
PREVIOUS_VERSIONS: tuple[str, ...] = ()
# Service Catalog products with this tag appear as organisation templates in SageMaker Projects.
STUDIO_VISIBILITY_TAG = ("sagemaker:studio-visibility", "true")


class MlopsProjectProduct(PlatformProduct):
    """What SageMaker Projects passes (SageMakerProjectName/Id) names the project's model
    package group, where the model build pipeline registers models pending manual approval
    (book ch8, ch12). The build pipeline and release path are added by the model build
    capability (issue #7) on top of this skeleton."""

    def __init__(self, scope: Construct, construct_id: str, *, stage_tag_keys: Sequence[str]) -> None:
        super().__init__(scope, construct_id, product_name=PRODUCT_NAME, stage_tag_keys=stage_tag_keys)
        project_name = cdk.CfnParameter(
            self,
            "SageMakerProjectName",
            type="String",
            min_length=1,
            max_length=32,
            allowed_pattern="^[a-zA-Z](-*[a-zA-Z0-9])*",
            description="Name of the project (set by SageMaker Projects)",
        )
        project_id = cdk.CfnParameter(
            self,
            "SageMakerProjectId",
            type="String",
            min_length=1,
            max_length=16,
            description="ID of the project (set by SageMaker Projects)",
        )
        group_name = cdk.Fn.join("-", [project_name.value_as_string, project_id.value_as_string])
        group = sagemaker.CfnModelPackageGroup(
            self,
            "ModelPackageGroup",
            model_package_group_name=group_name,
            model_package_group_description="Models of the project; new versions wait for manual approval",
        )
        group.apply_removal_policy(cdk.RemovalPolicy.RETAIN)  # registered model history is stateful
        cdk.Tags.of(group).add("MLProject", project_name.value_as_string)  # REG tag, book ch8
        cdk.CfnOutput(self, "ModelPackageGroupName", value=group_name)
