"""Streaming ingestion into SageMaker Feature Store (book ch5): one Kinesis record, one PutRecord.

A record's data is base64 JSON, an object of feature name to value. It is checked against a pydantic
model generated at cold start from the feature group definition (``build_record_model``), then
written with PutRecord. A record that cannot be written raises: ``RecordRejectedError`` when its data
is malformed, botocore's ``ClientError`` when the service refused it; the handler reports either as a
batch item failure, so nothing is dropped silently.

Settings come from environment variables only (``ENV_VARS``), parsed once per container into the
frozen ``Settings``; the feature types are repeated from ml_platform/schema/features.py because the
asset is this folder alone and never imports the synth-time package.

Redelivery is harmless: PutRecord upserts the record for its identifier and event time, so writing the
same record again (a Kinesis retry, a bisected batch, a replay from the on-failure destination) makes
the same call and leaves the store as it was.

Throttling: botocore's own retry handler runs inside the HTTP send loop, which botocore's Stubber
bypasses, so a Stubber test cannot show it. As in lambda/studio_teardown we therefore also retry
throttling here, a few times with an injectable sleep; the code is repeated because each Lambda asset
is its own folder and cannot import the other's.
"""

from __future__ import annotations

import base64
import json
import math
import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, NoReturn

from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

Sleep = Callable[[float], None]
FeatureRecord = list[dict[str, str]]  # PutRecord's Record: [{"FeatureName": ..., "ValueAsString": ...}]

THROTTLING_CODES = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException"})
MAX_ATTEMPTS = 4
BASE_DELAY_SECONDS = 0.5  # sleeps 0.5, 1 and 2 s: at most 3.5 s per invocation (see Ingestor)

# Service patterns and limits (botocore's sagemaker-featurestore-runtime model, CreateFeatureGroup).
_NAME = r"[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}"
FEATURE_NAME = re.compile(_NAME, re.ASCII)
FEATURE_GROUP = re.compile(rf"(arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{{12}}:feature-group/)?{_NAME}", re.ASCII)
RESERVED_FEATURE_NAMES = frozenset({"is_deleted", "write_time", "api_invocation_time"})
MAX_FEATURES = 2500
MAX_VALUE_LENGTH = 358_400  # ValueAsString
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # an Integral feature is a 64-bit signed integer
# Feature Store's two String event time formats: yyyy-MM-dd'T'HH:mm:ssZ and yyyy-MM-dd'T'HH:mm:ss.SSSZ.
ISO_EVENT_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z", re.ASCII)
# A Fractional event time is epoch seconds; beyond 9999-12-31 it is epoch milliseconds sent by mistake.
MAX_EPOCH_SECONDS = 253_402_300_800.0
MIN_EPOCH_SECONDS = -62_135_596_800.0  # 0001-01-01
MAX_REASON_LENGTH = 1000  # a log line stays readable even when a record is full of unknown keys


# --- settings --------------------------------------------------------------------------------------


class ConfigurationError(ValueError):
    """The function's environment variables are missing or invalid (raised at cold start)."""


class FeatureType(StrEnum):
    INTEGRAL = "Integral"
    FRACTIONAL = "Fractional"
    STRING = "String"


class TargetStore(StrEnum):
    ONLINE = "OnlineStore"
    OFFLINE = "OfflineStore"


ENV_VARS = {
    "feature_group_name": "FEATURE_GROUP_NAME",
    "record_identifier": "RECORD_IDENTIFIER",
    "event_time_feature": "EVENT_TIME_FEATURE",
    "feature_definitions": "FEATURE_DEFINITIONS",
    "target_stores": "TARGET_STORES",
}


def _check(pattern: re.Pattern[str], value: str, what: str) -> str:
    if not pattern.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid {what}")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json object hook: a repeated key is an error, not a value silently dropped."""
    result = dict(pairs)
    if len(result) != len(pairs):
        repeated = sorted({key for key, _ in pairs if sum(1 for other, _ in pairs if other == key) > 1})
        raise ValueError(f"repeated keys {', '.join(map(repr, repeated))}")
    return result


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def _loads(text: str | bytes) -> Any:
    """Strict JSON: no NaN/Infinity literals, no repeated keys."""
    return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)


class Settings(BaseModel):
    """The feature group to write to and its definition, from the environment variables in ENV_VARS."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    feature_group_name: str
    record_identifier: str
    event_time_feature: str
    feature_definitions: dict[str, FeatureType]
    target_stores: tuple[TargetStore, ...] = (TargetStore.ONLINE,)

    @field_validator("feature_group_name")
    @classmethod
    def _group(cls, value: str) -> str:
        return _check(FEATURE_GROUP, value, "feature group name or ARN")

    @field_validator("record_identifier", "event_time_feature")
    @classmethod
    def _feature(cls, value: str) -> str:
        return _check(FEATURE_NAME, value, "feature name")

    @field_validator("feature_definitions", mode="before")
    @classmethod
    def _parse_definitions(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            parsed = _loads(value)
        except ValueError as error:
            raise ValueError(f"not valid JSON ({error}): expected an object of feature name to type") from None
        if not isinstance(parsed, dict):
            raise ValueError(f"expected a JSON object of feature name to type, got {_kind(parsed)}")
        return parsed

    @field_validator("feature_definitions")
    @classmethod
    def _definitions(cls, value: dict[str, FeatureType]) -> dict[str, FeatureType]:
        if not value:
            raise ValueError("no features: expected an object of feature name to type")
        if len(value) > MAX_FEATURES:
            raise ValueError(f"{len(value)} features: a feature group has at most {MAX_FEATURES}")
        for name in value:
            _check(FEATURE_NAME, name, "feature name")
            if name in RESERVED_FEATURE_NAMES:
                raise ValueError(f"{name!r} is reserved by Feature Store")
        return value

    @field_validator("target_stores", mode="before")
    @classmethod
    def _split_stores(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        stores = [store.strip() for store in value.split(",")]
        if any(not store for store in stores):
            raise ValueError(f"{value!r} has an empty name: expected e.g. 'OnlineStore' or 'OnlineStore,OfflineStore'")
        if len(set(stores)) != len(stores):
            raise ValueError(f"{value!r} names a store twice")
        return tuple(stores)

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        features = ", ".join(self.feature_definitions)
        if self.record_identifier not in self.feature_definitions:
            raise ValueError(f"RECORD_IDENTIFIER {self.record_identifier!r} is not in FEATURE_DEFINITIONS ({features})")
        event_type = self.feature_definitions.get(self.event_time_feature)
        if event_type is None:
            raise ValueError(
                f"EVENT_TIME_FEATURE {self.event_time_feature!r} is not in FEATURE_DEFINITIONS ({features})"
            )
        if event_type is FeatureType.INTEGRAL:
            raise ValueError(
                f"EVENT_TIME_FEATURE {self.event_time_feature!r} must be Fractional or String, not Integral"
            )
        return self

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
                message = "required, set it to a non-empty value" if item["type"] == "missing" else item["msg"]
                message = message.removeprefix("Value error, ")
                if not item["loc"]:  # errors of the whole model already name their variables
                    problems.append(message)
                    continue
                if item["type"] == "enum":
                    message += f", got {item['input']!r}"
                first, *rest = item["loc"]
                # A bad type in FEATURE_DEFINITIONS is reported as FEATURE_DEFINITIONS['pm25'] (names, not positions).
                where = ENV_VARS.get(str(first), str(first)) + "".join(f"[{p!r}]" for p in rest if isinstance(p, str))
                problems.append(f"{where}: {message}")
            raise ConfigurationError(f"Invalid environment: {'; '.join(problems)}") from None


# --- the record model ------------------------------------------------------------------------------


class RecordRejectedError(ValueError):
    """The record's data is not a valid record of the feature group; the message says why."""


def _kind(value: Any) -> str:
    """A JSON value's type in words, for error messages (the value itself is not logged)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _integral(value: Any) -> int:
    # bool is an int in Python but true/false in JSON, never an integer; 3.0 is, 3.5 is not.
    if isinstance(value, int) and not isinstance(value, bool):
        result = value
    elif isinstance(value, float) and value.is_integer():
        result = int(value)
    elif isinstance(value, float):
        raise ValueError(
            "expected an integer, got a number with a fraction" if math.isfinite(value) else "expected a finite integer"
        )
    else:
        raise ValueError(f"expected an integer, got {_kind(value)}")
    if not INT64_MIN <= result <= INT64_MAX:
        raise ValueError("outside the 64-bit range of an Integral feature")
    return result


def _fractional(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_kind(value)}")
    try:
        result = float(value)
    except OverflowError:  # an integer literal with hundreds of digits
        result = math.inf
    if not math.isfinite(result):
        raise ValueError("expected a finite number")
    return result


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {_kind(value)}")
    if len(value) > MAX_VALUE_LENGTH:
        raise ValueError(f"longer than {MAX_VALUE_LENGTH} characters")
    return value


def _identifier(value: Any) -> str:
    text = _string(value)
    if not text:
        raise ValueError("the record identifier must not be empty")
    return text


def _epoch_seconds(value: Any) -> float:
    result = _fractional(value)
    if not MIN_EPOCH_SECONDS <= result < MAX_EPOCH_SECONDS:
        raise ValueError("expected epoch seconds between years 1 and 9999 (milliseconds sent by mistake?)")
    return result


def _iso_time(value: Any) -> str:
    text = _string(value)
    if not ISO_EVENT_TIME.fullmatch(text):
        raise ValueError("expected yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mm:ss.SSSZ (UTC, Z suffix)")
    try:
        datetime.fromisoformat(text[:19])  # the pattern has the shape, this the calendar: no 2025-02-30
    except ValueError:
        raise ValueError("not a valid date and time") from None
    return text


_VALIDATORS: Mapping[FeatureType, tuple[type, Callable[[Any], Any]]] = {
    FeatureType.INTEGRAL: (int, _integral),
    FeatureType.FRACTIONAL: (float, _fractional),
    FeatureType.STRING: (str, _string),
}


def _value_type(settings: Settings, name: str, feature_type: FeatureType) -> Any:
    python_type, validate = _VALIDATORS[feature_type]
    if name == settings.event_time_feature:
        validate = _epoch_seconds if feature_type is FeatureType.FRACTIONAL else _iso_time
    elif name == settings.record_identifier and feature_type is FeatureType.STRING:
        validate = _identifier
    # PlainValidator replaces pydantic's lax coercion ("1" -> 1, True -> 1) with exactly the rules above.
    return Annotated[python_type, PlainValidator(validate)]


def build_record_model(settings: Settings) -> type[BaseModel]:
    """The model of one record: identifier and event time required, other features optional, no others.

    Fields are named f0, f1, ... with the feature name as alias, so that any feature name works (one
    called ``json`` or ``model_config`` would clash with BaseModel) and only feature names validate.
    """
    fields: dict[str, Any] = {}
    for index, (name, feature_type) in enumerate(settings.feature_definitions.items()):
        value_type = _value_type(settings, name, feature_type)
        if name in (settings.record_identifier, settings.event_time_feature):
            fields[f"f{index}"] = (value_type, Field(alias=name))
        else:  # None, or absent: the feature is left out of the PutRecord
            fields[f"f{index}"] = (value_type | None, Field(default=None, alias=name))
    config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)
    model: type[BaseModel] = create_model("FeatureRecord", __config__=config, **fields)
    return model


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(part)[:64] for part in item["loc"]) or "record"
        if item["type"] == "missing":
            message = "required"
        elif item["type"] == "extra_forbidden":
            message = "not a feature of the feature group"
        else:
            message = item["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {message}")
    return "; ".join(problems)


def format_value(value: int | float | str) -> str:
    """ValueAsString: ints as digits, floats with repr's shortest round-trip digits but never an exponent."""
    if isinstance(value, float):
        text = repr(value)
        # repr(1e16) is '1e+16' and repr(1e-05) '1e-05': the same digits, written out positionally.
        return format(Decimal(text), "f") if "e" in text else text
    return str(value)


def parse_record(data: str, model: type[BaseModel]) -> FeatureRecord:
    """Kinesis data (base64 JSON) to a PutRecord Record; RecordRejectedError says what is wrong."""
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError as error:  # binascii.Error, or non-ASCII text
        raise RecordRejectedError(f"data is not valid base64 ({error})") from None
    try:
        document = _loads(raw)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, UnicodeDecodeError, NaN, repeated keys
        raise RecordRejectedError(f"data is not valid JSON ({error})"[:MAX_REASON_LENGTH]) from None
    if not isinstance(document, dict):
        raise RecordRejectedError(f"data is {_kind(document)}, expected a JSON object of feature name to value")
    try:
        values = model.model_validate(document).model_dump(by_alias=True, exclude_none=True)
    except ValidationError as error:
        raise RecordRejectedError(_describe(error)[:MAX_REASON_LENGTH]) from None
    return [{"FeatureName": name, "ValueAsString": format_value(value)} for name, value in values.items()]


# --- writing ---------------------------------------------------------------------------------------


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def error_message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", ""))


def call_with_retry(
    method: Callable[..., Any], sleep: Sleep = time.sleep, attempts: int = MAX_ATTEMPTS, /, **params: Any
) -> dict[str, Any]:
    """Call ``method``, retrying throttling with exponential backoff; other errors propagate at once."""
    attempt = 1
    while True:
        try:
            response: dict[str, Any] = method(**params)
            return response
        except ClientError as error:
            if error_code(error) not in THROTTLING_CODES or attempt >= attempts:
                raise
        sleep(BASE_DELAY_SECONDS * 2 ** (attempt - 1))
        attempt += 1


class Ingestor:
    """Validates and writes the records of one batch, one at a time; make one per invocation.

    Once a record has used up its throttling retries, later records get a single attempt: Kinesis
    redelivers everything from the lowest failed sequence number anyway, and backing off again per
    record could run the invocation into its timeout, which would fail the whole batch.
    """

    def __init__(self, client: Any, settings: Settings, model: type[BaseModel], *, sleep: Sleep = time.sleep) -> None:
        self.client = client
        self.model = model
        self.sleep = sleep
        self.group = settings.feature_group_name
        self.target_stores = [str(store) for store in settings.target_stores]
        self.throttled_out = False
        self.written = 0

    def ingest(self, data: str) -> None:
        """Raises RecordRejectedError (malformed data) or ClientError (PutRecord refused, or throttled out)."""
        self.put(parse_record(data, self.model))

    def put(self, record: FeatureRecord) -> None:
        attempts = 1 if self.throttled_out else MAX_ATTEMPTS
        try:
            # Idempotent: PutRecord upserts (identifier, event time), so a redelivered record is rewritten as is.
            call_with_retry(
                self.client.put_record,
                self.sleep,
                attempts,
                FeatureGroupName=self.group,
                Record=record,
                TargetStores=self.target_stores,
            )
        except ClientError as error:
            if error_code(error) in THROTTLING_CODES:
                self.throttled_out = True
            raise
        self.written += 1
