"""Settings of the retraining trigger: which endpoints' violations start which team pipelines (see retraining.py).

Settings come from environment variables only (``ENV_VARS``), parsed once per container into the frozen
``Settings``. The service patterns are repeated from botocore's models because the asset is this folder
alone and never imports the synth-time package.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from platform_runtime import env_settings
from platform_runtime.env_settings import ConfigurationError, check
from platform_runtime.strict_json import json_object
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

__all__ = ["ConfigurationError", "Settings", "Target"]

# Service patterns and limits (botocore's sagemaker, iam and dynamodb models).
_NAME = r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"  # endpoints and monitoring schedules: at most 63 characters
ENDPOINT_NAME = re.compile(_NAME, re.ASCII)
SCHEDULE_NAME = re.compile(_NAME, re.ASCII)
PIPELINE_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):sagemaker:(?P<region>[a-z]{2}(-[a-z]+)+-\d):(?P<account>\d{12})"
    r":pipeline/(?P<name>[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255})",
    re.ASCII,
)
# Role names and paths: letters, digits and +=,.@_- (IAM's own rule); ASCII so \w and \d stay narrow.
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}", re.ASCII)
TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]{3,255}", re.ASCII)
MAX_ALARM_NAME = 255  # CloudWatch allows any characters in an alarm name, up to this length


JSON_OBJECTS = {  # what each JSON variable holds, for its error messages
    "targets": "an object of endpoint name to target",
    "schedules": "an object of monitoring schedule name to endpoint name",
    "alarms": "an object of alarm name to endpoint name",
}
ENV_VARS = {
    "targets": "TARGETS",
    "schedules": "SCHEDULES",
    "alarms": "ALARMS",
    "idempotency_table": "IDEMPOTENCY_TABLE",
}


class Target(BaseModel):
    """A team's model build pipeline, started in its account with a role assumed there."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pipeline_arn: str
    role_arn: str
    # Strict: "3600", 3600.0 and true are mistakes in a JSON document, not numbers to coerce.
    window_seconds: int = Field(gt=0, strict=True)

    @field_validator("pipeline_arn")
    @classmethod
    def _pipeline(cls, value: str) -> str:
        return check(PIPELINE_ARN, value, "pipeline ARN (arn:aws:sagemaker:<region>:<12 digits>:pipeline/<name>)")

    @field_validator("role_arn")
    @classmethod
    def _role(cls, value: str) -> str:
        return check(ROLE_ARN, value, "IAM role ARN (arn:aws:iam::<12 digits>:role/...)")

    @property
    def region(self) -> str:
        """The pipeline's region, where its SageMaker client must call."""
        match = PIPELINE_ARN.fullmatch(self.pipeline_arn)
        assert match is not None  # validated above
        return match["region"]


class Settings(BaseModel):
    """The targets and what triggers them, from the environment variables in ENV_VARS."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    targets: dict[str, Target]  # endpoint name -> pipeline to start
    schedules: dict[str, str] = {}  # monitoring schedule name -> endpoint name
    alarms: dict[str, str] = {}  # CloudWatch alarm name -> endpoint name
    idempotency_table: str

    @field_validator("targets", "schedules", "alarms", mode="before")
    @classmethod
    def _parse_json(cls, value: Any, info: ValidationInfo) -> Any:
        return json_object(value, JSON_OBJECTS[info.field_name or ""])

    @field_validator("targets")
    @classmethod
    def _targets(cls, value: dict[str, Target]) -> dict[str, Target]:
        if not value:
            raise ValueError("no targets: expected an object of endpoint name to target")
        for endpoint in value:
            check(ENDPOINT_NAME, endpoint, "endpoint name")
        # The de-duplication key is (pipeline, window index): one pipeline needs one window length.
        windows: dict[str, dict[str, int]] = {}
        for endpoint, target in value.items():
            windows.setdefault(target.pipeline_arn, {})[endpoint] = target.window_seconds
        for pipeline, by_endpoint in windows.items():
            if len(set(by_endpoint.values())) > 1:
                lengths = ", ".join(f"{name}: {seconds}" for name, seconds in by_endpoint.items())
                raise ValueError(f"endpoints sharing pipeline {pipeline!r} must share window_seconds ({lengths})")
        return value

    @field_validator("schedules")
    @classmethod
    def _schedules(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            check(SCHEDULE_NAME, name, "monitoring schedule name")
        # Looked up case-insensitively (see by_schedule), so two keys must not differ in case alone.
        folded = [name.casefold() for name in value]
        clashes = sorted({name for name in value if folded.count(name.casefold()) > 1})
        if clashes:
            raise ValueError(f"schedule names that differ only in case: {', '.join(map(repr, clashes))}")
        return value

    @field_validator("alarms")
    @classmethod
    def _alarms(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if not name.strip() or len(name) > MAX_ALARM_NAME:
                raise ValueError(f"{name!r} is not a valid alarm name (1 to {MAX_ALARM_NAME} characters)")
        return value

    @field_validator("idempotency_table")
    @classmethod
    def _table(cls, value: str) -> str:
        return check(TABLE_NAME, value, "DynamoDB table name")

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if not self.schedules and not self.alarms:
            raise ValueError("SCHEDULES and ALARMS are both empty: set at least one of them")
        known = ", ".join(self.targets)
        problems = [
            f"{variable}[{name!r}]: endpoint {endpoint!r} is not in TARGETS ({known})"
            for variable, triggers in (("SCHEDULES", self.schedules), ("ALARMS", self.alarms))
            for name, endpoint in triggers.items()
            if endpoint not in self.targets
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def endpoint_for_schedule(self, schedule_name: str) -> str | None:
        """The endpoint of a monitoring schedule, matched case-insensitively (SageMaker ARNs may lowercase names)."""
        folded = schedule_name.casefold()
        return next((endpoint for name, endpoint in self.schedules.items() if name.casefold() == folded), None)

    def endpoint_for_alarm(self, alarm_name: str) -> str | None:
        return self.alarms.get(alarm_name)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Parse the environment; ConfigurationError names every bad or missing variable."""
        return env_settings.from_env(cls, ENV_VARS, environ)
