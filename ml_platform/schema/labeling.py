"""Ground Truth private workforce and labeling tasks of a data science account (book ch3)."""

from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Network
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from .base import SageMakerName, StrictModel, duplicates

# An address SES can send from, and a domain SES can verify (lowercase DNS labels, no trailing dot).
EmailAddress = Annotated[str, StringConstraints(pattern=r"^[^@\s<>\"]+@[^@\s<>\"]+\.[A-Za-z]{2,}$", max_length=254)]
DomainName = Annotated[
    str,
    StringConstraints(pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", max_length=253),
]


class LabelingTask(StrEnum):
    TEXT_CLASSIFICATION = "text_classification"
    BOUNDING_BOX = "bounding_box"


class TieBreak(StrEnum):
    FIRST = "first"  # the tied label listed first in label_categories
    ALPHABETICAL = "alphabetical"


class InvitationEmail(StrictModel):
    """Invitations through Amazon SES instead of Cognito's default sender (50 emails a day per account).

    The SES identity must be verified in the team's account and the platform's region, and SES
    there out of the sandbox (docs/labeling.md)."""

    from_address: EmailAddress = Field(description="Sender address of invitations and password resets.")
    from_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=r"^[^<>\"@\r\n]+$",
        description="Display name of the sender (none: the address alone).",
    )
    reply_to: EmailAddress | None = Field(default=None, description="Reply-to address (none: the sender).")
    ses_verified_domain: DomainName | None = Field(
        default=None,
        description="Verified SES domain identity that from_address belongs to (none: from_address itself is "
        "the verified email identity).",
    )

    @field_validator("from_address", "reply_to")
    @classmethod
    def _lowercase_domain(cls, address: str | None) -> str | None:
        # Domains are case-insensitive; CDK compares from_address's domain with ses_verified_domain exactly.
        if address is None:
            return None
        local, domain = address.rsplit("@", 1)
        return f"{local}@{domain.lower()}"

    @model_validator(mode="after")
    def _address_of_the_identity(self) -> InvitationEmail:
        domain = self.from_address.rsplit("@", 1)[1]
        if self.ses_verified_domain is not None and domain != self.ses_verified_domain:
            raise ValueError(
                f"from_address: {self.from_address} is not an address of the SES identity "
                f"ses_verified_domain {self.ses_verified_domain}; SES sends only from its verified identities"
            )
        return self


class LabelingConfig(StrictModel):
    """Private workforce and the labels of the team's custom labeling task."""

    workteam_name: SageMakerName = Field(default="weather-labelers", description="Private workteam name.")
    mfa: bool = Field(default=True, description="Require MFA for labeling workers.")
    label_categories: tuple[str, ...] = Field(min_length=1, description="Labels workers choose from.")
    workers_per_object: int = Field(default=3, ge=1, le=9, description="Workers who label each object.")
    task_type: LabelingTask = Field(default=LabelingTask.TEXT_CLASSIFICATION, description="Custom task kind.")
    tie_break: TieBreak = Field(default=TieBreak.FIRST, description="Which label wins a tied vote.")
    box_match_iou: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Bounding boxes: how much two workers' boxes must overlap (IoU) to count as the same object.",
    )
    source_ip_cidrs: tuple[IPv4Network, ...] = Field(
        default=(), max_length=10, description="Networks workers may reach the labeling portal from (empty: any)."
    )
    automated_labeling: bool = Field(
        default=False, description="Let the job role run active learning for built-in task types (book ch3)."
    )
    invitation_email: InvitationEmail | None = Field(
        default=None,
        description="Send invitations through Amazon SES (none: Cognito's default sender, 50 emails a day).",
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
