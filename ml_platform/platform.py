"""Compose the whole platform: one stage per account, in deploy order, checked by rule packs."""

from __future__ import annotations

import aws_cdk as cdk

from .compliance.rule_packs import register_rule_packs
from .config import REQUIRED_TAGS, STAGE_TAGS, PlatformConfig
from .deploy_order import waves
from .stacks.platform_pipeline import ARTIFACT_LOGS_PREFIX, PIPELINE_STACK_ID, PlatformPipelineStack
from .stages.account_stage import AccountStage
from .stages.data_lake import DataLakeStage
from .stages.data_science import DataScienceStage
from .stages.shared_services import SharedServicesStage
from .stages.workload import WorkloadStage
from .topology import AccountKind, account_roles

STAGE_CLASSES: dict[AccountKind, type[AccountStage]] = {
    AccountKind.SHARED_SERVICES: SharedServicesStage,
    AccountKind.DATA_LAKE: DataLakeStage,
    AccountKind.DATA_SCIENCE: DataScienceStage,
    AccountKind.TEST: WorkloadStage,
    AccountKind.PROD: WorkloadStage,
}


def mandatory_tags(config: PlatformConfig) -> list[str]:
    """The cost-allocation tags every taggable resource must carry (XC-3)."""
    return sorted({*REQUIRED_TAGS, *STAGE_TAGS, *config.tags})


def build_platform(app: cdk.App, config: PlatformConfig, *, rule_packs: bool = True) -> list[AccountStage]:
    """Add every account stage to ``app``; returns them in deploy order."""
    stages = [STAGE_CLASSES[role.kind](app, role, config) for role in account_roles(config)]
    if config.platform_pipeline is not None:
        shared = stages[0]
        # Before the pipeline: CDK Pipelines synthesizes each stage it adds, so a change to a
        # stage made afterwards never reaches its templates (the runtime flows caught this one:
        # the artifact bucket's access logs were refused).
        shared.data.access_logs.allow_logs_from_account_buckets(f"{ARTIFACT_LOGS_PREFIX}/")
        pipeline = PlatformPipelineStack(
            app,
            PIPELINE_STACK_ID,
            shared.stack_context,
            source=config.platform_pipeline,
            stages=stages,
            waves=waves(config),
            env=cdk.Environment(account=shared.role.account_id, region=config.organisation.region),
            access_logs_bucket=shared.naming.bucket("access-logs"),
        )
        for key, value in [*sorted(config.tags.items()), ("Environment", shared.role.environment)]:
            cdk.Tags.of(pipeline).add(key, value)
        cdk.Tags.of(pipeline).add("Team", shared.role.team)
    if rule_packs:
        register_rule_packs(app, required_tags=mandatory_tags(config))
    return stages
