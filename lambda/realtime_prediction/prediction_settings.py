"""Settings of the realtime prediction function: what it reads and calls, from its environment variables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from platform_runtime import env_settings
from platform_runtime.env_settings import ConfigurationError, check, comma_list
from pydantic import BaseModel, ConfigDict, field_validator

__all__ = ["ConfigurationError", "Settings"]

# Service patterns (botocore models): names of feature groups, features, endpoints and variants.
_NAME = r"[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}"
FEATURE_NAME = re.compile(_NAME, re.ASCII)
FEATURE_GROUP = re.compile(rf"(arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{{12}}:feature-group/)?{_NAME}", re.ASCII)
ENDPOINT_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", re.ASCII)  # also production variant names
# Role names and paths: letters, digits and +=,.@_- (IAM's own rule); ASCII so \w and \d stay narrow.
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}", re.ASCII)


ENV_VARS = {
    "feature_group_name": "FEATURE_GROUP_NAME",
    "model_features": "MODEL_FEATURES",
    "endpoint_name": "ENDPOINT_NAME",
    "feature_store_role_arn": "FEATURE_STORE_ROLE_ARN",
    "endpoint_target_variant": "ENDPOINT_TARGET_VARIANT",
}


def _check(pattern: re.Pattern[str], value: str, what: str, max_length: int) -> str:
    if len(value.rsplit("/", 1)[-1]) > max_length:
        raise ValueError(f"{value!r} is not a valid {what}")
    return check(pattern, value, what)


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
        return tuple(comma_list(value, "comma-separated feature names, e.g. 'a,b,c'"))

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
        return env_settings.from_env(cls, ENV_VARS, environ)
