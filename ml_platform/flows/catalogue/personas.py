"""What each persona of a data science account may and may not do (XC-9, book ch2), and the
escalations that must stay closed (issue #17).

``CAPABILITIES`` is the table of docs/data-science-account.md: one request per capability,
evaluated for every persona role and the jobs role of every team. The docs table is checked
against the flows (tests/flows), so the page cannot promise what IAM does not grant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ...role_names import JOB_ROLE_SUFFIX, LABELING_ROLE_SUFFIX, persona_role_suffix
from ...schema.studio import Persona
from ..model import ContextValue, Expect, Flow, Role, deny
from ..platform import Platform

AREA = "persona"
JOBS = "jobs role"
WHO = (Persona.DATA_SCIENTIST, Persona.ML_ENGINEER, Persona.PLATFORM_ADMIN, JOBS)
XC9 = "XC-9 personas (book ch2); docs/data-science-account.md"


@dataclass(frozen=True)
class Team:
    """The names a team's flows need, from the config and the synthesized templates."""

    platform: Platform
    slug: str

    @property
    def stage(self) -> str:
        return f"DataScience-{self.slug}"

    @property
    def account(self) -> str:
        return self.platform.account(self.slug)

    def role(self, who: Persona | str) -> Role:
        suffix = JOB_ROLE_SUFFIX if who == JOBS else persona_role_suffix(Persona(who))
        return self.platform.role(self.slug, f"sm-{suffix}")

    def sm(self, resource: str) -> str:
        return self.platform.arn("sagemaker", self.account, resource)

    @property
    def subnets(self) -> list[str]:
        return [self.platform.ref(f"{self.stage}/Network/Network/Vpc/PrivateSubnet{i}/Subnet") for i in (1, 2)]

    @property
    def studio_key(self) -> str:
        return self.platform.key(self.stage, "StudioKey")

    @property
    def bucket(self) -> str:
        return self.platform.bucket(self.stage, "Projects")

    @property
    def domain(self) -> str:
        return self.platform.attr(f"{self.stage}/Studio/Domain/Domain", "DomainId")

    @property
    def in_vpc(self) -> dict[str, ContextValue]:
        return {"sagemaker:VpcSubnets": self.subnets, "sagemaker:VolumeKmsKeyArn": self.studio_key}


@dataclass(frozen=True)
class Capability:
    """A row of the persona table: one request, and who may make it."""

    name: str
    allowed: frozenset[Persona | str]
    request: Callable[[Team], tuple[str, str, Mapping[str, ContextValue]]]  # action, resource, context


def _builders(*extra: Persona | str) -> frozenset[Persona | str]:
    return frozenset({Persona.DATA_SCIENTIST, Persona.ML_ENGINEER, *extra})


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "Studio apps and spaces",
        _builders(Persona.PLATFORM_ADMIN),
        lambda t: ("sagemaker:CreateApp", t.sm(f"app/{t.domain}/user/JupyterLab/default"), {}),
    ),
    Capability(
        "list / search / metrics",
        frozenset(WHO),
        lambda t: ("sagemaker:ListTrainingJobs", "*", {}),
    ),
    Capability(
        "processing, training, tuning jobs (VPC subnets and volume key required)",
        _builders(JOBS),
        lambda t: ("sagemaker:CreateTrainingJob", t.sm("training-job/aq-train-1"), t.in_vpc),
    ),
    Capability(
        "Experiments, lineage",
        _builders(JOBS),
        lambda t: ("sagemaker:CreateExperiment", t.sm("experiment/aq-experiment"), {}),
    ),
    Capability(
        "Feature Store read/write",
        _builders(JOBS),
        lambda t: ("sagemaker:PutRecord", t.sm("feature-group/team-features"), {}),
    ),
    Capability(
        "model registry: register (pending approval)",
        _builders(JOBS),
        lambda t: (
            "sagemaker:CreateModelPackage",
            t.sm("model-package/weather-pollution/7"),
            {"sagemaker:ModelApprovalStatus": "PendingManualApproval"},
        ),
    ),
    Capability(
        "model registry: approve (`UpdateModelPackage`)",
        frozenset({Persona.ML_ENGINEER}),
        lambda t: (
            "sagemaker:UpdateModelPackage",
            t.sm("model-package/weather-pollution/7"),
            {"sagemaker:ModelApprovalStatus": "Approved"},
        ),
    ),
    Capability(
        "pipelines: run",
        _builders(JOBS),
        lambda t: ("sagemaker:StartPipelineExecution", t.sm("pipeline/weather-pipeline"), {}),
    ),
    Capability(
        "pipelines: create/update/delete",
        frozenset({Persona.ML_ENGINEER}),
        lambda t: ("sagemaker:CreatePipeline", t.sm("pipeline/aq-experimental"), {}),
    ),
    Capability(
        "test endpoints in this account",
        frozenset({Persona.ML_ENGINEER}),
        lambda t: ("sagemaker:CreateEndpoint", t.sm("endpoint/aq-smoke-test"), {}),
    ),
    Capability(
        "SageMaker Projects from the portfolio's templates",
        _builders(),
        lambda t: ("sagemaker:CreateProject", t.sm("project/aq-project"), {}),
    ),
    Capability(
        "shared curated tables (Athena workgroup, Lake Formation)",
        _builders(JOBS),
        lambda t: (
            "athena:StartQueryExecution",
            t.platform.arn("athena", t.account, f"workgroup/{t.platform.naming(t.slug).resource('curated-queries')}"),
            {},
        ),
    ),
    Capability(
        "central feature store roles",
        _builders(JOBS),
        lambda t: ("sts:AssumeRole", t.platform.role("datalake", "fs-writer").arn, {}),
    ),
    Capability(
        "team bucket: read",
        frozenset(WHO),
        lambda t: ("s3:GetObject", f"arn:aws:s3:::{t.bucket}/datasets/openaq.parquet", {}),
    ),
    Capability(
        "team bucket: write",
        _builders(JOBS),
        lambda t: ("s3:PutObject", f"arn:aws:s3:::{t.bucket}/datasets/openaq.parquet", {}),
    ),
    Capability(
        "pass the jobs role (to SageMaker only)",
        _builders(JOBS),
        lambda t: (
            "iam:PassRole",
            t.role(JOBS).arn,
            {"iam:PassedToService": "sagemaker.amazonaws.com"},
        ),
    ),
    Capability(
        "manage Studio user profiles and the domain",
        frozenset({Persona.PLATFORM_ADMIN}),
        lambda t: ("sagemaker:UpdateUserProfile", t.sm(f"user-profile/{t.domain}/ana-scientist"), {}),
    ),
)


def capability_flow(team: Team, capability: Capability, who: Persona | str) -> Flow:
    action, resource, context = capability.request(team)
    label = who if isinstance(who, str) and who == JOBS else Persona(who).value
    expect = Expect.ALLOW if who in capability.allowed else Expect.DENY
    return Flow(
        f"{AREA} {team.slug}: {label}: {capability.name}",
        team.role(who),
        action,
        resource,
        expect,
        XC9,
        context=context,
        area=AREA,
    )


def _escalations(t: Team) -> list[Flow]:
    """Issue #17, defect 2, and the other ways up the persona ladder."""
    ds, mle, admin, jobs = (t.role(w) for w in WHO)
    sagemaker = {"iam:PassedToService": "sagemaker.amazonaws.com"}
    approved = {"sagemaker:ModelApprovalStatus": "Approved"}
    package = t.sm("model-package/weather-pollution/8")
    e = f"{AREA} {t.slug}: escalation:"
    why = "issue #17: each persona passes only the roles its own work needs; approval starts the release"
    flows = [
        deny(f"{e} data scientist passes the ML engineer role", ds, "iam:PassRole", mle.arn, why, context=sagemaker),
        deny(f"{e} data scientist passes the platform admin role", ds, "iam:PassRole", admin.arn, why, context=sagemaker),
        deny(f"{e} ML engineer passes the platform admin role", mle, "iam:PassRole", admin.arn, why, context=sagemaker),
        deny(f"{e} jobs role passes a persona role", jobs, "iam:PassRole", mle.arn, why, context=sagemaker),
        deny(
            f"{e} data scientist passes the jobs role to Lambda",
            ds,
            "iam:PassRole",
            jobs.arn,
            "PassRole only to SageMaker (iam:PassedToService), WA-SEC-7",
            context={"iam:PassedToService": "lambda.amazonaws.com"},
        ),
        deny(f"{e} data scientist registers a model already approved", ds, "sagemaker:CreateModelPackage", package, why, context=approved),
        deny(f"{e} jobs role registers a model already approved", jobs, "sagemaker:CreateModelPackage", package, why, context=approved),
        deny(f"{e} jobs role approves a model", jobs, "sagemaker:UpdateModelPackage", package, why, context=approved),
        deny(
            f"{e} data scientist starts a job without VPC subnets",
            ds,
            "sagemaker:CreateTrainingJob",
            t.sm("training-job/aq-open"),
            "WA-SEC-1/9: jobs run in the private subnets with a volume key",
            context={"sagemaker:VolumeKmsKeyArn": t.studio_key},
        ),
        deny(
            f"{e} data scientist starts a job without a volume key",
            ds,
            "sagemaker:CreateProcessingJob",
            t.sm("processing-job/aq-plain"),
            "WA-SEC-1/9: jobs run in the private subnets with a volume key",
            context={"sagemaker:VpcSubnets": t.subnets},
        ),
        deny(f"{e} data scientist creates an IAM role", ds, "iam:CreateRole", f"arn:aws:iam::{t.account}:role/mine", why),
        deny(f"{e} data scientist deletes the Studio domain", ds, "sagemaker:DeleteDomain", t.sm(f"domain/{t.domain}"), XC9),
        deny(
            f"{e} data scientist reads the team bucket without TLS",
            ds,
            "s3:GetObject",
            f"arn:aws:s3:::{t.bucket}/datasets/openaq.parquet",
            "TLS-only buckets (non-negotiable 4, S3 bucket policy aws:SecureTransport)",
            context={"aws:SecureTransport": "false"},
        ),
    ]
    if t.platform.account_role(t.slug).team_config is not None and t.platform.account_role(t.slug).team_config.labeling:  # type: ignore[union-attr]
        labeling = t.platform.role(t.slug, f"sm-{LABELING_ROLE_SUFFIX}")
        flows.append(
            Flow(
                f"{AREA} {t.slug}: data scientist passes the labeling role to SageMaker",
                ds,
                "iam:PassRole",
                labeling.arn,
                Expect.ALLOW,
                "docs/labeling.md: data scientists start labeling jobs with the labeling role",
                context=sagemaker,
                area=AREA,
            )
        )
    return flows


def _across_teams(platform: Platform) -> list[Flow]:
    """A team's roles reach nothing of another team (book ch14: one account per team)."""
    teams = [Team(platform, r.slug) for r in platform.teams()]
    flows: list[Flow] = []
    for reader, owner in zip(teams, teams[1:] + teams[:1], strict=True):
        if reader.slug == owner.slug:
            continue
        why = "book ch14: teams are isolated by account; no bucket or key policy names another team"
        flows += [
            deny(
                f"{AREA} {reader.slug}: data scientist reads {owner.slug}'s bucket",
                reader.role(Persona.DATA_SCIENTIST),
                "s3:GetObject",
                f"arn:aws:s3:::{owner.bucket}/datasets/openaq.parquet",
                why,
            ),
            deny(
                f"{AREA} {reader.slug}: jobs role writes {owner.slug}'s bucket",
                reader.role(JOBS),
                "s3:PutObject",
                f"arn:aws:s3:::{owner.bucket}/models/stolen.tar.gz",
                why,
            ),
            deny(
                f"{AREA} {reader.slug}: data scientist decrypts with {owner.slug}'s data key",
                reader.role(Persona.DATA_SCIENTIST),
                "kms:Decrypt",
                platform.key(owner.stage, "DataKey"),
                why,
                context={"kms:ViaService": f"s3.{platform.region}.amazonaws.com"},
            ),
        ]
    return flows


def flows(platform: Platform) -> list[Flow]:
    found: list[Flow] = []
    for account in platform.teams():
        team = Team(platform, account.slug)
        found += [capability_flow(team, c, who) for c in CAPABILITIES for who in WHO]
        found += _escalations(team)
    return found + _across_teams(platform)
