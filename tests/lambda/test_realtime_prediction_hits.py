"""Realtime prediction Lambda: successful predictions and the credential cache, against botocore's real STS,
Feature Store runtime and SageMaker runtime models through Stubber (offline). Active Stubbers raise on any
call that was not queued."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .prediction_fixtures import *  # noqa: F403 - the shared fixtures, which pytest finds by name
from .prediction_fixtures import HIT, outcome, records
from .prediction_stubs import (
    ACCESS_KEY,
    CONTEXT,
    ENTITY,
    EXPIRES,
    RECORD,
    SECRET_KEY,
    SESSION_TOKEN,
    assert_all_consumed,
    decoded,
    expect_assume_role,
    expect_get_record,
    expect_hit,
    expect_invoke,
    http_api_event,
    rest_event,
)


def test_direct_hit_reads_the_data_lake_with_assumed_credentials_and_logs_no_secret(handler, stubs, factory, logs):
    sts, store, runtime = stubs
    expect_hit(sts, store, runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    [credentials] = factory.received
    assert (credentials.access_key_id, credentials.secret_access_key) == (ACCESS_KEY, SECRET_KEY)
    assert (credentials.session_token, credentials.expiration) == (SESSION_TOKEN, EXPIRES)
    assert SECRET_KEY not in repr(credentials) and SESSION_TOKEN not in repr(credentials)
    [served] = [r for r in records(logs) if r["message"] == "Prediction served"]
    assert served["service"] == "realtime-prediction" and served["function_name"] == "realtime-prediction"
    assert served["entity_id"] == ENTITY and served["variant"] == "AllTraffic" and served["feature_count"] == 3
    assert set(served["latency_ms"]) == {"feature_store", "endpoint", "total"}
    assert all(isinstance(ms, float) and ms >= 0 for ms in served["latency_ms"].values())
    assert all(secret not in logs.getvalue() for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN))
    assert RECORD["monthly_charges"] not in logs.getvalue()  # feature values stay out of the log


@pytest.mark.parametrize(
    "event",
    [
        rest_event(path=ENTITY),
        rest_event(body={"entity_id": ENTITY}),
        rest_event(body={"entity_id": ENTITY}, encode=True),
        rest_event(path=ENTITY, body="not json: the path wins and the body is not read"),
        http_api_event({"entity_id": ENTITY, "debug": True}),
    ],
    ids=["rest-path", "rest-body", "rest-base64-body", "path-wins", "http-api-body"],
)
def test_api_gateway_hit_returns_a_proxy_response(handler, stubs, event):
    expect_hit(*stubs)
    status, body = decoded(handler.lambda_handler(event, CONTEXT))
    assert_all_consumed(*stubs)
    assert status == 200
    assert body == {key: value for key, value in HIT.items() if key != "statusCode"}


def test_integer_entity_id_is_sent_as_its_string(handler, stubs):
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, {**RECORD, "customer_id": "42"}, entity="42")
    expect_invoke(runtime, b"0.5")
    result = handler.lambda_handler({"entity_id": 42}, CONTEXT)
    assert_all_consumed(*stubs)
    assert (result["statusCode"], result["entity_id"], result["prediction"]) == (200, "42", 0.5)


def test_features_go_in_the_configured_order_and_a_value_with_a_comma_is_quoted(configure, stubs):
    handler = configure(MODEL_FEATURES="contract_type,customer_id,tenure_months")
    sts, store, runtime = stubs
    order = ("contract_type", "customer_id", "tenure_months")
    expect_assume_role(sts)
    expect_get_record(store, {**RECORD, "customer_id": 'Smith, "J"'}, features=order)
    expect_invoke(runtime, b"[0.25]", row=b'2,"Smith, ""J""",18')
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert result["prediction"] == 0.25
    assert list(result["features"]) == list(order)


def test_target_variant_is_pinned_when_configured(configure, stubs):
    handler = configure(ENDPOINT_TARGET_VARIANT="challenger")
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)
    expect_invoke(runtime, variant="challenger", served_by="challenger")
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert (result["statusCode"], result["variant"]) == (200, "challenger")


def test_same_account_feature_store_uses_the_function_credentials_once(configure, stubs, factory):
    handler = configure(FEATURE_STORE_ROLE_ARN=None)
    _, store, runtime = stubs
    expect_hit(None, store, runtime)
    expect_hit(None, store, runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)  # and the active STS Stubber raised on any AssumeRole
    assert factory.received == [None]


# --- credential cache ------------------------------------------------------------------------------


def test_assumed_credentials_are_reused_until_five_minutes_before_expiry(handler, stubs, factory, clock):
    sts, store, runtime = stubs
    expect_hit(sts, store, runtime)
    expect_hit(None, store, runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    clock.now = EXPIRES - timedelta(minutes=5, microseconds=1)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    assert len(factory.received) == 1

    clock.now = EXPIRES - timedelta(minutes=5)
    renewed = EXPIRES + timedelta(hours=1)
    expect_assume_role(sts, expiration=renewed, access_key="ASIARENEWEDEXAMPLE02")
    expect_get_record(store, RECORD)
    expect_invoke(runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    assert [(c.access_key_id, c.expiration) for c in factory.received] == [
        (ACCESS_KEY, EXPIRES),
        ("ASIARENEWEDEXAMPLE02", renewed),
    ]


def test_a_failed_assume_role_is_not_cached(handler, stubs, factory):
    sts, store, runtime = stubs
    expect_assume_role(sts, "AccessDenied")
    expect_hit(sts, store, runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)["statusCode"] == 503
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    assert len(factory.received) == 1


def test_expired_token_drops_the_cached_credentials(handler, stubs, factory):
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, error="ExpiredTokenException")
    expect_hit(sts, store, runtime)
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert outcome(result) == (503, "FeatureStoreUnavailable", "ExpiredTokenException")
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    assert len(factory.received) == 2
