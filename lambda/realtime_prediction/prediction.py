"""Near-real-time prediction: an entity's latest features from the online feature store, then the endpoint.

The feature group usually lives in the data lake account: its online store is read with a reader role
assumed there (prediction_credentials.py). The endpoint is invoked in this account with the function's
own credentials. Clients, the clock and the sleep come in from the caller so tests can stub them;
throttling is retried a few times (``RETRY``, with the shared runtime library's platform_runtime.aws_calls).

Failures are ``PredictionError`` subclasses; ``STATUS_CODES`` maps each to its HTTP status in one place
(prediction_errors.py). Settings are in prediction_settings.py. handler.py imports this module alone, so
the names it and the tests use from those modules are re-exported here.
"""

from __future__ import annotations

import csv
import io
import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped,unused-ignore]
from platform_runtime.aws_calls import Sleep as Sleep
from platform_runtime.aws_calls import error_code
from prediction_credentials import RETRY as RETRY
from prediction_credentials import Credentials as Credentials
from prediction_credentials import FeatureStoreClients as FeatureStoreClients
from prediction_errors import INTERNAL_ERROR_STATUS as INTERNAL_ERROR_STATUS
from prediction_errors import STATUS_CODES as STATUS_CODES
from prediction_errors import (
    BadModelResponseError,
    EndpointError,
    FeatureStoreUnavailableError,
    IncompleteFeaturesError,
    RecordNotFoundError,
    UnsupportedFeatureValueError,
)
from prediction_errors import InvalidRequestError as InvalidRequestError
from prediction_errors import PredictionError as PredictionError
from prediction_errors import error_response as error_response
from prediction_settings import ConfigurationError as ConfigurationError
from prediction_settings import Settings as Settings

Timer = Callable[[], float]

# Credentials that a clock skew made stale: dropped so that the next invocation assumes the role again.
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException"})
CSV = "text/csv"
JSON = "application/json"
MAX_ENTITY_ID_LENGTH = 358_400  # the GetRecord limit for RecordIdentifierValueAsString


def get_features(
    settings: Settings, clients: FeatureStoreClients, entity_id: str, *, sleep: Sleep = time.sleep
) -> dict[str, str]:
    """The model features of the entity's latest record, by name; raises a PredictionError otherwise."""
    try:
        response = RETRY.call(
            clients.get(sleep).get_record,
            sleep,
            FeatureGroupName=settings.feature_group_name,
            RecordIdentifierValueAsString=entity_id,
            FeatureNames=list(settings.model_features),
        )
    except ClientError as error:
        code = error_code(error)
        if code in EXPIRED_CODES:
            clients.invalidate()
        # The AWS message names the data lake role and account: it goes to the log, not to the caller.
        raise FeatureStoreUnavailableError(
            f"The online feature store could not be read ({code})",
            code=code,
        ) from error
    except BotoCoreError as error:  # timeouts, connection errors: raised after botocore's own retries
        code = type(error).__name__
        raise FeatureStoreUnavailableError(
            f"The online feature store could not be reached ({code})", code=code
        ) from error
    record = response.get("Record")
    if not record:
        # Not the feature group's name: it may be an ARN, with the data lake's account ID.
        raise RecordNotFoundError(f"No record with identifier {entity_id!r} in the online feature store")
    values: dict[str, str] = {}
    lists: list[str] = []
    for item in record:
        if "ValueAsString" in item:
            values[item["FeatureName"]] = item["ValueAsString"]
        elif "ValueAsStringList" in item:
            lists.append(item["FeatureName"])
    unsupported = [name for name in settings.model_features if name in lists]
    if unsupported:
        raise UnsupportedFeatureValueError(
            f"Features {', '.join(unsupported)} hold lists, which a CSV model input cannot carry",
            features=unsupported,
        )
    missing = [name for name in settings.model_features if name not in values]
    if missing:
        raise IncompleteFeaturesError(
            f"The record of {entity_id!r} lacks {len(missing)} of the model's {len(settings.model_features)} "
            f"features: {', '.join(missing)}",
            missing=missing,
        )
    return {name: values[name] for name in settings.model_features}


# --- endpoint --------------------------------------------------------------------------------------


def csv_row(features: Mapping[str, str], order: tuple[str, ...]) -> str:
    """One CSV line of the values in ``order``, no header, no line end; a value with a comma is quoted."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([features[name] for name in order])
    return buffer.getvalue()


def _number(value: Any) -> float | None:
    """A JSON number, possibly in one or two one-element lists, or a {"score": n} in them."""
    for _ in range(2):
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
    if isinstance(value, dict) and "score" in value:
        value = value["score"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:  # a JSON integer beyond the float range
        return None


def _csv_number(text: str) -> float | None:
    lines = text.splitlines()
    try:
        fields = next(csv.reader(lines)) if len(lines) == 1 else []
        return float(fields[0]) if len(fields) == 1 else None
    except (csv.Error, ValueError):
        return None


def parse_prediction(body: bytes) -> float:
    """The one prediction of a one-row request. Accepted bodies, and nothing else:

    * JSON: ``P``, ``{"prediction": P}`` or ``{"predictions": P}`` (exactly one of the two keys), where P
      is a number (``0.87``), ``[0.87]``, ``[[0.87]]``, ``{"score": 0.87}`` or ``[{"score": 0.87}]``
      (built-in XGBoost and Linear Learner answer ``{"predictions": [{"score": 0.87, ...}]}``);
    * CSV/plain text: one line holding one number (``0.87\\n``), for containers that ignore Accept.

    Raises BadModelResponseError for anything else: several predictions, a label, NaN or infinity.
    """
    try:
        text = body.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise BadModelResponseError("The model response is not UTF-8 text") from None
    value: float | None = None
    try:
        document = json.loads(text)
    except ValueError:
        value = _csv_number(text)
    else:
        keys = [key for key in ("predictions", "prediction") if isinstance(document, dict) and key in document]
        if not keys:
            value = _number(document)
        elif len(keys) == 1:
            value = _number(document[keys[0]])
    if value is None or not math.isfinite(value):
        raise BadModelResponseError(
            "The model response is not one finite number (accepted: a number, [n], {'prediction': n}, "
            "{'predictions': [n]}, {'predictions': [{'score': n}]}, or a one-value CSV line)"
        )
    return value


def invoke_endpoint(
    settings: Settings, runtime_client: Any, row: str, *, sleep: Sleep = time.sleep
) -> tuple[float, str]:
    """The prediction for one CSV row and the variant that served it."""
    params: dict[str, Any] = {
        "EndpointName": settings.endpoint_name,
        "ContentType": CSV,
        "Accept": JSON,
        "Body": row.encode("utf-8"),
    }
    if settings.endpoint_target_variant:
        params["TargetVariant"] = settings.endpoint_target_variant
    try:
        response = RETRY.call(runtime_client.invoke_endpoint, sleep, **params)
        body: bytes = response["Body"].read()
    except ClientError as error:
        # The service's message can name the account, the endpoint's ARN or a console link ("Endpoint ... of
        # account ... not found"): it goes to the log (the handler logs the cause), never to the caller.
        code = error_code(error)
        raise EndpointError(f"The model endpoint could not answer ({code})", code=code) from error
    except BotoCoreError as error:  # e.g. a read timeout while the model computes
        code = type(error).__name__
        raise EndpointError(f"The model endpoint could not be reached ({code})", code=code) from error
    return parse_prediction(body), str(response.get("InvokedProductionVariant", ""))


# --- the whole request -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    entity_id: str
    prediction: float
    features: dict[str, str]
    feature_group: str
    endpoint: str
    variant: str

    def body(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "prediction": self.prediction,
            "features": dict(self.features),
            "feature_group": self.feature_group,
            "endpoint": self.endpoint,
            "variant": self.variant,
        }


def predict(
    settings: Settings,
    feature_store: FeatureStoreClients,
    runtime_client: Any,
    entity_id: str,
    *,
    sleep: Sleep = time.sleep,
    timer: Timer = time.perf_counter,
    latency_ms: dict[str, float] | None = None,
) -> Prediction:
    """Features, then the endpoint. ``latency_ms`` receives each finished step's milliseconds."""
    latency = {} if latency_ms is None else latency_ms
    start = timer()
    try:
        features = get_features(settings, feature_store, entity_id, sleep=sleep)
    finally:
        latency["feature_store"] = round((timer() - start) * 1000, 1)
    start = timer()
    try:
        row = csv_row(features, settings.model_features)
        value, variant = invoke_endpoint(settings, runtime_client, row, sleep=sleep)
    finally:
        latency["endpoint"] = round((timer() - start) * 1000, 1)
    return Prediction(
        entity_id=entity_id,
        prediction=value,
        features=features,
        feature_group=settings.feature_group_name,
        endpoint=settings.endpoint_name,
        variant=variant,
    )
