"""Names and contracts shared by the accounts that build, store and release models (book ch14).

Plain Python (no CDK): shared services, the data science accounts and the hosting accounts
each build their half of a cross-account link from these functions, so both halves always
name the same bucket, key alias, repository, bus, role and CloudFormation parameter.

Release path (docs/model-release.md): a model package approved in a team's registry emits an
event that the team account forwards to the shared services bus; a state machine there writes
the package ARN to the group's ``latest`` SSM parameter in the test account (the old value
to ``previous``) and updates the hosting stacks (their ``Released<Model>`` parameters resolve
those SSM values), waits for a person to approve, then does the same in prod. CloudFormation
stays the one owner of every endpoint, and both ``cdk deploy`` and the platform pipeline
resolve the released version.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import PlatformConfig
from .naming import Naming, partition_for, url_suffix_for
from .platform_parameters import NAMESPACE
from .scale import shard_of, shard_stack_id
from .schema.hosting import ModelConfig, ReleaseTrack

ARTEFACTS_PURPOSE = "artefacts"  # bucket and key purpose in shared services
MODEL_EVENTS_PURPOSE = "model-events"  # shared services event bus
RELEASE_ROLE_PURPOSE = "model-release"  # state machine role in shared services
DEPLOYER_ROLE_PURPOSE = "model-deployer"  # role in test/prod the state machine assumes
HOSTING_STACK_ID = "Hosting"  # construct ID of the hosting stack in test and prod
BOOTSTRAP_PARAMETER = "BootstrapVersion"  # every CDK stack has it (default synthesizer)
CDK_QUALIFIER = "hnb659fds"  # default `cdk bootstrap` qualifier


def shared_naming(config: PlatformConfig) -> Naming:
    shared = config.accounts.shared_services.account_id
    return config.naming("shared", shared)


def artefacts_bucket(config: PlatformConfig) -> str:
    """Model artefacts bucket in shared services: teams write, test/prod read (XA-4c)."""
    return shared_naming(config).bucket(ARTEFACTS_PURPOSE)


def artefacts_key_alias(config: PlatformConfig) -> str:
    return shared_naming(config).alias(ARTEFACTS_PURPOSE)


def artefacts_key_alias_arn(config: PlatformConfig) -> str:
    """Alias ARN: usable across accounts where the key ID is unknown at synth (KmsKeyId)."""
    region, shared = config.organisation.region, config.accounts.shared_services.account_id
    return f"arn:{partition_for(region)}:kms:{region}:{shared}:{artefacts_key_alias(config)}"


def repository_name(config: PlatformConfig, repository: str) -> str:
    """ECR repository name under the organisation namespace, e.g. openaq/weather-training."""
    return f"{config.organisation.name}/{repository}"


def image_registry(config: PlatformConfig) -> str:
    """Prefix of every platform image URI; append '<repository>:<tag>'."""
    region, shared = config.organisation.region, config.accounts.shared_services.account_id
    return f"{shared}.dkr.ecr.{region}.{url_suffix_for(region)}/{config.organisation.name}/"


def model_events_bus(config: PlatformConfig) -> str:
    return shared_naming(config).resource(MODEL_EVENTS_PURPOSE)


def model_events_bus_arn(config: PlatformConfig) -> str:
    region, shared = config.organisation.region, config.accounts.shared_services.account_id
    return f"arn:{partition_for(region)}:events:{region}:{shared}:event-bus/{model_events_bus(config)}"


NONE = "none"  # the value of a released-model parameter before anything is released


def released_parameter(model_name: str) -> str:
    """CloudFormation parameter of a hosting stack: the released value of one model."""
    return "Released" + "".join(part.capitalize() for part in model_name.replace("_", "-").split("-"))


def track_ssm_parameter(team: str, group: str, track: str) -> str:
    """SSM parameter in a hosting account: the package ARN a group's track points at, or ``none``."""
    return f"{NAMESPACE}/released-models/{team}/{group}/{track}"


def model_ssm_parameter(model_name: str) -> str:
    """SSM parameter in a hosting account that releases a pinned or image-based model: its
    package ARN or image URI once it may be deployed, ``none`` before."""
    return f"{NAMESPACE}/released-models/{model_name}"


def group_team(config: PlatformConfig, group: str) -> str:
    """The team whose pipeline registers into ``group`` (unique, config validation)."""
    return next(b.team for b in config.model_builds if b.model_package_group == group)


def model_parameter(config: PlatformConfig, model: ModelConfig) -> str:
    """The SSM parameter that holds what a hosting account deploys for ``model``."""
    if model.model_package_group is not None:
        return track_ssm_parameter(
            group_team(config, model.model_package_group), model.model_package_group, model.release
        )
    return model_ssm_parameter(model.name)


def initial_value(model: ModelConfig) -> str:
    """A pinned package is deployable from the start (it must exist); everything else waits."""
    return model.model_package_arn or NONE


@dataclass(frozen=True)
class ReleaseStackTarget:
    """A hosting stack a release updates."""

    stack_name: str
    label: str  # unique per release: "Test", "Prod", "Prod3" (the stack's shard)
    parameters: tuple[str, ...]  # every parameter of the stack (re-resolved from SSM, keys kept)


@dataclass(frozen=True)
class ReleaseTarget:
    """One hosting account a release updates: its group parameters, then its stacks."""

    environment: str  # "test" or "prod" (HostingAccount value)
    account: str
    latest: str  # SSM parameter of the group's latest version
    previous: str  # SSM parameter of the version released before it
    stacks: tuple[ReleaseStackTarget, ...]


@dataclass(frozen=True)
class ReleasedGroup:
    """A model package group whose approved versions are released, and where to (in order)."""

    team: str
    account: str
    group: str
    targets: tuple[ReleaseTarget, ...]
    # Model governance (docs/model-governance.md): the stage a version must be in, and whether its
    # model card must be Approved, before the release deploys it; None: an ungoverned group.
    production_stage: str | None = None
    require_model_card: bool = False


def hosting_stack_id(config: PlatformConfig, environment: str, endpoint: str) -> str:
    """The hosting stack (construct ID) that holds an endpoint (issue #13, ``scale``)."""
    return shard_stack_id(HOSTING_STACK_ID, shard_of(endpoint, config.layout.hosting_stacks(environment)))


def hosted_models(config: PlatformConfig, environment: str, stack_id: str | None = None) -> tuple[str, ...]:
    """Models hosted in one environment (or one of its stacks), sorted."""
    used = {
        model
        for e in config.endpoints
        if e.account.value == environment
        and (stack_id is None or hosting_stack_id(config, environment, e.name) == stack_id)
        for model in e.models
    }
    return tuple(sorted(used))


def released_groups(config: PlatformConfig) -> list[ReleasedGroup]:
    """Every package group a hosted model is released from, with the accounts and stacks to
    update, in release order (test first, then prod)."""
    teams = {t.name: t.account_id for t in config.accounts.data_science}
    by_name = {m.name: m for m in config.models}
    groups: list[ReleasedGroup] = []
    for group in sorted({m.model_package_group for m in config.models if m.model_package_group}):
        team = group_team(config, group)
        targets = []
        for environment, hosting in (("test", config.accounts.test), ("prod", config.accounts.prod)):
            naming = config.naming(environment, hosting.account_id)
            stacks = []
            for stack_id in sorted(
                {
                    hosting_stack_id(config, environment, e.name)
                    for e in config.endpoints
                    if e.account.value == environment
                }
            ):
                hosted = hosted_models(config, environment, stack_id)
                if not any(by_name[m].model_package_group == group for m in hosted):
                    continue
                label = environment.capitalize() + stack_id.removeprefix(HOSTING_STACK_ID)
                parameters = (BOOTSTRAP_PARAMETER, *(released_parameter(m) for m in hosted))
                stacks.append(ReleaseStackTarget(naming.stack(stack_id), label, parameters))
            if stacks:
                latest, previous = (track_ssm_parameter(team, group, t) for t in ReleaseTrack)
                targets.append(ReleaseTarget(environment, hosting.account_id, latest, previous, tuple(stacks)))
        if targets:
            governance = next(b.governance for b in config.model_builds if b.model_package_group == group)
            stage = config.model_lifecycle.production_stage if governance else None
            card = governance is not None and governance.require_model_card
            groups.append(ReleasedGroup(team, teams[team], group, tuple(targets), stage, card))
    return groups
