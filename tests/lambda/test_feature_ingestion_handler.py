"""Feature ingestion Lambda (Kinesis -> Feature Store): the batch handler, against botocore's real
sagemaker-featurestore-runtime model through Stubber (offline). Active Stubbers raise on any call that was
not queued, with exactly these parameters."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from .conftest import REGION
from .ingestion_fixtures import *  # noqa: F403 - the shared fixtures, which pytest finds by name
from .ingestion_fixtures import THROTTLED, log_records
from .ingestion_stubs import (
    BOTH_STORES,
    CONTEXT,
    FEATURES,
    GROUP,
    OBSERVATION_RECORD,
    expect_put,
    failures,
    feature_record,
    kinesis_event,
    observation,
    sequence_number,
)


def test_good_batch_writes_every_record_and_reports_no_failure(handler, stub, sleeps, logs):
    documents = [
        observation(),
        observation(location="hamburg-altona", EventTime=1735689660, pm25=None, no2=...),  # optional: left out
        observation(location="köln-deutz", pm25=1e-7, no2=0.1),
    ]
    expect_put(stub, OBSERVATION_RECORD)
    expect_put(stub, feature_record(location="hamburg-altona", EventTime="1735689660.0"))
    expect_put(stub, feature_record(location="köln-deutz", EventTime="1735689600.5", pm25="0.0000001", no2="0.1"))
    assert handler.lambda_handler(kinesis_event(*documents), CONTEXT) == {"batchItemFailures": []}
    stub.assert_no_pending_responses()
    assert sleeps == []
    [summary] = log_records(logs, "Batch processed")
    assert (summary["records"], summary["written"], summary["failed"]) == (3, 3, 0)
    assert summary["feature_group"] == GROUP
    assert summary["service"] == "feature-ingestion" and summary["function_name"] == "feature-ingestion"
    assert log_records(logs, "Record rejected") == []


def test_malformed_records_are_reported_by_sequence_number_and_the_valid_ones_written(handler, stub, logs):
    payloads: dict[int, Any] = {
        0: observation(),
        1: "bm90IGJhc2U2NA==!",  # base64 with trailing garbage
        2: b'{"location": "berlin-mitte", "EventTime": ',  # truncated JSON
        3: [observation()],  # a JSON array
        4: observation(location=...),  # no record identifier
        5: observation(location="hamburg-altona", EventTime=1735689660.25),
        6: observation(EventTime=...),  # no event time
        7: observation(pm25="secret-reading-7"),  # wrong type (and a value that must not be logged)
        8: observation(humidity=71),  # not a feature of the group
        9: observation(location="munich-au", no2=None),
    }
    expect_put(stub, OBSERVATION_RECORD)
    expect_put(stub, feature_record(location="hamburg-altona", EventTime="1735689660.25", pm25="12.3", no2="41.0"))
    expect_put(stub, feature_record(location="munich-au", EventTime="1735689600.5", pm25="12.3"))
    response = handler.lambda_handler(kinesis_event(*payloads.values()), CONTEXT)
    stub.assert_no_pending_responses()
    assert response == failures(1, 2, 3, 4, 6, 7, 8)
    rejected = log_records(logs, "Record rejected")
    assert [r["sequence_number"] for r in rejected] == [sequence_number(i) for i in (1, 2, 3, 4, 6, 7, 8)]
    reasons = [r["reason"] for r in rejected]
    assert reasons[0].startswith("data is not valid base64")
    assert reasons[1].startswith("data is not valid JSON")
    assert reasons[2] == "data is an array, expected a JSON object of feature name to value"
    assert reasons[3:] == [
        "location: required",
        "EventTime: required",
        "pm25: expected a number, got a string",
        "humidity: not a feature of the feature group",
    ]
    assert rejected[3]["partition_key"] == "unknown" and rejected[4]["partition_key"] == "berlin-mitte"
    assert all(r["level"] == "WARNING" and r["event_id"].endswith(r["sequence_number"]) for r in rejected)
    assert "secret-reading-7" not in logs.getvalue()
    [summary] = log_records(logs, "Batch processed")
    assert (summary["records"], summary["written"], summary["failed"]) == (10, 3, 7)


def test_string_event_times_are_written_as_iso_8601_and_a_malformed_one_fails_only_its_record(
    iceberg_handler, stub, logs
):
    # The example's weather group has an Iceberg offline store, so a String event time: Feature Store takes
    # yyyy-MM-dd'T'HH:mm:ssZ or yyyy-MM-dd'T'HH:mm:ss.SSSZ (CreateFeatureGroup, EventTimeFeatureName:
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html).
    payloads: dict[int, Any] = {
        0: observation(EventTime="2025-01-01T00:00:00Z"),  # in a Feature Store format: sent unchanged
        1: observation(location="hamburg-altona", EventTime="2025-01-01T00:00:00.250Z", no2=...),
        2: observation(location="köln-deutz", EventTime=1735689600.5),  # epoch seconds: sent as ISO-8601 UTC
        3: observation(location="munich-au", EventTime="2025-01-01T01:00:00+01:00"),  # an offset, no Z
        4: observation(location="bonn", EventTime="2025-02-29T00:00:00Z"),  # a day that does not exist
        5: observation(location="essen", EventTime=True),
    }
    expect_put(
        stub,
        feature_record(location="berlin-mitte", EventTime="2025-01-01T00:00:00Z", pm25="12.3", no2="41.0"),
        stores=BOTH_STORES,
    )
    expect_put(
        stub,
        feature_record(location="hamburg-altona", EventTime="2025-01-01T00:00:00.250Z", pm25="12.3"),
        stores=BOTH_STORES,
    )
    expect_put(
        stub,
        feature_record(location="köln-deutz", EventTime="2025-01-01T00:00:00.500Z", pm25="12.3", no2="41.0"),
        stores=BOTH_STORES,
    )
    response = iceberg_handler.lambda_handler(kinesis_event(*payloads.values()), CONTEXT)
    stub.assert_no_pending_responses()
    assert response == failures(3, 4, 5)
    rejected = log_records(logs, "Record rejected")
    assert [(r["sequence_number"], r["partition_key"], r["reason"]) for r in rejected] == [
        (
            sequence_number(3),
            "munich-au",
            "EventTime: expected yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mm:ss.SSSZ (UTC, Z suffix)",
        ),
        (sequence_number(4), "bonn", "EventTime: not a valid date and time"),
        (sequence_number(5), "essen", "EventTime: expected an ISO-8601 string or epoch seconds, got a boolean"),
    ]
    assert "2025-01-01T01:00:00+01:00" not in logs.getvalue()  # reasons name the feature, never the value
    [summary] = log_records(logs, "Batch processed")
    assert (summary["records"], summary["written"], summary["failed"]) == (6, 3, 3)


def test_throttled_put_is_retried_then_written(handler, stub, sleeps):
    expect_put(stub, OBSERVATION_RECORD, THROTTLED)
    expect_put(stub, OBSERVATION_RECORD, THROTTLED)
    expect_put(stub, OBSERVATION_RECORD)
    assert handler.lambda_handler(kinesis_event(observation()), CONTEXT) == {"batchItemFailures": []}
    stub.assert_no_pending_responses()
    assert sleeps == [0.5, 1.0]


def test_throttled_until_retries_run_out_reports_that_record_and_backs_off_no_more(handler, stub, sleeps, logs):
    second = observation(location="hamburg-altona")
    second_record = [OBSERVATION_RECORD[0] | {"ValueAsString": "hamburg-altona"}, *OBSERVATION_RECORD[1:]]
    third = observation(location="munich-au")
    third_record = [OBSERVATION_RECORD[0] | {"ValueAsString": "munich-au"}, *OBSERVATION_RECORD[1:]]
    for _ in range(4):
        expect_put(stub, OBSERVATION_RECORD, THROTTLED)
    expect_put(stub, second_record)  # written
    expect_put(stub, third_record, THROTTLED)  # one attempt only: the batch already ran out of retries
    response = handler.lambda_handler(kinesis_event(observation(), second, third), CONTEXT)
    stub.assert_no_pending_responses()
    assert response == failures(0, 2)
    assert sleeps == [0.5, 1.0, 2.0]
    failed = log_records(logs, "PutRecord failed")
    assert [(r["sequence_number"], r["error_code"], r["level"]) for r in failed] == [
        (sequence_number(0), THROTTLED, "ERROR"),
        (sequence_number(2), THROTTLED, "ERROR"),
    ]


@pytest.mark.parametrize("code", ["AccessForbidden", "AccessDeniedException", "ValidationError", "ResourceNotFound"])
def test_client_error_fails_only_that_record_without_retry(handler, stub, sleeps, logs, code):
    second = observation(location="hamburg-altona")
    second_record = [OBSERVATION_RECORD[0] | {"ValueAsString": "hamburg-altona"}, *OBSERVATION_RECORD[1:]]
    expect_put(stub, OBSERVATION_RECORD, code)
    expect_put(stub, second_record)
    response = handler.lambda_handler(kinesis_event(observation(), second), CONTEXT)
    stub.assert_no_pending_responses()
    assert response == failures(0)
    assert sleeps == []
    [failed] = log_records(logs, "PutRecord failed")
    assert (failed["error_code"], failed["reason"]) == (code, f"{code} for the test")


def test_every_record_failing_raises_so_that_lambda_bisects_the_batch(handler, stub, logs):
    expect_put(stub, OBSERVATION_RECORD, "AccessForbidden")
    with pytest.raises(BatchProcessingError, match="All records failed processing"):
        handler.lambda_handler(kinesis_event(observation(), "%%%", b"[]"), CONTEXT)
    stub.assert_no_pending_responses()
    assert len(log_records(logs, "Record rejected")) == 2
    assert len(log_records(logs, "PutRecord failed")) == 1
    [summary] = log_records(logs, "Every record failed; raising so that Lambda retries and bisects the batch")
    assert summary["records"] == 3 and summary["level"] == "ERROR"


def test_redelivered_batch_makes_the_same_calls_and_reports_the_same_failures(handler, stub, sleeps):
    # PutRecord upserts (identifier, event time): a Kinesis retry of the same batch rewrites the same records.
    event = kinesis_event(observation(), b"not json", observation(location="hamburg-altona", pm25=None))
    responses = []
    for _ in range(2):
        expect_put(stub, OBSERVATION_RECORD)
        expect_put(stub, feature_record(location="hamburg-altona", EventTime="1735689600.5", no2="41.0"))
        responses.append(handler.lambda_handler(event, CONTEXT))
        stub.assert_no_pending_responses()
    assert responses == [failures(1), failures(1)]
    assert sleeps == []


def test_unexpected_error_still_fails_only_that_record_and_is_logged(handler, stub, logs):
    event = kinesis_event(observation(), observation(location="hamburg-altona"))
    del event["Records"][0]["kinesis"]["data"]
    second_record = [OBSERVATION_RECORD[0] | {"ValueAsString": "hamburg-altona"}, *OBSERVATION_RECORD[1:]]
    expect_put(stub, second_record)
    assert handler.lambda_handler(event, CONTEXT) == failures(0)
    stub.assert_no_pending_responses()
    [unexpected] = log_records(logs, "Record failed unexpectedly")
    assert unexpected["sequence_number"] == sequence_number(0) and "KeyError" in unexpected["exception"]


def test_default_client_retries_with_bounded_timeouts_in_the_lambda_region(ingestion_handler):
    default = ingestion_handler._client
    assert default.meta.service_model.service_name == "sagemaker-featurestore-runtime"
    assert default.meta.region_name == REGION
    assert default.meta.config.retries == {"mode": "standard", "total_max_attempts": 4}
    assert (default.meta.config.connect_timeout, default.meta.config.read_timeout) == (5, 10)
    assert ingestion_handler.SETTINGS.target_stores == ("OnlineStore",)
    assert ingestion_handler.SETTINGS.feature_definitions == FEATURES


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (["not", "a", "batch"], "expected a Kinesis batch, an object with a Records list; got list"),
        ("Records", "got str"),
        ({"records": []}, "got dict"),
    ],
)
def test_an_event_that_is_not_a_kinesis_batch_fails_clearly(handler, stub, logs, event, message):
    """Issue #19, defect 8: not an AttributeError deep inside, but one message naming the problem."""
    with pytest.raises(handler.MalformedBatchError, match=message):
        handler.lambda_handler(event, CONTEXT)
    assert log_records(logs, "Malformed batch")
    stub.assert_no_pending_responses()  # nothing written


@pytest.mark.parametrize("sequence", [None, ""], ids=["absent", "empty"])
def test_a_record_without_a_sequence_number_fails_the_batch_before_any_write(handler, stub, logs, sequence):
    """A partial failure names its record by sequence number; Lambda treats a missing or empty itemIdentifier
    as a failure of the whole batch (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html),
    so such a batch fails at once, by name, and Lambda retries and bisects it: no record is dropped."""
    batch = kinesis_event(observation(), observation())
    if sequence is None:
        del batch["Records"][1]["kinesis"]["sequenceNumber"]
    else:
        batch["Records"][1]["kinesis"]["sequenceNumber"] = sequence
    with pytest.raises(handler.MalformedBatchError, match=r"Records\[1\] has no kinesis.sequenceNumber"):
        handler.lambda_handler(batch, CONTEXT)
    stub.assert_no_pending_responses()
