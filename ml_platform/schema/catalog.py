"""Service Catalog hub and spokes: self-service products for data scientists (book ch2, ch14)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from .accounts import Email
from .base import InstanceType, Slug, StrictModel, duplicates, unique_by


class ProductKind(StrEnum):
    NOTEBOOK = "notebook"  # Basic SageMaker Notebook Instance Environment (SC-2)
    STUDIO_USER = "studio_user"  # Basic SageMaker Studio Environment (SC-2)
    MLOPS_PROJECT = "mlops_project"  # model build/deploy project skeleton for SageMaker Projects


# The book's approved list (SC-4, L1262-1294).
BOOK_NOTEBOOK_TYPES = ("ml.t2.large", "ml.t2.xlarge", "ml.t3.large", "ml.t3.xlarge")
# Notebook instance families SageMaker offers; anything else is a typo or not a notebook type.
NOTEBOOK_FAMILIES = frozenset(
    {
        "t2",
        "t3",
        "m4",
        "m5",
        "m5d",
        "m6i",
        "m7i",
        "c4",
        "c5",
        "c5d",
        "c6i",
        "c7i",
        "r5",
        "r6i",
        "r7i",
        "p2",
        "p3",
        "p3dn",
        "p4d",
        "p5",
        "g4dn",
        "g5",
        "g6",
        "inf1",
        "inf2",
        "trn1",
    }
)
RolePattern = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_+=,.@*/-]+$", max_length=512)]


class ServiceCatalogConfig(StrictModel):
    """The hub portfolio in shared services and who it is shared with (SC-1..SC-6)."""

    portfolio_name: str = Field(
        default="Data Science Environments",
        min_length=1,
        max_length=100,
        description="Portfolio display name; spokes find the share by it.",
    )
    description: str = Field(
        default="Approved products for provisioning data science environments for ML builders",
        max_length=2000,
        description="Portfolio description.",
    )
    provider: str = Field(
        default="ML Platform Team",
        min_length=1,
        max_length=50,
        description="Provider (owner) shown on the portfolio and products.",
    )
    support_email: Email | None = Field(default=None, description="Support contact shown on each product.")
    products: Annotated[tuple[ProductKind, ...], unique_by(str, "lists {} more than once")] = Field(
        default=tuple(ProductKind), min_length=1, description="Products in the portfolio."
    )
    notebook_instance_types: tuple[InstanceType, ...] = Field(
        default=BOOK_NOTEBOOK_TYPES,
        min_length=1,
        description="Instance types the notebook product's template constraint allows.",
    )
    share_with: tuple[Slug, ...] | None = Field(
        default=None, description="Data science team names to share with (default: every team)."
    )
    end_user_role_patterns: tuple[RolePattern, ...] = Field(
        default=("DataScientist*",),
        min_length=1,
        description="IAM role name patterns (with path) that may launch products, e.g. SSO roles.",
    )

    @field_validator("notebook_instance_types")
    @classmethod
    def _notebook_types(cls, types: tuple[str, ...]) -> tuple[str, ...]:
        for i, instance_type in enumerate(types):
            family = instance_type.split(".")[1]
            if family not in NOTEBOOK_FAMILIES:
                raise ValueError(f"[{i}] '{instance_type}': unknown notebook instance family '{family}'")
        dupes = duplicates(list(types))
        if dupes:
            raise ValueError(f"lists {', '.join(dupes)} more than once")
        return types
