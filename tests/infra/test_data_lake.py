"""Data lake and central feature store (issue #6; AS-8, AS-10, AS-11, XA-5, XA-8)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from ..helpers import Synth, resources_of_type, statements

TEAMS = {"weatherproduct": "333333333333", "weatherresearch": "444444444444"}
EXEC_ROLE = "arn:aws:iam::222222222222:role/cdk-hnb659fds-cfn-exec-role-222222222222-us-east-1"
OPENAQ_SHARED = ["location", "city", "country", "utc", "parameter", "value", "unit", "latitude", "longitude"]


def _key_output(name: str) -> object:
    return {"Fn::GetStackOutput": Match.object_like({"OutputName": Match.string_like_regexp(name)})}


def test_feature_groups_encrypt_both_stores(synth: Synth) -> None:
    template = Template.from_json(synth.template("DataLake", "FeatureStore"))
    template.resource_count_is("AWS::SageMaker::FeatureGroup", 2)
    template.has_resource(
        "AWS::SageMaker::FeatureGroup",
        {
            "DeletionPolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "FeatureGroupName": "weather-observations-v1",
                    "RecordIdentifierFeatureName": "location",
                    "EventTimeFeatureName": "EventTime",
                    "FeatureDefinitions": Match.array_with([{"FeatureName": "EventTime", "FeatureType": "String"}]),
                    "OnlineStoreConfig": {
                        "EnableOnlineStore": True,
                        "SecurityConfig": {"KmsKeyId": _key_output("FeaturesKey")},
                        "TtlDuration": {"Unit": "Days", "Value": 30},
                    },
                    "OfflineStoreConfig": {
                        "S3StorageConfig": {
                            "S3Uri": "s3://openaq-datalake-offline-store-222222222222-us-east-1/feature-store/",
                            "KmsKeyId": _key_output("FeaturesKey"),
                        },
                        "DisableGlueTableCreation": False,
                        "DataCatalogConfig": {
                            "Catalog": "AwsDataCatalog",
                            "Database": "feature_store",
                            "TableName": "weather_observations_v1",
                        },
                        "TableFormat": "Iceberg",
                    },
                }
            ),
        },
    )
    template.has_resource_properties(
        "AWS::SageMaker::FeatureGroup",
        {
            "FeatureGroupName": "location-profile-v1",
            "OnlineStoreConfig": Match.object_like({"EnableOnlineStore": True}),
            "OfflineStoreConfig": Match.object_like({"TableFormat": "Glue"}),
        },
    )


def test_offline_store_bucket_tiers_down(synth: Synth) -> None:
    Template.from_json(synth.template("DataLake", "Data")).has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketName": "openaq-datalake-offline-store-222222222222-us-east-1",
            "LifecycleConfiguration": {
                "Rules": [
                    Match.object_like(
                        {
                            "Transitions": [
                                {"StorageClass": "STANDARD_IA", "TransitionInDays": 60},
                                {"StorageClass": "GLACIER_IR", "TransitionInDays": 365},
                            ]
                        }
                    )
                ]
            },
        },
    )


def _role(template: dict[str, Any], name: str) -> dict[str, Any]:
    [role] = [
        r for r in resources_of_type(template, "AWS::IAM::Role").values() if r["Properties"].get("RoleName") == name
    ]
    return role


@pytest.mark.parametrize(
    ("purpose", "trusted", "pattern"),
    [
        ("writer", TEAMS, "openaq-*-sm-*"),
        ("offline-reader", TEAMS, "openaq-*-sm-*"),
        ("online-reader", {"test": "555555555555", "prod": "666666666666"}, "openaq-*-predict-*"),
    ],
)
def test_central_roles_trust_exactly_the_configured_accounts(
    synth: Synth, purpose: str, trusted: dict[str, str], pattern: str
) -> None:
    role = _role(synth.template("DataLake", "FeatureStore"), f"openaq-datalake-fs-{purpose}")
    [trust] = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"AWS": [f"arn:aws:iam::{a}:root" for a in sorted(trusted.values())]}
    # Exact accounts, one role-name pattern (one per account put 20 teams' trust near IAM's 2,048
    # characters); which roles get in and which do not is proven by the runtime flows.
    assert trust["Condition"] == {
        "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role/{pattern}"},
        "StringEquals": {"aws:PrincipalOrgID": "o-exampleorg01"},
    }


def test_online_reader_only_reads_records(synth: Synth) -> None:
    template = synth.template("DataLake", "FeatureStore")
    [policy] = [
        p for k, p in resources_of_type(template, "AWS::IAM::ManagedPolicy").items() if k.startswith("OnlineReader")
    ]
    by_sid = {s["Sid"]: s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    assert sorted(by_sid["ReadRecords"]["Action"]) == ["sagemaker:BatchGetRecord", "sagemaker:GetRecord"]
    assert sorted(by_sid["ReadRecords"]["Resource"]) == [
        "arn:aws:sagemaker:us-east-1:222222222222:feature-group/location-profile-v1",
        "arn:aws:sagemaker:us-east-1:222222222222:feature-group/weather-observations-v1",
    ]
    assert set(by_sid) == {"ReadRecords", "FeatureKey"}


@pytest.mark.parametrize(("team", "account"), sorted(TEAMS.items()))
def test_lake_formation_shares_columns_with_each_team(synth: Synth, team: str, account: str) -> None:
    template = Template.from_json(synth.template("DataLake", "Catalog"))
    template.has_resource_properties(
        "AWS::LakeFormation::PrincipalPermissions",
        {
            "Principal": {"DataLakePrincipalIdentifier": account},
            "Permissions": ["SELECT"],
            "Resource": {
                "TableWithColumns": {
                    "CatalogId": "222222222222",
                    "DatabaseName": "curated",
                    "Name": "openaq",
                    "ColumnNames": OPENAQ_SHARED,
                }
            },
        },
    )
    template.has_resource_properties(
        "AWS::LakeFormation::PrincipalPermissions",
        {
            "Principal": {"DataLakePrincipalIdentifier": account},
            "Permissions": ["DESCRIBE"],
            "Resource": {"Database": {"CatalogId": "222222222222", "Name": "curated"}},
        },
    )


def test_lake_formation_admins_and_registered_location(synth: Synth) -> None:
    template = Template.from_json(synth.template("DataLake", "Catalog"))
    template.has_resource_properties(
        "AWS::LakeFormation::DataLakeSettings",
        {"Admins": [{"DataLakePrincipalIdentifier": EXEC_ROLE}]},
    )
    template.has_resource_properties(
        "AWS::LakeFormation::Resource",
        {"ResourceArn": "arn:aws:s3:::openaq-datalake-curated-222222222222-us-east-1", "UseServiceLinkedRole": False},
    )
    template.has_resource_properties(
        "AWS::Glue::Table",
        {
            "TableInput": Match.object_like(
                {
                    "Name": "openaq",
                    "StorageDescriptor": Match.object_like(
                        {"Location": "s3://openaq-datalake-curated-222222222222-us-east-1/openaq/realtime-parquet/"}
                    ),
                }
            )
        },
    )


@pytest.mark.parametrize("team", sorted(TEAMS))
def test_team_links_the_shared_database_and_grants_its_roles(synth: Synth, team: str) -> None:
    template = synth.template(f"DataScience-{team}", "DataAccess")
    [link] = resources_of_type(template, "AWS::Glue::Database").values()
    assert link["Properties"]["DatabaseInput"] == {
        "Name": "curated_shared",
        "TargetDatabase": {"CatalogId": "222222222222", "DatabaseName": "curated"},
    }
    selects = [
        p
        for p in resources_of_type(template, "AWS::LakeFormation::PrincipalPermissions").values()
        if p["Properties"]["Permissions"] == ["SELECT"]
    ]
    assert len(selects) == 3  # data scientist, ML engineer and jobs roles
    for grant in selects:
        assert grant["Properties"]["Resource"]["TableWithColumns"]["ColumnNames"] == OPENAQ_SHARED


def test_builders_may_assume_the_central_feature_store_roles(synth: Synth) -> None:
    assumes = [
        s
        for s in statements(synth.template("DataScience-weatherproduct", "Access"))
        if s.get("Sid") == "CentralFeatureStore"
    ]
    assert len(assumes) == 3  # data scientist, ML engineer, jobs (not the platform admin)
    for statement in assumes:
        assert sorted(statement["Resource"]) == [
            f"arn:aws:iam::222222222222:role/openaq-datalake-fs-{p}" for p in ("offline-reader", "writer")
        ]
    assert "CentralFeatureStore" not in json.dumps(synth.product("NotebookProduct")), "products stay config-free"
