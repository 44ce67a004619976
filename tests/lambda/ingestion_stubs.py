"""Builders for realistic Kinesis events and the exact PutRecord requests the feature ingestion must make."""

from __future__ import annotations

import base64
import json
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

from .conftest import REGION, FakeLambdaContext

GROUP = "weather-observations-v1"
FEATURES = {"location": "String", "EventTime": "Fractional", "pm25": "Fractional", "no2": "Fractional"}
# What the infrastructure sets on the function (TARGET_STORES left to its default).
ENV = {
    "FEATURE_GROUP_NAME": GROUP,
    "RECORD_IDENTIFIER": "location",
    "EVENT_TIME_FEATURE": "EventTime",
    "FEATURE_DEFINITIONS": json.dumps(FEATURES),
}
# The example's weather group since issue #18: an Iceberg offline store, which needs a String (ISO-8601) event
# time, and both stores as targets (the infrastructure sets TARGET_STORES when the group has an offline store).
ICEBERG_FEATURES = FEATURES | {"EventTime": "String"}
ICEBERG_ENV = ENV | {"FEATURE_DEFINITIONS": json.dumps(ICEBERG_FEATURES), "TARGET_STORES": "OnlineStore,OfflineStore"}
BOTH_STORES = ("OnlineStore", "OfflineStore")
ACCOUNT = "111122223333"
STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/weather-observations"
CONTEXT = FakeLambdaContext(
    function_name="feature-ingestion",
    invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:feature-ingestion",
)


def client() -> Any:
    return boto3.client(
        "sagemaker-featurestore-runtime",
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def observation(**overrides: Any) -> dict[str, Any]:
    """A valid record of the weather group; an override of ``...`` (Ellipsis) removes that key."""
    document = {"location": "berlin-mitte", "EventTime": 1735689600.5, "pm25": 12.3, "no2": 41, **overrides}
    return {key: value for key, value in document.items() if value is not ...}


def sequence_number(index: int) -> str:
    return f"4959033827149025660855969253836157109592157598913658{index:04d}"


def kinesis_record(index: int, payload: dict[str, Any] | list[Any] | bytes | str) -> dict[str, Any]:
    """One record as the event source mapping delivers it. Objects and lists are sent as JSON, bytes are
    base64-encoded as they are, and a str is used as the (possibly invalid) base64 ``data`` itself."""
    if isinstance(payload, str):
        data = payload
    else:
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        data = base64.b64encode(raw).decode()
    key = payload.get("location", "unknown") if isinstance(payload, dict) else "unknown"
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": str(key),
            "sequenceNumber": sequence_number(index),
            "data": data,
            "approximateArrivalTimestamp": 1735689601.123 + index,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-000000000000:{sequence_number(index)}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": f"arn:aws:iam::{ACCOUNT}:role/feature-ingestion",
        "awsRegion": REGION,
        "eventSourceARN": STREAM_ARN,
    }


def kinesis_event(*payloads: dict[str, Any] | list[Any] | bytes | str) -> dict[str, Any]:
    return {"Records": [kinesis_record(index, payload) for index, payload in enumerate(payloads)]}


def failures(*indexes: int) -> dict[str, Any]:
    return {"batchItemFailures": [{"itemIdentifier": sequence_number(index)} for index in indexes]}


def feature_record(**values: str) -> list[dict[str, str]]:
    """PutRecord's Record, in the order given (the FEATURE_DEFINITIONS order)."""
    return [{"FeatureName": name, "ValueAsString": value} for name, value in values.items()]


# What observation() must become: Fractional values as repr digits, the int no2 as a float.
OBSERVATION_RECORD = feature_record(location="berlin-mitte", EventTime="1735689600.5", pm25="12.3", no2="41.0")


def expect_put(
    stub: Stubber,
    record: list[dict[str, str]],
    error: str = "",
    stores: tuple[str, ...] = ("OnlineStore",),
    group: str = GROUP,
) -> None:
    params = {"FeatureGroupName": group, "Record": record, "TargetStores": list(stores)}
    if error:
        stub.add_client_error("put_record", error, f"{error} for the test", 400, expected_params=params)
    else:
        stub.add_response("put_record", {}, params)
