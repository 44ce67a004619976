"""Builders for realistic SageMaker responses and the exact requests the teardown must make."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

DOMAIN = "d-abc123def456"
PHYSICAL_ID = f"studio-teardown-{DOMAIN}"
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def app(status: str, *, user: str = "", space: str = "", app_type: str = "JupyterLab") -> dict[str, Any]:
    owner = {"UserProfileName": user} if user else {"SpaceName": space}
    return {
        "DomainId": DOMAIN,
        "AppType": app_type,
        "AppName": "default",
        "Status": status,
        "CreationTime": NOW,
        **owner,
    }


def space(name: str, status: str = "InService") -> dict[str, Any]:
    return {
        "DomainId": DOMAIN,
        "SpaceName": name,
        "Status": status,
        "CreationTime": NOW,
        "LastModifiedTime": NOW,
    }


def delete_params(item: dict[str, Any]) -> dict[str, Any]:
    owner: dict[str, Any] = {k: item[k] for k in ("UserProfileName", "SpaceName") if k in item}
    return {"DomainId": DOMAIN, "AppType": item["AppType"], "AppName": item["AppName"], **owner}


def expect_list(
    stub: Stubber, operation: str, items: list[dict[str, Any]], token: str = "", next_token: str = ""
) -> None:
    params: dict[str, Any] = {"DomainIdEquals": DOMAIN, "MaxResults": 100}
    params.update({"NextToken": token} if token else {})
    response: dict[str, Any] = {"Apps" if operation == "list_apps" else "Spaces": items}
    response.update({"NextToken": next_token} if next_token else {})
    stub.add_response(operation, response, params)


def expect_delete_app(stub: Stubber, item: dict[str, Any], error: str = "", message: str = "") -> None:
    if error:
        stub.add_client_error("delete_app", error, message, 400, expected_params=delete_params(item))
    else:
        stub.add_response("delete_app", {}, delete_params(item))


def expect_delete_space(stub: Stubber, name: str, error: str = "") -> None:
    params = {"DomainId": DOMAIN, "SpaceName": name}
    if error:
        stub.add_client_error("delete_space", error, "busy", 400, expected_params=params)
    else:
        stub.add_response("delete_space", {}, params)


def event(request_type: str, domain_id: Any = DOMAIN, **extra: Any) -> dict[str, Any]:
    token = "arn:aws:lambda:us-east-1:111122223333:function:provider-onEvent"
    return {
        "RequestType": request_type,
        "ServiceToken": token,
        "ResponseURL": "https://example.invalid/r",
        "StackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/ds/1",
        "RequestId": "req-1",
        "LogicalResourceId": "StudioTeardown",
        "ResourceType": "Custom::StudioTeardown",
        "ResourceProperties": {"ServiceToken": token, "DomainId": domain_id},
        **extra,
    }
