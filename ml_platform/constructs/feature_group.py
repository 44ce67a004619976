"""SageMaker Feature Store feature group from a typed definition (book ch5; AS-8)."""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..naming import partition_for


def glue_table_name(feature_group_name: str) -> str:
    """Glue table names are lowercase with underscores."""
    return feature_group_name.lower().replace("-", "_")


class FeatureGroup(Construct):
    """Both stores encrypted with the customer key; the offline store in the data lake bucket,
    catalogued in the given Glue database (Glue or Iceberg table format). Retained: a feature
    group's records are data.

    Props:
        name, description, record_identifier, event_time_feature: as in the config.
        features: feature name -> Integral | Fractional | String.
        online_enabled, ttl_days: online store (TTL optional).
        offline_enabled, table_format, offline_s3_uri, glue_database: offline store.
        kms_key_arn: key of both stores.
        offline_role_arn: role SageMaker uses to write the offline store.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        description: str,
        record_identifier: str,
        event_time_feature: str,
        features: Mapping[str, str],
        kms_key_arn: str,
        online_enabled: bool = True,
        ttl_days: int | None = None,
        offline_enabled: bool = True,
        table_format: str = "Glue",
        offline_s3_uri: str | None = None,
        glue_database: str | None = None,
        offline_role_arn: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        online: dict[str, object] | None = None
        if online_enabled:
            online = {"EnableOnlineStore": True, "SecurityConfig": {"KmsKeyId": kms_key_arn}}
            if ttl_days is not None:
                online["TtlDuration"] = {"Unit": "Days", "Value": ttl_days}
        offline: dict[str, object] | None = None
        if offline_enabled:
            if not (offline_s3_uri and glue_database and offline_role_arn):
                raise ValueError(f"feature group {name}: the offline store needs an S3 URI, a Glue database and a role")
            # PascalCase dicts: these properties are typed Any in CDK (toolchain trap 3).
            offline = {
                "S3StorageConfig": {"S3Uri": offline_s3_uri, "KmsKeyId": kms_key_arn},
                "DisableGlueTableCreation": False,
                "DataCatalogConfig": {
                    "Catalog": "AwsDataCatalog",
                    "Database": glue_database,
                    "TableName": glue_table_name(name),
                },
                "TableFormat": table_format,
            }
        self.group = sagemaker.CfnFeatureGroup(
            self,
            "FeatureGroup",
            feature_group_name=name,
            description=description or None,
            record_identifier_feature_name=record_identifier,
            event_time_feature_name=event_time_feature,
            feature_definitions=[
                sagemaker.CfnFeatureGroup.FeatureDefinitionProperty(feature_name=feature, feature_type=kind)
                for feature, kind in features.items()
            ],
            online_store_config=online,
            offline_store_config=offline,
            role_arn=offline_role_arn if offline_enabled else None,
        )
        self.group.apply_removal_policy(cdk.RemovalPolicy.RETAIN)

    @property
    def name(self) -> str:
        return str(self.group.feature_group_name)

    @property
    def arn(self) -> str:
        """SageMaker writes resource names lowercased in ARNs (CloudFormation exposes no ARN)."""
        stack = cdk.Stack.of(self)
        partition = partition_for(stack.region)
        return f"arn:{partition}:sagemaker:{stack.region}:{stack.account}:feature-group/{self.name.lower()}"
