"""The platform config: one YAML file, parsed once into frozen pydantic models.

``load_config`` is the only entry point. It either returns a valid ``PlatformConfig`` or
raises ``ConfigError`` whose message is one line naming the field path and the reason;
app.py prints that line and exits non-zero before any construct is built.
"""

from __future__ import annotations

import sys
from ipaddress import IPv4Network
from itertools import combinations
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from .config_build_checks import check_model_builds, check_released_models
from .config_component_checks import check_inference_components
from .config_errors import ConfigError, parse_yaml, validate
from .config_governance_checks import check_governance
from .config_hosting_checks import check_endpoints
from .config_location_checks import check_locations, location_warnings
from .config_mlflow_checks import check_mlflow
from .config_monitoring_checks import check_monitoring
from .config_studio_checks import check_studio
from .naming import LONGEST_BUCKET_PURPOSE, NameTooLongError, Naming
from .schema.accounts import Accounts, Organisation
from .schema.base import StrictModel, TagKey, TagValue, item_name, unique_by
from .schema.catalog import ServiceCatalogConfig
from .schema.cost import BudgetsConfig, LayoutConfig
from .schema.datalake import DataLakeConfig
from .schema.features import FeatureGroupConfig, RealtimePredictionConfig
from .schema.governance import ModelLifecycleConfig
from .schema.hosting import EndpointConfig, ModelConfig
from .schema.model_build import ArtifactsConfig, ModelBuildConfig, PlatformPipelineConfig
from .schema.monitoring import MonitorConfig, ObservabilityConfig, RetrainingConfig
from .schema.network import NetworkConfig

__all__ = ["ConfigError", "PlatformConfig", "config_warnings", "load_config"]

_UNIQUE_NAMES = unique_by(item_name, "duplicate name(s): {}")
REQUIRED_TAGS = ("Project", "CostCenter")
# Set per stage by the platform (XC-3); a config may not override them globally.
STAGE_TAGS = ("Environment", "Team")


class PlatformConfig(StrictModel):
    """Root of the config file."""

    organisation: Organisation = Field(description="Name prefix, region, AZs, organisation ID.")
    tags: dict[TagKey, TagValue] = Field(
        description="Tags on every taggable resource; must include Project and CostCenter (XC-3)."
    )
    accounts: Accounts = Field(description="The accounts of each role.")
    network: NetworkConfig = Field(default=NetworkConfig(), description="VPC endpoint set, flow logs.")
    feature_groups: Annotated[tuple[FeatureGroupConfig, ...], _UNIQUE_NAMES] = Field(
        default=(), description="Central feature store."
    )
    models: Annotated[tuple[ModelConfig, ...], _UNIQUE_NAMES] = Field(
        default=(), description="Models hosted by endpoints."
    )
    endpoints: Annotated[tuple[EndpointConfig, ...], _UNIQUE_NAMES] = Field(
        default=(), description="Endpoints in test/prod."
    )
    monitors: tuple[MonitorConfig, ...] = Field(default=(), description="Monitors on endpoints.")
    retraining: tuple[RetrainingConfig, ...] = Field(
        default=(), description="Model build pipelines started by monitor violations."
    )
    budgets: BudgetsConfig = Field(default=BudgetsConfig(), description="Monthly AWS Budget per account.")
    layout: LayoutConfig = Field(default=LayoutConfig(), description="Stacks per hosting account (large configs).")
    observability: ObservabilityConfig = Field(
        default=ObservabilityConfig(), description="Cross-account CloudWatch observability."
    )
    data_lake: DataLakeConfig = Field(default=DataLakeConfig(), description="Lake Formation and curated tables.")
    realtime_predictions: tuple[RealtimePredictionConfig, ...] = Field(
        default=(), description="Feature-store-backed prediction functions."
    )
    service_catalog: ServiceCatalogConfig = Field(
        default=ServiceCatalogConfig(), description="Self-service portfolio shared to the data science accounts."
    )
    artifacts: ArtifactsConfig = Field(default=ArtifactsConfig(), description="Shared ECR image repositories.")
    model_builds: tuple[ModelBuildConfig, ...] = Field(
        default=(), description="SageMaker model build pipelines in the teams' accounts."
    )
    model_lifecycle: ModelLifecycleConfig = Field(
        default=ModelLifecycleConfig(), description="Model lifecycle stages and who may set them (model governance)."
    )
    platform_pipeline: PlatformPipelineConfig | None = Field(
        default=None, description="Self-mutating CDK pipeline in shared services (none: deploy with cdk deploy)."
    )

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: dict[str, str]) -> dict[str, str]:
        missing = [t for t in REQUIRED_TAGS if not tags.get(t)]
        if missing:
            raise ValueError(f"missing required cost-allocation tag(s): {', '.join(missing)}")
        reserved = [t for t in STAGE_TAGS if t in tags]
        if reserved:
            raise ValueError(f"{', '.join(reserved)} is set per account by the platform; remove it")
        return tags

    @model_validator(mode="after")
    def _cross_references(self) -> PlatformConfig:
        _check_cidrs(self.accounts)
        _check_existing_subnets(self.organisation, self.accounts)
        _check_name_lengths(self.organisation, self.accounts)
        _check_catalog(self.service_catalog, self.accounts)
        _check_endpoint_azs(self.organisation, self.network)
        _check_data_lake(self)
        check_studio(self)  # before the other regional checks: its test moves the region
        check_model_builds(self)
        check_released_models(self)
        check_governance(self)
        check_endpoints(self)
        check_monitoring(self)
        check_mlflow(self)
        check_inference_components(self)  # issue #22; after monitoring, whose region errors tests expect first
        check_locations(self)  # after the references above: models, endpoints and teams exist
        return self

    def naming(self, slug: str, account_id: str) -> Naming:
        return Naming(self.organisation.name, slug, account_id, self.organisation.region)


def _check_existing_subnets(organisation: Organisation, accounts: Accounts) -> None:
    """An existing VPC's subnets are taken as one per AZ of the organisation's list, in order;
    with more subnets than AZs CDK needs a multiple of the AZ count (else synth fails with a
    traceback)."""
    zones = len(organisation.availability_zones)
    workloads = [(f"data_science[{i}]", t.vpc) for i, t in enumerate(accounts.data_science)]
    workloads += [("test", accounts.test.vpc), ("prod", accounts.prod.vpc)]
    for path, vpc in workloads:
        count = len(vpc.existing_subnet_ids)
        if vpc.existing_vpc_id is not None and count > zones and count % zones:
            raise ValueError(
                f"accounts.{path}.vpc.existing_subnet_ids: {count} subnet(s) for {zones} availability zones; "
                f"give one subnet per zone of organisation.availability_zones, in that order (or a multiple of {zones})"
            )


def _check_cidrs(accounts: Accounts) -> None:
    vpcs: list[tuple[str, IPv4Network]] = [
        (f"data_science[{i}].vpc.cidr", t.vpc.cidr) for i, t in enumerate(accounts.data_science) if t.vpc.cidr
    ]
    vpcs += [(f"{n}.vpc.cidr", a.vpc.cidr) for n, a in (("test", accounts.test), ("prod", accounts.prod)) if a.vpc.cidr]
    for (path_a, net_a), (path_b, net_b) in combinations(vpcs, 2):
        if net_a.overlaps(net_b):
            raise ValueError(
                f"accounts.{path_b}: {net_b} overlaps {net_a} of accounts.{path_a}; "
                "VPC ranges must be distinct so accounts can be connected later"
            )


def _check_catalog(catalog: ServiceCatalogConfig, accounts: Accounts) -> None:
    teams = [t.name for t in accounts.data_science]
    for i, name in enumerate(catalog.share_with or ()):
        if name not in teams:
            raise ValueError(
                f"service_catalog.share_with[{i}]: '{name}' is not a data science team in accounts.data_science "
                f"({', '.join(teams)})"
            )


def _check_endpoint_azs(organisation: Organisation, network: NetworkConfig) -> None:
    zones = len(organisation.availability_zones)
    for kind in ("data_science", "test", "prod"):
        count = network.endpoint_az_count(kind)
        if count > zones:
            where = f"network.endpoint_azs.{kind}" if getattr(network.endpoint_azs, kind) else "network.cost_profile"
            raise ValueError(
                f"{where}: {count} AZs host the {kind} interface endpoints, but organisation.availability_zones "
                f"lists {zones}"
            )


def _check_data_lake(config: PlatformConfig) -> None:
    teams = {t.name for t in config.accounts.data_science}
    for i, table in enumerate(config.data_lake.curated_tables):
        for j, team in enumerate(table.share_with or ()):
            if team not in teams:
                raise ValueError(f"data_lake.curated_tables[{i}].share_with[{j}]: '{team}' is not a data science team")
    tables = {t.name: t for t in config.data_lake.curated_tables}
    for i, feature_group in enumerate(config.feature_groups):
        batch = feature_group.batch_ingestion
        if batch is None:
            continue
        source = tables.get(batch.source_table)
        if source is None:
            raise ValueError(
                f"feature_groups[{i}].batch_ingestion.source_table: '{batch.source_table}' is not in "
                "data_lake.curated_tables"
            )
        unknown = [c for c in batch.mapping.values() if c != "@ingestion_time" and c not in source.columns]
        if unknown:
            raise ValueError(
                f"feature_groups[{i}].batch_ingestion.mapping: {', '.join(unknown)} not columns of '{source.name}'"
            )
    groups = {g.name: g for g in config.feature_groups}
    endpoints = {e.name for e in config.endpoints}
    for i, prediction in enumerate(config.realtime_predictions):
        path = f"realtime_predictions[{i}]"
        group = groups.get(prediction.feature_group)
        if group is None:
            raise ValueError(f"{path}.feature_group: '{prediction.feature_group}' is not in 'feature_groups'")
        if not group.online_store.enabled:
            raise ValueError(f"{path}.feature_group: '{group.name}' has no online store to read from")
        if prediction.endpoint not in endpoints:
            raise ValueError(f"{path}.endpoint: '{prediction.endpoint}' is not in 'endpoints'")
        unknown = [f for f in prediction.model_features if f not in group.features]
        if unknown:
            raise ValueError(f"{path}.model_features: {', '.join(unknown)} not features of '{group.name}'")


def _check_name_lengths(org: Organisation, accounts: Accounts) -> None:
    for i, team in enumerate(accounts.data_science):
        try:
            Naming(org.name, team.name, team.account_id, org.region).bucket(LONGEST_BUCKET_PURPOSE)
        except (NameTooLongError, ValueError) as err:
            raise ValueError(f"accounts.data_science[{i}].name: too long for bucket names ({err})") from None


def config_warnings(config: PlatformConfig) -> list[str]:
    """``<field path>: <reason>`` of each setting that is valid but unusual (it may not work)."""
    return location_warnings(config)


def load_config(path: str | Path) -> PlatformConfig:
    """Read, parse and validate the config file; raise ConfigError with one clear line.

    Warnings do not stop synth: each is printed to stderr as ``config warning: <field>: <reason>``.
    """
    config = validate(PlatformConfig, parse_yaml(Path(path)), Path(path))
    for warning in config_warnings(config):
        print(f"config warning: {warning}", file=sys.stderr)
    return config
