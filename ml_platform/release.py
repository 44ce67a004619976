"""Names and contracts shared by the accounts that build, store and release models (book ch14).

Plain Python (no CDK): shared services, the data science accounts and the hosting accounts
each build their half of a cross-account link from these functions, so both halves always
name the same bucket, key alias, repository, bus, role and CloudFormation parameter.

Release path (docs/model-release.md): a model package approved in a team's registry emits an
event that the team account forwards to the shared services bus; a state machine there writes
the package ARN to the released-model SSM parameter of the test account and updates the
hosting stack (its ``ModelPackage<Model>`` parameter resolves that SSM value), waits for a
person to approve, then does the same in prod. CloudFormation stays the one owner of every
endpoint, and both ``cdk deploy`` and the platform pipeline resolve the released version.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import PlatformConfig
from .naming import Naming, partition_for
from .platform_parameters import NAMESPACE
from .scale import shard_of, shard_stack_id

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
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"{shared}.dkr.ecr.{region}.{suffix}/{config.organisation.name}/"


def model_events_bus(config: PlatformConfig) -> str:
    return shared_naming(config).resource(MODEL_EVENTS_PURPOSE)


def model_events_bus_arn(config: PlatformConfig) -> str:
    region, shared = config.organisation.region, config.accounts.shared_services.account_id
    return f"arn:{partition_for(region)}:events:{region}:{shared}:event-bus/{model_events_bus(config)}"


def released_parameter(model_name: str) -> str:
    """CloudFormation parameter of a hosting stack that holds a released model package ARN."""
    return "ModelPackage" + "".join(part.capitalize() for part in model_name.replace("_", "-").split("-"))


def released_ssm_parameter(model_name: str) -> str:
    """SSM parameter in a hosting account holding the released package ARN of a model."""
    return f"{NAMESPACE}/released-models/{model_name}"


@dataclass(frozen=True)
class ReleaseTarget:
    """One hosting stack the release of a model package group updates."""

    environment: str  # "test" or "prod" (HostingAccount value)
    account: str
    stack_name: str
    label: str  # unique per release: "Test", "Prod", "Prod3" (the stack's shard)
    released: tuple[str, ...]  # SSM parameters set to the approved package ARN
    parameters: tuple[str, ...]  # every parameter of the stack (re-resolved, values kept)


@dataclass(frozen=True)
class ReleasedGroup:
    """A model package group whose approved versions are released, and where to."""

    team: str
    account: str
    group: str
    targets: tuple[ReleaseTarget, ...]


def hosting_stack_id(config: PlatformConfig, environment: str, endpoint: str) -> str:
    """The hosting stack (construct ID) that holds an endpoint (issue #13, ``scale``)."""
    return shard_stack_id(HOSTING_STACK_ID, shard_of(endpoint, config.layout.hosting_stacks(environment)))


def released_models(config: PlatformConfig, environment: str, stack_id: str | None = None) -> tuple[str, ...]:
    """Models hosted in one environment (or one of its stacks) that follow releases, sorted."""
    following = {m.name for m in config.models if m.follow_releases}
    used = {
        v.model
        for e in config.endpoints
        if e.account.value == environment
        and (stack_id is None or hosting_stack_id(config, environment, e.name) == stack_id)
        for v in e.variants
        if v.model in following
    }
    return tuple(sorted(used))


def released_groups(config: PlatformConfig) -> list[ReleasedGroup]:
    """Every group some hosted model follows, with the stacks to update in release order."""
    teams = {t.account_id: t.name for t in config.accounts.data_science}
    groups: list[ReleasedGroup] = []
    keys = sorted({(m.package_account, m.package_group) for m in config.models if m.follow_releases})
    for account, group in keys:
        assert account is not None and group is not None
        models = {
            m.name
            for m in config.models
            if m.follow_releases and (m.package_account, m.package_group) == (account, group)
        }
        targets = []
        for environment, hosting in (("test", config.accounts.test), ("prod", config.accounts.prod)):
            naming = config.naming(environment, hosting.account_id)
            stack_ids = sorted(
                {
                    hosting_stack_id(config, environment, e.name)
                    for e in config.endpoints
                    if e.account.value == environment
                }
            )
            for stack_id in stack_ids:
                hosted = released_models(config, environment, stack_id)
                released = tuple(released_ssm_parameter(m) for m in hosted if m in models)
                if not released:
                    continue
                parameters = (BOOTSTRAP_PARAMETER, *(released_parameter(m) for m in hosted))
                label = environment.capitalize() + stack_id.removeprefix(HOSTING_STACK_ID)
                stack = naming.stack(stack_id)
                targets.append(ReleaseTarget(environment, hosting.account_id, stack, label, released, parameters))
        if targets:
            groups.append(ReleasedGroup(teams[account], account, group, tuple(targets)))
    return groups
