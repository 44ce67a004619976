"""Builders for realistic STS and Service Catalog responses and the exact requests the lookup must make."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

from .conftest import REGION, FakeLambdaContext
from .doubles import RecordingFactory, assume_role_response
from .doubles import answer_over_http as answer_over_http
from .doubles import assert_all_consumed as assert_all_consumed

HUB = "111111111111"
ROLE_ARN = f"arn:aws:iam::{HUB}:role/ml-platform/portfolio-reader"
NAME = "ml-platform-products"
NOW = datetime(2025, 1, 1, tzinfo=UTC)
# What AssumeRole hands out: the catalog client must be built from exactly these.
ACCESS_KEY = "ASIAHUBEXAMPLE0001"
SECRET_KEY = "hub-secret-key-never-logged"  # fake; the tests assert it never reaches the logs
SESSION_TOKEN = "FwoGZXIvYXdzEHub-session-token"
CONTEXT = FakeLambdaContext(
    function_name="portfolio-lookup",
    invoked_function_arn="arn:aws:lambda:us-east-1:222222222222:function:portfolio-lookup",
)


def client(service: str, **credentials: str) -> Any:
    keys = credentials or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return boto3.client(service, region_name=REGION, **keys)


def portfolio(suffix: str, name: str = NAME) -> dict[str, Any]:
    portfolio_id = f"port-{suffix:a<13}"  # real IDs: "port-" and 13 lowercase alphanumerics
    return {
        "Id": portfolio_id,
        "ARN": f"arn:aws:catalog:{REGION}:{HUB}:portfolio/{portfolio_id}",
        "DisplayName": name,
        "Description": "Approved SageMaker products",
        "CreatedTime": NOW,
        "ProviderName": "ML Platform team",
    }


def expect_assume_role(stub: Stubber, error: str = "") -> None:
    params = {"RoleArn": ROLE_ARN, "RoleSessionName": "portfolio-lookup", "DurationSeconds": 900}
    if error:
        stub.add_client_error("assume_role", error, "denied or throttled", 400, expected_params=params)
        return
    response = assume_role_response(ROLE_ARN, "portfolio-lookup", (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN), NOW)
    stub.add_response("assume_role", response, params)


def expect_list(
    stub: Stubber, items: list[dict[str, Any]], token: str = "", next_token: str = "", error: str = ""
) -> None:
    params: dict[str, Any] = {"PageSize": 20, **({"PageToken": token} if token else {})}
    if error:
        stub.add_client_error("list_portfolios", error, "denied or throttled", 400, expected_params=params)
        return
    response: dict[str, Any] = {"PortfolioDetails": items, **({"NextPageToken": next_token} if next_token else {})}
    stub.add_response("list_portfolios", response, params)


def event(request_type: str, physical_id: str = "", **properties: Any) -> dict[str, Any]:
    """``properties`` override the valid defaults; a value of None removes that key."""
    token = "arn:aws:lambda:us-east-1:222222222222:function:provider-onEvent"
    merged = {"ServiceToken": token, "HubRoleArn": ROLE_ARN, "PortfolioName": NAME, **properties}
    return {
        "RequestType": request_type,
        "ServiceToken": token,
        "ResponseURL": "https://example.invalid/r",
        "StackId": "arn:aws:cloudformation:us-east-1:222222222222:stack/ds/1",
        "RequestId": "req-1",
        "LogicalResourceId": "HubPortfolio",
        "ResourceType": "Custom::PortfolioLookup",
        "ResourceProperties": {key: value for key, value in merged.items() if value is not None},
        **({"PhysicalResourceId": physical_id} if physical_id else {}),
    }


CatalogFactory = RecordingFactory  # stands in for the handler's client factory


def find(logic: Any, sts_stub: Stubber, factory: CatalogFactory, sleeps: list[float] | None = None) -> Any:
    sleep = (lambda _: None) if sleeps is None else sleeps.append
    return logic.find_portfolio(sts_stub.client, factory, ROLE_ARN, NAME, sleep=sleep)
