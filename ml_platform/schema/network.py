"""Network section: the private, isolated VPC of each workload account (book ch2, ch13)."""

from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Network
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from .base import StrictModel, unique_by


class InterfaceEndpoint(StrEnum):
    """Interface VPC endpoints a VPC can have (WA-SEC-2, AS-6). Each costs money per AZ per hour, so each
    VPC gets those that what runs inside it calls (ml_platform/endpoint_needs.py), plus any listed in
    ``network.interface_endpoints``."""

    SAGEMAKER_API = "sagemaker.api"
    SAGEMAKER_RUNTIME = "sagemaker.runtime"
    SAGEMAKER_FEATURESTORE_RUNTIME = "sagemaker.featurestore-runtime"
    STUDIO = "studio"
    NOTEBOOK = "notebook"
    STS = "sts"
    LOGS = "logs"
    MONITORING = "monitoring"
    ECR_API = "ecr.api"
    ECR_DKR = "ecr.dkr"
    KMS = "kms"
    SERVICECATALOG = "servicecatalog"
    CODECOMMIT = "codecommit"
    GIT_CODECOMMIT = "git-codecommit"
    SSM = "ssm"
    GLUE = "glue"
    ATHENA = "athena"
    EXPERIMENTS = "experiments"  # SageMaker managed MLflow (aws.sagemaker.<region>.experiments)


class CostProfile(StrEnum):
    """How many AZs host the interface endpoints of each account kind (issue #21): resources in the other
    AZs reach them across AZs. An AZ outage takes the endpoints of that AZ away; each endpoint costs about
    7.30 USD per AZ per month."""

    LEAN = "lean"  # one AZ everywhere: cheapest, an AZ outage stops AWS API calls from the VPC
    BALANCED = "balanced"  # one AZ for data science and test, two for prod (the default)
    RESILIENT = "resilient"  # two AZs everywhere


PROFILE_ENDPOINT_AZS: dict[CostProfile, dict[str, int]] = {
    CostProfile.LEAN: {"data_science": 1, "test": 1, "prod": 1},
    CostProfile.BALANCED: {"data_science": 1, "test": 1, "prod": 2},
    CostProfile.RESILIENT: {"data_science": 2, "test": 2, "prod": 2},
}


class EndpointAzs(StrictModel):
    """AZs hosting interface endpoints, per account kind; unset: the cost profile's."""

    data_science: int | None = Field(default=None, ge=1, le=6, description="Data science accounts.")
    test: int | None = Field(default=None, ge=1, le=6, description="The test account.")
    prod: int | None = Field(default=None, ge=1, le=6, description="The prod account.")


# The retention periods CloudWatch Logs accepts.
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

VpcId = Annotated[str, StringConstraints(pattern=r"^vpc-[0-9a-f]{8,17}$")]
SubnetId = Annotated[str, StringConstraints(pattern=r"^subnet-[0-9a-f]{8,17}$")]


class VpcConfig(StrictModel):
    """Either a CIDR for a new VPC or the IDs of an existing VPC and its private subnets."""

    cidr: IPv4Network | None = Field(default=None, description="CIDR of the VPC the platform creates (/16 to /24).")
    existing_vpc_id: VpcId | None = Field(default=None, description="Use this VPC instead of creating one.")
    existing_subnet_ids: tuple[SubnetId, ...] = Field(
        default=(), description="Private subnets of the existing VPC (2 or more AZs)."
    )

    @model_validator(mode="after")
    def _one_source(self) -> VpcConfig:
        if (self.cidr is None) == (self.existing_vpc_id is None):
            raise ValueError("set exactly one of 'cidr' or 'existing_vpc_id'")
        if self.cidr is not None:
            if not 16 <= self.cidr.prefixlen <= 24:
                raise ValueError(f"cidr {self.cidr} must be between /16 and /24")
            if self.existing_subnet_ids:
                raise ValueError("'existing_subnet_ids' only goes with 'existing_vpc_id'")
        elif len(self.existing_subnet_ids) < 2:
            raise ValueError("an existing VPC needs at least 2 'existing_subnet_ids' (2 AZs)")
        return self


class NetworkConfig(StrictModel):
    """Platform-wide network defaults; each workload account brings its own ``vpc``."""

    interface_endpoints: Annotated[tuple[InterfaceEndpoint, ...], unique_by(str, "lists {} more than once")] = Field(
        default=(),
        description=(
            "Extra interface endpoints of the data science VPCs, beyond those derived from what runs in them "
            "(e.g. logs, to stream job logs into Studio)."
        ),
    )
    cost_profile: CostProfile = Field(
        default=CostProfile.BALANCED,
        description="AZs hosting interface endpoints: lean (1/1/1), balanced (1/1/2), resilient (2/2/2) for "
        "data science/test/prod.",
    )
    endpoint_azs: EndpointAzs = Field(
        default=EndpointAzs(), description="Per account kind, overrides the cost profile's AZ count."
    )

    def endpoint_az_count(self, kind: str) -> int:
        """AZs hosting interface endpoints in accounts of ``kind`` (data_science, test, prod)."""
        override: int | None = getattr(self.endpoint_azs, kind)
        return override if override is not None else PROFILE_ENDPOINT_AZS[self.cost_profile][kind]

    flow_log_retention_days: int = Field(
        default=365, description="Retention of VPC flow logs in CloudWatch Logs (a value it allows)."
    )

    @field_validator("flow_log_retention_days")
    @classmethod
    def _retention(cls, days: int) -> int:
        if days not in LOG_RETENTION_DAYS:
            raise ValueError(f"must be one of {', '.join(str(d) for d in LOG_RETENTION_DAYS)}")
        return days
