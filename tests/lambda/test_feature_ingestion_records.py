"""Feature ingestion Lambda: record validation and the PutRecord Record made of a valid record."""

from __future__ import annotations

import math

import pytest

from .ingestion_fixtures import *  # noqa: F403 - the shared fixtures, which pytest finds by name
from .ingestion_fixtures import SENSOR_ENV, parse
from .ingestion_stubs import OBSERVATION_RECORD, feature_record, observation


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("not base64!", r"^data is not valid base64"),
        ("", r"^data is not valid JSON"),
        (b"\xc3\x28 invalid UTF-8", r"^data is not valid JSON"),
        (b"{'location': 'berlin'}", r"^data is not valid JSON"),
        (b'{"location": "a", "EventTime": 1, "pm25": NaN}', r"^data is not valid JSON \(NaN is not valid JSON\)"),
        (b'{"location": "a", "location": "b", "EventTime": 1}', r"^data is not valid JSON \(repeated keys 'location'"),
        (b"[" * 100_000, r"^data is not valid JSON"),
        ([observation()], r"^data is an array, expected a JSON object"),
        (b"null", r"^data is null, expected"),
        (b'"berlin-mitte"', r"^data is a string, expected"),
        (observation(location=...), r"^location: required$"),
        (observation(location=None), r"^location: expected a string, got null$"),
        (observation(location=""), r"^location: the record identifier must not be empty$"),
        (observation(location=42), r"^location: expected a string, got a number$"),
        (observation(EventTime=...), r"^EventTime: required$"),
        (observation(EventTime="2025-01-01T00:00:00Z"), r"^EventTime: expected a number, got a string$"),
        (observation(EventTime=1735689600500), r"^EventTime: expected epoch seconds .*milliseconds"),
        (observation(pm25="12.3"), r"^pm25: expected a number, got a string$"),
        (observation(pm25=True), r"^pm25: expected a number, got a boolean$"),
        (observation(no2=[41]), r"^no2: expected a number, got an array$"),
        (observation(no2={"value": 41}), r"^no2: expected a number, got an object$"),
        (b'{"location": "a", "EventTime": 1, "pm25": 1e400}', r"^pm25: expected a finite number$"),
        (observation(humidity=71), r"^humidity: not a feature of the feature group$"),
        (observation(f2=12.3), r"^f2: not a feature"),  # the model's internal field names are not features
        (observation(location=..., pm25="x", rain=1), r"^location: required; pm25: expected .*; rain: not a feature"),
    ],
)
def test_malformed_record_is_rejected_with_its_reason(logic, payload, reason):
    with pytest.raises(logic.RecordRejectedError, match=reason):
        parse(logic, payload)


def test_rejection_reason_is_bounded(logic):
    with pytest.raises(logic.RecordRejectedError) as rejected:
        parse(logic, observation(**{f"unknown_feature_{i}": i for i in range(200)}))
    assert len(str(rejected.value)) == logic.MAX_REASON_LENGTH


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (observation(), OBSERVATION_RECORD),
        (observation(pm25=None, no2=...), feature_record(location="berlin-mitte", EventTime="1735689600.5")),
        (
            observation(EventTime=1735689600, no2=0),
            OBSERVATION_RECORD[:1] + feature_record(EventTime="1735689600.0", pm25="12.3", no2="0.0"),
        ),
        # Keys in any order: the Record follows FEATURE_DEFINITIONS.
        (
            {"no2": 1.5, "EventTime": 0.001, "location": "Zürich"},
            feature_record(location="Zürich", EventTime="0.001", no2="1.5"),
        ),
    ],
)
def test_valid_record_becomes_the_put_record_record(logic, payload, expected):
    assert parse(logic, payload) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12.3, "12.3"),
        (0.1, "0.1"),
        (1 / 3, "0.3333333333333333"),
        (41.0, "41.0"),
        (-0.0, "-0.0"),
        (1e16, "10000000000000000"),
        (1.5e16, "15000000000000000"),
        (1e-7, "0.0000001"),
        (-1.234e-5, "-0.00001234"),
        (1735689600.123, "1735689600.123"),
        (2.0**53 + 2, "9007199254740994.0"),
        (41, "41"),
        (-(2**63), "-9223372036854775808"),
        ("12.3", "12.3"),
    ],
)
def test_values_are_formatted_with_round_trip_digits_and_no_exponent(logic, value, expected):
    text = logic.format_value(value)
    assert text == expected
    if isinstance(value, float):
        assert float(text) == value and math.copysign(1, float(text)) == math.copysign(1, value)


@pytest.mark.parametrize("value", [5e-324, 1.7976931348623157e308, 6.02214076e23, 1.602176634e-19])
def test_extreme_floats_round_trip_without_exponent(logic, value):
    text = logic.format_value(value)
    assert "e" not in text.lower() and float(text) == value


@pytest.mark.parametrize(
    ("readings", "expected"),
    [(3, "3"), (3.0, "3"), (-5, "-5"), (2**63 - 1, "9223372036854775807"), (None, None)],
)
def test_integral_feature_accepts_whole_numbers(logic, readings, expected):
    payload = {"station": 7, "observed_at": "2025-01-01T00:00:00Z", "readings": readings}
    record = parse(logic, payload, SENSOR_ENV)
    assert record[:2] == feature_record(station="7", observed_at="2025-01-01T00:00:00Z")
    assert record[2:] == ([] if expected is None else feature_record(readings=expected))


@pytest.mark.parametrize(
    ("readings", "reason"),
    [
        (3.5, "expected an integer, got a number with a fraction"),
        (True, "expected an integer, got a boolean"),
        ("3", "expected an integer, got a string"),
        (2**63, "outside the 64-bit range"),
        (1e300, "outside the 64-bit range"),
    ],
)
def test_integral_feature_rejects_everything_else(logic, readings, reason):
    payload = {"station": 7, "observed_at": "2025-01-01T00:00:00Z", "readings": readings}
    with pytest.raises(logic.RecordRejectedError, match=f"^readings: {reason}"):
        parse(logic, payload, SENSOR_ENV)


@pytest.mark.parametrize("observed_at", ["2025-01-01T00:00:00Z", "2024-02-29T23:59:59.999Z"])
def test_string_event_time_in_feature_store_formats_is_sent_unchanged(logic, observed_at):
    record = parse(logic, {"station": 7, "observed_at": observed_at}, SENSOR_ENV)
    assert record == feature_record(station="7", observed_at=observed_at)


@pytest.mark.parametrize(
    ("observed_at", "reason"),
    [
        ("2025-01-01T00:00:00", "expected yyyy-MM-ddTHH:mm:ssZ"),
        ("2025-01-01 00:00:00Z", "expected yyyy-MM-ddTHH:mm:ssZ"),
        ("2025-01-01T00:00:00+00:00", "expected yyyy-MM-ddTHH:mm:ssZ"),
        ("2025-01-01T00:00:00.12Z", "expected yyyy-MM-ddTHH:mm:ssZ"),
        ("2025-01-01T00:00:00.123456Z", "expected yyyy-MM-ddTHH:mm:ssZ"),
        ("٢٠٢٥-01-01T00:00:00Z", "expected yyyy-MM-ddTHH:mm:ssZ"),  # non-ASCII digits
        ("2025-02-29T00:00:00Z", "not a valid date and time"),
        ("2025-13-01T00:00:00Z", "not a valid date and time"),
        ("2025-01-01T24:00:00Z", "not a valid date and time"),
        ("1735689600", "expected yyyy-MM-ddTHH:mm:ssZ"),  # digits in a string are not epoch seconds
        (True, "expected an ISO-8601 string or epoch seconds, got a boolean"),
        (None, "expected an ISO-8601 string or epoch seconds, got null"),
        ([1735689600], "expected an ISO-8601 string or epoch seconds, got an array"),
        (1735689600500, "expected epoch seconds between years 1 and 9999 .milliseconds sent by mistake"),
        (-62135596801, "expected epoch seconds between years 1 and 9999"),
    ],
)
def test_string_event_time_in_other_formats_is_rejected(logic, observed_at, reason):
    with pytest.raises(logic.RecordRejectedError, match=f"^observed_at: {reason}"):
        parse(logic, {"station": 7, "observed_at": observed_at}, SENSOR_ENV)


# Epoch seconds for a String event time are sent in Feature Store's yyyy-MM-dd'T'HH:mm:ss.SSSZ format, one of the
# two that CreateFeatureGroup's EventTimeFeatureName lists:
# https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html
@pytest.mark.parametrize(
    ("observed_at", "expected"),
    [
        (1735689600, "2025-01-01T00:00:00.000Z"),
        (1735689600.0, "2025-01-01T00:00:00.000Z"),
        (1735689600.5, "2025-01-01T00:00:00.500Z"),
        (1735689600.123, "2025-01-01T00:00:00.123Z"),  # the digits sent, not float arithmetic's .122
        (1735689600.9999, "2025-01-01T00:00:00.999Z"),  # cut to the millisecond, never into the next second
        (1709251199.999, "2024-02-29T23:59:59.999Z"),
        (0, "1970-01-01T00:00:00.000Z"),
        (-0.001, "1969-12-31T23:59:59.999Z"),
        (-62135596800, "0001-01-01T00:00:00.000Z"),  # the year padded to 4 digits
        (253402300799.999, "9999-12-31T23:59:59.999Z"),
    ],
)
def test_string_event_time_given_as_epoch_seconds_is_sent_as_iso_8601_utc(logic, observed_at, expected):
    record = parse(logic, {"station": 7, "observed_at": observed_at}, SENSOR_ENV)
    assert record == feature_record(station="7", observed_at=expected)


def test_iso_event_time_has_one_width_and_sorts_in_time_order(logic):
    seconds = [-62135596800, -0.5, 0, 1e-05, 1735689600.001, 1735689600.5, 1735689601, 253402300799.999]
    texts = [logic.iso_event_time(value) for value in seconds]
    assert {len(text) for text in texts} == {24}
    assert texts == sorted(texts)


def test_fractional_event_time_is_still_sent_as_epoch_seconds(logic):
    # Unchanged for a Fractional event time: epoch seconds in, epoch seconds out; a string is refused.
    assert parse(logic, observation(EventTime=1735689600.123))[1] == {
        "FeatureName": "EventTime",
        "ValueAsString": "1735689600.123",
    }
    with pytest.raises(logic.RecordRejectedError, match=r"^EventTime: expected a number, got a string$"):
        parse(logic, observation(EventTime="2025-01-01T00:00:00.000Z"))
