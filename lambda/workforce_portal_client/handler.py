"""Custom resource (CDK Provider, onEvent only) that points the private workforce's Cognito app client at
the labeling portal, once the portal exists.

The portal's host name is the ``SubDomain`` of ``AWS::SageMaker::Workforce``, known only after the workforce
is created, and the workforce needs the client first: CloudFormation cannot set the client's callback URLs
itself, so the client is created with a placeholder and this function sets the real ones afterwards
(``https://<portal>/oauth2/idpresponse`` and ``https://<portal>/logout``).

UpdateUserPoolClient resets every setting it is not sent to its default, so the event carries the client's
whole configuration as the template sets it (``ClientSettings``) and the call sends all of it again.

Event contract: ``ResourceProperties.UserPoolId``, ``ClientId``, ``PortalDomain`` (a host name, no scheme) and
``ClientSettings`` (a JSON object of UpdateUserPoolClient parameters, without the ones this function sets:
UserPoolId, ClientId, CallbackURLs, LogoutURLs) are required. Create/Update make one UpdateUserPoolClient
call and return ``PhysicalResourceId`` = ``<pool>/<client>`` and ``Data`` {CallbackURL, LogoutURL}. Delete
makes no call: the client is deleted with its stack, and a replaced client's old URLs do not matter.
The response of UpdateUserPoolClient holds the client secret: it is neither returned nor logged.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]
from platform_runtime.aws_calls import Retry, Sleep
from platform_runtime.custom_resource import no_op_delete, request_type

logger = Logger(service="workforce-portal-client")

# Standard mode retries throttling and transient errors with backoff inside botocore.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 8})
# Once per container; tests replace it with a stubbed client.
_cognito_client: Any = boto3.client("cognito-idp", config=CLIENT_CONFIG)

# Cognito's throttling; retried here too, where a test can see it (platform_runtime.aws_calls says why).
RETRY = Retry(frozenset({"TooManyRequestsException"}))
# The API's own patterns (UpdateUserPoolClient request syntax), ASCII so \w stays narrow.
USER_POOL_ID = re.compile(r"[\w-]+_[0-9a-zA-Z]+", re.ASCII)
CLIENT_ID = re.compile(r"[\w+]{1,128}", re.ASCII)
HOST_NAME = re.compile(r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
# Parameters this function sets itself; in ClientSettings they would be a wiring mistake.
OWN_PARAMETERS = ("UserPoolId", "ClientId", "CallbackURLs", "LogoutURLs")


def portal_urls(domain: str) -> tuple[str, str]:
    """Ground Truth's sign-in callback and sign-out URLs on the workforce's portal host."""
    return f"https://{domain}/oauth2/idpresponse", f"https://{domain}/logout"


def _matching(properties: dict[str, Any], name: str, pattern: re.Pattern[str], what: str) -> str:
    value = properties.get(name)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValueError(f"ResourceProperties.{name} must be {what}, got {value!r}")
    return value


def _settings(properties: dict[str, Any]) -> dict[str, Any]:
    text = properties.get("ClientSettings")
    try:
        settings = json.loads(text) if isinstance(text, str) else None
    except json.JSONDecodeError as error:
        raise ValueError(f"ResourceProperties.ClientSettings is not JSON: {error}") from None
    if not isinstance(settings, dict) or not settings:
        raise ValueError(f"ResourceProperties.ClientSettings must be a non-empty JSON object, got {text!r}")
    own = [key for key in OWN_PARAMETERS if key in settings]
    if own:
        raise ValueError(f"ResourceProperties.ClientSettings may not set {', '.join(own)}: this function sets them")
    return settings


def update_request(properties: dict[str, Any]) -> dict[str, Any]:
    """The UpdateUserPoolClient parameters for the event's properties; ValueError names a bad one."""
    pool = _matching(properties, "UserPoolId", USER_POOL_ID, "a user pool ID (<region>_<id>)")
    client = _matching(properties, "ClientId", CLIENT_ID, "an app client ID")
    domain = _matching(properties, "PortalDomain", HOST_NAME, "the portal's host name (no scheme, no path)")
    callback, logout = portal_urls(domain)
    return {
        **_settings(properties),
        "UserPoolId": pool,
        "ClientId": client,
        "CallbackURLs": [callback],
        "LogoutURLs": [logout],
    }


def update_client(cognito_client: Any, request: dict[str, Any], *, sleep: Sleep = time.sleep) -> None:
    """One UpdateUserPoolClient, retried on throttling; its response (with the client secret) is dropped."""
    RETRY.call(cognito_client.update_user_pool_client, sleep, **request)


@logger.inject_lambda_context
def on_event(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    kind = request_type(event)
    logger.append_keys(request_type=kind)
    if kind == "Delete":
        return no_op_delete(event)  # no call: the client is deleted with its stack
    request = update_request(event.get("ResourceProperties") or {})
    update_client(_cognito_client, request)
    [callback], [logout] = request["CallbackURLs"], request["LogoutURLs"]
    logger.info(
        "Pointed the app client at the labeling portal",
        extra={"user_pool_id": request["UserPoolId"], "client_id": request["ClientId"], "callback_url": callback},
    )
    return {
        "PhysicalResourceId": f"{request['UserPoolId']}/{request['ClientId']}",
        "Data": {"CallbackURL": callback, "LogoutURL": logout},
    }
