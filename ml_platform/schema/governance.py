"""Model governance on the release path (issue #22, capability 3): the model card a release
requires, and the lifecycle stages that IAM lets each persona set (docs/model-governance.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from .base import StrictModel, unique_by

# ModelLifeCycle.Stage: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}
# (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ModelLifeCycle.html).
StageName = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", max_length=63)]
CardText = Annotated[str, StringConstraints(min_length=1, max_length=2048)]


class RiskRating(StrEnum):
    """``intended_uses.risk_rating`` of the model card JSON schema."""

    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"
    UNKNOWN = "Unknown"


class ModelCardConfig(StrictModel):
    """The model package's own card, attached by the pipeline's RegisterModel step in status
    ``PendingReview``; the approver reviews it and sets it to ``Approved`` (docs/model-governance.md)."""

    purpose_of_model: CardText = Field(description="What the model is for (card intended_uses.purpose_of_model).")
    intended_uses: CardText = Field(description="Who may use it and how (card intended_uses.intended_uses).")
    risk_rating: RiskRating = Field(description="High, Medium, Low or Unknown (card intended_uses.risk_rating).")
    explanations_for_risk_rating: str = Field(default="", max_length=2048, description="Why that rating.")
    factors_affecting_model_efficiency: str = Field(default="", max_length=2048, description="Known limits.")
    ethical_considerations: str = Field(default="", max_length=2048, description="additional_information section.")


class GovernanceConfig(StrictModel):
    """Governance of one model build's package group. Present: the release requires an
    approved card (by default) and the production stage."""

    require_model_card: bool = Field(
        default=True, description="Release only versions whose model card is Approved (secure default)."
    )
    model_card: ModelCardConfig | None = Field(
        default=None, description="The card the pipeline attaches to each registered version (its source)."
    )


class ModelLifecycleConfig(StrictModel):
    """Model lifecycle stages (ModelPackage ``ModelLifeCycle.Stage``), enforced with the IAM keys
    ``sagemaker:ModelLifeCycle:stage``: builders and the jobs role set only development stages, only the
    approver persona sets the production stage, and a governed group releases only from it."""

    development_stages: Annotated[tuple[StageName, ...], unique_by(str, "duplicate stage(s): {}")] = Field(
        default=("development", "staging"),
        min_length=1,
        description="Stages builders and pipelines may set; the first is where the pipeline registers.",
    )
    production_stage: StageName = Field(
        default="production", description="The stage only the approver persona sets; governed releases need it."
    )

    @model_validator(mode="after")
    def _production_apart(self) -> ModelLifecycleConfig:
        if self.production_stage.lower() in {s.lower() for s in self.development_stages}:
            raise ValueError(f"production_stage '{self.production_stage}' is also a development stage")
        return self
