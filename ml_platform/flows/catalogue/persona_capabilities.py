"""The persona capability table (XC-9, book ch2): one request per capability, evaluated for
every persona role and the jobs role of every team, and the table of
docs/data-science-account.md generated from the engine's decisions (issue #17).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ...role_names import JOB_ROLE_SUFFIX, persona_role_suffix
from ...schema.studio import Persona
from ..model import ContextValue, Expect, Flow, Role
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
    applies: Callable[[Team], bool] = lambda team: True  # False: the team's config turns it off for everyone


def _uses_feature_store(team: Team) -> bool:
    return next(t.feature_store for t in team.platform.config.accounts.data_science if t.name == team.slug)


def _receives_portfolio(team: Team) -> bool:
    shared = team.platform.config.service_catalog.share_with
    return shared is None or team.slug in shared  # None: every team (the default)


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
        _uses_feature_store,  # accounts.data_science[].feature_store
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
    Capability(  # model governance: only the approver sets the production stage (docs/model-governance.md)
        "model registry: register in the production lifecycle stage",
        frozenset({Persona.ML_ENGINEER}),
        lambda t: (
            "sagemaker:CreateModelPackage",
            t.sm("model-package/weather-pollution/7"),
            {
                "sagemaker:ModelApprovalStatus": "PendingManualApproval",
                "sagemaker:ModelLifeCycle:stage": t.platform.config.model_lifecycle.production_stage,
            },
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
        "SageMaker Projects: browse the portfolio's products (Service Catalog)",
        _builders(),
        lambda t: ("servicecatalog:SearchProducts", "*", {}),
        _receives_portfolio,  # service_catalog.share_with
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
    expect = Expect.ALLOW if who in capability.allowed and capability.applies(team) else Expect.DENY
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


TABLE_START = "<!-- persona-capabilities:start (generated from the runtime flows: make docs) -->"
TABLE_END = "<!-- persona-capabilities:end -->"
_HEADERS = {
    Persona.DATA_SCIENTIST: "data_scientist",
    Persona.ML_ENGINEER: "ml_engineer",
    Persona.PLATFORM_ADMIN: "platform_admin",
    JOBS: "jobs role",
}


def capability_table(decisions: Mapping[str, str], teams: list[str]) -> str:
    """The persona table of docs/data-science-account.md from the engine's decisions (flow name ->
    Allowed/...): a capability is ticked when the engine allows it in every team's account."""
    lines = [TABLE_START, "| capability | " + " | ".join(_HEADERS[w] for w in WHO) + " |", "|---|" + "---|" * len(WHO)]
    for capability in CAPABILITIES:
        cells = []
        for who in WHO:
            label = who if who == JOBS else Persona(who).value
            allowed = {decisions[f"{AREA} {team}: {label}: {capability.name}"] == "Allowed" for team in teams}
            cells.append("✓" if allowed == {True} else "" if allowed == {False} else "some teams")
        lines.append(f"| {capability.name} | " + " | ".join(cells) + " |")
    return "\n".join([*lines, TABLE_END])
