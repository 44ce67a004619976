"""Realtime prediction Lambda: events that carry no usable entity_id, against botocore's real STS, Feature
Store runtime and SageMaker runtime models through Stubber (offline). Active Stubbers raise on any call
that was not queued."""

from __future__ import annotations

import base64

import pytest

from .prediction_fixtures import *  # noqa: F403 - the shared fixtures, which pytest finds by name
from .prediction_fixtures import records
from .prediction_stubs import (
    CONTEXT,
    ENTITY,
    assert_all_consumed,
    decoded,
    expect_hit,
    http_api_event,
    rest_event,
)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({}, "entity_id is required"),
        ({"entity_id": None}, "entity_id is required"),
        ({"entity_id": ""}, "entity_id must not be empty"),
        ({"entity_id": "  \t"}, "entity_id must not be empty"),
        ({"entity_id": True}, "entity_id must be a string, got bool"),
        ({"entity_id": 4.2}, "entity_id must be a string, got float"),
        ({"entity_id": ["a"]}, "entity_id must be a string, got list"),
        ({"entity_id": "x" * 358_401}, "entity_id is longer than 358400 characters"),
        ({"id": ENTITY}, "entity_id is required"),
        ("cust-0042", "The event must be a JSON object"),
        (None, "The event must be a JSON object"),
    ],
)
def test_invalid_direct_event_is_400(handler, stubs, factory, event, message):
    result = handler.lambda_handler(event, CONTEXT)
    assert_all_consumed(*stubs)  # and the active Stubbers raised on any call
    assert factory.received == []
    assert result["statusCode"] == 400 and result["error"] == "InvalidRequest"
    assert result["message"].startswith(message)
    assert set(result) == {"statusCode", "error", "message", "request_id"}


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (rest_event(), "entity_id is required, in the path or as a JSON body"),
        (rest_event(body=""), "entity_id is required, in the path or as a JSON body"),
        (rest_event(body="{not json"), "The body is not valid JSON"),
        (rest_event(body=[ENTITY]), "The body must be a JSON object"),
        (rest_event(body={"entityId": ENTITY}), "body.entity_id is required"),
        (rest_event(body={"entity_id": ""}), "body.entity_id must not be empty"),
        (rest_event(path=""), "pathParameters.entity_id must not be empty"),
        ({**rest_event(body="x"), "body": "%%%", "isBase64Encoded": True}, "The body is not valid base64"),
        ({**rest_event(), "body": base64.b64encode(b"\xff").decode(), "isBase64Encoded": True}, "The body is not"),
        (http_api_event(42), "The body must be a JSON object"),
    ],
)
def test_invalid_api_gateway_event_is_400(handler, stubs, event, message):
    status, body = decoded(handler.lambda_handler(event, CONTEXT))
    assert_all_consumed(*stubs)
    assert status == 400 and body["error"] == "InvalidRequest"
    assert body["message"].startswith(message)


def test_log_keys_do_not_leak_into_the_next_invocation(handler, stubs, logs):
    expect_hit(*stubs)
    handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    handler.lambda_handler({"entity_id": ""}, CONTEXT)
    first, second = [r for r in records(logs) if r["message"] in ("Prediction served", "Prediction failed")]
    assert first["entity_id"] == ENTITY and "entity_id" not in second
    assert second["status_code"] == 400 and second["reason"] == "entity_id must not be empty"
