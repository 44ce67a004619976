"""Fine-grained assertions on the base constructs every later capability builds on (XC-4, AS-23)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from ..helpers import Synth, resources_of_type

REQUIRED_TAGS = {"Project", "CostCenter", "Environment", "Team"}
TAGGABLE = ("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::SNS::Topic")


def _data_templates(synth: Synth) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in synth.templates.items() if k.endswith("/Data")}


def _has_statements(template: Template, resource_type: str, *statements: Any, **props: Any) -> None:
    """A ``resource_type`` with ``props`` whose policy (a key's KeyPolicy, else PolicyDocument) has ``statements``."""
    document = "KeyPolicy" if resource_type == "AWS::KMS::Key" else "PolicyDocument"
    template.has_resource_properties(
        resource_type, {**props, document: {"Statement": Match.array_with(list(statements))}}
    )


def test_every_bucket_is_private_versioned_retained(synth: Synth) -> None:
    for name, template in synth.templates.items():
        for logical_id, bucket in resources_of_type(template, "AWS::S3::Bucket").items():
            props = bucket["Properties"]
            where = f"{name}/{logical_id}"
            assert props["VersioningConfiguration"] == {"Status": "Enabled"}, where
            assert set(props["PublicAccessBlockConfiguration"].values()) == {True}, where
            assert len(props["PublicAccessBlockConfiguration"]) == 4, where
            assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
            assert bucket["DeletionPolicy"] == "Retain" and bucket["UpdateReplacePolicy"] == "Retain", where


def test_data_buckets_use_the_customer_key_and_log_access(synth: Synth) -> None:
    template = Template.from_json(synth.template("DataLake", "Data"))
    for purpose in ("raw", "curated"):
        template.has_resource_properties(
            "AWS::S3::Bucket",
            {
                "BucketName": f"openaq-datalake-{purpose}-222222222222-us-east-1",
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {
                            "BucketKeyEnabled": True,
                            "ServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms",
                                "KMSMasterKeyID": {"Fn::GetAtt": [Match.string_like_regexp("^DataKey"), "Arn"]},
                            },
                        }
                    ]
                },
                "LoggingConfiguration": {
                    "DestinationBucketName": {"Ref": Match.string_like_regexp("^AccessLogsBucket")},
                    "LogFilePrefix": f"openaq-datalake-{purpose}-222222222222-us-east-1/",
                },
            },
        )


def test_raw_zone_tiers_down_early(synth: Synth) -> None:
    Template.from_json(synth.template("DataLake", "Data")).has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketName": Match.string_like_regexp("-raw-"),
            "LifecycleConfiguration": {
                "Rules": [
                    Match.object_like(
                        {
                            "Transitions": [
                                {"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
                                {"StorageClass": "GLACIER_IR", "TransitionInDays": 180},
                            ],
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
                        }
                    )
                ]
            },
        },
    )


def test_access_log_bucket_is_the_only_sse_s3_bucket(synth: Synth) -> None:
    for name, template in synth.templates.items():
        for logical_id, bucket in resources_of_type(template, "AWS::S3::Bucket").items():
            algorithm = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
                "ServerSideEncryptionByDefault"
            ]["SSEAlgorithm"]
            expected = "AES256" if logical_id.startswith("AccessLogs") else "aws:kms"
            assert algorithm == expected, f"{name}/{logical_id}"


@pytest.mark.parametrize("stage", ["SharedServices", "DataLake", "DataScience-weatherproduct", "Production"])
def test_every_bucket_policy_denies_insecure_transport(synth: Synth, stage: str) -> None:
    template = Template.from_json(synth.template(stage, "Data"))
    buckets = resources_of_type(synth.template(stage, "Data"), "AWS::S3::Bucket")
    template.resource_count_is("AWS::S3::BucketPolicy", len(buckets))
    for logical_id in buckets:
        _has_statements(
            template,
            "AWS::S3::BucketPolicy",
            Match.object_like(
                {"Effect": "Deny", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
            ),
            Match.object_like(
                {"Effect": "Deny", "Action": "s3:*", "Condition": {"NumericLessThan": {"s3:TlsVersion": 1.2}}}
            ),
            Bucket={"Ref": logical_id},
        )


def test_every_key_rotates_is_retained_and_aliased(synth: Synth) -> None:
    for name, template in _data_templates(synth).items():
        keys = resources_of_type(template, "AWS::KMS::Key")
        extra = 1 if name.startswith(("DataScience-", "DataLake/")) else 0  # studio / features key
        extra += name == "DataScience-weatherproduct/Data"  # labeling key
        extra += name == "SharedServices/Data"  # model artefacts key
        assert len(keys) == 3 + extra, name  # data, alerts, logs
        aliases = {
            a["Properties"]["TargetKeyId"]["Fn::GetAtt"][0]
            for a in resources_of_type(template, "AWS::KMS::Alias").values()
        }
        for logical_id, key in keys.items():
            assert key["Properties"]["EnableKeyRotation"] is True
            assert key["DeletionPolicy"] == "Retain"
            assert logical_id in aliases, f"{name}/{logical_id} has no alias"


def test_artefacts_are_readable_by_exactly_test_and_prod(synth: Synth) -> None:
    template = Template.from_json(synth.template("SharedServices", "Data"))
    hosting_accounts = ["arn:aws:iam::555555555555:root", "arn:aws:iam::666666666666:root"]
    _has_statements(
        template,
        "AWS::S3::BucketPolicy",
        {
            "Sid": "CrossAccountRead",
            "Effect": "Allow",
            "Principal": {"AWS": hosting_accounts},
            "Action": ["s3:GetObject", "s3:GetObjectVersion"],
            "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": [Match.string_like_regexp("^Artefacts"), "Arn"]}, "/*"]]},
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorg01"}},
        },
    )
    _has_statements(
        template,
        "AWS::KMS::Key",
        {
            "Sid": "CrossAccountDecryptArtefacts",
            "Effect": "Allow",
            "Principal": {"AWS": hosting_accounts},
            "Action": ["kms:Decrypt", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
        },
    )


def test_no_other_account_is_granted_anything(synth: Synth) -> None:
    """Only the shared services artefacts grants leave the account in the baseline: the hosting
    accounts read, the data science accounts write (XA-4c)."""
    for stage in synth.stages:
        template = synth.template(stage.stage_name, "Data")
        principals = set(re.findall(r"arn:aws:iam::(\d{12}):", json.dumps(template))) - {stage.account}
        everyone = {"333333333333", "444444444444", "555555555555", "666666666666"}
        expected = everyone if stage.stage_name == "SharedServices" else set()
        assert principals == expected, stage.stage_name


def test_alerts_topic_is_encrypted_and_tls_only(synth: Synth) -> None:
    template = Template.from_json(synth.template("Production", "Operations"))
    template.has_resource_properties(
        "AWS::SNS::Topic",
        {
            "TopicName": "openaq-prod-alerts",
            "KmsMasterKeyId": {
                "Fn::GetStackOutput": Match.object_like(
                    {"StackName": "openaq-prod-data", "OutputName": Match.string_like_regexp("AlertsKey")}
                )
            },
        },
    )
    _has_statements(
        template,
        "AWS::SNS::TopicPolicy",
        Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
    )


def test_alert_publishers_may_use_the_alerts_key_only_from_this_account(synth: Synth) -> None:
    """EventBridge is the exception: its KMS requests for an encrypted topic carry no source
    account ("not supported for EventBridge-to-encrypted topics",
    https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html); the topic policy keeps
    it to this account instead (runtime flows prove both)."""
    template = Template.from_json(synth.template("Test", "Data"))
    this_account = {"Condition": {"StringEquals": {"aws:SourceAccount": "555555555555"}}}
    for service, condition in (("events", {}), ("cloudwatch", this_account), ("budgets", this_account)):
        _has_statements(
            template,
            "AWS::KMS::Key",
            {
                "Sid": f"Allow{service.capitalize()}Use",
                "Effect": "Allow",
                "Principal": {"Service": f"{service}.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                **condition,
            },
        )


def test_taggable_resources_carry_the_mandatory_tags(synth: Synth) -> None:
    for name, template in synth.templates.items():
        environment = "Development" if name.startswith("DataScience-") else None
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] not in TAGGABLE:
                continue
            tags = {t["Key"]: t["Value"] for t in resource["Properties"]["Tags"]}
            assert tags.keys() >= REQUIRED_TAGS, f"{name}/{logical_id} misses {REQUIRED_TAGS - tags.keys()}"
            assert tags["Project"] == "weather-prediction" and tags["CostCenter"] == "ml-research-1234"
            if environment:
                assert tags["Environment"] == environment and tags["Team"] == name.split("-")[1].split("/")[0]
