"""How an endpoint scales, rolls out and saves cost (book ch9, ch10): the parts of an endpoint
that are not its models. Plain pydantic; combinations are checked in hosting.py."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from .base import SageMakerName, StrictModel, check_not_above
from .hosting_types import S3Uri

# Application Auto Scaling schedules: cron(6 fields), rate(...) or at(...).
_SCHEDULE_RE = re.compile(r"^(cron\((\S+ ){5}\S+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|at\(\S+\))$")


class ScheduledScaling(StrictModel):
    """A capacity window, e.g. more instances in office hours (book ch10)."""

    name: SageMakerName = Field(description="Name of the scheduled action.")
    schedule: str = Field(description="cron(...) (6 fields, UTC), rate(...) or at(...).")
    min_capacity: int = Field(ge=0, le=100, description="Minimum instances in the window.")
    max_capacity: int = Field(ge=1, le=100, description="Maximum instances in the window.")

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, schedule: str) -> str:
        if not _SCHEDULE_RE.match(schedule):
            raise ValueError(f"'{schedule}' is not cron(<6 fields>), rate(<n> <unit>) or at(<time>)")
        return schedule

    @model_validator(mode="after")
    def _bounds(self) -> ScheduledScaling:
        check_not_above(self, "min_capacity", "max_capacity")
        return self


class AutoscalingConfig(StrictModel):
    """Target tracking on invocations per instance (async: backlog per instance), book ch10."""

    min_capacity: int = Field(default=1, ge=0, le=100, description="Fewest instances (0 only for async).")
    max_capacity: int = Field(default=4, ge=1, le=100, description="Most instances.")
    target_invocations_per_instance: int = Field(
        default=100, ge=1, le=100000, description="Target of SageMakerVariantInvocationsPerInstance (per minute)."
    )
    target_backlog_per_instance: int = Field(
        default=5, ge=1, le=10000, description="Async only: target ApproximateBacklogSizePerInstance."
    )
    scale_in_cooldown_seconds: int = Field(default=300, ge=0, le=3600, description="Wait after scaling in.")
    scale_out_cooldown_seconds: int = Field(default=60, ge=0, le=3600, description="Wait after scaling out.")
    schedules: tuple[ScheduledScaling, ...] = Field(default=(), description="Optional scheduled capacity windows.")

    @model_validator(mode="after")
    def _bounds(self) -> AutoscalingConfig:
        check_not_above(self, "min_capacity", "max_capacity")
        return self


class ServerlessConfig(StrictModel):
    """Serverless inference: pay per request, scale to zero (book ch10)."""

    memory_mb: int = Field(default=2048, description="1024, 2048, 3072, 4096, 5120 or 6144.")
    max_concurrency: int = Field(default=5, ge=1, le=200, description="Concurrent invocations at most.")
    provisioned_concurrency: int | None = Field(
        default=None, ge=1, le=200, description="Warm capacity (billed while idle); at most max_concurrency."
    )

    @field_validator("memory_mb")
    @classmethod
    def _memory(cls, memory: int) -> int:
        if memory not in (1024, 2048, 3072, 4096, 5120, 6144):
            raise ValueError(f"{memory} is not one of 1024, 2048, 3072, 4096, 5120, 6144")
        return memory

    @model_validator(mode="after")
    def _provisioned(self) -> ServerlessConfig:
        check_not_above(self, "provisioned_concurrency", "max_concurrency")
        return self


class TrafficShift(StrEnum):
    ALL_AT_ONCE = "all_at_once"
    CANARY = "canary"
    LINEAR = "linear"


class Comparison(StrEnum):
    GREATER = "GreaterThanThreshold"
    GREATER_OR_EQUAL = "GreaterThanOrEqualToThreshold"
    LESS = "LessThanThreshold"
    LESS_OR_EQUAL = "LessThanOrEqualToThreshold"


class CustomAlarm(StrictModel):
    """An extra rollback alarm on an AWS/SageMaker endpoint metric (per variant)."""

    name: SageMakerName = Field(description="Suffix of the alarm name.")
    metric: str = Field(pattern=r"^[A-Za-z0-9]+$", description="AWS/SageMaker metric, e.g. OverheadLatency.")
    statistic: str = Field(default="Average", pattern=r"^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?)$")
    threshold: float = Field(strict=True, description="Alarm threshold.")
    comparison: Comparison = Field(default=Comparison.GREATER, description="CloudWatch comparison operator.")


class BlueGreenConfig(StrictModel):
    """Native blue/green deployment with automatic rollback on alarms (book ch9)."""

    traffic: TrafficShift = Field(default=TrafficShift.CANARY, description="all_at_once, canary or linear.")
    canary_percent: int | None = Field(default=None, ge=1, le=50, description="Canary: share of capacity first.")
    linear_step_percent: int | None = Field(default=None, ge=10, le=50, description="Linear: share per step.")
    wait_seconds: int = Field(default=600, ge=0, le=3600, description="Bake time between traffic shifts.")
    termination_wait_seconds: int = Field(default=600, ge=0, le=3600, description="Keep blue this long at the end.")
    max_execution_seconds: int = Field(default=3600, ge=600, le=28800, description="Give up after this long.")
    error_5xx_threshold: int = Field(default=1, ge=1, description="Roll back at this many 5XX per minute.")
    latency_p99_ms: int = Field(default=1000, ge=1, description="Roll back above this p99 ModelLatency (ms).")
    custom_alarms: tuple[CustomAlarm, ...] = Field(default=(), description="Extra rollback alarms.")

    @model_validator(mode="after")
    def _shift(self) -> BlueGreenConfig:
        if self.traffic == TrafficShift.CANARY and self.canary_percent is None:
            raise ValueError("canary traffic needs 'canary_percent'")
        if self.traffic == TrafficShift.LINEAR and self.linear_step_percent is None:
            raise ValueError("linear traffic needs 'linear_step_percent'")
        if self.traffic != TrafficShift.CANARY and self.canary_percent is not None:
            raise ValueError(f"'canary_percent' applies to canary traffic, not {self.traffic.value}")
        if self.traffic != TrafficShift.LINEAR and self.linear_step_percent is not None:
            raise ValueError(f"'linear_step_percent' applies to linear traffic, not {self.traffic.value}")
        return self


class AsyncInferenceConfig(StrictModel):
    """Asynchronous inference: queued requests, results in S3, optional SNS (book ch10)."""

    output_path: S3Uri | None = Field(
        default=None, description="Results, in the account's inference bucket; default: its async/<endpoint>/ prefix."
    )
    failure_path: S3Uri | None = Field(
        default=None, description="Failures, in the account's inference bucket; default: next to the results."
    )
    notifications: bool = Field(default=True, description="Encrypted SNS topics for success and errors.")
    max_concurrent_invocations_per_instance: int = Field(default=4, ge=1, le=1000, description="Per instance.")
