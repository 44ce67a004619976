"""Builders for realistic STS, Feature Store runtime and SageMaker runtime responses, the exact requests the
realtime prediction function must make, and the events it is invoked with."""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.response import StreamingBody  # type: ignore[import-untyped,unused-ignore]
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

from .conftest import REGION, FakeLambdaContext
from .doubles import RecordingFactory, assume_role_response
from .doubles import answer_over_http as answer_over_http
from .doubles import assert_all_consumed as assert_all_consumed
from .doubles import client as client

DATA_LAKE = "444455556666"
PROD = "777788889999"
ROLE_ARN = f"arn:aws:iam::{DATA_LAKE}:role/mlp-datalake-fs-online-reader"
GROUP = "customers-v1"
ENDPOINT = "churn-prod"
ENTITY = "cust-0042"
FEATURES = ("tenure_months", "monthly_charges", "contract_type")  # the model's input order
# The entity's record: more features than the model reads, in the store's own order.
RECORD = {
    "customer_id": ENTITY,
    "contract_type": "2",
    "monthly_charges": "70.35",
    "event_time": "2025-01-01T11:59:30Z",
    "tenure_months": "18",
}
ROW = b"18,70.35,2"
MODEL_FEATURES = {name: RECORD[name] for name in FEATURES}
ENV = {
    "FEATURE_GROUP_NAME": GROUP,
    "MODEL_FEATURES": " tenure_months, monthly_charges ,contract_type",
    "ENDPOINT_NAME": ENDPOINT,
    "FEATURE_STORE_ROLE_ARN": ROLE_ARN,
}
NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
EXPIRES = NOW + timedelta(hours=1)
# What AssumeRole hands out: the feature store client must be built from exactly these.
ACCESS_KEY = "ASIADATALAKEEXAMPLE1"
SECRET_KEY = "data-lake-secret-key-never-logged"  # fake; the tests assert it never reaches the logs
SESSION_TOKEN = "FwoGZXIvYXdzEDataLake-session-token"
CONTEXT = FakeLambdaContext(
    function_name="realtime-prediction",
    invoked_function_arn=f"arn:aws:lambda:{REGION}:{PROD}:function:realtime-prediction",
)


def expect_assume_role(
    stub: Stubber, error: str = "", *, expiration: datetime = EXPIRES, access_key: str = ACCESS_KEY
) -> None:
    params = {"RoleArn": ROLE_ARN, "RoleSessionName": "realtime-prediction", "DurationSeconds": 3600}
    if error:
        message = f"User: arn:aws:sts::{PROD}:assumed-role/fn/realtime-prediction is not authorized"
        stub.add_client_error("assume_role", error, message, 403, expected_params=params)
        return
    keys = (access_key, SECRET_KEY, SESSION_TOKEN)
    stub.add_response("assume_role", assume_role_response(ROLE_ARN, "realtime-prediction", keys, expiration), params)


def get_record_params(entity: str = ENTITY, features: tuple[str, ...] = FEATURES) -> dict[str, Any]:
    return {"FeatureGroupName": GROUP, "RecordIdentifierValueAsString": entity, "FeatureNames": list(features)}


def expect_get_record(
    stub: Stubber,
    record: dict[str, str] | None = None,
    *,
    entity: str = ENTITY,
    features: tuple[str, ...] = FEATURES,
    lists: dict[str, list[str]] | None = None,
    error: str = "",
    status: int = 400,
) -> None:
    """``record`` None: the entity is unknown (GetRecord then answers without a Record key)."""
    params = get_record_params(entity, features)
    if error:
        stub.add_client_error("get_record", error, f"{error} for {ROLE_ARN}", status, expected_params=params)
        return
    if record is None and not lists:
        stub.add_response("get_record", {}, params)
        return
    # GetRecord answers only the requested features that the record holds.
    items: list[dict[str, Any]] = [
        {"FeatureName": name, "ValueAsString": value} for name, value in (record or {}).items() if name in features
    ]
    items += [{"FeatureName": name, "ValueAsStringList": values} for name, values in (lists or {}).items()]
    stub.add_response("get_record", {"Record": items}, params)


def streaming(body: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(body), len(body))


def invoke_params(row: bytes = ROW, variant: str = "") -> dict[str, Any]:
    params = {"EndpointName": ENDPOINT, "ContentType": "text/csv", "Accept": "application/json", "Body": row}
    return {**params, **({"TargetVariant": variant} if variant else {})}


def expect_invoke(
    stub: Stubber,
    body: bytes = b'{"predictions": [{"score": 0.8734}]}',
    *,
    row: bytes = ROW,
    variant: str = "",
    served_by: str = "AllTraffic",
    content_type: str = "application/json",
) -> None:
    response = {"Body": streaming(body), "ContentType": content_type, "InvokedProductionVariant": served_by}
    stub.add_response("invoke_endpoint", response, invoke_params(row, variant))


def expect_invoke_error(
    stub: Stubber, code: str, message: str, status: int = 400, modeled: dict[str, Any] | None = None
) -> None:
    stub.add_client_error(
        "invoke_endpoint", code, message, status, expected_params=invoke_params(), modeled_fields=modeled
    )


def expect_hit(sts: Stubber | None, store: Stubber, runtime: Stubber, body: bytes | None = None) -> None:
    """One whole successful prediction; ``sts`` None when the credentials are cached or not needed."""
    if sts is not None:
        expect_assume_role(sts)
    expect_get_record(store, RECORD)
    if body is None:
        expect_invoke(runtime)
    else:
        expect_invoke(runtime, body)


def rest_event(*, path: str | None = None, body: Any = None, encode: bool = False) -> dict[str, Any]:
    """An API Gateway REST API (payload 1.0) proxy event; ``body`` not a str is sent as its JSON."""
    text = body if body is None or isinstance(body, str) else json.dumps(body)
    if encode and text is not None:
        text = base64.b64encode(text.encode()).decode()
    return {
        "resource": "/predictions/{entity_id}" if path is not None else "/predictions",
        "path": f"/predictions/{path}" if path is not None else "/predictions",
        "httpMethod": "GET" if path is not None else "POST",
        "headers": {"Content-Type": "application/json", "Authorization": "AWS4-HMAC-SHA256 Credential=..."},
        "queryStringParameters": None,
        "pathParameters": {"entity_id": path} if path is not None else None,
        "requestContext": {
            "accountId": PROD,
            "apiId": "a1b2c3d4e5",
            "stage": "prod",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {"sourceIp": "10.0.0.1"},
        },
        "body": text,
        "isBase64Encoded": encode,
    }


def http_api_event(body: Any) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event: no httpMethod at the top, a routeKey instead."""
    return {
        "version": "2.0",
        "routeKey": "POST /predictions",
        "rawPath": "/prod/predictions",
        "headers": {"content-type": "application/json"},
        "requestContext": {"accountId": PROD, "apiId": "a1b2c3d4e5", "http": {"method": "POST"}},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def decoded(response: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of a proxy response, checking its shape."""
    assert set(response) == {"statusCode", "headers", "body"}, response
    assert response["headers"] == {"Content-Type": "application/json"}
    return response["statusCode"], json.loads(response["body"])


@dataclass
class Clock:
    """A settable UTC clock for the credential cache."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


FeatureStoreFactory = RecordingFactory  # stands in for the handler's client factory
