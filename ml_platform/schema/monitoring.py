"""Model Monitor / Clarify monitors on hosted endpoints (book ch11)."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import Field, field_validator

from .base import SageMakerName, StrictModel

# SageMaker monitoring schedules accept hourly or daily cron expressions (6 fields).
_CRON_RE = re.compile(r"^cron\((\S+ ){5}\S+\)$")


class MonitorType(StrEnum):
    DATA_QUALITY = "data_quality"
    MODEL_QUALITY = "model_quality"
    MODEL_BIAS = "model_bias"
    MODEL_EXPLAINABILITY = "model_explainability"


class MonitorConfig(StrictModel):
    """A scheduled monitor on an endpoint."""

    endpoint: SageMakerName = Field(description="Name of an endpoint in the 'endpoints' section.")
    type: MonitorType = Field(description="Which of the four monitors.")
    schedule: str = Field(default="cron(0 * ? * * *)", description="Hourly or daily cron.")

    @field_validator("schedule")
    @classmethod
    def _cron(cls, schedule: str) -> str:
        if not _CRON_RE.match(schedule):
            raise ValueError(f"'{schedule}' is not a 6-field cron(...) expression, e.g. cron(0 * ? * * *)")
        return schedule
