"""Studio section of a data science account: domain settings and user profiles (book ch2)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

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


# Space EBS volumes: 5..16384 GB (SpaceEbsVolumeSizeInGb in the AWS::SageMaker::Domain schema,
# https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DefaultEbsStorageSettings.html).
EBS_MIN_GB, EBS_MAX_GB = 5, 16384
EbsGb = Annotated[int, Field(ge=EBS_MIN_GB, le=EBS_MAX_GB)]


class StudioApp(StrEnum):
    """The IDE a space runs (the space's ``AppType``)."""

    JUPYTERLAB = "jupyterlab"
    CODE_EDITOR = "code_editor"


class PersonaDefaults(StrictModel):
    """What a persona's JupyterLab and Code Editor apps start with (users may pick others)."""

    instance_type: str = Field(
        default="ml.t3.medium", description="Default instance of JupyterLab / Code Editor apps (ml.*)."
    )
    ebs_gb: EbsGb = Field(default=5, description="Default EBS size of the user's spaces, GB (5..16384).")
    max_ebs_gb: EbsGb = Field(default=50, description="Largest EBS size the user may choose, GB (5..16384).")

    @model_validator(mode="after")
    def _default_within_max(self) -> PersonaDefaults:
        if self.ebs_gb > self.max_ebs_gb:
            raise ValueError(f"ebs_gb {self.ebs_gb} is larger than max_ebs_gb {self.max_ebs_gb}")
        return self


class SharedSpace(StrictModel):
    """A team space every user of the domain may open (``SpaceSharingType: Shared``)."""

    name: SageMakerName = Field(description="Space name (letters, digits, hyphens).")
    app: StudioApp = Field(default=StudioApp.JUPYTERLAB, description="jupyterlab or code_editor.")
    ebs_gb: EbsGb = Field(default=5, description="EBS size of the space, GB (5..16384).")


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
    persona_defaults: dict[Persona, PersonaDefaults] = Field(
        default_factory=dict,
        description="Per persona: default instance_type, ebs_gb, max_ebs_gb (others: ml.t3.medium, 5, 50).",
    )
    private_spaces: bool = Field(
        default=False, description="Create one private JupyterLab space per user (private-<user>)."
    )
    shared_spaces: Annotated[tuple[SharedSpace, ...], unique_by(item_name, "duplicate space name(s): {}")] = Field(
        default=(), description="Team spaces shared by every user of the domain."
    )
    pip_index_url: str | None = Field(
        default=None,
        pattern=r"^https://",
        description="Package index the apps' pip uses (e.g. CodeArtifact); none: pip and conda stay offline.",
    )

    def defaults_for(self, persona: Persona) -> PersonaDefaults:
        return self.persona_defaults.get(persona, PersonaDefaults())

    def private_space_name(self, user: str) -> str:
        return f"private-{user}"
