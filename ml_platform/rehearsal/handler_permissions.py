"""What CloudFormation's resource handlers call (issue #18).

Every registry resource type's schema lists, under ``handlers.create/update/delete.permissions``,
the IAM actions its handler needs from the credentials CloudFormation runs it with: a Service
Catalog launch role for a product, the CDK bootstrap's CloudFormation execution role for the
platform's stacks. cfn-lint bundles those schemas per region
(``cfnlint/data/schemas/providers/<region>.json`` names each type's schema file under
``resources/``); they are read from the installed, pinned cfn-lint package itself, never from
cfn-lint's download cache, so the same versions give the same answer on every machine.

Which resource types an action takes (and so which ARN a request names) comes from the IAM
reference data of the pinned engine (``iam_reference``).

Plain Python, no CDK.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..assembly.resolver import dig
from ..region_features import CUSTOM_RESOURCE, SCHEMAS, resource_schema, resource_types_in

# The provider data is read in region_features.py (the config checks read it too); re-exported here.
__all__ = ["SCHEMAS", "handler_permissions", "resource_schema", "resource_types_in"]

HANDLERS = ("create", "update", "delete")

# Resource types whose schema lists no handler permissions: CloudFormation's own (pre-registry)
# implementations and custom resources. What each calls, from the service's API reference.
LEGACY_HANDLERS: dict[str, dict[str, tuple[str, ...]]] = {
    # CloudFormation invokes the function named by ServiceToken with the stack's credentials
    # (the execution role) on create, update and delete ("Custom resources", CloudFormation
    # User Guide: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-custom-resources-lambda.html).
    CUSTOM_RESOURCE: dict.fromkeys(HANDLERS, ("lambda:InvokeFunction",)),
    # CodeBuild permissions reference
    # (https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-permissions-reference.html):
    # CreateProject/UpdateProject need iam:PassRole for the service role; BatchGetProjects reads back.
    "AWS::CodeBuild::Project": {
        "create": ("codebuild:CreateProject", "codebuild:BatchGetProjects", "iam:PassRole"),
        "update": ("codebuild:UpdateProject", "codebuild:BatchGetProjects", "iam:PassRole"),
        "delete": ("codebuild:DeleteProject", "codebuild:BatchGetProjects"),
    },
    # Lake Formation API permissions reference
    # (https://docs.aws.amazon.com/lake-formation/latest/dg/lf-permissions-reference.html).
    "AWS::LakeFormation::DataLakeSettings": {
        "create": ("lakeformation:GetDataLakeSettings", "lakeformation:PutDataLakeSettings"),
        "update": ("lakeformation:GetDataLakeSettings", "lakeformation:PutDataLakeSettings"),
        "delete": ("lakeformation:GetDataLakeSettings", "lakeformation:PutDataLakeSettings"),
    },
    # RegisterResource with a RoleArn passes that role to Lake Formation ("Requirements for
    # roles used to register locations", Lake Formation Developer Guide).
    "AWS::LakeFormation::Resource": {
        "create": ("lakeformation:RegisterResource", "iam:PassRole", "iam:GetRole"),
        "update": ("lakeformation:DeregisterResource", "lakeformation:RegisterResource", "iam:PassRole", "iam:GetRole"),
        "delete": ("lakeformation:DeregisterResource",),
    },
}

# Names some schemas list that are not IAM actions (the IAM reference, and so IAM, has no such
# action) for APIs IAM authorizes with other actions: those stand in for them.
STAND_INS: dict[str, tuple[str, ...]] = {
    # S3's Delete*Configuration APIs are authorized by the matching Put* action (S3 API
    # reference, "Permissions" of each DeleteBucket* operation); PutBucketReplication by
    # s3:PutReplicationConfiguration, PutObjectLockConfiguration by s3:PutBucketObjectLockConfiguration.
    "s3:DeleteBucketAnalyticsConfiguration": ("s3:PutAnalyticsConfiguration",),
    "s3:DeleteBucketCors": ("s3:PutBucketCORS",),
    "s3:DeleteBucketEncryption": ("s3:PutEncryptionConfiguration",),
    "s3:DeleteBucketLifecycle": ("s3:PutLifecycleConfiguration",),
    "s3:DeleteBucketMetricsConfiguration": ("s3:PutMetricsConfiguration",),
    "s3:DeleteBucketReplication": ("s3:PutReplicationConfiguration",),
    "s3:PutBucketReplication": ("s3:PutReplicationConfiguration",),
    "s3:PutObjectLockConfiguration": ("s3:PutBucketObjectLockConfiguration",),
    # HeadObject is authorized by s3:GetObject (S3 API reference, HeadObject).
    "s3:GetObjectMetadata": ("s3:GetObject",),
    # The Amazon EFS service prefix is elasticfilesystem.
    "efs:CreateFileSystem": ("elasticfilesystem:CreateFileSystem",),
    "efs:DeleteFileSystem": ("elasticfilesystem:DeleteFileSystem",),
    "efs:DeleteMountTarget": ("elasticfilesystem:DeleteMountTarget",),
    "efs:DescribeMountTargets": ("elasticfilesystem:DescribeMountTargets",),
    # KMS ReEncrypt is authorized by both halves (KMS API reference, ReEncrypt).
    "kms:ReEncrypt": ("kms:ReEncryptFrom", "kms:ReEncryptTo"),
}


@dataclass(frozen=True)
class Skip:
    """Why a handler permission is not asked of the role. ``unless``: property paths (dotted)
    of the resource; when it sets any of them, the permission is needed after all.
    ``unless_absent``: the permission is needed when the resource does *not* set this one."""

    reason: str
    unless: tuple[str, ...] = ()
    unless_absent: str = ""

    def applies(self, properties: Mapping[str, Any]) -> bool:
        if any(dig(properties, path) is not None for path in self.unless):
            return False
        return not (self.unless_absent and dig(properties, self.unless_absent) is None)


_S3_ONLY_FOR = "the bucket handler calls it only when the template sets {}"
_S3_METADATA = ("MetadataTableConfiguration", "MetadataConfiguration")


def _s3(prop: str, *more: str) -> Skip:
    return Skip(_S3_ONLY_FOR.format(" or ".join((prop, *more))), unless=(prop, *more))


# THE table of deliberate skips, for both the launch-role and the execution-role checks (and
# so for the execution policies generated from the same data). Key: (resource type, or "*" for
# every type; the permission as the schema spells it). Nothing else is ever left out.
SKIPS: dict[tuple[str, str], Skip] = {
    # -- names that are no IAM action and stand for no API: the engine cannot evaluate them and
    #    no policy can grant them.
    ("*", "lakeformation:CreateTable"): Skip("no such action or API in the Lake Formation reference"),
    ("*", "lambda:AssociateRuntimeAlias"): Skip("no such action or API in the Lambda reference"),
    ("*", "s3:REST.PUT.OBJECT"): Skip("an S3 server access log operation name, not an IAM action"),
    # Not in the IAM reference data either (the engine cannot evaluate it); the handler needs it
    # only for service-network endpoints, which the platform does not create.
    ("AWS::EC2::VPCEndpoint", "vpc-lattice:DescribeServiceNetworkVpcEndpointAssociation"): Skip(
        "no such action in the IAM reference; only for service-network endpoints"
    ),
    # -- IAM: attachments the template does not make.
    ("AWS::IAM::ManagedPolicy", "iam:AttachGroupPolicy"): Skip("only for Groups", unless=("Groups",)),
    ("AWS::IAM::ManagedPolicy", "iam:DetachGroupPolicy"): Skip("only for Groups", unless=("Groups",)),
    ("AWS::IAM::ManagedPolicy", "iam:AttachUserPolicy"): Skip("only for Users", unless=("Users",)),
    ("AWS::IAM::ManagedPolicy", "iam:DetachUserPolicy"): Skip("only for Users", unless=("Users",)),
    ("AWS::IAM::ManagedPolicy", "iam:AttachRolePolicy"): Skip("only for Roles", unless=("Roles",)),
    ("AWS::IAM::ManagedPolicy", "iam:DetachRolePolicy"): Skip("only for Roles", unless=("Roles",)),
    ("AWS::IAM::Role", "iam:PutRolePolicy"): Skip("only for inline Policies", unless=("Policies",)),
    ("AWS::IAM::Role", "iam:GetRolePolicy"): Skip("only for inline Policies", unless=("Policies",)),
    ("AWS::IAM::Role", "iam:DeleteRolePolicy"): Skip("only for inline Policies", unless=("Policies",)),
    ("AWS::IAM::Role", "iam:AttachRolePolicy"): Skip("only for ManagedPolicyArns", unless=("ManagedPolicyArns",)),
    ("AWS::IAM::Role", "iam:DetachRolePolicy"): Skip("only for ManagedPolicyArns", unless=("ManagedPolicyArns",)),
    ("AWS::IAM::Role", "iam:PutRolePermissionsBoundary"): Skip(
        "only for a PermissionsBoundary", unless=("PermissionsBoundary",)
    ),
    # Called when an update drops the boundary. A role that keeps one never needs it, and a
    # launch role able to remove product roles' boundary could escape them (SC-3).
    ("AWS::IAM::Role", "iam:DeleteRolePermissionsBoundary"): Skip(
        "only when an update removes the PermissionsBoundary", unless_absent="PermissionsBoundary"
    ),
    # -- S3 buckets: configuration the template does not set (the handler applies each
    #    sub-configuration only when its property is there; CloudFormation User Guide, AWS::S3::Bucket).
    ("AWS::S3::Bucket", "s3:PutAnalyticsConfiguration"): _s3("AnalyticsConfigurations"),
    ("AWS::S3::Bucket", "s3:DeleteBucketAnalyticsConfiguration"): _s3("AnalyticsConfigurations"),
    ("AWS::S3::Bucket", "s3:PutBucketCORS"): _s3("CorsConfiguration"),
    ("AWS::S3::Bucket", "s3:DeleteBucketCors"): _s3("CorsConfiguration"),
    ("AWS::S3::Bucket", "s3:PutInventoryConfiguration"): _s3("InventoryConfigurations"),
    ("AWS::S3::Bucket", "s3:PutMetricsConfiguration"): _s3("MetricsConfigurations"),
    ("AWS::S3::Bucket", "s3:DeleteBucketMetricsConfiguration"): _s3("MetricsConfigurations"),
    ("AWS::S3::Bucket", "s3:PutBucketNotification"): _s3("NotificationConfiguration"),
    ("AWS::S3::Bucket", "s3:PutBucketReplication"): _s3("ReplicationConfiguration"),
    ("AWS::S3::Bucket", "s3:PutReplicationConfiguration"): _s3("ReplicationConfiguration"),
    ("AWS::S3::Bucket", "s3:DeleteBucketReplication"): _s3("ReplicationConfiguration"),
    ("AWS::S3::Bucket", "iam:PassRole"): _s3("ReplicationConfiguration"),  # the replication role
    ("AWS::S3::Bucket", "s3:PutBucketWebsite"): _s3("WebsiteConfiguration"),
    ("AWS::S3::Bucket", "s3:DeleteBucketWebsite"): _s3("WebsiteConfiguration"),
    ("AWS::S3::Bucket", "s3:PutAccelerateConfiguration"): _s3("AccelerateConfiguration"),
    ("AWS::S3::Bucket", "s3:PutBucketObjectLockConfiguration"): _s3("ObjectLockConfiguration", "ObjectLockEnabled"),
    ("AWS::S3::Bucket", "s3:PutObjectLockConfiguration"): _s3("ObjectLockConfiguration", "ObjectLockEnabled"),
    ("AWS::S3::Bucket", "s3:PutIntelligentTieringConfiguration"): _s3("IntelligentTieringConfigurations"),
    ("AWS::S3::Bucket", "s3:PutBucketAbac"): _s3("AbacStatus"),
    ("AWS::S3::Bucket", "s3:PutBucketAcl"): _s3("AccessControl"),
    **{
        ("AWS::S3::Bucket", action): _s3(*_S3_METADATA)
        for action in (
            "s3:GetBucketMetadataTableConfiguration",
            "s3:CreateBucketMetadataTableConfiguration",
            "s3:DeleteBucketMetadataTableConfiguration",
            "s3:UpdateBucketMetadataJournalTableConfiguration",
            "s3:UpdateBucketMetadataInventoryTableConfiguration",
            "s3:UpdateBucketMetadataAnnotationTableConfiguration",
            "s3tables:CreateNamespace",
            "s3tables:CreateTable",
            "s3tables:CreateTableBucket",
            "s3tables:GetTable",
            "s3tables:PutTableBucketPolicy",
            "s3tables:PutTableEncryption",
            "s3tables:PutTablePolicy",
            "s3tables:GetTableMetadataLocation",
            "s3tables:UpdateTableMetadataLocation",
        )
    },
    # -- SageMaker user profiles: IAM Identity Center users and custom images are not used by
    #    a profile that names neither (SageMaker API reference, CreateUserProfile).
    **{
        ("AWS::SageMaker::UserProfile", action): Skip(
            "only for IAM Identity Center users", unless=("SingleSignOnUserIdentifier", "SingleSignOnUserValue")
        )
        for action in (
            "sso:DescribeInstance",
            "sso:ListInstances",
            "identitystore:DescribeUser",
            "identitystore:ListUsers",
        )
    },
    **{
        ("AWS::SageMaker::UserProfile", action): Skip(
            "only for custom images in the user settings",
            unless=(
                "UserSettings.KernelGatewayAppSettings.CustomImages",
                "UserSettings.JupyterLabAppSettings.CustomImages",
                "UserSettings.CodeEditorAppSettings.CustomImages",
                "UserSettings.KernelGatewayAppSettings.DefaultResourceSpec.SageMakerImageArn",
                "UserSettings.JupyterLabAppSettings.DefaultResourceSpec.SageMakerImageArn",
                "UserSettings.CodeEditorAppSettings.DefaultResourceSpec.SageMakerImageArn",
                "UserSettings.JupyterServerAppSettings.DefaultResourceSpec.SageMakerImageArn",
            ),
        )
        for action in ("sagemaker:DescribeImage", "sagemaker:DescribeImageVersion")
    },
}


def skip_of(resource_type: str, permission: str) -> Skip | None:
    return SKIPS.get((resource_type, permission)) or SKIPS.get(("*", permission))


@dataclass(frozen=True)
class Needed:
    """One IAM action a resource's handlers need, with the handlers and the permission the
    schema names (the same as ``action`` unless a stand-in)."""

    action: str
    handlers: tuple[str, ...]
    permission: str


def needed_actions(
    resource_type: str,
    properties: Mapping[str, Any],
    region: str,
    *,
    update_properties: Sequence[Mapping[str, Any]] = (),
) -> tuple[list[Needed], list[tuple[str, str, Skip]]]:
    """What the create, update and delete handlers of a resource with ``properties`` need,
    and what ``SKIPS`` leaves out: (needed, [(handler, permission, skip)]). Update and delete
    also consider ``update_properties`` (the resource in templates it may be updated from or
    to: a property there makes its permission needed)."""
    found: dict[str, Needed] = {}
    skipped: list[tuple[str, str, Skip]] = []
    for handler, permissions in handler_permissions(resource_type, region).items():
        versions = [properties] if handler == "create" else [properties, *update_properties]
        for permission in permissions:
            skip = skip_of(resource_type, permission)
            if skip is not None and all(skip.applies(v) for v in versions):
                skipped.append((handler, permission, skip))
                continue
            for action in STAND_INS.get(permission, (permission,)):
                before = found.get(action)
                handlers = (*before.handlers, handler) if before else (handler,)
                found[action] = Needed(action, tuple(dict.fromkeys(handlers)), permission)
    return list(found.values()), skipped


@cache
def handler_permissions(resource_type: str, region: str = "us-east-1") -> dict[str, tuple[str, ...]]:
    """Handler (create, update, delete) -> the IAM actions its schema lists, deduplicated in
    schema order. Types without handler permissions in their schema come from
    ``LEGACY_HANDLERS``; a type in neither is an error naming it (never silently nothing)."""
    name = CUSTOM_RESOURCE if resource_type.startswith("Custom::") else resource_type
    if name in LEGACY_HANDLERS:
        return dict(LEGACY_HANDLERS[name])
    handlers = resource_schema(resource_type, region).get("handlers", {})
    found = {h: tuple(dict.fromkeys(handlers[h].get("permissions", []))) for h in HANDLERS if h in handlers}
    if not found:
        raise KeyError(f"{resource_type}: its schema lists no handler permissions; add it to LEGACY_HANDLERS")
    return found
