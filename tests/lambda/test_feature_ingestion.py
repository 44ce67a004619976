"""Feature ingestion Lambda (Kinesis -> Feature Store): settings, record validation and the batch handler,
against botocore's real sagemaker-featurestore-runtime model through Stubber (offline). Active Stubbers
raise on any call that was not queued, with exactly these parameters."""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]
from pydantic import ValidationError

from .conftest import LAMBDA_ROOT, REGION, load_lambda_module
from .ingestion_stubs import (
    CONTEXT,
    ENV,
    FEATURES,
    GROUP,
    OBSERVATION_RECORD,
    client,
    expect_put,
    failures,
    feature_record,
    kinesis_event,
    observation,
    sequence_number,
)

ASSET = LAMBDA_ROOT / "feature_ingestion"
THROTTLED = "ThrottlingException"
# A group with an Integral identifier and a String (ISO-8601) event time, for the logic-level tests.
SENSOR_ENV = {
    "FEATURE_GROUP_NAME": "sensor-readings-v1",
    "RECORD_IDENTIFIER": "station",
    "EVENT_TIME_FEATURE": "observed_at",
    "FEATURE_DEFINITIONS": json.dumps({"station": "Integral", "observed_at": "String", "readings": "Integral"}),
    "TARGET_STORES": "OnlineStore,OfflineStore",
}


@pytest.fixture(scope="module")
def logic(aws_offline_env):
    return load_lambda_module("feature_ingestion_logic", ASSET / "ingestion.py")


@pytest.fixture(scope="module")
def ingestion_handler(aws_offline_env, logic):
    with pytest.MonkeyPatch.context() as mp:
        for name, value in ENV.items():
            mp.setenv(name, value)
        mp.delenv("TARGET_STORES", raising=False)
        return load_lambda_module("feature_ingestion_handler", ASSET / "handler.py", aliases={"ingestion": logic})


@pytest.fixture
def stub():
    with Stubber(client()) as stub:
        yield stub


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def handler(ingestion_handler, stub, sleeps, monkeypatch):
    monkeypatch.setattr(ingestion_handler, "_client", stub.client)
    monkeypatch.setattr(ingestion_handler, "_sleep", sleeps.append)
    return ingestion_handler


@pytest.fixture
def logs(ingestion_handler):
    stream = io.StringIO()
    previous = ingestion_handler.logger.registered_handler.setStream(stream)
    yield stream
    ingestion_handler.logger.registered_handler.setStream(previous)


def log_records(logs, message=None):
    records = [json.loads(line) for line in logs.getvalue().splitlines()]
    return [r for r in records if message is None or r["message"] == message]


def settings(logic, base=None, **overrides):
    """Settings from ENV (or ``base``) with ``overrides``; a value of None unsets that variable."""
    env = {**(base or ENV), **overrides}
    return logic.Settings.from_env({name: value for name, value in env.items() if value is not None})


def parse(logic, payload, base=None):
    event = kinesis_event(payload)
    model = logic.build_record_model(settings(logic, base))
    return logic.parse_record(event["Records"][0]["kinesis"]["data"], model)


# --- the batch handler -----------------------------------------------------------------------------


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


# --- settings --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"FEATURE_GROUP_NAME": None}, "FEATURE_GROUP_NAME: required, set it to a non-empty value"),
        ({"RECORD_IDENTIFIER": "  "}, "RECORD_IDENTIFIER: required"),
        ({"EVENT_TIME_FEATURE": None}, "EVENT_TIME_FEATURE: required"),
        ({"FEATURE_DEFINITIONS": None}, "FEATURE_DEFINITIONS: required"),
        ({"FEATURE_DEFINITIONS": "{location: String}"}, r"FEATURE_DEFINITIONS: not valid JSON \(Expecting"),
        ({"FEATURE_DEFINITIONS": '["location", "EventTime"]'}, "FEATURE_DEFINITIONS: expected a JSON object .* array"),
        ({"FEATURE_DEFINITIONS": "{}"}, "FEATURE_DEFINITIONS: no features"),
        (
            {"FEATURE_DEFINITIONS": json.dumps(FEATURES | {"pm25": "Double"})},
            r"FEATURE_DEFINITIONS\['pm25'\]: Input.*, got 'Double'",
        ),
        (
            {"FEATURE_DEFINITIONS": json.dumps(FEATURES | {"no2": "fractional"})},
            "'no2'.: Input should be 'Integral', 'F",
        ),
        ({"FEATURE_DEFINITIONS": json.dumps(FEATURES | {"pm2.5": "Fractional"})}, "'pm2.5' is not a valid feature"),
        ({"FEATURE_DEFINITIONS": json.dumps(FEATURES | {"write_time": "String"})}, "'write_time' is reserved"),
        ({"FEATURE_DEFINITIONS": '{"location": "String", "location": "Integral"}'}, "repeated keys 'location'"),
        (
            {"RECORD_IDENTIFIER": "station"},
            r"RECORD_IDENTIFIER 'station' is not in .* \(location, EventTime, pm25, no2\)",
        ),
        ({"EVENT_TIME_FEATURE": "observed_at"}, "EVENT_TIME_FEATURE 'observed_at' is not in FEATURE_DEFINITIONS"),
        ({"FEATURE_DEFINITIONS": json.dumps(FEATURES | {"EventTime": "Integral"})}, "Fractional or String, not Integ"),
        ({"FEATURE_GROUP_NAME": "weather observations"}, "FEATURE_GROUP_NAME: 'weather observations' is not a valid"),
        ({"RECORD_IDENTIFIER": "-location"}, "RECORD_IDENTIFIER: '-location' is not a valid feature name"),
        ({"TARGET_STORES": "Online"}, "TARGET_STORES: Input should be 'OnlineStore' or 'OfflineStore', got 'Online'$"),
        ({"TARGET_STORES": "OnlineStore,"}, "TARGET_STORES: 'OnlineStore,' has an empty name"),
        ({"TARGET_STORES": "OnlineStore, OnlineStore"}, "names a store twice"),
        ({"FEATURE_GROUP_NAME": None, "EVENT_TIME_FEATURE": ""}, "FEATURE_GROUP_NAME: required.*; EVENT_TIME_FEATURE"),
    ],
)
def test_invalid_environment_fails_naming_the_variable(logic, overrides, message):
    with pytest.raises(logic.ConfigurationError, match=f"^Invalid environment: .*{message}"):
        settings(logic, **overrides)


@pytest.mark.parametrize(
    ("stores", "expected"),
    [(None, ("OnlineStore",)), (" OfflineStore , OnlineStore ", ("OfflineStore", "OnlineStore"))],
)
def test_target_stores_default_to_the_online_store(logic, stores, expected):
    assert settings(logic, TARGET_STORES=stores).target_stores == expected


def test_settings_accept_a_feature_group_arn_and_are_frozen(logic):
    arn = f"arn:aws:sagemaker:{REGION}:444455556666:feature-group/{GROUP}"
    parsed = settings(logic, FEATURE_GROUP_NAME=arn)
    assert parsed.feature_group_name == arn
    with pytest.raises(ValidationError, match="frozen"):
        parsed.feature_group_name = "other"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("FEATURE_DEFINITIONS", None, "FEATURE_DEFINITIONS: required"),
        ("FEATURE_DEFINITIONS", "location=String", "FEATURE_DEFINITIONS: not valid JSON"),
        ("RECORD_IDENTIFIER", "station", "RECORD_IDENTIFIER 'station' is not in FEATURE_DEFINITIONS"),
    ],
)
def test_bad_environment_fails_the_cold_start(logic, monkeypatch, name, value, message):
    for variable, setting in ENV.items():
        monkeypatch.setenv(variable, setting)
    if value is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, value)
    unique = f"feature_ingestion_handler_bad_{name.lower()}_{value is None}"
    with pytest.raises(logic.ConfigurationError, match=message):
        load_lambda_module(unique, ASSET / "handler.py", aliases={"ingestion": logic})
    assert unique not in sys.modules


# --- records ---------------------------------------------------------------------------------------


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
        (1735689600, "expected a string, got a number"),
    ],
)
def test_string_event_time_in_other_formats_is_rejected(logic, observed_at, reason):
    with pytest.raises(logic.RecordRejectedError, match=f"^observed_at: {reason}"):
        parse(logic, {"station": 7, "observed_at": observed_at}, SENSOR_ENV)


def test_ingestor_writes_to_the_configured_stores(logic, stub):
    sensor = settings(logic, SENSOR_ENV)
    ingestor = logic.Ingestor(stub.client, sensor, logic.build_record_model(sensor), sleep=lambda _: None)
    record = feature_record(station="7", observed_at="2025-01-01T00:00:00Z", readings="12")
    expect_put(stub, record, stores=("OnlineStore", "OfflineStore"), group="sensor-readings-v1")
    ingestor.ingest(
        kinesis_event({"readings": 12, "station": 7, "observed_at": "2025-01-01T00:00:00Z"})["Records"][0]["kinesis"][
            "data"
        ]
    )
    stub.assert_no_pending_responses()
    assert ingestor.written == 1


def test_throttling_retry_gives_up_after_bounded_attempts(logic, stub):
    ingestor = logic.Ingestor(stub.client, settings(logic), logic.build_record_model(settings(logic)))
    sleeps: list[float] = []
    ingestor.sleep = sleeps.append
    for _ in range(logic.MAX_ATTEMPTS):
        expect_put(stub, OBSERVATION_RECORD, THROTTLED)
    with pytest.raises(ClientError, match=THROTTLED):
        ingestor.put(OBSERVATION_RECORD)
    stub.assert_no_pending_responses()
    assert sleeps == [0.5, 1.0, 2.0] and ingestor.throttled_out and ingestor.written == 0


# --- packaging and performance ---------------------------------------------------------------------


def test_cold_start_imports_the_asset_alone_without_powertools_parser_models(tmp_path):
    # As Lambda does: the asset folder first on sys.path, nothing from tests; -B keeps it free of __pycache__.
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import handler; "
        "PARSER = 'aws_lambda_powertools.utilities.parser'; "
        "print(json.dumps([handler.SETTINGS.feature_group_name, [m for m in sys.modules if m.startswith(PARSER)]]))"
    )
    fake = {"AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing"}
    fake |= {
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    env = {"PATH": os.environ.get("PATH", ""), **ENV, **fake}
    result = subprocess.run(
        [sys.executable, "-B", "-c", code, str(ASSET)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    # The parser models would cost ~20 ms of cold start: handler.py imports the batch utility before pydantic.
    assert json.loads(result.stdout) == [GROUP, []]
    assert sorted(path.name for path in ASSET.iterdir()) == ["handler.py", "ingestion.py", "requirements.txt"]


def test_benchmark_script_runs(aws_offline_env):
    from . import bench_feature_ingestion as bench

    result = bench.run(records=50, repeats=1)
    assert set(result) == {"records_per_second", "cold_import_ms"}
    assert result["records_per_second"] > 0 and result["cold_import_ms"] > 0
