"""The record model of the feature group and the conversion of Kinesis data into a PutRecord Record.

A record's data is base64 JSON, an object of feature name to value. It is checked against a pydantic
model generated at cold start from the feature group definition (``build_record_model``); malformed
data raises ``RecordRejectedError``, whose message says why.

The event time is sent as the feature group defines it. A Fractional one takes epoch seconds (a JSON
number). A String one (which an Iceberg offline store requires) takes an ISO-8601 UTC string in one of
Feature Store's two formats, sent unchanged, or epoch seconds, sent as yyyy-MM-ddTHH:mm:ss.SSSZ; so a
producer need not change when a group's event time moves from Fractional to String.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Annotated, Any

from ingestion_settings import FeatureType, Settings
from platform_runtime.strict_json import kind, loads
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, create_model

FeatureRecord = list[dict[str, str]]  # PutRecord's Record: [{"FeatureName": ..., "ValueAsString": ...}]

MAX_VALUE_LENGTH = 358_400  # ValueAsString
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # an Integral feature is a 64-bit signed integer
# Feature Store's two String event time formats, yyyy-MM-dd'T'HH:mm:ssZ and yyyy-MM-dd'T'HH:mm:ss.SSSZ, as
# CreateFeatureGroup's EventTimeFeatureName lists them (also in botocore's sagemaker model):
# https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html
ISO_EVENT_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z", re.ASCII)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A Fractional event time is epoch seconds; beyond 9999-12-31 it is epoch milliseconds sent by mistake.
MAX_EPOCH_SECONDS = 253_402_300_800.0
MIN_EPOCH_SECONDS = -62_135_596_800.0  # 0001-01-01
MAX_REASON_LENGTH = 1000  # a log line stays readable even when a record is full of unknown keys


class RecordRejectedError(ValueError):
    """The record's data is not a valid record of the feature group; the message says why."""


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
        raise ValueError(f"expected an integer, got {kind(value)}")
    if not INT64_MIN <= result <= INT64_MAX:
        raise ValueError("outside the 64-bit range of an Integral feature")
    return result


def _fractional(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {kind(value)}")
    try:
        result = float(value)
    except OverflowError:  # an integer literal with hundreds of digits
        result = math.inf
    if not math.isfinite(result):
        raise ValueError("expected a finite number")
    return result


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {kind(value)}")
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


def iso_event_time(seconds: float) -> str:
    """Epoch seconds as a String event time, yyyy-MM-ddTHH:mm:ss.SSSZ (UTC), cut to the millisecond.

    Always with milliseconds, so that converted times have one width and sort as text in time order; the
    year is padded to 4 digits by hand (strftime's %Y does not pad on Linux). The shortest repr digits
    are what the producer sent: 1735689600.123 is .123, where float arithmetic could make it .122.
    """
    millis = int((Decimal(repr(seconds)) * 1000).to_integral_value(rounding=ROUND_FLOOR))
    moment = EPOCH + timedelta(milliseconds=millis)
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _iso_time(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return iso_event_time(_epoch_seconds(value))
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO-8601 string or epoch seconds, got {kind(value)}")
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
        document = loads(raw)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, UnicodeDecodeError, NaN, repeated keys
        raise RecordRejectedError(f"data is not valid JSON ({error})"[:MAX_REASON_LENGTH]) from None
    if not isinstance(document, dict):
        raise RecordRejectedError(f"data is {kind(document)}, expected a JSON object of feature name to value")
    try:
        values = model.model_validate(document).model_dump(by_alias=True, exclude_none=True)
    except ValidationError as error:
        raise RecordRejectedError(_describe(error)[:MAX_REASON_LENGTH]) from None
    return [{"FeatureName": name, "ValueAsString": format_value(value)} for name, value in values.items()]
