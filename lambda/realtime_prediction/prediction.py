"""Near-real-time prediction: an entity's latest features from the online feature store, then the endpoint.

The feature group usually lives in the data lake account: its online store is read with a reader role
assumed there, whose temporary credentials are cached per container and renewed 5 minutes before they
expire. The endpoint is invoked in this account with the function's own credentials.

Clients, the clock and the sleep come in from the caller so tests can stub them.

Throttling: botocore's own retry handler runs inside the HTTP send loop, which botocore's Stubber
bypasses, so a Stubber test cannot show it. As in lambda/studio_teardown we therefore also retry
throttling here, a few times with short delays (a caller is waiting) and an injectable sleep; the code
is repeated because each Lambda asset is its own folder and cannot import the other's.

Failures are ``PredictionError`` subclasses; ``STATUS_CODES`` maps each to its HTTP status in one place.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped,unused-ignore]
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

Sleep = Callable[[float], None]
Clock = Callable[[], datetime]
Timer = Callable[[], float]

THROTTLING_CODES = frozenset({"ThrottlingException", "Throttling"})  # SageMaker runtimes (JSON), STS (query)
# Credentials that a clock skew made stale: dropped so that the next invocation assumes the role again.
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException"})
MAX_ATTEMPTS = 3
BASE_DELAY_SECONDS = 0.2  # sleeps 0.2 s then 0.4 s: a caller is waiting
SESSION_NAME = "realtime-prediction"  # shows in the data lake's CloudTrail as the assumed-role session
SESSION_SECONDS = 3600  # the default MaxSessionDuration of a role: one AssumeRole per hour per container
REFRESH_MARGIN = timedelta(minutes=5)
CSV = "text/csv"
JSON = "application/json"

# Service patterns (botocore models): names of feature groups, features, endpoints and variants.
_NAME = r"[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}"
FEATURE_NAME = re.compile(_NAME, re.ASCII)
FEATURE_GROUP = re.compile(rf"(arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{{12}}:feature-group/)?{_NAME}", re.ASCII)
ENDPOINT_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", re.ASCII)  # also production variant names
# Role names and paths: letters, digits and +=,.@_- (IAM's own rule); ASCII so \w and \d stay narrow.
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}", re.ASCII)
MAX_ENTITY_ID_LENGTH = 358_400  # the GetRecord limit for RecordIdentifierValueAsString


# --- errors ----------------------------------------------------------------------------------------


class PredictionError(Exception):
    """A failure reported to the caller as ``{"error": <its error name>, "message": ..., **details}``."""

    error: ClassVar[str] = "InternalError"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, **self.details}


class InvalidRequestError(PredictionError):
    """No usable entity_id in the event (missing, empty, wrong type, or a body that is not a JSON object)."""

    error = "InvalidRequest"


class RecordNotFoundError(PredictionError):
    """The online store has no record for the entity."""

    error = "RecordNotFound"


class IncompleteFeaturesError(PredictionError):
    """The record lacks some model features; ``missing`` lists them."""

    error = "IncompleteFeatures"


class UnsupportedFeatureValueError(PredictionError):
    """Some model features hold a list (collection type), which a CSV row cannot carry; ``features``."""

    error = "UnsupportedFeatureValue"


class FeatureStoreUnavailableError(PredictionError):
    """The online store could not be read: access denied, throttled after retries, or a service error."""

    error = "FeatureStoreUnavailable"


class EndpointError(PredictionError):
    """InvokeEndpoint failed (ModelError, ValidationError such as an unknown endpoint, ...); ``code``."""

    error = "EndpointError"


class BadModelResponseError(PredictionError):
    """The endpoint answered, but not with exactly one finite number."""

    error = "BadModelResponse"


# The one place that decides what each failure means over HTTP.
STATUS_CODES: Mapping[type[PredictionError], int] = {
    InvalidRequestError: 400,
    RecordNotFoundError: 404,
    IncompleteFeaturesError: 422,
    UnsupportedFeatureValueError: 422,
    EndpointError: 502,
    BadModelResponseError: 502,
    FeatureStoreUnavailableError: 503,
}
INTERNAL_ERROR_STATUS = 500


def error_response(error: PredictionError) -> tuple[int, dict[str, Any]]:
    return STATUS_CODES.get(type(error), INTERNAL_ERROR_STATUS), error.body()


# --- settings --------------------------------------------------------------------------------------


class ConfigurationError(ValueError):
    """The function's environment variables are missing or invalid (raised at cold start)."""


ENV_VARS = {
    "feature_group_name": "FEATURE_GROUP_NAME",
    "model_features": "MODEL_FEATURES",
    "endpoint_name": "ENDPOINT_NAME",
    "feature_store_role_arn": "FEATURE_STORE_ROLE_ARN",
    "endpoint_target_variant": "ENDPOINT_TARGET_VARIANT",
}


def _check(pattern: re.Pattern[str], value: str, what: str, max_length: int) -> str:
    if not pattern.fullmatch(value) or len(value.rsplit("/", 1)[-1]) > max_length:
        raise ValueError(f"{value!r} is not a valid {what}")
    return value


class Settings(BaseModel):
    """What the function reads and calls, from its environment variables (see ENV_VARS)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    feature_group_name: str
    model_features: tuple[str, ...]
    endpoint_name: str
    feature_store_role_arn: str | None = None  # None: the feature group is in this account
    endpoint_target_variant: str | None = None  # None: the endpoint splits traffic by variant weights

    @field_validator("feature_group_name")
    @classmethod
    def _group(cls, value: str) -> str:
        return _check(FEATURE_GROUP, value, "feature group name or ARN", 64)

    @field_validator("model_features", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        names = [name.strip() for name in value.split(",")]
        if any(not name for name in names):
            raise ValueError(f"{value!r} has an empty name: expected comma-separated feature names, e.g. 'a,b,c'")
        return tuple(names)

    @field_validator("model_features")
    @classmethod
    def _features(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            _check(FEATURE_NAME, name, "feature name", 64)
        duplicates = sorted({name for name in value if value.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate feature names: {', '.join(duplicates)}")
        if not value:
            raise ValueError("at least one feature name is required")
        return value

    @field_validator("endpoint_name")
    @classmethod
    def _endpoint(cls, value: str) -> str:
        return _check(ENDPOINT_NAME, value, "endpoint name", 63)

    @field_validator("feature_store_role_arn")
    @classmethod
    def _role(cls, value: str | None) -> str | None:
        return (
            None if value is None else _check(ROLE_ARN, value, "IAM role ARN (arn:aws:iam::<12 digits>:role/...)", 64)
        )

    @field_validator("endpoint_target_variant")
    @classmethod
    def _variant(cls, value: str | None) -> str | None:
        return None if value is None else _check(ENDPOINT_NAME, value, "production variant name", 63)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Parse the environment; ConfigurationError names every bad or missing variable."""
        raw: dict[str, str] = {}
        for name, variable in ENV_VARS.items():
            value = environ.get(variable, "").strip()
            if value:  # unset and blank are the same: required ones are then reported as missing
                raw[name] = value
        try:
            return cls.model_validate(raw)
        except ValidationError as error:
            problems = []
            for item in error.errors():
                variable = ENV_VARS.get(str(item["loc"][0]), str(item["loc"][0])) if item["loc"] else "?"
                message = "required, set it to a non-empty value" if item["type"] == "missing" else item["msg"]
                problems.append(f"{variable}: {message.removeprefix('Value error, ')}")
            raise ConfigurationError(f"Invalid environment: {'; '.join(problems)}") from None


# --- feature store access --------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """Temporary data lake credentials; the secrets are kept out of repr so a stray log line cannot leak them."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime


FeatureStoreClientFactory = Callable[[Credentials | None], Any]  # None: the function's own credentials


def _utcnow() -> datetime:
    return datetime.now(UTC)


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def error_message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", ""))


def call_with_retry(method: Callable[..., Any], sleep: Sleep = time.sleep, **params: Any) -> dict[str, Any]:
    """Call ``method``, retrying throttling with exponential backoff; other errors propagate at once."""
    attempt = 1
    while True:
        try:
            response: dict[str, Any] = method(**params)
            return response
        except ClientError as error:
            if error_code(error) not in THROTTLING_CODES or attempt >= MAX_ATTEMPTS:
                raise
        sleep(BASE_DELAY_SECONDS * 2 ** (attempt - 1))
        attempt += 1


class FeatureStoreClients:
    """Hands out a sagemaker-featurestore-runtime client, kept for the life of the container.

    With ``role_arn`` the client signs with that role's temporary credentials, assumed on first use and
    again once ``clock()`` reaches 5 minutes before they expire; without it, with the function's own.
    """

    def __init__(
        self,
        sts_client: Any,
        role_arn: str | None,
        make_client: FeatureStoreClientFactory,
        *,
        clock: Clock = _utcnow,
    ) -> None:
        self._sts = sts_client
        self._role_arn = role_arn
        self._make_client = make_client
        self._clock = clock
        self._client: Any = None
        self._expiration: datetime | None = None

    def get(self, sleep: Sleep = time.sleep) -> Any:
        if self._client is not None and (self._expiration is None or self._clock() < self._expiration - REFRESH_MARGIN):
            return self._client
        if self._role_arn is None:
            self._client = self._make_client(None)
            return self._client
        credentials = assume_role(self._sts, self._role_arn, sleep=sleep)
        self._client, self._expiration = self._make_client(credentials), credentials.expiration
        return self._client

    def invalidate(self) -> None:
        """Forget the client (and its credentials) so the next ``get`` builds a new one."""
        self._client, self._expiration = None, None


def assume_role(sts_client: Any, role_arn: str, *, sleep: Sleep = time.sleep) -> Credentials:
    response = call_with_retry(
        sts_client.assume_role,
        sleep,
        RoleArn=role_arn,
        RoleSessionName=SESSION_NAME,
        DurationSeconds=SESSION_SECONDS,
    )
    keys = response["Credentials"]
    return Credentials(keys["AccessKeyId"], keys["SecretAccessKey"], keys["SessionToken"], keys["Expiration"])


def get_features(
    settings: Settings, clients: FeatureStoreClients, entity_id: str, *, sleep: Sleep = time.sleep
) -> dict[str, str]:
    """The model features of the entity's latest record, by name; raises a PredictionError otherwise."""
    try:
        response = call_with_retry(
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
            f"The online feature store could not be read ({code}); the function log has the details",
            code=code,
        ) from error
    except BotoCoreError as error:  # timeouts, connection errors: raised after botocore's own retries
        code = type(error).__name__
        raise FeatureStoreUnavailableError(
            f"The online feature store could not be reached ({code})", code=code
        ) from error
    record = response.get("Record")
    if not record:
        raise RecordNotFoundError(
            f"No record with identifier {entity_id!r} in the online store of {settings.feature_group_name}"
        )
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
        response = call_with_retry(runtime_client.invoke_endpoint, sleep, **params)
        body: bytes = response["Body"].read()
    except ClientError as error:
        code = error_code(error)
        message = error_message(error) or f"InvokeEndpoint failed with {code}"
        raise EndpointError(message, code=code) from error
    except BotoCoreError as error:  # e.g. a read timeout while the model computes
        code = type(error).__name__
        raise EndpointError(f"Endpoint {settings.endpoint_name} could not be reached ({code})", code=code) from error
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
