"""Model governance on the release path (issue #22, capability 3; docs/model-governance.md).

Allowed: the release machine reads a governed version's card and stage across accounts (its task
flow comes from release.py, whose resource this module derives), the approver persona moves a
version to production, builders and pipelines register in a development stage. Denied: builders,
the jobs role and the notebook products setting the production stage (or any unknown stage), a
builder changing a registered version (its card status included), the release role changing a
package.
"""

from __future__ import annotations

from ...release import ReleasedGroup, released_groups
from ...role_names import JOB_ROLE_SUFFIX, persona_role_suffix
from ...schema.studio import Persona
from ..model import ContextValue, Flow, Role, allow, deny, in_area
from ..platform import Platform
from ..simulate import FlowError

AREA = "governance"
STAGE_KEY, STATUS_KEY = "sagemaker:ModelLifeCycle:stage", "sagemaker:ModelApprovalStatus"
CREATE, UPDATE, DESCRIBE = (
    "sagemaker:CreateModelPackage",
    "sagemaker:UpdateModelPackage",
    "sagemaker:DescribeModelPackage",
)
STAGES = (
    "https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-staging-construct-set-up.html: "
    "sagemaker:ModelLifeCycle:stage on CreateModelPackage and UpdateModelPackage"
)
APPROVER = f"issue #22: only the approver persona (ml_engineer, book ch8) marks a version for production; {STAGES}"
BUILDERS = f"issue #22: builders and pipelines set only development stages; {STAGES}"
CARD = "issue #22: a registered version's card is changed (approved) only by the approver (UpdateModelPackage)"
READ = "issue #22: the release machine only reads the card and stage; approval stays in the team account (REG-4)"


def governed(platform: Platform) -> list[ReleasedGroup]:
    return [g for g in released_groups(platform.config) if g.production_stage is not None or g.require_model_card]


def described_package(platform: Platform, machine_name: str) -> str:
    """The package a release machine's DescribePackage state reads: a version of its own group."""
    for group in governed(platform):
        if machine_name.endswith(f"release-{group.team}-{group.group}"):
            return platform.arn("sagemaker", group.account, f"model-package/{group.group.lower()}/1")
    raise FlowError(f"{machine_name}: describes a model package, but releases no governed group")


def flows(platform: Platform) -> list[Flow]:
    out: list[Flow] = []
    lifecycle = platform.config.model_lifecycle
    development, production = lifecycle.development_stages[0], lifecycle.production_stage
    for group in governed(platform):
        team, g = group.team, group.group
        package = platform.arn("sagemaker", group.account, f"model-package/{g.lower()}/3")
        scientist = platform.role(team, f"sm-{persona_role_suffix(Persona.DATA_SCIENTIST)}")
        engineer = platform.role(team, f"sm-{persona_role_suffix(Persona.ML_ENGINEER)}")
        jobs = platform.role(team, f"sm-{JOB_ROLE_SUFFIX}")
        pending: dict[str, ContextValue] = {STATUS_KEY: "PendingManualApproval", STAGE_KEY: development}
        to_production: dict[str, ContextValue] = {STATUS_KEY: "Approved", STAGE_KEY: production}
        out += [
            allow(
                f"{g}: ml_engineer approves for production", engineer, UPDATE, package, APPROVER, context=to_production
            ),
            allow(
                f"{g}: ml_engineer moves a version to {development}",
                engineer,
                UPDATE,
                package,
                APPROVER,
                context={STAGE_KEY: development},
            ),
            allow(
                f"{g}: data scientist registers in {development}", scientist, CREATE, package, BUILDERS, context=pending
            ),
            allow(f"{g}: jobs role registers in {development}", jobs, CREATE, package, BUILDERS, context=pending),
        ]
        to_production_pending: dict[str, ContextValue] = {STATUS_KEY: "PendingManualApproval", STAGE_KEY: production}
        for who, role in (("data scientist", scientist), ("jobs role", jobs)):
            out.append(
                deny(
                    f"{g}: {who} registers in {production}",
                    role,
                    CREATE,
                    package,
                    BUILDERS,
                    context=to_production_pending,
                )
            )
        out += [
            deny(
                f"{g}: data scientist moves a version to {production}",
                scientist,
                UPDATE,
                package,
                APPROVER,
                context={STAGE_KEY: production},
            ),
            deny(f"{g}: data scientist approves a card", scientist, UPDATE, package, CARD),
            deny(
                f"{g}: ml_engineer sets an unknown stage",
                engineer,
                UPDATE,
                package,
                APPROVER,
                context={STAGE_KEY: "yolo"},
            ),
            deny(f"{g}: release role changes a package", _release_role(platform), UPDATE, package, READ),
        ]
    return in_area(AREA, out)


def _release_role(platform: Platform) -> Role:
    return Role(platform.attr("SharedServices/ModelRelease/ReleaseRole/Resource"))
