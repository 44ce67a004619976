"""Ground Truth private workforce and labeling tasks of a data science account (book ch3)."""

from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Network

from pydantic import Field, field_validator

from .base import SageMakerName, StrictModel, duplicates


class LabelingTask(StrEnum):
    TEXT_CLASSIFICATION = "text_classification"
    BOUNDING_BOX = "bounding_box"


class TieBreak(StrEnum):
    FIRST = "first"  # the tied label listed first in label_categories
    ALPHABETICAL = "alphabetical"


class LabelingConfig(StrictModel):
    """Private workforce and the labels of the team's custom labeling task."""

    workteam_name: SageMakerName = Field(default="weather-labelers", description="Private workteam name.")
    mfa: bool = Field(default=True, description="Require MFA for labeling workers.")
    label_categories: tuple[str, ...] = Field(min_length=1, description="Labels workers choose from.")
    workers_per_object: int = Field(default=3, ge=1, le=9, description="Workers who label each object.")
    task_type: LabelingTask = Field(default=LabelingTask.TEXT_CLASSIFICATION, description="Custom task kind.")
    tie_break: TieBreak = Field(default=TieBreak.FIRST, description="Which label wins a tied vote.")
    source_ip_cidrs: tuple[IPv4Network, ...] = Field(
        default=(), max_length=10, description="Networks workers may reach the labeling portal from (empty: any)."
    )
    automated_labeling: bool = Field(
        default=False, description="Let the job role run active learning for built-in task types (book ch3)."
    )

    @field_validator("label_categories")
    @classmethod
    def _unique_labels(cls, labels: tuple[str, ...]) -> tuple[str, ...]:
        dupes = duplicates(list(labels))
        if dupes:
            raise ValueError(f"duplicate label categor(ies): {', '.join(dupes)}")
        empty = [i for i, label in enumerate(labels) if not label.strip()]
        if empty:
            raise ValueError(f"label_categories[{empty[0]}] is empty")
        return labels
