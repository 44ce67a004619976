"""Where a SageMaker role may act, and its grants on platform resources (bucket, keys, images,
logs, VPC): the part of every SageMaker role's policy that is not SageMaker API actions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..mlflow_support import MlflowTarget
from .scoped_policy import Grant

RUNTIME_NAMES = "names and IDs are chosen at run time; scoped to this account and region"


@dataclass(frozen=True)
class ModelArtefacts:
    """The shared services artefacts bucket prefix a team's pipelines write models to (XA-4c)."""

    bucket: str
    prefix: str  # the team's own prefix
    key_account: str  # shared services
    key_alias: str  # alias/... of the artefacts key (its ID is unknown at synth)


@dataclass(frozen=True)
class SageMakerScope:
    """Where a role may act: this account/region, the team's bucket, keys and role prefix."""

    partition: str
    region: str
    account: str
    bucket_name: str
    key_arns: Sequence[str]
    role_name_prefix: str  # e.g. openaq-weatherproduct-sm- : the platform's SageMaker role names
    image_accounts: Sequence[str]  # accounts whose ECR repositories jobs may pull from
    data_lake_account: str | None = None  # shares curated tables through Lake Formation
    assumable_role_arns: Sequence[str] = ()  # e.g. the central feature store's roles
    artefacts: ModelArtefacts | None = None  # where pipelines write models (shared services)
    labeling: bool = False  # the team has a Ground Truth job role (<prefix>labeling)
    athena_workgroup: str | None = None  # where the team queries shared curated tables
    feature_store: bool = True  # the team uses its own feature groups (its VPC has the runtime endpoint)
    mlflow: MlflowTarget | None = None  # the team's managed MLflow (issue #22)
    # Model lifecycle stages (config model_lifecycle; lifecycle_grants.py): builders set only these...
    development_stages: tuple[str, ...] = ("development", "staging")
    production_stage: str = "production"  # ...and only the approver persona sets this one

    def arn(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.region}:{self.account}:{resource}"

    def sm(self, *resources: str) -> list[str]:
        return [self.arn("sagemaker", r) for r in resources]

    def runtime_grant(
        self,
        kind: str,
        sid: str,
        actions: Sequence[str],
        resources: tuple[str, ...],
        conditions: Mapping[str, Mapping[str, object]] | None = None,
    ) -> Grant:
        """A statement on SageMaker ``resources`` of one ``kind`` (patterns such as ``model/*``)
        here: their names are chosen at run time, the reason for the wildcard."""
        return Grant(sid, actions, self.sm(*resources), why=f"{kind} {RUNTIME_NAMES}", conditions=conditions or {})


def data_access(s: SageMakerScope, *, write: bool = True) -> list[Grant]:
    """The team bucket and the platform keys."""
    bucket = f"arn:{s.partition}:s3:::{s.bucket_name}"
    objects = ["s3:GetObject", "s3:GetObjectVersion"]
    if write:
        objects += ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    return [
        Grant("TeamBucketObjects", objects, [f"{bucket}/*"], why="any object of the team's own bucket"),
        Grant("TeamBucketList", ["s3:ListBucket", "s3:GetBucketLocation"], [bucket]),
        *key_access(s, write=write),
    ]


def key_access(s: SageMakerScope, *, write: bool = True) -> list[Grant]:
    """Use of the platform keys (data and volumes), nothing else."""
    key_actions = ["kms:Decrypt", "kms:DescribeKey"]
    if write:
        key_actions += [
            "kms:Encrypt",
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
        ]
    return [
        Grant("PlatformKeys", key_actions, list(s.key_arns)),
        # SageMaker attaches encrypted volumes to instances through grants (book ch13 WA-SEC-9).
        Grant(
            "PlatformKeyGrantsForVolumes",
            ["kms:CreateGrant"],
            list(s.key_arns),
            conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        ),
    ]


def data_lake_access(s: SageMakerScope) -> list[Grant]:
    """Read curated tables shared by the data lake (Lake Formation vends the data access) and
    assume the central feature store's roles (book ch14; XA-5, XA-8)."""
    grants: list[Grant] = []
    if s.data_lake_account:
        catalogs = sorted({s.account, s.data_lake_account})
        glue = [
            f"arn:{s.partition}:glue:{s.region}:{a}:{r}"
            for a in catalogs
            for r in ("catalog", "database/*", "table/*/*")
        ]
        grants += [
            Grant(
                "LakeFormationData",
                ["lakeformation:GetDataAccess"],
                ["*"],
                why="lakeformation:GetDataAccess has no resource scope; Lake Formation grants decide",
            ),
            Grant(
                "CatalogRead",
                [
                    "glue:GetDatabase",
                    "glue:GetDatabases",
                    "glue:GetTable",
                    "glue:GetTables",
                    "glue:GetPartition",
                    "glue:GetPartitions",
                ],
                glue,
                why="catalog metadata of this account and the data lake; table access is Lake Formation's",
            ),
        ]
    if s.athena_workgroup:
        # Query the shared tables from Studio and Data Wrangler (docs/data-lake.md): Athena runs
        # as the caller, reads the catalog and Lake Formation data access above, and writes
        # results to the team bucket (TeamBucketObjects) with the data key (issue #17).
        athena = f"arn:{s.partition}:athena:{s.region}:{s.account}"
        grants += [
            Grant(
                "AthenaQueries",
                [
                    "athena:StartQueryExecution",
                    "athena:StopQueryExecution",
                    "athena:GetQueryExecution",
                    "athena:BatchGetQueryExecution",
                    "athena:ListQueryExecutions",
                    "athena:GetQueryResults",
                    "athena:GetQueryResultsStream",
                    "athena:GetWorkGroup",
                ],
                [f"{athena}:workgroup/{s.athena_workgroup}"],
            ),
            Grant(
                "AthenaCatalog",
                [
                    "athena:GetDataCatalog",
                    "athena:ListDatabases",
                    "athena:GetDatabase",
                    "athena:ListTableMetadata",
                    "athena:GetTableMetadata",
                ],
                [f"{athena}:datacatalog/AwsDataCatalog"],
            ),
            Grant(
                "AthenaListings",
                ["athena:ListWorkGroups", "athena:ListDataCatalogs"],
                ["*"],
                why="Athena's list actions support no resource scoping",
            ),
        ]
    if s.assumable_role_arns:
        # SetSourceIdentity: a Studio session carries the user's name on (docs/audit-identity.md).
        grants.append(
            Grant("CentralFeatureStore", ["sts:AssumeRole", "sts:SetSourceIdentity"], list(s.assumable_role_arns))
        )
    return grants


def pass_roles(s: SageMakerScope, suffixes: Sequence[str]) -> list[Grant]:
    """``iam:PassRole`` of exactly the named platform roles (``<prefix><suffix>``), to SageMaker
    only. Each persona passes only the roles its own work needs (issue #17): a prefix wildcard
    let a data scientist run a job as the ML engineer and approve a model."""
    names = [x for x in suffixes if x != "labeling" or s.labeling]
    if not names:
        return []
    return [
        Grant(
            "PassRoles",
            ["iam:PassRole"],
            [f"arn:{s.partition}:iam::{s.account}:role/{s.role_name_prefix}{name}" for name in names],
            conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        )
    ]


def runtime_basics(s: SageMakerScope) -> list[Grant]:
    """Pull images, write logs and metrics, use ENIs in the private VPC."""
    repos = [f"arn:{s.partition}:ecr:{s.region}:{a}:repository/*" for a in sorted({s.account, *s.image_accounts})]
    log_groups = s.arn("logs", "log-group:/aws/sagemaker/*")
    return [
        Grant(
            "PullImages",
            ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            repos,
            why="any repository of the platform's image accounts (shared services, own)",
        ),
        Grant(
            "EcrLogin",
            ["ecr:GetAuthorizationToken"],
            ["*"],
            why="ecr:GetAuthorizationToken has no resource scope",
        ),
        Grant(
            "SageMakerLogs",
            [
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "logs:DescribeLogStreams",
                "logs:GetLogEvents",
            ],
            [log_groups, f"{log_groups}:log-stream:*"],
            why="SageMaker's own log groups (/aws/sagemaker/...)",
        ),
        Grant(
            "SageMakerMetrics",
            ["cloudwatch:PutMetricData"],
            ["*"],
            why="PutMetricData has no resource scope; limited to SageMaker namespaces by condition",
            conditions={"StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/*", "sagemaker/*"]}},
        ),
        Grant(
            "VpcNetworkInterfaces",
            [
                "ec2:CreateNetworkInterface",
                "ec2:CreateNetworkInterfacePermission",
                "ec2:DeleteNetworkInterface",
                "ec2:DeleteNetworkInterfacePermission",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeVpcs",
                "ec2:DescribeDhcpOptions",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
            ],
            ["*"],
            why="ENIs for VPC jobs and apps are created before their IDs exist; EC2 Describe has no scope",
        ),
    ]


def model_artefacts(s: SageMakerScope, *, write: bool = True) -> list[Grant]:
    """Write trained models to the team's prefix of the shared artefacts bucket, or read models
    there to host them (book ch14, XA-4c)."""
    if s.artefacts is None:
        return []
    a = s.artefacts
    bucket = f"arn:{s.partition}:s3:::{a.bucket}"
    objects = ["s3:GetObject", "s3:GetObjectVersion"]
    if write:
        objects += ["s3:PutObject", "s3:AbortMultipartUpload"]
    return [
        Grant(
            "ModelArtefactObjects",
            objects,
            [f"{bucket}/{a.prefix}/*"],
            why="models named by training job at run time, under the given prefix of the artefacts bucket",
        ),
        Grant("ModelArtefactBucket", ["s3:ListBucket", "s3:GetBucketLocation"], [bucket]),
        # The key's ID is not known here; the alias pins it (KMS ABAC, kms:ResourceAliases).
        Grant(
            "ModelArtefactKey",
            ["kms:Decrypt", "kms:DescribeKey"]
            + (["kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"] if write else []),
            [f"arn:{s.partition}:kms:{s.region}:{a.key_account}:key/*"],
            why="the shared services artefacts key, selected by its alias (key ID unknown at synth)",
            conditions={"ForAnyValue:StringEquals": {"kms:ResourceAliases": a.key_alias}},
        ),
    ]
