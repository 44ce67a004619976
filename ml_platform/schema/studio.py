"""Studio section of a data science account: domain settings and user profiles (book ch2)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from .base import SageMakerName, StrictModel, item_name, unique_by


class Persona(StrEnum):
    """What a Studio user does; each persona maps to one least-privilege execution role."""

    DATA_SCIENTIST = "data_scientist"
    ML_ENGINEER = "ml_engineer"
    PLATFORM_ADMIN = "platform_admin"


class StudioUser(StrictModel):
    """A Studio user profile."""

    name: SageMakerName = Field(description="User profile name (letters, digits, hyphens).")
    persona: Persona = Field(description="One of: data_scientist, ml_engineer, platform_admin.")


class OnDelete(StrEnum):
    """What ``cdk destroy`` (or removing the team) does to the Studio domain."""

    RETAIN = "retain"  # keep the domain, its apps, spaces and home EFS (default)
    DELETE = "delete"  # delete apps and spaces first (teardown resource), then the domain


class StudioConfig(StrictModel):
    """The team's Studio domain (one per account) and its users."""

    # Native idle shutdown accepts 60..525600 minutes (SageMaker IdleSettings).
    idle_timeout_minutes: int = Field(
        default=60, ge=60, le=525600, description="Stop idle JupyterLab/Code Editor apps after this."
    )
    users: Annotated[tuple[StudioUser, ...], unique_by(item_name, "duplicate user name(s): {}")] = Field(
        default=(), description="Studio user profiles."
    )
    on_delete: OnDelete = Field(
        default=OnDelete.RETAIN,
        description="retain: the domain outlives the stack; delete: apps and spaces are removed first.",
    )
