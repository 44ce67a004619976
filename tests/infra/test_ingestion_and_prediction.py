"""Streaming ingestion (AS-9) and feature-store-backed predictions (issue #6)."""

from __future__ import annotations

import json

from aws_cdk.assertions import Match, Template

from ..helpers import Synth, resources_of_type, statements

FG_ARN = "arn:aws:sagemaker:us-east-1:222222222222:feature-group/weather-observations-v1"


def test_stream_is_encrypted_and_feeds_the_function_with_partial_failures(synth: Synth) -> None:
    template = Template.from_json(synth.template("DataLake", "Ingestion"))
    template.has_resource_properties(
        "AWS::Kinesis::Stream",
        {
            "Name": "openaq-datalake-ingest-weather-observations-v1",
            "ShardCount": 1,
            "StreamEncryption": {"EncryptionType": "KMS", "KeyId": Match.any_value()},
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "BatchSize": 500,
            "MaximumBatchingWindowInSeconds": 5,
            "BisectBatchOnFunctionError": True,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "MaximumRetryAttempts": 3,
            "StartingPosition": "TRIM_HORIZON",
            "DestinationConfig": {
                "OnFailure": {"Destination": {"Fn::GetAtt": [Match.string_like_regexp("DeadLetters"), "Arn"]}}
            },
        },
    )
    template.has_resource_properties(
        "AWS::SQS::Queue", {"KmsMasterKeyId": Match.any_value(), "MessageRetentionPeriod": 1209600}
    )
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "handler.lambda_handler",
            "ReservedConcurrentExecutions": 5,
            "Environment": {
                "Variables": Match.object_like(
                    {
                        "FEATURE_GROUP_NAME": "weather-observations-v1",
                        "RECORD_IDENTIFIER": "location",
                        "EVENT_TIME_FEATURE": "EventTime",
                        "TARGET_STORES": "OnlineStore,OfflineStore",
                        "FEATURE_DEFINITIONS": json.dumps(
                            {
                                "location": "String",
                                "EventTime": "String",
                                "pm25": "Fractional",
                                "pm10": "Fractional",
                                "no2": "Fractional",
                                "o3": "Fractional",
                            },
                            separators=(",", ":"),
                        ),
                    }
                )
            },
        },
    )


def test_only_streaming_groups_get_a_stream(synth: Synth) -> None:
    assert len(resources_of_type(synth.template("DataLake", "Ingestion"), "AWS::Kinesis::Stream")) == 1


def test_ingestion_may_put_records_only_on_its_feature_group(synth: Synth) -> None:
    template = synth.template("DataLake", "Ingestion")
    [policy] = [p for k, p in resources_of_type(template, "AWS::IAM::ManagedPolicy").items() if k.startswith("Stream")]
    puts = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if "sagemaker:PutRecord" in json.dumps(s)]
    assert puts == [{"Sid": "PutRecords", "Effect": "Allow", "Action": "sagemaker:PutRecord", "Resource": FG_ARN}]


def test_prediction_function_reads_features_across_accounts_and_invokes_the_endpoint(synth: Synth) -> None:
    template = synth.template("Production", "Prediction")
    [function] = [
        f
        for f in resources_of_type(template, "AWS::Lambda::Function").values()
        if f["Properties"].get("Handler") == "handler.lambda_handler"
    ]
    props = function["Properties"]
    assert props["FunctionName"] == "openaq-prod-predict-weather-now"
    assert props["Environment"]["Variables"] == {
        "POWERTOOLS_SERVICE_NAME": "openaq-prod-predict-weather-now",
        "FEATURE_GROUP_NAME": "weather-observations-v1",
        "MODEL_FEATURES": "pm25,pm10,no2,o3",
        "ENDPOINT_NAME": "weather-prediction",
        "FEATURE_STORE_ROLE_ARN": "arn:aws:iam::222222222222:role/openaq-datalake-fs-online-reader",
    }
    assert props["VpcConfig"]["SubnetIds"]
    by_sid = {s["Sid"]: s for s in statements(template) if "Sid" in s}
    assert by_sid["ReadFeaturesInTheDataLake"]["Resource"] == (
        "arn:aws:iam::222222222222:role/openaq-datalake-fs-online-reader"
    )
    assert (
        by_sid["InvokeEndpoint"]["Resource"] == "arn:aws:sagemaker:us-east-1:666666666666:endpoint/weather-prediction"
    )
    roles = [r["Properties"]["RoleName"] for r in resources_of_type(template, "AWS::IAM::Role").values()]
    assert "openaq-prod-predict-weather-now" in roles  # the name the online reader trusts (openaq-prod-predict-*)


def test_predictions_live_only_where_their_endpoint_is(synth: Synth) -> None:
    assert "Test/Prediction" not in synth.templates  # weather-now calls a prod endpoint


def test_batch_ingestion_is_a_scheduled_encrypted_glue_job(synth: Synth) -> None:
    template = Template.from_json(synth.template("DataLake", "Ingestion"))
    template.has_resource_properties(
        "AWS::Glue::Job",
        {
            "Name": "openaq-datalake-batch-location-profile-v1",
            "GlueVersion": "4.0",
            "Command": Match.object_like({"Name": "glueetl"}),
            "SecurityConfiguration": {"Ref": Match.string_like_regexp("Security")},
            "DefaultArguments": Match.object_like(
                {
                    "--FEATURE_GROUP_NAME": "location-profile-v1",
                    "--DATABASE": "curated",
                    "--TABLE": "openaq",
                    "--RECORD_IDENTIFIER": "location",
                    # the job writes the event time in the feature's type (issue #18 defect 3)
                    "--EVENT_TIME_FEATURE": "EventTime",
                    "--EVENT_TIME_TYPE": "Fractional",
                }
            ),
        },
    )
    template.has_resource_properties(
        "AWS::Glue::Trigger",
        {
            "Type": "SCHEDULED",
            "Schedule": "cron(0 2 * * ? *)",
            "StartOnCreation": True,
            "Actions": [{"JobName": "openaq-datalake-batch-location-profile-v1"}],
        },
    )
    template.has_resource_properties(
        "AWS::Glue::SecurityConfiguration",
        {
            "EncryptionConfiguration": {
                "S3Encryptions": [Match.object_like({"S3EncryptionMode": "SSE-KMS"})],
                "CloudWatchEncryption": Match.object_like({"CloudWatchEncryptionMode": "SSE-KMS"}),
                "JobBookmarksEncryption": Match.object_like({"JobBookmarksEncryptionMode": "CSE-KMS"}),
            }
        },
    )
    puts = [s for s in statements(synth.template("DataLake", "Ingestion")) if s.get("Sid") == "ReadSourceObjects"]
    assert (
        puts[0]["Resource"] == "arn:aws:s3:::openaq-datalake-curated-222222222222-us-east-1/openaq/realtime-parquet/*"
    )
