"""Ground Truth private workforce and labeling tasks of a data science account (book ch3)."""

from __future__ import annotations

from pydantic import Field, field_validator

from .base import SageMakerName, StrictModel, duplicates


class LabelingConfig(StrictModel):
    """Private workforce and the labels of the team's custom labeling task."""

    workteam_name: SageMakerName = Field(default="weather-labelers", description="Private workteam name.")
    mfa: bool = Field(default=True, description="Require MFA for labeling workers.")
    label_categories: tuple[str, ...] = Field(min_length=1, description="Labels workers choose from.")
    workers_per_object: int = Field(default=3, ge=1, le=9, description="Workers who label each object.")

    @field_validator("label_categories")
    @classmethod
    def _unique_labels(cls, labels: tuple[str, ...]) -> tuple[str, ...]:
        dupes = duplicates(list(labels))
        if dupes:
            raise ValueError(f"duplicate label categor(ies): {', '.join(dupes)}")
        return labels
