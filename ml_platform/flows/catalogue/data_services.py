"""AWS services working on the platform's data: the Feature Store offline store, Lake Formation,
S3 server access logging, SageMaker's volume grants and Step Functions (issue #17).

Access-log flows are derived from every bucket's logging configuration in the templates.
"""

from __future__ import annotations

from ..model import Flow, Role, Service, allow, deny, in_area
from ..platform import OUTSIDE_ACCOUNT, Platform

AREA = "data-services"
OFFLINE_PREFIX = "feature-store/"  # ml_platform/stacks/feature_store.py (not imported: that module is CDK)
FEATURE_STORE_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-adding-policies.html"
FEATURE_STORE_POLICY = (
    "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSageMakerFeatureStoreAccess.html"
)
S3_LOGS_DOC = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html"
KMS_GRANTS_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest-nbi.html"


def _offline_store(platform: Platform) -> list[Flow]:
    """SageMaker writes each feature group's offline store as the offline store role (book ch5)."""
    lake = platform.account_role("datalake")
    role = Role(platform.attr("DataLake/FeatureStore/OfflineStoreRole/Resource"))
    bucket = platform.bucket("DataLake", "OfflineStore")
    objects = f"arn:aws:s3:::{bucket}/{OFFLINE_PREFIX}{lake.account_id}/sagemaker/{platform.region}/offline-store/x"
    database = platform.config.data_lake.feature_store_database
    table = platform.arn("glue", lake.account_id, f"table/{database}/weather_observations_v1")
    key = platform.key("DataLake", "FeaturesKey")
    sagemaker = Service("sagemaker.amazonaws.com", lake.account_id)
    via_s3 = {"kms:ViaService": f"s3.{platform.region}.amazonaws.com"}
    a = f"{AREA}: offline store"
    return [
        allow(
            f"{a}: SageMaker assumes the offline store role", sagemaker, "sts:AssumeRole", role.arn, FEATURE_STORE_DOC
        ),
        allow(f"{a}: writes records", role, "s3:PutObject", objects, FEATURE_STORE_POLICY),
        allow(f"{a}: sets the owner's object ACL", role, "s3:PutObjectAcl", objects, FEATURE_STORE_POLICY),
        allow(
            f"{a}: reads Iceberg metadata",
            role,
            "s3:GetObject",
            objects.replace("/x", "/metadata/v1.json"),
            FEATURE_STORE_POLICY,
        ),
        allow(f"{a}: checks the bucket owner", role, "s3:GetBucketAcl", f"arn:aws:s3:::{bucket}", FEATURE_STORE_POLICY),
        allow(f"{a}: updates the Glue table", role, "glue:UpdateTable", table, FEATURE_STORE_POLICY),
        allow(
            f"{a}: encrypts with the features key", role, "kms:GenerateDataKey", key, FEATURE_STORE_DOC, context=via_s3
        ),
        deny(
            f"{a}: SageMaker for another account assumes the offline store role",
            Service("sagemaker.amazonaws.com", OUTSIDE_ACCOUNT),
            "sts:AssumeRole",
            role.arn,
            "confused-deputy guard (aws:SourceAccount) on the offline store role's trust",
        ),
        deny(
            f"{a}: writes outside the offline store prefix",
            role,
            "s3:PutObject",
            f"arn:aws:s3:::{bucket}/elsewhere/x",
            "the role writes its prefix only (WA-SEC-7)",
        ),
    ]


def _lake_formation(platform: Platform) -> list[Flow]:
    role = Role(platform.attr("DataLake/Catalog/DataAccessRole/Resource"))
    bucket = platform.bucket("DataLake", "Curated")
    table = platform.config.data_lake.curated_tables[0].prefix if platform.config.data_lake.curated_tables else ""
    doc = "https://docs.aws.amazon.com/lake-formation/latest/dg/registration-role.html"
    lake = platform.account("datalake")
    return [
        allow(
            "Lake Formation assumes the curated data access role",
            Service("lakeformation.amazonaws.com", lake),
            "sts:AssumeRole",
            role.arn,
            doc,
        ),
        allow(
            "Lake Formation reads curated objects",
            role,
            "s3:GetObject",
            f"arn:aws:s3:::{bucket}/{table}part-0.parquet",
            doc,
        ),
        allow(
            "Lake Formation decrypts curated objects",
            role,
            "kms:Decrypt",
            platform.key("DataLake", "DataKey"),
            doc,
            context={"kms:ViaService": f"s3.{platform.region}.amazonaws.com"},
        ),
        deny(
            "Lake Formation's role writes curated objects",
            role,
            "s3:PutObject",
            f"arn:aws:s3:::{bucket}/{table}x",
            "curated data is read-only to Lake Formation (book ch14)",
        ),
    ]


def _access_logs(platform: Platform) -> list[Flow]:
    """S3 delivers each bucket's server access logs to its account's log bucket."""
    flows: list[Flow] = []
    for stack in platform.assembly.stacks:
        for logical_id, resource in stack.resources.items():
            if resource["Type"] != "AWS::S3::Bucket" or "LoggingConfiguration" not in resource.get("Properties", {}):
                continue
            logging = platform.resolver.resolve(stack, resource["Properties"]["LoggingConfiguration"])
            source = platform.resolver.ref(stack, logical_id)
            key = f"{logging.get('LogFilePrefix', '')}2026-12-02-00-00-00-0123456789ABCDEF"  # S3's log object key
            target = f"arn:aws:s3:::{logging['DestinationBucketName']}/{key}"
            s3 = Service("logging.s3.amazonaws.com", stack.account, f"arn:aws:s3:::{source}")
            flows.append(allow(f"access logs of {source}", s3, "s3:PutObject", target, S3_LOGS_DOC))
    prod = platform.roles[-1]
    log_bucket = platform.bucket(prod.stage_id, "AccessLogs")
    other = Service("logging.s3.amazonaws.com", OUTSIDE_ACCOUNT, "arn:aws:s3:::someone-elses-bucket")
    flows.append(
        deny(
            "another account's bucket logs into prod's log bucket",
            other,
            "s3:PutObject",
            f"arn:aws:s3:::{log_bucket}/someone-elses-bucket/x",
            "the log bucket admits this account's buckets only",
        )
    )
    return flows


def _volumes_and_orchestration(platform: Platform) -> list[Flow]:
    flows: list[Flow] = []
    for team in platform.teams():
        jobs = platform.role(team.slug, "sm-jobs")
        key = platform.key(team.stage_id, "StudioKey")
        grant = {"kms:GrantIsForAWSResource": "true", "kms:ViaService": f"sagemaker.{platform.region}.amazonaws.com"}
        flows += [
            allow(
                f"{team.slug}'s jobs attach encrypted volumes",
                jobs,
                "kms:CreateGrant",
                key,
                KMS_GRANTS_DOC,
                context=grant,
            ),
            deny(
                f"{team.slug}'s data scientist creates a key grant for itself",
                platform.role(team.slug, "sm-data-scientist"),
                "kms:CreateGrant",
                key,
                "grants only for AWS resources (kms:GrantIsForAWSResource), WA-SEC-9",
            ),
        ]
    for stage, slug in (("Test", "test"), ("Production", "prod")):
        model = platform.role(slug, "sm-models")
        grant = {"kms:GrantIsForAWSResource": "true", "kms:ViaService": f"sagemaker.{platform.region}.amazonaws.com"}
        flows.append(
            allow(
                f"{slug} endpoints attach encrypted volumes",
                model,
                "kms:CreateGrant",
                platform.key(stage, "DataKey"),
                KMS_GRANTS_DOC,
                context=grant,
            )
        )
    shared = platform.account("shared")
    release = platform.role("shared", "model-release")
    states = Service("states.amazonaws.com", shared)
    flows.append(
        allow(
            "Step Functions runs the release as the release role",
            states,
            "sts:AssumeRole",
            release.arn,
            "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html",
        )
    )
    return flows


def _rollbacks_and_delivery(platform: Platform) -> list[Flow]:
    """Blue/green endpoints read their rollback alarms through the models' execution role, and
    the platform pipeline's source action uses the repository connection (issue #17)."""
    flows: list[Flow] = []
    rollback = "https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html"
    for stack in platform.assembly.stacks:
        for resource in stack.resources.values():
            if resource["Type"] != "AWS::SageMaker::Endpoint" or "DeploymentConfig" not in resource["Properties"]:
                continue
            config = platform.resolver.resolve(stack, resource["Properties"]["DeploymentConfig"])
            models = Role(platform.attr(f"{stack.stage}/{stack.stack_id}/ModelRole/Role/Resource"))
            for alarm in config.get("AutoRollbackConfiguration", {}).get("Alarms", []):
                arn = platform.arn("cloudwatch", stack.account, f"alarm:{alarm['AlarmName']}")
                flows.append(
                    allow(
                        f"blue/green rollback reads {alarm['AlarmName']}",
                        models,
                        "cloudwatch:DescribeAlarms",
                        arn,
                        rollback,
                    )
                )
    pipeline = platform.config.platform_pipeline
    if pipeline is not None and pipeline.connection_arn is not None and pipeline.repository is not None:
        action = f"PlatformPipeline/Pipeline/Pipeline/Source/{pipeline.repository.replace('/', '_')}"
        source = Role(platform.attr(f"{action}/CodePipelineActionRole/Resource"))
        rename = "https://docs.aws.amazon.com/dtconsole/latest/userguide/security-iam.html"
        flows.append(
            allow(
                "the platform pipeline reads its source through the connection",
                source,
                "codeconnections:UseConnection",
                pipeline.connection_arn,
                rename,
            )
        )
    return flows


def flows(platform: Platform) -> list[Flow]:
    return in_area(
        AREA,
        [
            *_rollbacks_and_delivery(platform),
            *_offline_store(platform),
            *_lake_formation(platform),
            *_access_logs(platform),
            *_volumes_and_orchestration(platform),
        ],
    )
