"""What the spoke's launch role and the products' permissions boundary allow (SC-3, WA-SEC-3/7).

The book's sample launch role is broad (L1219-1249); this one can create only what the
products create, roles only under the product boundary, and notebooks only without
internet or root access.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..constructs.sagemaker_scope import SageMakerScope
from ..constructs.scoped_policy import Grant
from ..personas import NOTEBOOK_GRANTS, STUDIO_PRODUCT_GRANTS, grants_for
from ..platform_parameters import NAMESPACE
from ..role_names import JOB_ROLE_SUFFIX

# Service Catalog names provisioned stacks SC-<account>-pp-<id>; CloudFormation names their
# roles, policies and buckets after the stack.
SC_STACKS = "SC-*"


def launch_role_grants(
    partition: str, region: str, account: str, boundary_arn: str, key_arns: Sequence[str]
) -> list[Grant]:
    sm = f"arn:{partition}:sagemaker:{region}:{account}"
    iam_arn = f"arn:{partition}:iam::{account}"
    ec2 = f"arn:{partition}:ec2:{region}:{account}"
    generated = "resources CloudFormation names after the Service Catalog stack (SC-...)"
    return [
        Grant(
            "ProvisionedStacks",
            [
                "cloudformation:CreateStack",
                "cloudformation:DeleteStack",
                "cloudformation:UpdateStack",
                "cloudformation:DescribeStacks",
                "cloudformation:DescribeStackEvents",
                "cloudformation:SetStackPolicy",
                "cloudformation:GetTemplate",
                "cloudformation:DescribeStackResource",
                "cloudformation:DescribeStackResources",
            ],
            [f"arn:{partition}:cloudformation:{region}:{account}:stack/{SC_STACKS}"],
            why=f"stacks {generated}",
        ),
        Grant(
            "TemplateChecks",
            ["cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate"],
            ["*"],
            why="template validation actions support no resource scoping",
        ),
        # The book's guard (SC-3): only template objects Service Catalog tagged for provisioning.
        Grant(
            "ProductTemplates",
            ["s3:GetObject"],
            ["*"],
            why="Service Catalog's own template bucket",
            conditions={"StringEquals": {"s3:ExistingObjectTag/servicecatalog:provisioning": "true"}},
        ),
        Grant(
            "PlatformParameters",
            ["ssm:GetParameters", "ssm:GetParameter"],
            [f"arn:{partition}:ssm:{region}:{account}:parameter{NAMESPACE}/*"],
            why="the platform's published values",
        ),
        # WA-SEC-3 at run time: notebooks only in a subnet, without internet or root.
        Grant(
            "CreateGuardedNotebooks",
            ["sagemaker:CreateNotebookInstance"],
            [f"{sm}:notebook-instance/*"],
            why=f"notebook instances {generated}",
            conditions={
                "StringEquals": {"sagemaker:DirectInternetAccess": "Disabled", "sagemaker:RootAccess": "Disabled"},
                "Null": {"sagemaker:VpcSubnets": "false"},
            },
        ),
        Grant(
            "ManageProductResources",
            [
                "sagemaker:DeleteNotebookInstance",
                "sagemaker:DescribeNotebookInstance",
                "sagemaker:StopNotebookInstance",
                "sagemaker:UpdateNotebookInstance",
                "sagemaker:StartNotebookInstance",  # the notebook's update handler restarts it
                "sagemaker:CreateUserProfile",
                "sagemaker:DeleteUserProfile",
                "sagemaker:DescribeUserProfile",
                "sagemaker:UpdateUserProfile",
                "sagemaker:CreateModelPackageGroup",
                "sagemaker:DescribeModelPackageGroup",
                "sagemaker:DeleteModelPackageGroup",
                "sagemaker:AddTags",
                "sagemaker:DeleteTags",
                "sagemaker:ListTags",
                "sagemaker:DescribeNotebookInstanceLifecycleConfig",
                # The ModelPackageGroup resource handler reads the group's policy after creating it.
                "sagemaker:GetModelPackageGroupPolicy",
                "sagemaker:PutModelPackageGroupPolicy",
                "sagemaker:DeleteModelPackageGroupPolicy",
            ],
            [
                f"{sm}:notebook-instance/*",
                f"{sm}:user-profile/*",
                f"{sm}:model-package-group/*",
                f"{sm}:notebook-instance-lifecycle-config/*",
                f"{sm}:domain/*",
            ],
            why=f"product resources {generated}",
        ),
        Grant(
            "CreateBoundedRoles",
            [
                "iam:CreateRole",
                "iam:PutRolePermissionsBoundary",
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
            ],
            [f"{iam_arn}:role/{SC_STACKS}"],
            why=f"roles {generated}",
            conditions={"StringEquals": {"iam:PermissionsBoundary": boundary_arn}},
        ),
        Grant(
            "ManageProductRoles",
            [
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:TagRole",
                "iam:UntagRole",
                # The role handler's update (trust, description, session length) and delete
                # (it lists the role's policies first) permissions (issue #18 rehearsal).
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
                "iam:UpdateAssumeRolePolicy",
                "iam:ListAttachedRolePolicies",
                "iam:ListRolePolicies",
            ],
            [f"{iam_arn}:role/{SC_STACKS}"],
            why=f"roles {generated}",
        ),
        Grant(
            "ManageProductPolicies",
            [
                "iam:CreatePolicy",
                "iam:DeletePolicy",
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:ListPolicyVersions",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicyVersion",
                "iam:ListEntitiesForPolicy",  # the managed policy handler's delete
            ],
            [f"{iam_arn}:policy/{SC_STACKS}"],
            why=f"policies {generated}",
        ),
        Grant(
            "PassProductRoles",
            ["iam:PassRole"],
            [f"{iam_arn}:role/{SC_STACKS}"],
            why=f"roles {generated}",
            conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        ),
        Grant(
            "ProductBuckets",
            [
                "s3:CreateBucket",
                "s3:DeleteBucket",
                "s3:PutBucketPolicy",
                "s3:DeleteBucketPolicy",
                "s3:GetBucketPolicy",
                "s3:PutEncryptionConfiguration",
                "s3:PutBucketVersioning",
                "s3:PutBucketPublicAccessBlock",
                "s3:PutBucketLogging",
                "s3:PutLifecycleConfiguration",
                "s3:PutBucketOwnershipControls",
                "s3:PutBucketTagging",
                "s3:GetBucketLocation",
                # The bucket handler's create/update/delete permissions (issue #18 rehearsal).
                "s3:GetBucketAcl",
                "s3:ListBucket",
                "s3:TagResource",
                "s3:UntagResource",
            ],
            [f"arn:{partition}:s3:::sc-*"],
            why=f"buckets {generated}",
        ),
        Grant(
            "ProductBucketObjects",
            ["s3:DeleteObject", "s3:PutObjectAcl"],
            [f"arn:{partition}:s3:::sc-*/*"],
            why=f"the bucket handler's create permissions, on objects of buckets {generated}",
        ),
        Grant(
            "VolumeKeyGrants",
            ["kms:CreateGrant"],
            list(key_arns),
            conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        ),
        # kms:GrantIsForAWSResource exists only on grant actions: DescribeKey needs its own statement.
        # The notebook handler also decrypts with the volume key (its schema's create
        # permissions), through SageMaker only.
        Grant("VolumeKeys", ["kms:DescribeKey"], list(key_arns)),
        Grant(
            "VolumeKeysViaSageMaker",
            ["kms:Decrypt"],
            list(key_arns),
            conditions={"StringEquals": {"kms:ViaService": f"sagemaker.{region}.amazonaws.com"}},
        ),
        # A notebook in a subnet: its handler creates and removes the instance's network
        # interface with the launch role (the notebook schema's create/delete permissions).
        Grant(
            "NotebookNetworkInterfaces",
            [
                "ec2:CreateNetworkInterface",
                "ec2:CreateNetworkInterfacePermission",
                "ec2:DeleteNetworkInterface",
                "ec2:DeleteNetworkInterfacePermission",
            ],
            [f"{ec2}:network-interface/*"],
            why="network interfaces get their IDs when created",
        ),
        Grant(
            "NotebookSubnets",
            ["ec2:CreateNetworkInterface"],
            [f"{ec2}:subnet/*", f"{ec2}:security-group/*"],
            why="the account's subnets and security groups (the team VPC's, from the platform parameters)",
        ),
        Grant(
            "NetworkLookups",
            [
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeVpcs",
                "ec2:DescribeDhcpOptions",
                "ec2:DescribeNetworkInterfaces",
            ],
            ["*"],
            why="EC2 Describe actions support no resource scoping",
        ),
    ]


def product_boundary_grants(partition: str, account: str, role_prefix: str) -> list[Grant]:
    """At most what product roles' own policies grant: the union of their actions on any
    resource (each role's own policy scopes the resources), except ``iam:PassRole``, which the
    boundary itself caps (issue #17): only the products' own roles and the team's jobs role,
    only to SageMaker."""
    placeholder = SageMakerScope(
        partition="aws",
        region="r",
        account="a",
        bucket_name="b",
        key_arns=["k"],
        role_name_prefix="p",
        image_accounts=["i"],
    )
    products = [*NOTEBOOK_GRANTS.values(), *STUDIO_PRODUCT_GRANTS.values()]
    actions = {
        action for builders in products for grant in grants_for(builders, placeholder) for action in grant.actions
    }
    actions.discard("iam:PassRole")
    roles = f"arn:{partition}:iam::{account}:role"
    return [
        Grant(
            "ProductRoleCeiling",
            sorted(actions),
            ["*"],
            why="a permissions boundary caps actions; each product role's own policy scopes resources",
        ),
        Grant(
            "PassRoleCeiling",
            ["iam:PassRole"],
            [f"{roles}/{SC_STACKS}", f"{roles}/{role_prefix}{JOB_ROLE_SUFFIX}"],
            why="product roles (named after their Service Catalog stack) pass themselves and the jobs role",
            conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        ),
    ]
