"""Settings of the feature ingestion function: the feature group and its definition (see ingestion.py).

Settings come from environment variables only (``ENV_VARS``), parsed once per container into the
frozen ``Settings``; the feature types are repeated from ml_platform/schema/features.py because the
asset (this folder and the shared runtime library) never imports the synth-time package.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from platform_runtime import env_settings
from platform_runtime.env_settings import ConfigurationError, check, comma_list
from platform_runtime.strict_json import json_object
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

__all__ = ["ConfigurationError", "FeatureType", "Settings", "TargetStore"]

# Service patterns and limits (botocore's sagemaker-featurestore-runtime model, CreateFeatureGroup).
_NAME = r"[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}"
FEATURE_NAME = re.compile(_NAME, re.ASCII)
FEATURE_GROUP = re.compile(rf"(arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{{12}}:feature-group/)?{_NAME}", re.ASCII)
RESERVED_FEATURE_NAMES = frozenset({"is_deleted", "write_time", "api_invocation_time"})
MAX_FEATURES = 2500


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
        return check(FEATURE_GROUP, value, "feature group name or ARN")

    @field_validator("record_identifier", "event_time_feature")
    @classmethod
    def _feature(cls, value: str) -> str:
        return check(FEATURE_NAME, value, "feature name")

    @field_validator("feature_definitions", mode="before")
    @classmethod
    def _parse_definitions(cls, value: Any) -> Any:
        return json_object(value, "a JSON object of feature name to type")

    @field_validator("feature_definitions")
    @classmethod
    def _definitions(cls, value: dict[str, FeatureType]) -> dict[str, FeatureType]:
        if not value:
            raise ValueError("no features: expected an object of feature name to type")
        if len(value) > MAX_FEATURES:
            raise ValueError(f"{len(value)} features: a feature group has at most {MAX_FEATURES}")
        for name in value:
            check(FEATURE_NAME, name, "feature name")
            if name in RESERVED_FEATURE_NAMES:
                raise ValueError(f"{name!r} is reserved by Feature Store")
        return value

    @field_validator("target_stores", mode="before")
    @classmethod
    def _split_stores(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        stores = comma_list(value, "e.g. 'OnlineStore' or 'OnlineStore,OfflineStore'")
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
        """Parse the environment; ConfigurationError names every bad or missing variable, e.g. a bad type in
        FEATURE_DEFINITIONS as FEATURE_DEFINITIONS['pm25']."""
        return env_settings.from_env(cls, ENV_VARS, environ)
