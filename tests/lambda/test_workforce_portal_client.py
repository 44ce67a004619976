"""Workforce portal client Lambda: the UpdateUserPoolClient request it sends, against botocore's real Cognito
model through Stubber (offline; an active Stubber raises on any call that was not queued)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import pytest
from botocore.exceptions import ClientError, ParamValidationError  # type: ignore[import-untyped,unused-ignore]
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

from .conftest import LAMBDA_ROOT, REGION, FakeLambdaContext, load_lambda_module
from .doubles import captured_logs

POOL = "us-east-1_jraWBzV6c"
CLIENT = "4kq9d2v5l0c7r1m3s8t6u2w9xa"
PORTAL = "ab12cd34ef.labeling.us-east-1.sagemaker.aws"
SECRET = "client-secret-never-logged"  # fake; UpdateUserPoolClient answers with the secret
# What the template's AWS::Cognito::UserPoolClient sets besides the URLs (tests/infra/test_labeling.py checks
# that the synthesized custom resource sends exactly its client's settings).
SETTINGS = {
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthFlowsUserPoolClient": True,
    "AllowedOAuthScopes": ["email", "openid", "profile"],
    "ClientName": "openaq-weatherproduct-labeling-portal",
    "EnableTokenRevocation": True,
    "PreventUserExistenceErrors": "ENABLED",
    "SupportedIdentityProviders": ["COGNITO"],
}
EXPECTED = {
    **SETTINGS,
    "UserPoolId": POOL,
    "ClientId": CLIENT,
    "CallbackURLs": [f"https://{PORTAL}/oauth2/idpresponse"],
    "LogoutURLs": [f"https://{PORTAL}/logout"],
}
CONTEXT = FakeLambdaContext(
    function_name="openaq-weatherproduct-labeling-portal-client",
    invoked_function_arn="arn:aws:lambda:us-east-1:333333333333:function:openaq-weatherproduct-labeling-portal-client",
)


def event(request_type: str, physical_id: str = "", **properties: Any) -> dict[str, Any]:
    """``properties`` override the valid defaults; a value of None removes that key."""
    token = "arn:aws:lambda:us-east-1:333333333333:function:provider-onEvent"
    defaults = {"UserPoolId": POOL, "ClientId": CLIENT, "PortalDomain": PORTAL, "ClientSettings": json.dumps(SETTINGS)}
    merged = {"ServiceToken": token, **defaults, **properties}
    return {
        "RequestType": request_type,
        "ServiceToken": token,
        "ResponseURL": "https://example.invalid/r",
        "StackId": "arn:aws:cloudformation:us-east-1:333333333333:stack/openaq-weatherproduct-labeling/1",
        "RequestId": "req-1",
        "LogicalResourceId": "WorkforcePortalUrls8E189A10",
        "ResourceType": "Custom::WorkforcePortalClient",
        "ResourceProperties": {key: value for key, value in merged.items() if value is not None},
        **({"PhysicalResourceId": physical_id} if physical_id else {}),
    }


def expect_update(stub: Stubber, params: dict[str, Any] | None = None, error: str = "") -> None:
    params = EXPECTED if params is None else params
    if error:
        stub.add_client_error("update_user_pool_client", error, "refused or throttled", 400, expected_params=params)
        return
    now = datetime(2025, 1, 1, tzinfo=UTC)
    client = {**params, "ClientSecret": SECRET, "CreationDate": now, "LastModifiedDate": now}
    stub.add_response("update_user_pool_client", {"UserPoolClient": client}, params)


@pytest.fixture(scope="module")
def portal_handler(aws_offline_env):
    return load_lambda_module("workforce_portal_client_handler", LAMBDA_ROOT / "workforce_portal_client" / "handler.py")


@pytest.fixture
def cognito_stub():
    client = boto3.client("cognito-idp", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="x")
    with Stubber(client) as stub:
        yield stub


@pytest.fixture
def handler(portal_handler, cognito_stub, monkeypatch):
    monkeypatch.setattr(portal_handler, "_cognito_client", cognito_stub.client)
    return portal_handler


@pytest.fixture
def logs(portal_handler):
    with captured_logs(portal_handler.logger) as stream:
        yield stream


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_sends_the_whole_client_configuration_with_the_portal_urls(handler, cognito_stub, logs, request_type):
    expect_update(cognito_stub)
    result = handler.on_event(event(request_type, physical_id=f"{POOL}/{CLIENT}"), CONTEXT)
    cognito_stub.assert_no_pending_responses()
    assert result == {
        "PhysicalResourceId": f"{POOL}/{CLIENT}",
        "Data": {"CallbackURL": f"https://{PORTAL}/oauth2/idpresponse", "LogoutURL": f"https://{PORTAL}/logout"},
    }
    records = [json.loads(line) for line in logs.getvalue().splitlines()]
    [done] = [r for r in records if r["message"] == "Pointed the app client at the labeling portal"]
    assert done["client_id"] == CLIENT and done["callback_url"] == f"https://{PORTAL}/oauth2/idpresponse"
    assert SECRET not in logs.getvalue() and SECRET not in json.dumps(result)


def test_a_replaced_client_gets_a_new_physical_id(handler, cognito_stub):
    expect_update(cognito_stub, {**EXPECTED, "ClientId": "newclient0000000000000000a"})
    result = handler.on_event(event("Update", f"{POOL}/{CLIENT}", ClientId="newclient0000000000000000a"), CONTEXT)
    assert result["PhysicalResourceId"] == f"{POOL}/newclient0000000000000000a"


def test_throttling_is_retried_then_succeeds(portal_handler, cognito_stub):
    expect_update(cognito_stub, error="TooManyRequestsException")
    expect_update(cognito_stub)
    sleeps: list[float] = []
    portal_handler.update_client(cognito_stub.client, dict(EXPECTED), sleep=sleeps.append)
    cognito_stub.assert_no_pending_responses()
    assert sleeps == [0.5]


def test_throttling_gives_up_after_bounded_attempts(portal_handler, cognito_stub):
    for _ in range(portal_handler.RETRY.max_attempts):
        expect_update(cognito_stub, error="TooManyRequestsException")
    sleeps: list[float] = []
    with pytest.raises(ClientError, match="TooManyRequestsException"):
        portal_handler.update_client(cognito_stub.client, dict(EXPECTED), sleep=sleeps.append)
    assert sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("code", ["NotAuthorizedException", "ResourceNotFoundException", "InvalidParameterException"])
def test_other_errors_fail_the_deployment_without_retry(handler, cognito_stub, code):
    expect_update(cognito_stub, error=code)
    with pytest.raises(ClientError, match=code):
        handler.on_event(event("Create"), CONTEXT)
    cognito_stub.assert_no_pending_responses()


@pytest.mark.parametrize("properties", [{}, {"PortalDomain": None, "ClientSettings": "not json"}])
def test_delete_makes_no_call_and_echoes_the_physical_id(handler, cognito_stub, properties):
    result = handler.on_event(event("Delete", f"{POOL}/{CLIENT}", **properties), CONTEXT)
    assert result == {"PhysicalResourceId": f"{POOL}/{CLIENT}"}
    cognito_stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("key", "value"),
    [("UserPoolId", value) for value in (None, "", 42, "us-east-1", f"{POOL} ", "us-east-1_a/b")]
    + [("ClientId", value) for value in (None, "", "a b", "x" * 129)]
    + [
        ("PortalDomain", value)
        for value in (None, "", f"https://{PORTAL}", f"{PORTAL}/", f"{PORTAL}:443", PORTAL.upper(), "localhost")
    ]
    + [("ClientSettings", value) for value in (None, "", "{", "[]", "{}", 42)]
    + [("ClientSettings", json.dumps({**SETTINGS, own: ["x"]})) for own in ("CallbackURLs", "LogoutURLs")]
    + [("ClientSettings", json.dumps({**SETTINGS, "UserPoolId": "us-east-1_other"}))],
)
@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_missing_or_invalid_property_fails_naming_it(handler, cognito_stub, key, value, request_type):
    with pytest.raises(ValueError, match=rf"ResourceProperties\.{key} "):
        handler.on_event(event(request_type, f"{POOL}/{CLIENT}", **{key: value}), CONTEXT)
    cognito_stub.assert_no_pending_responses()


def test_a_setting_update_user_pool_client_does_not_take_fails_before_any_request(portal_handler, monkeypatch):
    # No Stubber here (it answers before botocore validates): botocore refuses the parameter before
    # sending, and the no_network fixture fails the test if a request is sent anyway.
    real = boto3.client("cognito-idp", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="x")
    monkeypatch.setattr(portal_handler, "_cognito_client", real)
    settings = json.dumps({**SETTINGS, "GenerateSecret": True})  # create-only: the template's, never sent
    with pytest.raises(ParamValidationError, match="GenerateSecret"):
        portal_handler.on_event(event("Create", ClientSettings=settings), CONTEXT)


@pytest.mark.parametrize("request_type", ["Replace", None])
def test_unknown_request_type_fails(handler, cognito_stub, request_type):
    with pytest.raises(ValueError, match="Unknown RequestType"):
        handler.on_event(event(request_type), CONTEXT)
    cognito_stub.assert_no_pending_responses()
