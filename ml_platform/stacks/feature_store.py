"""Central feature store in the data lake account: feature groups from config and the roles
other accounts assume to use them (book ch5, ch14; XA-5, AS-8, AS-11)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from ..constructs.feature_group import FeatureGroup, glue_table_name
from ..constructs.sagemaker_role import allow_source_identity
from ..constructs.scoped_policy import Grant, ScopedPolicy
from ..cross_account import account_principals
from ..naming import partition_for
from ..schema.features import FeatureGroupConfig
from .base import PlatformStack, StackContext

OFFLINE_PREFIX = "feature-store/"
BUILDER_ROLES = "{prefix}-*-sm-*"  # the teams' SageMaker roles (personas, jobs)
READER_ROLES = "{prefix}-*-predict-*"  # the prediction functions of test and prod


def feature_store_role_name(prefix: str, purpose: str) -> str:
    """``writer``, ``online-reader`` or ``offline-reader`` role of the data lake account."""
    return f"{prefix}-datalake-fs-{purpose}"


class FeatureStoreStack(PlatformStack):
    """Stateful (termination-protected): feature groups hold records and are retained."""

    STATEFUL = True
    DESCRIPTION = "Central feature store: feature groups and cross-account access roles."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        feature_groups: Sequence[FeatureGroupConfig],
        key: kms.IKey,
        offline_bucket_name: str,
        glue_database: str,
        builder_accounts: Sequence[str],
        reader_accounts: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id, context)
        partition = partition_for(self.region)
        bucket_arn = f"arn:{partition}:s3:::{offline_bucket_name}"
        glue = [
            f"arn:{partition}:glue:{self.region}:{self.account}:{r}"
            for r in ("catalog", f"database/{glue_database}", f"table/{glue_database}/*")
        ]
        offline_role = iam.Role(
            self,
            "OfflineStoreRole",
            role_name=feature_store_role_name(self.naming.prefix, "offline-store"),
            assumed_by=iam.ServicePrincipal(
                "sagemaker.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": self.account}}
            ),
            description="SageMaker writes feature groups' offline stores with this role",
        )
        allow_source_identity(offline_role, self.account)  # passed from Studio sessions (SM-SourceIdentityTrust)
        offline_policy = ScopedPolicy(
            self,
            "OfflineStorePermissions",
            name=None,
            description="Write the offline store and its Glue table",
            grants=[
                # What AWS's AmazonSageMakerFeatureStoreAccess grants for the offline store, scoped
                # to this bucket and prefix (PutObjectAcl: the objects are written with an ACL).
                Grant(
                    "OfflineObjects",
                    ["s3:PutObject", "s3:PutObjectAcl", "s3:GetObject", "s3:GetBucketAcl"],
                    [f"{bucket_arn}/{OFFLINE_PREFIX}*", bucket_arn],
                    why="objects under the offline store prefix",
                ),
                Grant(
                    "OfflineTables",
                    [
                        "glue:GetTable",
                        "glue:CreateTable",
                        "glue:UpdateTable",
                        "glue:GetDatabase",
                        "glue:BatchCreatePartition",
                        "glue:CreatePartition",
                        "glue:GetPartition",
                    ],
                    glue,
                    why="tables of the feature store database",
                ),
                Grant(
                    "FeatureKey",
                    ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                    [key.key_arn],
                ),
            ],
        )
        offline_role.add_managed_policy(offline_policy.policy)

        self.groups: dict[str, FeatureGroup] = {}
        for config in feature_groups:
            group = FeatureGroup(
                self,
                f"FeatureGroup-{config.name}",
                name=config.name,
                description=config.description,
                record_identifier=config.record_identifier,
                event_time_feature=config.event_time_feature,
                features={k: v.value for k, v in config.features.items()},
                kms_key_arn=key.key_arn,
                online_enabled=config.online_store.enabled,
                ttl_days=config.online_store.ttl_days,
                offline_enabled=config.offline_store.enabled,
                table_format=config.offline_store.table_format.value,
                offline_s3_uri=f"s3://{offline_bucket_name}/{OFFLINE_PREFIX}",
                glue_database=glue_database,
                offline_role_arn=offline_role.role_arn,
            )
            group.node.add_dependency(offline_policy)
            self.groups[config.name] = group
        arns = [g.arn for g in self.groups.values()]
        online = [g.arn for c, g in zip(feature_groups, self.groups.values(), strict=True) if c.online_store.enabled]
        tables = [
            f"arn:{partition}:glue:{self.region}:{self.account}:table/{glue_database}/{glue_table_name(c.name)}"
            for c in feature_groups
            if c.offline_store.enabled
        ]
        prefix = self.naming.prefix
        key_use = Grant("FeatureKey", ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"], [key.key_arn])
        self.writer = self._access_role(
            "Writer",
            feature_store_role_name(prefix, "writer"),
            builder_accounts,
            BUILDER_ROLES,
            [
                Grant(
                    "ReadWriteRecords",
                    [
                        "sagemaker:PutRecord",
                        "sagemaker:GetRecord",
                        "sagemaker:BatchGetRecord",
                        "sagemaker:DescribeFeatureGroup",
                    ],
                    arns,
                ),
                key_use,
            ],
            "Data science pipelines and notebooks write and read features (XA-5)",
        )
        self.online_reader = self._access_role(
            "OnlineReader",
            feature_store_role_name(prefix, "online-reader"),
            reader_accounts,
            READER_ROLES,
            [
                Grant("ReadRecords", ["sagemaker:GetRecord", "sagemaker:BatchGetRecord"], online),
                Grant("FeatureKey", ["kms:Decrypt", "kms:DescribeKey"], [key.key_arn]),
            ],
            "Prediction functions in test and prod read the online store (XA-5, AS-11)",
        )
        self.offline_reader = self._access_role(
            "OfflineReader",
            feature_store_role_name(prefix, "offline-reader"),
            builder_accounts,
            BUILDER_ROLES,
            [
                Grant(
                    "OfflineObjects",
                    ["s3:GetObject"],
                    [f"{bucket_arn}/{OFFLINE_PREFIX}*"],
                    why="objects under the offline store prefix",
                ),
                Grant(
                    "OfflineListing",
                    ["s3:ListBucket"],
                    [bucket_arn],
                    conditions={"StringLike": {"s3:prefix": [f"{OFFLINE_PREFIX}*"]}},
                ),
                Grant(
                    "OfflineTables",
                    ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"],
                    [*glue[:2], *tables] if tables else glue[:2],
                ),
                Grant("FeatureKey", ["kms:Decrypt", "kms:DescribeKey"], [key.key_arn]),
            ],
            "Model building reads the offline store (XA-5)",
        )

    def _access_role(
        self,
        construct_id: str,
        role_name: str,
        accounts: Sequence[str],
        role_pattern: str,
        grants: list[Grant],
        description: str,
    ) -> iam.Role:
        """Trusted by exactly ``accounts``, for their roles named like ``role_pattern``. One name
        pattern, not one per account: the trust policy stays within IAM's 2,048 characters for
        any number of teams (issue #17; 20 teams' patterns measured 1,924)."""
        partition = partition_for(self.region)
        pattern = f"arn:{partition}:iam::*:role/{role_pattern.format(prefix=self.naming.prefix)}"
        conditions: dict[str, object] = {"ArnLike": {"aws:PrincipalArn": pattern}}
        if self.context.organization_id:
            conditions["StringEquals"] = {"aws:PrincipalOrgID": self.context.organization_id}
        principal = iam.CompositePrincipal(*account_principals(list(accounts))).with_conditions(conditions)
        role = iam.Role(self, construct_id, role_name=role_name, assumed_by=principal, description=description)
        if role_pattern == BUILDER_ROLES:
            # Studio sessions carry the user profile name as source identity (docs/audit-identity.md);
            # chaining into another role then needs sts:SetSourceIdentity in the caller's policy and in
            # this trust, or AssumeRole fails ("Monitor user resource access": role chaining,
            # https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access-how-to.html). Same
            # statement, so the trust stays within IAM's 2,048 characters.
            trust = role.node.default_child
            assert isinstance(trust, iam.CfnRole)
            trust.add_property_override(
                "AssumeRolePolicyDocument.Statement.0.Action", ["sts:AssumeRole", "sts:SetSourceIdentity"]
            )
        # With no (online) feature groups a record grant names nothing: leave it out rather than
        # emit a statement without resources (IAM and CDK refuse those; issue #18). The role stays,
        # so the teams' and prediction functions' AssumeRole grants need no special case and adding
        # the first feature group changes only this policy.
        granted = [grant for grant in grants if grant.resources]
        policy = ScopedPolicy(self, f"{construct_id}Permissions", name=None, description=description, grants=granted)
        role.add_managed_policy(policy.policy)
        return role
