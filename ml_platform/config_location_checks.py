"""Where the config's ARNs, image URIs and S3 locations may point (issue #18, defect 4).

Every location the config accepts is checked against the platform it describes: its partition
and region (``organisation.region``), its accounts, and the buckets, registries and roles the
platform creates. A location that can never work is an **error** (the usual one-line
``ConfigError``); one that works only with something the platform does not set up is a
**warning**: ``load_config`` prints it and synth goes on (``location_warnings`` returns them).

What decides each rule (docs/decisions.md "Where config ARNs and URIs may point"):

- Partitions are hard boundaries: "You cannot use IAM credentials from one partition to
  interact with resources in a different partition" (AWS Fault Isolation Boundaries,
  https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html).
  Any ARN in another partition is an error.
- SageMaker: "The model artifacts in an Amazon S3 bucket and the Docker image for inference
  container in Amazon EC2 Container Registry must be in the same region as the model or endpoint
  you are creating" (ContainerDefinition, SageMaker API Reference,
  https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html). An
  image or model package in another region is an error. The platform sets no ``ImageConfig``,
  so ``RepositoryAccessMode`` is ``Platform``: "The model image is hosted in Amazon ECR"
  (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ImageConfig.html); an image
  URI outside ECR is an error.
- IAM: a cross-account request needs an allow in the caller's identity policy *and* the
  resource's policy (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html);
  within one account either one is enough ("If either the identity-based policy or the
  resource-based policy within the same account allows the request ... the request is still
  allowed", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html).
  The platform's roles carry no AWS managed policies and their S3 and ECR grants name exact
  buckets and registry accounts (``constructs/sagemaker_scope.py``); the S3 gateway endpoint
  has no policy (``constructs/ml_vpc.py``), so the roles' grants alone decide. Hence: a
  *platform* bucket or registry the role has no grant for can never work (error, naming the
  buckets that would); a bucket the platform does not create can work only if it is in the
  role's own account and its bucket policy names the role (warning) - unless two accounts'
  roles must read it (a model hosted in test and prod): one of them is then cross-account
  without a grant (error).
- Model packages of a registry the platform does not manage, images in accounts the config
  does not know (AWS publishes Deep Learning Containers from its own accounts), a CodeConnections
  connection or Lake Formation admin outside its usual account, an observability sink in an
  account that links to it: unusual, not impossible (warnings). CodeConnections connections
  are global ("You only have to create a connection once, and then you can use it in any AWS
  Region", https://docs.aws.amazon.com/dtconsole/latest/userguide/welcome-connections-how-it-works-global.html),
  so a connection ARN naming another region is fine.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .config_location_platform import ARTEFACTS, INFERENCE, MONITORING, PROJECTS, Finding, PlatformLocations
from .naming import url_suffix_for

if TYPE_CHECKING:
    from .config import PlatformConfig
    from .schema.hosting import ModelConfig

__all__ = ["check_locations", "location_warnings"]

_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr[.-]ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.(?P<domain>[a-z0-9.-]+)/"
    r"[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})?$"
)
_PACKAGE_ARN = re.compile(
    r"^arn:(?P<partition>[a-z-]+):sagemaker:(?P<region>[^:]+):(?P<account>\d{12}):model-package/(?P<group>[^/]+)/"
)


def _model_locations(p: PlatformLocations, i: int, model: ModelConfig) -> list[Finding | None]:
    path, hosts = f"models[{i}]", p.model_hosts(model.name)
    who = f"the models' role of {' and '.join(hosts)}"
    findings: list[Finding | None] = []
    if model.model_package_arn is not None:
        findings.append(_package(p, f"{path}.model_package_arn", model.model_package_arn, hosts))
    if model.image_uri is not None:
        findings.append(_image(p, f"{path}.image_uri", model.image_uri, hosts, who))
    if model.model_data_url is not None:
        allowed = [(p.bucket("shared", p.shared, ARTEFACTS), "")]
        if len(hosts) == 1:
            allowed.append((p.bucket(hosts[0], p.hosting[hosts[0]], INFERENCE), ""))
        readers = tuple(p.hosting[h] for h in hosts)
        findings.append(p.s3(f"{path}.model_data_url", model.model_data_url, allowed, who, readers))
    return findings


def _package(p: PlatformLocations, path: str, arn: str, hosts: tuple[str, ...]) -> Finding | None:
    match = _PACKAGE_ARN.match(arn)
    assert match is not None, "the schema admits only model package ARNs"
    partition, region, account, group = match.group("partition", "region", "account", "group")
    if wrong := p.wrong_partition(path, partition):
        return wrong
    if region != p.region:
        return Finding(
            path,
            f"the package is in region {region}; the hosting accounts create models in {p.region}, and SageMaker "
            "needs a model's artefacts and image in the model's region",
            error=True,
        )
    owner = p.owners.get(account)
    team = next((t for t, a in p.teams.items() if a == account), None)
    if team is not None:
        built = {b.model_package_group.lower() for b in p.config.model_builds if b.team == team}
        if group.lower() in built:
            return None
        reason = (
            f"group '{group}' is not the model_package_group of a model_builds entry of team '{team}', so the "
            "platform gives test and prod no access to it (its group policy must grant them)"
        )
    elif account in p.hosting.values() and {p.hosting[h] for h in hosts} == {account}:
        return None  # a package of the one account that hosts the model
    elif owner is not None:
        reason = (
            f"account {account} is {owner}, not a team's model registry; the platform gives "
            f"{' and '.join(hosts)} no access to its packages (its group policy must grant them)"
        )
    else:
        reason = (
            f"account {account} is not an account of this config; {' and '.join(hosts)} can deploy the package "
            "only if its group policy grants them and its artefacts and image are where the models' role may read"
        )
    return Finding(path, reason, error=False)


def _image(p: PlatformLocations, path: str, uri: str, hosts: tuple[str, ...], who: str) -> Finding | None:
    match = _ECR_IMAGE.match(uri)
    if match is None or match["domain"] not in ("on.aws", url_suffix_for(match["region"])):
        return Finding(
            path,
            f"not an Amazon ECR image URI (<account>.dkr.ecr.{p.region}.{url_suffix_for(p.region)}/"
            "<repository>:<tag>); "
            "the platform's models pull their image from ECR only",
            error=True,
        )
    account, region = match["account"], match["region"]
    if region != p.region:
        return Finding(
            path,
            f"the image is in region {region}; SageMaker needs a model's image in the model's region ({p.region})",
            error=True,
        )
    allowed = [p.shared] + ([p.hosting[hosts[0]]] if len(hosts) == 1 else [])
    if account in allowed:
        return None
    registries = f"shared services ({p.shared})" + (f" or {hosts[0]} ({allowed[1]})" if len(allowed) > 1 else "")
    owner = p.owners.get(account)
    if owner is not None:
        return Finding(
            path,
            f"account {account} is {owner}; {who} pulls images only from {registries}",
            error=True,
        )
    return Finding(
        path,
        f"account {account} is not an account of this config: {who} can pull only images AWS publishes for "
        f"SageMaker (e.g. Deep Learning Containers) from there; the platform's images are in {registries}",
        error=False,
    )


def _hosting_locations(p: PlatformLocations) -> list[Finding | None]:
    findings: list[Finding | None] = []
    for i, model in enumerate(p.config.models):
        findings += _model_locations(p, i, model)
    for i, endpoint in enumerate(p.config.endpoints):
        settings, env = endpoint.async_inference, endpoint.account.value
        if settings is None:
            continue
        allowed = [(p.bucket(env, p.hosting[env], INFERENCE), "")]
        for field in ("output_path", "failure_path"):
            uri = getattr(settings, field)
            if uri is not None:
                where = f"endpoints[{i}].async_inference.{field}"
                findings.append(p.s3(where, uri, allowed, f"the models' role of {env}", (p.hosting[env],)))
    endpoints = {e.name: e.account.value for e in p.config.endpoints}
    for i, monitor in enumerate(p.config.monitors):
        env = endpoints[monitor.endpoint]
        allowed = [(p.bucket(env, p.hosting[env], MONITORING), "")]
        for field in ("baseline", "ground_truth"):
            uri = getattr(monitor, field)
            if uri is not None:
                where, who = f"monitors[{i}].{field}", f"the monitoring role of {env}"
                findings.append(p.s3(where, uri, allowed, who, (p.hosting[env],)))
    return findings


def _build_locations(p: PlatformLocations) -> list[Finding | None]:
    findings: list[Finding | None] = []
    for i, build in enumerate(p.config.model_builds):
        team, account = build.team, p.teams[build.team]
        allowed = [(p.bucket(team, account, PROJECTS), ""), (p.bucket("shared", p.shared, ARTEFACTS), f"{team}/")]
        who = f"the job role of team '{team}'"
        if build.input_data is not None:
            findings.append(p.s3(f"model_builds[{i}].input_data", build.input_data, allowed, who, (account,)))
        if build.batch_transform is not None:
            where = f"model_builds[{i}].batch_transform.input_data"
            findings.append(p.s3(where, build.batch_transform.input_data, allowed, who, (account,)))
    pipeline = p.config.platform_pipeline
    if pipeline is not None and pipeline.connection_arn is not None:
        path, (_, partition, _, _, account, _) = (
            "platform_pipeline.connection_arn",
            pipeline.connection_arn.split(":", 5),
        )
        findings.append(p.wrong_partition(path, partition))
        if account != p.shared:
            reason = (
                f"the connection is in account {account}; the platform pipeline runs in shared services "
                f"({p.shared}) and can use another account's connection only if that account shares it"
            )
            findings.append(Finding(path, reason, error=False))
    return findings


def _account_locations(p: PlatformLocations) -> list[Finding | None]:
    findings: list[Finding | None] = []
    for i, admin in enumerate(p.config.data_lake.admins):
        path, (_, partition, _, _, account, _) = f"data_lake.admins[{i}]", admin.split(":", 5)
        findings.append(p.wrong_partition(path, partition))
        if account != p.data_lake:
            reason = (
                f"the role is in account {account}, not the data lake account ({p.data_lake}) whose Lake Formation "
                "admins these are; other accounts get access through Lake Formation grants"
            )
            findings.append(Finding(path, reason, error=False))
    sink = p.config.observability.sink_arn
    if sink is not None:
        path, (_, partition, _, _, account, _) = "observability.sink_arn", sink.split(":", 5)
        findings.append(p.wrong_partition(path, partition))
        if account in (*p.hosting.values(), *p.teams.values()):
            reason = (
                f"the sink is in {p.owners[account]}, which itself links to the sink as a source account; "
                "a sink belongs in a monitoring account (shared services, or your organisation's)"
            )
            findings.append(Finding(path, reason, error=False))
    return findings


def _findings(config: PlatformConfig) -> list[Finding]:
    p = PlatformLocations(config)
    found = [*_hosting_locations(p), *_build_locations(p), *_account_locations(p)]
    return [f for f in found if f is not None]


def check_locations(config: PlatformConfig) -> None:
    """Raise the first location that can never work as ``<field path>: <reason>``."""
    for finding in _findings(config):
        if finding.error:
            raise ValueError(str(finding))


def location_warnings(config: PlatformConfig) -> list[str]:
    """``<field path>: <reason>`` of each location that is unusual but may work (a valid config)."""
    return [str(f) for f in _findings(config) if not f.error]
