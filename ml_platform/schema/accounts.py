"""Organisation and accounts: who deploys where (book ch14)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from .base import AccountId, Slug, StrictModel, duplicates, item_name, unique_by
from .labeling import LabelingConfig
from .mlflow import MlflowConfig
from .network import VpcConfig
from .studio import StudioConfig

REGION_PATTERN = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$"
Region = Annotated[str, StringConstraints(pattern=REGION_PATTERN)]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")]
OrgId = Annotated[str, StringConstraints(pattern=r"^o-[a-z0-9]{10,32}$")]

# Slugs of the fixed account roles; a data science team may not take one of them.
RESERVED_SLUGS = ("shared", "datalake", "test", "prod")


class Organisation(StrictModel):
    """Who the platform belongs to and where it runs."""

    name: Annotated[Slug, StringConstraints(max_length=12)] = Field(
        description="Short lowercase prefix of every physical name (e.g. 'openaq')."
    )
    region: Region = Field(description="The one region the whole platform runs in (XC-5).")
    availability_zones: tuple[str, ...] = Field(
        min_length=2, description="AZs of the region used for subnets; no lookups at synth."
    )
    organization_id: OrgId | None = Field(
        default=None, description="AWS Organizations ID, added as aws:PrincipalOrgID condition."
    )
    platform_team: Slug = Field(default="platform", description="Team tag of platform accounts.")
    alert_emails: tuple[Email, ...] = Field(
        default=(), description="Subscribed to each account's alerts topic (confirm by email)."
    )

    @model_validator(mode="after")
    def _azs_in_region(self) -> Organisation:
        pattern = re.compile(rf"^{re.escape(self.region)}[a-z]$")
        wrong = [az for az in self.availability_zones if not pattern.match(az)]
        if wrong:
            raise ValueError(
                f"availability_zones: {', '.join(wrong)} not in region {self.region} (expected e.g. {self.region}a)"
            )
        dupes = duplicates(list(self.availability_zones))
        if dupes:
            raise ValueError(f"availability_zones: {', '.join(dupes)} listed more than once")
        return self


class AccountConfig(StrictModel):
    """A platform account (shared services, data lake)."""

    account_id: AccountId = Field(description="12-digit account ID, quoted.")


class WorkloadAccount(AccountConfig):
    """Test or prod: hosts endpoints in its own private VPC."""

    vpc: VpcConfig = Field(description="The account's private VPC for endpoints (new or existing).")


class DataScienceAccount(StrictModel):
    """One data science team account (Studio, pipelines, registry); book ch2, ch14."""

    name: Slug = Field(description="Team name, e.g. 'weatherproduct'; used in names and the Team tag.")
    account_id: AccountId = Field(description="12-digit account ID, quoted.")
    vpc: VpcConfig = Field(description="The team's private VPC (new or existing).")
    studio: StudioConfig = Field(default=StudioConfig(), description="Studio domain settings and users.")
    labeling: LabelingConfig | None = Field(default=None, description="Ground Truth private workforce (optional).")
    notebook_idle_minutes: int = Field(
        default=60, ge=5, le=1440, description="Notebook instances stop after this long without activity."
    )
    feature_store: bool = Field(
        default=True,
        description="The team creates and uses its own feature groups (roles may, the VPC gets the Feature "
        "Store runtime endpoint).",
    )
    mlflow: MlflowConfig | None = Field(
        default=None, description="Managed MLflow of the team (optional; docs/mlflow.md)."
    )

    @field_validator("mlflow")
    @classmethod
    def _mlflow_off(cls, mlflow: MlflowConfig | None) -> MlflowConfig | None:
        """``enabled: false`` builds nothing, like leaving the section out."""
        return mlflow if mlflow is None or mlflow.enabled else None

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, name: str) -> str:
        if name in RESERVED_SLUGS:
            raise ValueError(f"'{name}' is reserved for a platform account; pick a team name")
        return name


class Accounts(StrictModel):
    """The five account roles; every account ID must be distinct."""

    shared_services: AccountConfig = Field(description="CI/CD, ECR, Service Catalog hub.")
    data_lake: AccountConfig = Field(description="Raw/curated data and the central feature store.")
    data_science: Annotated[tuple[DataScienceAccount, ...], unique_by(item_name, "duplicate team name(s): {}")] = Field(
        min_length=1, description="One per team (XA-2)."
    )
    test: WorkloadAccount = Field(description="Staging endpoints, integration and load tests.")
    prod: WorkloadAccount = Field(description="Production endpoints; strictest controls (XA-3).")

    @model_validator(mode="after")
    def _distinct_ids(self) -> Accounts:
        seen: dict[str, str] = {}
        for path, account_id in self.by_path():
            if account_id in seen:
                raise ValueError(
                    f"{path}.account_id: {account_id} is already used by {seen[account_id]}; "
                    "each account role needs its own account"
                )
            seen[account_id] = path
        return self

    def by_path(self) -> list[tuple[str, str]]:
        """(config path, account ID) of every account, in deploy order."""
        pairs = [
            ("shared_services", self.shared_services.account_id),
            ("data_lake", self.data_lake.account_id),
        ]
        pairs += [(f"data_science[{i}]", t.account_id) for i, t in enumerate(self.data_science)]
        pairs += [("test", self.test.account_id), ("prod", self.prod.account_id)]
        return pairs
