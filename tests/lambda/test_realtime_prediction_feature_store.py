"""Realtime prediction Lambda: failures to read the online feature store, against botocore's real STS,
Feature Store runtime and SageMaker runtime models through Stubber (offline). Active Stubbers raise on any
call that was not queued."""

from __future__ import annotations

import pytest
from botocore.exceptions import ReadTimeoutError  # type: ignore[import-untyped,unused-ignore]

from .prediction_fixtures import *  # noqa: F403 - the shared fixtures, which pytest finds by name
from .prediction_fixtures import DATA_LAKE_ROLE, HIT, outcome, records
from .prediction_stubs import (
    CONTEXT,
    ENTITY,
    PROD,
    RECORD,
    assert_all_consumed,
    decoded,
    expect_assume_role,
    expect_get_record,
    expect_invoke,
    rest_event,
)


def test_longest_entity_id_is_accepted(handler, stubs):
    sts, store, _ = stubs
    longest = "x" * 358_400  # the GetRecord maximum; one more is a 400 (below)
    expect_assume_role(sts)
    expect_get_record(store, None, entity=longest)
    assert handler.lambda_handler({"entity_id": longest}, CONTEXT)["statusCode"] == 404
    assert_all_consumed(*stubs)


def test_unknown_entity_is_404_and_the_endpoint_is_not_called(handler, stubs):
    sts, store, _ = stubs
    expect_assume_role(sts)
    expect_get_record(store, None, entity="cust-9999")
    expect_get_record(store, None, entity="cust-9999")
    direct = handler.lambda_handler({"entity_id": "cust-9999"}, CONTEXT)
    status, body = decoded(handler.lambda_handler(rest_event(path="cust-9999"), CONTEXT))
    assert_all_consumed(*stubs)  # and the active runtime Stubber raised on any InvokeEndpoint
    assert direct == {"statusCode": 404, **body}
    assert status == 404 and body["error"] == "RecordNotFound"
    assert body["message"] == "No record with identifier 'cust-9999' in the online feature store"


def test_missing_features_are_422_listed_in_model_order(handler, stubs, logs):
    sts, store, _ = stubs
    partial = {k: v for k, v in RECORD.items() if k not in ("tenure_months", "contract_type")}
    expect_assume_role(sts)
    expect_get_record(store, partial)
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert result["statusCode"] == 422 and result["error"] == "IncompleteFeatures"
    assert result["missing"] == ["tenure_months", "contract_type"]
    assert "lacks 2 of the model's 3 features: tenure_months, contract_type" in result["message"]
    [failed] = [r for r in records(logs) if r["message"] == "Prediction failed"]
    assert failed["level"] == "WARNING" and failed["missing"] == result["missing"] and failed["status_code"] == 422


def test_list_valued_feature_is_422_unsupported(handler, stubs):
    sts, store, _ = stubs
    expect_assume_role(sts)
    expect_get_record(store, {k: v for k, v in RECORD.items() if k != "contract_type"}, lists={"contract_type": ["2"]})
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert outcome(result, "features") == (422, "UnsupportedFeatureValue", ["contract_type"])


@pytest.mark.parametrize(
    ("where", "code"),
    [("assume_role", "AccessDenied"), ("get_record", "AccessForbidden"), ("get_record", "ResourceNotFound")],
)
def test_access_denied_is_503_without_retry_and_hides_the_aws_message(handler, stubs, sleeps, logs, where, code):
    sts, store, _ = stubs
    expect_assume_role(sts, code if where == "assume_role" else "")
    if where == "get_record":
        expect_get_record(store, error=code)
    status, body = decoded(handler.lambda_handler(rest_event(path=ENTITY), CONTEXT))
    assert_all_consumed(*stubs)
    assert status == 503 and body["error"] == "FeatureStoreUnavailable" and body["code"] == code
    assert PROD not in body["message"] and DATA_LAKE_ROLE not in body["message"]
    assert sleeps == []
    [failed] = [r for r in records(logs) if r["message"] == "Prediction failed"]
    assert failed["level"] == "ERROR" and code in failed["cause"]  # the details are in the log


@pytest.mark.parametrize("operation", ["assume_role", "get_record"])
@pytest.mark.parametrize("code", ["ThrottlingException", "Throttling"])
def test_throttled_feature_store_is_retried_then_succeeds(handler, stubs, sleeps, operation, code):
    sts, store, runtime = stubs
    if operation == "assume_role":
        expect_assume_role(sts, code)
    expect_assume_role(sts)
    if operation == "get_record":
        expect_get_record(store, error=code)
    expect_get_record(store, RECORD)
    expect_invoke(runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    assert sleeps == [0.2]


def test_throttled_feature_store_gives_up_after_bounded_attempts(handler, logic, stubs, sleeps):
    sts, store, _ = stubs
    expect_assume_role(sts)
    for _ in range(logic.RETRY.max_attempts):
        expect_get_record(store, error="ThrottlingException")
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert outcome(result) == (503, "FeatureStoreUnavailable", "ThrottlingException")
    assert sleeps == [0.2, 0.4]


def test_unreachable_feature_store_is_503(handler, logic, sts_stub, monkeypatch):
    def timeout(**_):
        raise ReadTimeoutError(endpoint_url="https://featurestore-runtime.sagemaker.us-east-1.amazonaws.com")

    class Unreachable:
        get_record = staticmethod(timeout)

    store = logic.FeatureStoreClients(sts_stub.client, None, lambda _: Unreachable())
    monkeypatch.setattr(handler, "_feature_store", store)
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert outcome(result) == (503, "FeatureStoreUnavailable", "ReadTimeoutError")
