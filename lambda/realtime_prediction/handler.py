"""Near-real-time prediction for one entity: its latest features from the central feature store's online
store (usually in the data lake account), then this account's SageMaker endpoint (book ch5, ch14).

Entry point: ``handler.lambda_handler``.

Event contract, either of:
* direct invocation: ``{"entity_id": "<record identifier value>"}`` (a string, or an integer);
* API Gateway proxy (REST or HTTP API, recognised by ``requestContext``/``httpMethod``/``routeKey``):
  ``pathParameters.entity_id`` if present, otherwise the JSON object body ``{"entity_id": ...}``
  (base64 bodies are decoded).

Response: on success ``{"entity_id", "prediction": float, "features": {name: value as string},
"feature_group", "endpoint", "variant"}``; on failure ``{"error": <type>, "message", ...}`` with the
status of prediction.STATUS_CODES (400, 404, 422, 502, 503; 500 ``InternalError`` for a bug) and the
``request_id`` under which the function log holds the details; AWS's own error text (account IDs, ARNs,
console links) is logged, never returned. A direct
invocation gets that dict plus ``"statusCode"``; API Gateway gets ``{"statusCode", "headers", "body":
<that dict as JSON>}``. Failures are answered, never raised: callers branch on statusCode.

Environment (read once at cold start; a bad one fails the init with a ConfigurationError naming it):
``FEATURE_GROUP_NAME`` (name or ARN), ``MODEL_FEATURES`` (comma-separated, in model input order),
``ENDPOINT_NAME``, optional ``FEATURE_STORE_ROLE_ARN`` (the data lake's online reader role; unset: the
feature group is in this account) and optional ``ENDPOINT_TARGET_VARIANT`` (pins a production variant).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import time
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import prediction  # flat sibling module (tests alias it, see tests/lambda/prediction_fixtures.py)
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]

logger = Logger(service="realtime-prediction")

# A caller is waiting: short timeouts and few attempts inside botocore (standard mode retries throttling
# and transient errors). GetRecord answers in milliseconds; the endpoint gets longer to compute.
FEATURE_STORE_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=2, read_timeout=3)
ENDPOINT_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 2}, connect_timeout=2, read_timeout=10)
JSON_HEADERS = {"Content-Type": "application/json"}
PROXY_KEYS = ("requestContext", "httpMethod", "routeKey")

# Once per container, like the clients below. Tests replace them.
_settings: prediction.Settings = prediction.Settings.from_env(os.environ)


def make_feature_store_client(credentials: prediction.Credentials | None) -> Any:
    """A client in this region, signed with the data lake role's credentials or, if None, the function's."""
    keys = {}
    if credentials is not None:
        keys = {
            "aws_access_key_id": credentials.access_key_id,
            "aws_secret_access_key": credentials.secret_access_key,
            "aws_session_token": credentials.session_token,
        }
    return boto3.client(
        "sagemaker-featurestore-runtime",
        region_name=os.environ.get("AWS_REGION"),
        config=FEATURE_STORE_CONFIG,
        **keys,
    )


_sts: Any = boto3.client("sts", config=FEATURE_STORE_CONFIG)
_runtime: Any = boto3.client("sagemaker-runtime", config=ENDPOINT_CONFIG)
# Keeps the feature store client and its assumed-role credentials across warm invocations.
_feature_store = prediction.FeatureStoreClients(_sts, _settings.feature_store_role_arn, make_feature_store_client)
_sleep: prediction.Sleep = time.sleep


def _is_proxy(event: Any) -> bool:
    return isinstance(event, dict) and any(key in event for key in PROXY_KEYS)


def _checked(value: Any, where: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None:
        raise prediction.InvalidRequestError(f"{where} is required")
    if not isinstance(value, str):
        raise prediction.InvalidRequestError(f"{where} must be a string, got {type(value).__name__}")
    if not value.strip():
        raise prediction.InvalidRequestError(f"{where} must not be empty")
    if len(value) > prediction.MAX_ENTITY_ID_LENGTH:
        raise prediction.InvalidRequestError(f"{where} is longer than {prediction.MAX_ENTITY_ID_LENGTH} characters")
    return value


def _json_body(event: dict[str, Any]) -> dict[str, Any]:
    body = event.get("body")
    if body is None or body == "":
        raise prediction.InvalidRequestError(
            'entity_id is required, in the path or as a JSON body {"entity_id": "..."}'
        )
    if not isinstance(body, str):
        raise prediction.InvalidRequestError("The body must be a JSON text")
    if event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(body, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise prediction.InvalidRequestError("The body is not valid base64-encoded UTF-8") from None
    try:
        document = json.loads(body)
    except ValueError:
        raise prediction.InvalidRequestError("The body is not valid JSON") from None
    if not isinstance(document, dict):
        kind = type(document).__name__
        raise prediction.InvalidRequestError(f'The body must be a JSON object {{"entity_id": "..."}}, got {kind}')
    return document


def entity_id_from(event: Any) -> str:
    """The entity to predict for; InvalidRequestError if the event carries none."""
    if not isinstance(event, dict):
        kind = type(event).__name__
        raise prediction.InvalidRequestError(f'The event must be a JSON object {{"entity_id": "..."}}, got {kind}')
    if not _is_proxy(event):
        return _checked(event.get("entity_id"), "entity_id")
    path = event.get("pathParameters") or {}
    if isinstance(path, dict) and "entity_id" in path:
        return _checked(path["entity_id"], "pathParameters.entity_id")  # the path wins; the body is not read
    return _checked(_json_body(event).get("entity_id"), "body.entity_id")


def _respond(status: int, body: dict[str, Any], proxy: bool) -> dict[str, Any]:
    if proxy:
        return {"statusCode": status, "headers": dict(JSON_HEADERS), "body": json.dumps(body)}
    return {"statusCode": status, **body}


@logger.inject_lambda_context(clear_state=True)  # no entity_id left over from the previous invocation
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    proxy = _is_proxy(event)
    latency_ms: dict[str, float] = {}
    start = time.perf_counter()
    try:
        entity_id = entity_id_from(event)
        logger.append_keys(entity_id=entity_id)
        result = prediction.predict(_settings, _feature_store, _runtime, entity_id, sleep=_sleep, latency_ms=latency_ms)
    except prediction.PredictionError as error:
        status, body = prediction.error_response(error)
        body["request_id"] = context.aws_request_id
        latency_ms["total"] = round((time.perf_counter() - start) * 1000, 1)
        # The AWS error behind a 5xx (it may name accounts and roles) is logged here, not returned.
        cause = f"{type(error.__cause__).__name__}: {error.__cause__}" if error.__cause__ else None
        log = logger.error if status >= 500 else logger.warning
        details = {"status_code": status, "error": body["error"], "reason": error.message, **error.details}
        log("Prediction failed", extra={**details, "cause": cause, "latency_ms": latency_ms})
        return _respond(status, body, proxy)
    except Exception:
        logger.exception("Unexpected error")
        body = {"error": "InternalError", "message": "Unexpected error", "request_id": context.aws_request_id}
        return _respond(prediction.INTERNAL_ERROR_STATUS, body, proxy)
    latency_ms["total"] = round((time.perf_counter() - start) * 1000, 1)
    logger.info(
        "Prediction served",
        extra={
            "prediction": result.prediction,
            "variant": result.variant,
            "feature_count": len(result.features),  # values stay out of the log: they may be personal data
            "latency_ms": latency_ms,
        },
    )
    return _respond(200, result.body(), proxy)
