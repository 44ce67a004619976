"""Realtime prediction Lambda: endpoint failures and the model responses accepted, against botocore's real
STS, Feature Store runtime and SageMaker runtime models through Stubber (offline). Active Stubbers raise
on any call that was not queued."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ReadTimeoutError  # type: ignore[import-untyped,unused-ignore]

from .prediction_fixtures import *  # noqa: F403 - the shared fixtures, which pytest finds by name
from .prediction_fixtures import HIT, outcome, records
from .prediction_stubs import (
    CONTEXT,
    ENDPOINT,
    ENTITY,
    PROD,
    RECORD,
    assert_all_consumed,
    decoded,
    expect_assume_role,
    expect_get_record,
    expect_invoke,
    expect_invoke_error,
    rest_event,
)

REQUEST_ID = CONTEXT.aws_request_id


def assert_no_aws_internals(response: dict[str, object], *internals: str) -> None:
    """Issue #19, defect 5: AWS's error text (account IDs, ARNs, console links) stays in the log."""
    text = json.dumps(response)
    for internal in (PROD, "arn:aws", "console.aws.amazon.com", *internals):
        assert internal not in text


def test_model_error_is_a_typed_502_without_the_aws_message(handler, stubs, logs):
    """InvokeEndpoint's ModelError (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html#API_runtime_InvokeEndpoint_Errors)
    names the account, a console link and the log stream ARN: the caller gets the code and a request ID."""
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)
    message = (
        'Received server error (500) from primary with message "could not convert string to float". '
        f"See https://us-east-1.console.aws.amazon.com/cloudwatch/... in account {PROD} for more information."
    )
    modeled = {
        "OriginalStatusCode": 500,
        "OriginalMessage": "could not convert string to float",
        "LogStreamArn": f"arn:aws:logs:us-east-1:{PROD}:log-group:/aws/sagemaker/Endpoints/{ENDPOINT}",
    }
    expect_invoke_error(runtime, "ModelError", message, 424, modeled)
    status, body = decoded(handler.lambda_handler(rest_event(body={"entity_id": ENTITY}), CONTEXT))
    assert_all_consumed(*stubs)
    assert status == 502
    assert body == {
        "error": "EndpointError",
        "message": "The model endpoint could not answer (ModelError)",
        "code": "ModelError",
        "request_id": REQUEST_ID,
    }
    assert_no_aws_internals(body, "could not convert")
    [logged] = [r for r in records(logs) if r["message"] == "Prediction failed"]
    assert message in logged["cause"]  # the detail is in the log, under the same request ID
    assert logged["function_request_id"] == REQUEST_ID


def test_unknown_endpoint_is_502_validation_error(handler, stubs, sleeps):
    """ValidationError "Endpoint ... of account ... not found." (the documented InvokeEndpoint error) is not echoed."""
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)
    message = f"Endpoint {ENDPOINT} of account {PROD} not found."
    expect_invoke_error(runtime, "ValidationError", message)
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert result == {
        "statusCode": 502,
        "error": "EndpointError",
        "message": "The model endpoint could not answer (ValidationError)",
        "code": "ValidationError",
        "request_id": REQUEST_ID,
    }
    assert_no_aws_internals(result, ENDPOINT)
    assert sleeps == []


def test_unreachable_endpoint_is_502(handler, stubs, monkeypatch):
    sts, store, _ = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)

    class Slow:
        def invoke_endpoint(self, **_):
            raise ReadTimeoutError(
                endpoint_url=f"https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/{ENDPOINT}"
            )

    monkeypatch.setattr(handler, "_runtime", Slow())
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert outcome(result) == (502, "EndpointError", "ReadTimeoutError")
    assert result["message"] == "The model endpoint could not be reached (ReadTimeoutError)"
    assert_no_aws_internals(result, "runtime.sagemaker")


def test_throttled_endpoint_is_retried_then_succeeds_or_gives_up(handler, logic, stubs, sleeps):
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)
    expect_invoke_error(runtime, "ThrottlingException", "Rate exceeded")
    expect_invoke(runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    assert sleeps == [0.2]

    sleeps.clear()
    expect_get_record(store, RECORD)
    for _ in range(logic.RETRY.max_attempts):
        expect_invoke_error(runtime, "ThrottlingException", "Rate exceeded")
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert outcome(result) == (502, "EndpointError", "ThrottlingException")
    assert sleeps == [0.2, 0.4]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not a number",
        b'{"predictions": [0.1, 0.9]}',
        b'{"predictions": []}',
        b'{"prediction": 0.1, "predictions": [0.1]}',
        b'{"predicted_label": 1}',
        b'{"predictions": [{"predicted_label": 1}]}',
        b"[0.1, 0.9]",
        b'"0.87"',
        b"true",
        b"null",
        b"NaN",
        b"Infinity",
        b"1" + b"0" * 400,
        b"0.1,0.9",
        b"0.1\n0.9",
        b"\xff\xfe",
    ],
)
def test_unparseable_model_response_is_502(handler, stubs, body):
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)
    expect_invoke(runtime, body, content_type="text/csv")
    status, answer = decoded(handler.lambda_handler(rest_event(path=ENTITY), CONTEXT))
    assert_all_consumed(*stubs)
    assert status == 502 and answer["error"] == "BadModelResponse"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"0.8734", 0.8734),
        (b"0.8734\n", 0.8734),
        (b"1", 1.0),
        (b"-2.5e-3", -0.0025),
        (b".5\r\n", 0.5),  # not JSON: read as a one-value CSV line
        (b"[0.8734]", 0.8734),
        (b"[[0.8734]]", 0.8734),
        (b'{"prediction": 0.8734}', 0.8734),
        (b'{"predictions": 0.8734}', 0.8734),
        (b'{"predictions": [0.8734]}', 0.8734),
        (b'{"predictions": [[0.8734]]}', 0.8734),
        (b'{"predictions": [{"score": 0.8734, "predicted_label": 1}]}', 0.8734),
        (b'{"score": 0.8734}', 0.8734),
    ],
)
def test_accepted_model_responses(logic, body, expected):
    assert logic.parse_prediction(body) == expected


def test_unexpected_error_is_a_typed_500_without_traceback(handler, stubs, monkeypatch, logs):
    sts, store, _ = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)

    class Broken:
        def invoke_endpoint(self, **_):
            raise RuntimeError("bug")

    monkeypatch.setattr(handler, "_runtime", Broken())
    status, body = decoded(handler.lambda_handler(rest_event(path=ENTITY), CONTEXT))
    assert status == 500
    assert body == {"error": "InternalError", "message": "Unexpected error", "request_id": REQUEST_ID}
    [logged] = [r for r in records(logs) if r["message"] == "Unexpected error"]
    assert "RuntimeError: bug" in logged["exception"]
