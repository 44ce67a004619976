"""Scheduled batch ingestion: a Glue Spark job loads a curated table into a feature group
(book ch5; script in assets/glue/batch_feature_ingestion.py)."""

from __future__ import annotations

import json
from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3_assets as assets
from constructs import Construct

from ..context import PROJECT_ROOT
from ..naming import partition_for
from .scoped_policy import Grant, ScopedPolicy

SCRIPT = PROJECT_ROOT / "assets" / "glue" / "batch_feature_ingestion.py"


class BatchFeatureIngestion(Construct):
    """Props:
    job_name: physical name of the job (and its security configuration).
    feature_group_name, feature_group_arn, record_identifier: the target.
    database, table, table_prefix_arn: the curated source (S3 objects under the table's prefix).
    mapping: feature -> source column or "@ingestion_time".
    event_time_feature, event_time_type: the event-time feature and its type (``Fractional``:
        epoch seconds; ``String``: ISO-8601 UTC, which an Iceberg offline store requires).
    schedule: Glue cron expression.
    data_key: key of the curated bucket (read); features_key: online store; logs_key: job logs.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        job_name: str,
        feature_group_name: str,
        feature_group_arn: str,
        record_identifier: str,
        database: str,
        table: str,
        table_objects_arn: str,
        mapping: Mapping[str, str],
        event_time_feature: str,
        event_time_type: str,
        schedule: str,
        data_key: kms.IKey,
        features_key: kms.IKey,
        logs_key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        partition = partition_for(stack.region)
        glue_arn = f"arn:{partition}:glue:{stack.region}:{stack.account}"
        script = assets.Asset(self, "Script", path=str(SCRIPT))
        script_arn = f"arn:{partition}:s3:::{script.s3_bucket_name}/{script.s3_object_key}"
        role = iam.Role(
            self, "Role", assumed_by=iam.ServicePrincipal("glue.amazonaws.com"), description=f"Glue job {job_name}"
        )
        policy = ScopedPolicy(
            self,
            "Permissions",
            name=None,
            description=f"Permissions of Glue job {job_name}",
            grants=[
                Grant("ReadScript", ["s3:GetObject"], [script_arn]),
                Grant(
                    "ReadSourceObjects",
                    ["s3:GetObject"],
                    [table_objects_arn],
                    why="objects under the source table's prefix",
                ),
                Grant(
                    "ReadCatalog",
                    ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
                    [f"{glue_arn}:catalog", f"{glue_arn}:database/{database}", f"{glue_arn}:table/{database}/{table}"],
                ),
                Grant("PutRecords", ["sagemaker:PutRecord"], [feature_group_arn]),
                Grant(
                    "Keys",
                    ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                    [data_key.key_arn, features_key.key_arn, logs_key.key_arn],
                ),
                Grant(
                    "JobLogs",
                    ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
                    [f"arn:{partition}:logs:{stack.region}:{stack.account}:log-group:/aws-glue/*"],
                    why="Glue's own log groups (/aws-glue/...)",
                ),
            ],
        )
        role.add_managed_policy(policy.policy)
        # Glue encrypts its S3 output, job bookmarks and CloudWatch logs (AwsSolutions-GL1, GL3).
        # Typed struct: property classes, not PascalCase dicts (those are silently dropped here;
        # cdk-nag's GL1/GL3 caught it once).
        security = glue.CfnSecurityConfiguration(
            self,
            "Security",
            name=job_name,
            encryption_configuration=glue.CfnSecurityConfiguration.EncryptionConfigurationProperty(
                s3_encryptions=[
                    glue.CfnSecurityConfiguration.S3EncryptionProperty(
                        s3_encryption_mode="SSE-KMS", kms_key_arn=data_key.key_arn
                    )
                ],
                cloud_watch_encryption=glue.CfnSecurityConfiguration.CloudWatchEncryptionProperty(
                    cloud_watch_encryption_mode="SSE-KMS", kms_key_arn=logs_key.key_arn
                ),
                job_bookmarks_encryption=glue.CfnSecurityConfiguration.JobBookmarksEncryptionProperty(
                    job_bookmarks_encryption_mode="CSE-KMS", kms_key_arn=data_key.key_arn
                ),
            ),
        )
        self.job = glue.CfnJob(
            self,
            "Job",
            name=job_name,
            role=role.role_arn,
            glue_version="4.0",
            worker_type="G.1X",
            number_of_workers=2,
            timeout=120,
            max_retries=1,
            security_configuration=security.ref,
            command=glue.CfnJob.JobCommandProperty(
                name="glueetl", python_version="3", script_location=script.s3_object_url
            ),
            default_arguments={
                "--FEATURE_GROUP_NAME": feature_group_name,
                "--DATABASE": database,
                "--TABLE": table,
                "--MAPPING": json.dumps(dict(mapping), separators=(",", ":")),
                "--RECORD_IDENTIFIER": record_identifier,
                "--EVENT_TIME_FEATURE": event_time_feature,
                "--EVENT_TIME_TYPE": event_time_type,
                "--enable-continuous-cloudwatch-log": "true",
            },
        )
        glue.CfnTrigger(
            self,
            "Schedule",
            name=f"{job_name}-schedule",
            type="SCHEDULED",
            schedule=schedule,
            start_on_creation=True,
            actions=[glue.CfnTrigger.ActionProperty(job_name=job_name)],
        ).add_resource_dependency(self.job)
