"""Service Catalog products as launched in each spoke (book ch2, SC-2, SC-3): the launch role,
every offered version's execution role under the spoke's permissions boundary, and the
boundary itself as a ceiling for any role created under it (issue #17, defect 9).
"""

from __future__ import annotations

from ...assembly.cloud_assembly import END_USER_VALUES
from ..model import Flow, OutsideRole, Role, Service, allow, deny, in_area
from ..platform import Platform

AREA = "products"
SC = "docs/service-catalog.md (SC-2, SC-3); book ch2"
TO_SAGEMAKER = {"iam:PassedToService": "sagemaker.amazonaws.com"}


def _launch_role(platform: Platform, slug: str, stage: str) -> list[Flow]:
    account = platform.account(slug)
    launch = Role(platform.attr(f"{stage}/ServiceCatalog/LaunchRole/Resource"))
    boundary = platform.ref(f"{stage}/ServiceCatalog/ProductBoundary/Policy/Resource")
    new_role = f"arn:aws:iam::{account}:role/SC-{account}-pp-newlaunch0001-ExecutionRole-ABC"
    notebook = platform.arn("sagemaker", account, "notebook-instance/mynotebook")
    subnets = [platform.ref(f"{stage}/Network/Network/Vpc/PrivateSubnet{i}/Subnet") for i in (1, 2)]
    guarded = {
        "sagemaker:DirectInternetAccess": "Disabled",
        "sagemaker:RootAccess": "Disabled",
        "sagemaker:VpcSubnets": subnets,
    }
    a = f"{AREA} {slug}: launch role"
    return [
        allow(
            f"{a}: Service Catalog assumes it",
            Service("servicecatalog.amazonaws.com", account),
            "sts:AssumeRole",
            launch.arn,
            SC,
        ),
        allow(
            f"{a}: creates a product role under the boundary",
            launch,
            "iam:CreateRole",
            new_role,
            SC,
            context={"iam:PermissionsBoundary": boundary},
        ),
        deny(
            f"{a}: creates a product role without the boundary",
            launch,
            "iam:CreateRole",
            new_role,
            "SC-3: product roles only under the boundary (iam:PermissionsBoundary)",
        ),
        allow(
            f"{a}: creates a private notebook",
            launch,
            "sagemaker:CreateNotebookInstance",
            notebook,
            SC,
            context=guarded,
        ),
        deny(
            f"{a}: creates a notebook with internet access",
            launch,
            "sagemaker:CreateNotebookInstance",
            notebook,
            "WA-SEC-3: notebooks without direct internet access (sagemaker:DirectInternetAccess)",
            context={**guarded, "sagemaker:DirectInternetAccess": "Enabled"},
        ),
        deny(
            f"{a}: administers IAM",
            launch,
            "iam:AttachRolePolicy",
            platform.role(slug, "sm-ml-engineer").arn,
            "SC-3: no IAM administration",
            context={"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"},
        ),
    ]


def _boundary(platform: Platform, slug: str, stage: str) -> list[Flow]:
    """Whatever a product role's own policy says, the boundary caps PassRole (defect 9)."""
    account = platform.account(slug)
    boundary = platform.ref(f"{stage}/ServiceCatalog/ProductBoundary/Policy/Resource")
    anything = OutsideRole(
        f"arn:aws:iam::{account}:role/SC-{account}-pp-any000000001-ExecutionRole-X",
        platform.organization_id,
        boundary=boundary,
    )
    jobs, engineer = platform.role(slug, "sm-jobs").arn, platform.role(slug, "sm-ml-engineer").arn
    why = "issue #17: the product boundary lets product roles pass only product roles and the jobs role, to SageMaker"
    a = f"{AREA} {slug}: a role under the product boundary"
    return [
        allow(f"{a} passes the jobs role to SageMaker", anything, "iam:PassRole", jobs, SC, context=TO_SAGEMAKER),
        deny(f"{a} passes the ML engineer role", anything, "iam:PassRole", engineer, why, context=TO_SAGEMAKER),
        deny(
            f"{a} passes the jobs role to Lambda",
            anything,
            "iam:PassRole",
            jobs,
            why,
            context={"iam:PassedToService": "lambda.amazonaws.com"},
        ),
        deny(
            f"{a} creates an IAM user",
            anything,
            "iam:CreateUser",
            f"arn:aws:iam::{account}:user/backdoor",
            "the boundary caps product roles to the products' own actions",
        ),
    ]


STAGE = "sagemaker:ModelLifeCycle:stage"  # governance.py


def _execution_roles(platform: Platform) -> list[Flow]:
    flows: list[Flow] = []
    for stack in platform.assembly.stacks:
        if stack.stage != "Products" or "ExecutionRoleCDF74862" not in stack.resources:
            continue
        slug = next(r.slug for r in platform.teams() if r.account_id == stack.account)
        role = Role(platform.resolver.get_att(stack, "ExecutionRoleCDF74862", "Arn"))
        stage = f"DataScience-{slug}"
        subnets = [platform.ref(f"{stage}/Network/Network/Vpc/PrivateSubnet{i}/Subnet") for i in (1, 2)]
        in_vpc = {"sagemaker:VpcSubnets": subnets, "sagemaker:VolumeKmsKeyArn": platform.key(stage, "StudioKey")}
        job = platform.arn("sagemaker", stack.account, "training-job/product-job")
        package = platform.arn("sagemaker", stack.account, "model-package/weather-pollution/3")
        a = f"{AREA} {slug}: {stack.stack_id}"
        flows += [
            allow(
                f"{a}: passes its own role to SageMaker",
                role,
                "iam:PassRole",
                role.arn,
                "get_execution_role() in a notebook passes the notebook's role",
                context=TO_SAGEMAKER,
            ),
            allow(
                f"{a}: passes the jobs role to SageMaker",
                role,
                "iam:PassRole",
                platform.role(slug, "sm-jobs").arn,
                SC,
                context=TO_SAGEMAKER,
            ),
            deny(
                f"{a}: passes the ML engineer role",
                role,
                "iam:PassRole",
                platform.role(slug, "sm-ml-engineer").arn,
                "issue #17: no persona escalation through products",
                context=TO_SAGEMAKER,
            ),
            allow(
                f"{a}: trains in the VPC with a volume key",
                role,
                "sagemaker:CreateTrainingJob",
                job,
                SC,
                context=in_vpc,
            ),
            deny(
                f"{a}: trains without VPC subnets",
                role,
                "sagemaker:CreateTrainingJob",
                job,
                "WA-SEC-1/9",
                context={"sagemaker:VolumeKmsKeyArn": in_vpc["sagemaker:VolumeKmsKeyArn"]},
            ),
            deny(
                f"{a}: approves a model",
                role,
                "sagemaker:UpdateModelPackage",
                package,
                "only the ML engineer persona approves (book ch8)",
            ),
            allow(
                f"{a}: registers a version without a lifecycle stage",
                role,
                "sagemaker:CreateModelPackage",
                package,
                SC,
                context={"sagemaker:ModelApprovalStatus": "PendingManualApproval"},
            ),
            deny(
                f"{a}: registers a version in the production stage",
                role,
                "sagemaker:CreateModelPackage",
                package,
                "issue #22: product roles set no lifecycle stage (docs/model-governance.md)",
                context={"sagemaker:ModelApprovalStatus": "PendingManualApproval", STAGE: "production"},
            ),
        ]
        team_bucket = platform.bucket(stage, "Projects")
        if "NotebookInstance0476B99B" in stack.resources:
            bucket = platform.resolver.ref(stack, "BucketD7FEB781")
            notebook = platform.resolver.ref(stack, "NotebookInstance0476B99B")
            flows += [
                allow(f"{a}: reads its own bucket", role, "s3:GetObject", f"arn:aws:s3:::{bucket}/data.csv", SC),
                allow(
                    f"{a}: stops itself when idle",
                    role,
                    "sagemaker:StopNotebookInstance",
                    notebook,
                    "book ch13: idle notebooks stop",
                ),
            ]
        else:
            user = END_USER_VALUES["UserProfileName"]
            flows += [
                allow(
                    f"{a}: writes its user's prefix of the team bucket",
                    role,
                    "s3:PutObject",
                    f"arn:aws:s3:::{team_bucket}/users/{user}/x.csv",
                    SC,
                ),
                deny(
                    f"{a}: reads another user's prefix",
                    role,
                    "s3:GetObject",
                    f"arn:aws:s3:::{team_bucket}/users/someone-else/x.csv",
                    "book ch2: a personal prefix per Studio user",
                ),
            ]
    return flows


def flows(platform: Platform) -> list[Flow]:
    found: list[Flow] = []
    for team in platform.teams():
        found += _launch_role(platform, team.slug, team.stage_id) + _boundary(platform, team.slug, team.stage_id)
    return in_area(AREA, found + _execution_roles(platform))
