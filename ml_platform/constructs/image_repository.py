"""An ECR repository for platform images: scanned, immutable, KMS-encrypted, retained (REG-6)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from ..cross_account import account_principals, org_condition

PULL_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability")
DEV_TAG_PREFIX = "dev-"


class ImageRepository(Construct):
    """Training, processing or inference images pulled by other accounts (book ch14, XA-4b).

    Props:
        repository_name: full name, e.g. ``openaq/weather-training``.
        encryption_key: customer key of the images (ECR holds a grant; pullers need no KMS rights).
        pull_accounts: accounts that may pull; the policy names exactly these.
        untagged_image_days: untagged layers (superseded pushes) expire after this many days.
        keep_dev_images: images tagged ``dev-*`` kept; release tags never expire, because a
            registered model package may reference any of them (REG-6).
        organization_id: adds an ``aws:PrincipalOrgID`` condition when known.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        repository_name: str,
        encryption_key: kms.IKey,
        pull_accounts: Sequence[str],
        untagged_image_days: int,
        keep_dev_images: int,
        organization_id: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.repository = ecr.Repository(
            self,
            "Repository",
            repository_name=repository_name,
            image_scan_on_push=True,
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,
            encryption=ecr.RepositoryEncryption.KMS,
            encryption_key=encryption_key,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            lifecycle_rules=[
                ecr.LifecycleRule(
                    rule_priority=1,
                    description="Untagged layers of superseded pushes",
                    tag_status=ecr.TagStatus.UNTAGGED,
                    max_image_age=cdk.Duration.days(untagged_image_days),
                ),
                ecr.LifecycleRule(
                    rule_priority=2,
                    description="Development builds; release tags are kept for the registry",
                    tag_status=ecr.TagStatus.TAGGED,
                    tag_prefix_list=[DEV_TAG_PREFIX],
                    max_image_count=keep_dev_images,
                ),
            ],
        )
        if pull_accounts:
            self.repository.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="CrossAccountPull",
                    principals=account_principals(pull_accounts),
                    actions=list(PULL_ACTIONS),
                    conditions=org_condition(organization_id) or None,
                )
            )
