"""A model registry group whose packages the hosting accounts can deploy (REG-1, XA-4a)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

# What a hosting account needs to create a model from a package in this registry (XA-4a), as
# AWS's own example grants it ("Deploy a Model Version from a Different Account", SageMaker
# Developer Guide: https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-deploy.html).
# The IAM reference lists only the model resource for CreateModel, so the runtime flows cannot
# evaluate that grant; docs/runtime-flows.md says so.
PACKAGE_ACTIONS = ("sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages", "sagemaker:CreateModel")


class ModelPackageGroup(Construct):
    """``AWS::SageMaker::ModelPackageGroup`` with a resource policy naming the hosting accounts.

    Props:
        group_name: registry group name (REG-2), e.g. ``weather-pollution``.
        description: shown in Studio's model registry.
        deploy_accounts: accounts (test, prod) granted describe/list/create-model; exactly these.
            Approval stays in this account: they get no UpdateModelPackage (REG-4).
        reader_accounts: accounts granted DescribeModelPackage only: shared services, whose release
            machine checks a governed version's card and stage (docs/model-governance.md).

    The group is retained: its packages are the record of what was trained and approved.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        group_name: str,
        description: str,
        deploy_accounts: Sequence[str],
        reader_accounts: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        # SageMaker lowercases names in ARNs; a policy with the mixed-case name would not match.
        base = f"arn:{stack.partition}:sagemaker:{stack.region}:{stack.account}"
        group_arn = f"{base}:model-package-group/{group_name.lower()}"
        packages_arn = f"{base}:model-package/{group_name.lower()}/*"
        principals = {"AWS": [f"arn:{stack.partition}:iam::{a}:root" for a in sorted(set(deploy_accounts))]}
        # Typed Any in the L1: a PascalCase dict is the CloudFormation JSON (toolchain trap 3).
        statements: list[dict[str, object]] = [
            {
                "Sid": "DeployAccountsDescribeGroup",
                "Effect": "Allow",
                "Principal": principals,
                "Action": "sagemaker:DescribeModelPackageGroup",
                "Resource": group_arn,
            },
            {
                "Sid": "DeployAccountsUsePackages",
                "Effect": "Allow",
                "Principal": principals,
                "Action": list(PACKAGE_ACTIONS),
                "Resource": packages_arn,
            },
        ]
        if reader_accounts:
            readers = {"AWS": [f"arn:{stack.partition}:iam::{a}:root" for a in sorted(set(reader_accounts))]}
            statements.append(
                {
                    "Sid": "ReleaseReadsPackages",
                    "Effect": "Allow",
                    "Principal": readers,
                    "Action": "sagemaker:DescribeModelPackage",
                    "Resource": packages_arn,
                }
            )
        policy = {"Version": "2012-10-17", "Statement": statements}
        self.group = sagemaker.CfnModelPackageGroup(
            self,
            "Group",
            model_package_group_name=group_name,
            model_package_group_description=description or f"Model package group {group_name}",
            model_package_group_policy=policy if deploy_accounts or reader_accounts else None,
        )
        self.group.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        self.group_arn = group_arn
