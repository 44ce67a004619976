"""The batch ingestion job's row-to-record logic (assets/glue/batch_feature_ingestion.py).

PutRecord calls go to botocore's real sagemaker-featurestore-runtime model through Stubber (offline): an
active Stubber raises on any call that was not queued with exactly these parameters, or whose parameters
do not fit the service model.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import botocore.session  # type: ignore[import-untyped,unused-ignore]
import pytest
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

from .asset_modules import load_asset

job = load_asset("batch_ingestion", "glue", "batch_feature_ingestion.py")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
MAPPING = {"location": "location", "city": "city", "latitude": "latitude", "EventTime": "@ingestion_time"}
GROUP = "location-profile-v1"
# Feature Store's String event time formats, yyyy-MM-dd'T'HH:mm:ssZ and yyyy-MM-dd'T'HH:mm:ss.SSSZ, as
# CreateFeatureGroup's EventTimeFeatureName lists them:
# https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html
NOW_ISO = "2026-11-25T12:00:00.000Z"


@pytest.fixture
def stub() -> Iterator[Stubber]:
    client = botocore.session.Session().create_client(
        "sagemaker-featurestore-runtime",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with Stubber(client) as stubber:
        yield stubber


def record(**values: str) -> list[dict[str, str]]:
    return [{"FeatureName": name, "ValueAsString": value} for name, value in values.items()]


def expect_put(stub: Stubber, values: list[dict[str, str]], group: str = GROUP) -> None:
    stub.add_response("put_record", {}, {"FeatureGroupName": group, "Record": values})


# --- Fractional event time (and a job not told the type): epoch seconds, as before -------------------


def test_row_becomes_a_record_with_ingestion_time() -> None:
    record = job.to_record({"location": "Delhi-1", "city": "Delhi", "latitude": 28.61}, MAPPING, NOW)
    assert record == [
        {"FeatureName": "location", "ValueAsString": "Delhi-1"},
        {"FeatureName": "city", "ValueAsString": "Delhi"},
        {"FeatureName": "latitude", "ValueAsString": "28.61"},
        {"FeatureName": "EventTime", "ValueAsString": repr(NOW.timestamp())},
    ]


def test_missing_and_nan_values_are_left_out_and_timestamps_become_epoch() -> None:
    mapping = {"location": "location", "city": "city", "EventTime": "utc"}
    utc = datetime(2026, 1, 1, tzinfo=UTC)
    record = job.to_record({"location": "x", "city": float("nan"), "utc": utc}, mapping, NOW)
    assert record == [
        {"FeatureName": "location", "ValueAsString": "x"},
        {"FeatureName": "EventTime", "ValueAsString": repr(utc.timestamp())},
    ]


def test_rows_without_identifier_are_skipped_not_written(stub: Stubber) -> None:
    rows = [{"location": "a", "city": "A", "latitude": 1.0}, {"city": "B"}]
    expect_put(stub, record(location="a", city="A", latitude="1.0", EventTime=repr(NOW.timestamp())))
    assert job.put_all(stub.client, GROUP, rows, MAPPING, "location", NOW) == (1, 1, 0)
    stub.assert_no_pending_responses()


# --- String event time (required by an Iceberg offline store): ISO-8601 UTC with a Z -----------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("@ingestion_time", NOW_ISO),
        (datetime(2026, 1, 1, 6, 30, 15, 123_999, tzinfo=UTC), "2026-01-01T06:30:15.123Z"),  # cut to the ms
        (datetime(2026, 1, 1, 6, 30), "2026-01-01T06:30:00.000Z"),  # naive: UTC, as Spark's session in Glue
        (datetime(2026, 1, 1, 7, 30, tzinfo=timezone(timedelta(hours=1))), "2026-01-01T06:30:00.000Z"),
        (datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC), "0999-12-31T23:59:59.000Z"),  # year padded to 4 digits
        (1735689600, "2025-01-01T00:00:00.000Z"),  # epoch seconds, as a Fractional column holds them
        (1735689600.123, "2025-01-01T00:00:00.123Z"),  # the digits in the table, not float arithmetic's .122
        (Decimal("1735689600.5"), "2025-01-01T00:00:00.500Z"),  # a Spark DecimalType column
        ("2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),  # already in a Feature Store format: unchanged
        ("2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59.999Z"),
    ],
)
def test_string_event_time_is_written_as_iso_8601_utc(value: Any, expected: str) -> None:
    mapping = {"location": "location", "EventTime": "@ingestion_time" if value == "@ingestion_time" else "utc"}
    row = {"location": "Delhi-1", "utc": value}
    assert job.to_record(row, mapping, NOW, string_event_time="EventTime") == record(
        location="Delhi-1", EventTime=expected
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2025-01-01 00:00:00", "expected yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mm:ss.SSSZ (UTC, Z suffix)"),
        ("2025-01-01T00:00:00+00:00", "expected yyyy-MM-ddTHH:mm:ssZ"),
        ("2025-01-01T00:00:00.123456Z", "expected yyyy-MM-ddTHH:mm:ssZ"),
        ("2025-02-30T00:00:00Z", "not a valid date and time"),
        (1735689600500, "expected epoch seconds between years 1 and 9999"),  # milliseconds
        (float("inf"), "expected epoch seconds between years 1 and 9999"),
        (True, "expected a timestamp, epoch seconds or an ISO-8601 string, got bool"),
    ],
)
def test_string_event_time_that_cannot_be_written_rejects_the_row(value: Any, reason: str) -> None:
    mapping = {"location": "location", "EventTime": "utc"}
    with pytest.raises(job.RowRejectedError) as rejected:
        job.to_record({"location": "Delhi-1", "utc": value}, mapping, NOW, string_event_time="EventTime")
    assert str(rejected.value).startswith(f"EventTime (from utc): {reason}")


def test_malformed_event_time_fails_only_its_row_and_is_reported_without_values(stub: Stubber) -> None:
    mapping = {"location": "location", "city": "city", "EventTime": "utc"}
    rows = [
        {"location": "Delhi-1", "city": "Delhi", "utc": datetime(2026, 1, 1, tzinfo=UTC)},
        {"location": "Delhi-2", "city": "Delhi", "utc": "01/01/2026 00:00"},  # malformed: not written
        {"city": "Nowhere", "utc": 1735689600},  # no identifier: skipped
        {"location": "Delhi-3", "utc": "2026-01-01T00:00:00Z"},
    ]
    expect_put(stub, record(location="Delhi-1", city="Delhi", EventTime="2026-01-01T00:00:00.000Z"))
    expect_put(stub, record(location="Delhi-3", EventTime="2026-01-01T00:00:00Z"))
    reports: list[str] = []
    counts = job.put_all(stub.client, GROUP, rows, mapping, "location", NOW, "EventTime", report=reports.append)
    stub.assert_no_pending_responses()
    assert (counts.written, counts.skipped, counts.rejected) == (2, 1, 1)
    assert reports == [
        "Row rejected: EventTime (from utc): expected yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mm:ss.SSSZ (UTC, Z suffix)"
    ]


def test_ingestion_time_of_an_iceberg_group_is_one_iso_string_for_the_whole_load(stub: Stubber) -> None:
    mapping = {"location": "location", "pm25": "pm25", "EventTime": "@ingestion_time"}
    rows = [{"location": "Delhi-1", "pm25": 41.5}, {"location": "Delhi-2", "pm25": 12}]
    expect_put(stub, record(location="Delhi-1", pm25="41.5", EventTime=NOW_ISO), group="weather-observations-v1")
    expect_put(stub, record(location="Delhi-2", pm25="12", EventTime=NOW_ISO), group="weather-observations-v1")
    counts = job.put_all(stub.client, "weather-observations-v1", rows, mapping, "location", NOW, "EventTime")
    stub.assert_no_pending_responses()
    assert counts == (2, 0, 0)


# --- job arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, None),  # as the construct calls the job today: epoch seconds
        ({"EVENT_TIME_FEATURE": "EventTime", "EVENT_TIME_TYPE": "Fractional"}, None),
        ({"EVENT_TIME_FEATURE": "EventTime", "EVENT_TIME_TYPE": "String"}, "EventTime"),
    ],
)
def test_event_time_arguments_choose_the_format(args: dict[str, str], expected: str | None) -> None:
    assert job.string_event_time_feature(args) == expected


@pytest.mark.parametrize(
    "args",
    [
        {"EVENT_TIME_TYPE": "String"},
        {"EVENT_TIME_FEATURE": "EventTime"},
        {"EVENT_TIME_FEATURE": "EventTime", "EVENT_TIME_TYPE": "Integral"},
        {"EVENT_TIME_FEATURE": "", "EVENT_TIME_TYPE": "String"},
    ],
)
def test_incomplete_event_time_arguments_stop_the_job(args: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="go together"):
        job.string_event_time_feature(args)


def test_only_the_optional_arguments_given_are_resolved() -> None:
    # getResolvedOptions fails on a listed argument that is absent, so the optional ones are listed when given.
    base = ["script.py", "--JOB_NAME", "j", "--FEATURE_GROUP_NAME", "g", "--MAPPING", "{}"]
    assert job.resolved_arg_names(base) == job.REQUIRED_ARGS
    given = [*base, "--EVENT_TIME_FEATURE", "EventTime", "--EVENT_TIME_TYPE", "String"]
    assert job.resolved_arg_names(given) == [*job.REQUIRED_ARGS, "EVENT_TIME_FEATURE", "EVENT_TIME_TYPE"]
