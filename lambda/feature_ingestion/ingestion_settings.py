"""Settings of the feature ingestion function: the feature group and its definition (see ingestion.py).

Settings come from environment variables only (``ENV_VARS``), parsed once per container into the
frozen ``Settings``; the feature types are repeated from ml_platform/schema/features.py because the
asset is this folder alone and never imports the synth-time package.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NoReturn

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

# Service patterns and limits (botocore's sagemaker-featurestore-runtime model, CreateFeatureGroup).
_NAME = r"[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}"
FEATURE_NAME = re.compile(_NAME, re.ASCII)
FEATURE_GROUP = re.compile(rf"(arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{{12}}:feature-group/)?{_NAME}", re.ASCII)
RESERVED_FEATURE_NAMES = frozenset({"is_deleted", "write_time", "api_invocation_time"})
MAX_FEATURES = 2500


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
