"""Names shared by the monitoring accounts and the teams' accounts for retraining (book ch12, XA-11).

Plain Python: the hosting account's trigger function and the team account's trigger role are
built from the same names, so each side can name the other without a cross-account lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import PlatformConfig
from .cross_account import role_arn
from .naming import partition_for

FUNCTION_PURPOSE = "retraining-trigger"  # function and its role in test/prod
TRIGGER_ROLE_PURPOSE = "retraining-trigger"  # role in the team account


@dataclass(frozen=True)
class RetrainingTarget:
    """What the trigger function of a hosting account needs for one monitored endpoint."""

    endpoint: str
    team: str
    pipeline_arn: str
    role_arn: str
    window_seconds: int


def pipeline_arn(config: PlatformConfig, team_account: str, pipeline: str) -> str:
    region = config.organisation.region
    return f"arn:{partition_for(region)}:sagemaker:{region}:{team_account}:pipeline/{pipeline.lower()}"


def function_role_arn(config: PlatformConfig, environment: str, account: str) -> str:
    role = config.naming(environment, account).resource(FUNCTION_PURPOSE)
    return role_arn(account, role, config.organisation.region)


def targets_for(config: PlatformConfig, environment: str) -> list[RetrainingTarget]:
    """Retraining of the endpoints hosted in one environment (test or prod)."""
    hosted = {e.name for e in config.endpoints if e.account.value == environment}
    builds = {b.name: b for b in config.model_builds}
    teams = {t.name: t.account_id for t in config.accounts.data_science}
    found = []
    for retraining in config.retraining:
        if retraining.endpoint not in hosted:
            continue
        build = builds[retraining.pipeline]
        account = teams[build.team]
        role = config.naming(build.team, account).resource(TRIGGER_ROLE_PURPOSE)
        found.append(
            RetrainingTarget(
                endpoint=retraining.endpoint,
                team=build.team,
                pipeline_arn=pipeline_arn(config, account, build.name),
                role_arn=role_arn(account, role, config.organisation.region),
                window_seconds=retraining.window_hours * 3600,
            )
        )
    return found
