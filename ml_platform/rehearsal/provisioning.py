"""Self-service provisioning rehearsed (issue #18): every product version the hub offers (current
and released), launched in every account the portfolio is shared with, as the launch role its
launch constraint names.

Service Catalog assumes the launch role and calls CloudFormation with it; CloudFormation has no
service role for the provisioned stack, so it creates, updates and deletes the product's
resources with those same credentials ("AWS Service Catalog Launch Constraints",
https://docs.aws.amazon.com/servicecatalog/latest/adminguide/constraints-launch.html: the role
"must have permissions to use ... AWS CloudFormation, Services in the AWS CloudFormation template
for the product, Read access to the AWS CloudFormation template in a service-owned Amazon S3
bucket"). So the launch role, within its permissions boundary, must be allowed every call a
launch makes (``launch_requests``).

A launch that would stop halfway (``... is not authorized to perform ...`` in the provisioned
product's events, the resources created so far rolled back) fails here instead, one finding per
missing permission.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..assembly.cloud_assembly import StackInstance
from ..flows.model import Flow
from ..flows.platform import Platform
from ..flows.simulate import Simulator, run_engine
from .findings import Finding, LinkKind
from .launch_requests import LaunchRequest, launch_requests


@dataclass(frozen=True)
class _Launch:
    stack: StackInstance
    product_name: str
    version: str
    role_arn: str | None

    @property
    def where(self) -> str:
        return f"product {self.product_name} {self.version}"


class _LaunchSimulator(Simulator):
    """The flows' simulator, without its guard against hand-written flows that name resources
    no stack creates: every ARN here comes from the launched template itself, or is one its
    handler creates (a policy version, a network interface)."""

    def _check_exists(self, flow: Flow) -> None:
        return None


EngineCheck = tuple[dict[str, Any], Finding]  # an IAM engine request, and the finding if it is denied


def check_launches(platform: Platform) -> list[Finding]:
    """Every call of every launch of every offered product version that the launch role (with
    its boundary) is not allowed, as findings; empty when every launch can succeed."""
    _, findings, checks = launch_checks(platform)
    answers = run_engine([(str(n), request) for n, (request, _) in enumerate(checks)])
    denied = [finding for n, (_, finding) in enumerate(checks) if answers[str(n)]["decision"] != "Allowed"]
    return findings + sorted(denied, key=lambda f: f.line())


def launch_checks(platform: Platform) -> tuple[list[tuple[str, str]], list[Finding], list[EngineCheck]]:
    """Every launch (where, account); what is wrong without asking the engine (a launch
    without a launch role); and every call of every launch as an engine request with the
    finding to report if it is denied (``make rehearse`` decides them with its other
    requests, in one engine run)."""
    findings: list[Finding] = []
    requests: list[LaunchRequest] = []
    launches = _launches(platform)
    for launch in launches:
        if launch.role_arn is None:
            message = "no launch constraint names a role: the launch would run with the end user's credentials"
            findings.append(Finding(launch.where, LinkKind.LAUNCH_PERMISSION, message))
            continue
        if launch.role_arn not in platform.documents.roles:
            message = f"launch role {launch.role_arn} is created by no stack of account {launch.stack.account}"
            findings.append(Finding(launch.where, LinkKind.LAUNCH_PERMISSION, message))
            continue
        # A provisioned product is updated from or to the product's other offered versions.
        others = [
            o.stack
            for o in launches
            if o.stack.account == launch.stack.account
            and o.product_name == launch.product_name
            and o.stack is not launch.stack
        ]
        requests += launch_requests(platform, launch.stack, launch.where, launch.role_arn, others)
    simulator = _LaunchSimulator(platform.documents, platform.organization_id, [r.account_id for r in platform.roles])
    unique = list({r.name: r for r in requests}.values())
    places = sorted({(launch.where, launch.stack.account) for launch in launches})
    return places, findings, [(simulator.request(r.flow()), _denied(r)) for r in unique]


def evaluate_requests(platform: Platform, requests: Sequence[LaunchRequest]) -> list[Finding]:
    """The requests the engine does not allow, one finding each (sorted)."""
    simulator = _LaunchSimulator(platform.documents, platform.organization_id, [r.account_id for r in platform.roles])
    unique = list({r.name: r for r in requests}.values())
    answers = run_engine([(r.name, simulator.request(r.flow())) for r in unique])
    return sorted((_denied(r) for r in unique if answers[r.name]["decision"] != "Allowed"), key=lambda f: f.line())


def _denied(request: LaunchRequest) -> Finding:
    role = request.role_arn.rsplit("/", 1)[-1]
    what = f"{'/'.join(request.handlers)} of {request.logical_id} ({request.resource_type})"
    message = f"{role} in {request.account} may not {request.action} on {request.resource}, needed by {what}"
    return Finding(request.where, LinkKind.LAUNCH_PERMISSION, message)


# -- which launches -------------------------------------------------------------------------------


def _launches(platform: Platform) -> list[_Launch]:
    """Each launch stack (``product_launches``: stage "Products", ID ``<product>@<version>``)
    with its product's name and the launch role its constraint names, in its account."""
    products: dict[str, str] = {}  # product logical ID -> name
    roles: dict[str, tuple[StackInstance, Any]] = {}  # product logical ID -> (hub, role name or ARN)
    for stack in platform.assembly.stacks:
        if stack.stage == "Products":
            continue
        for logical_id, resource in stack.resources.items():
            props = resource.get("Properties", {})
            if resource["Type"] == "AWS::ServiceCatalog::CloudFormationProduct":
                products[logical_id] = platform.resolver.resolve_text(stack, props["Name"])
            elif resource["Type"] == "AWS::ServiceCatalog::LaunchRoleConstraint":
                product = props["ProductId"].get("Ref") if isinstance(props["ProductId"], dict) else None
                if product is not None:
                    roles[product] = (stack, props.get("LocalRoleName") or props.get("RoleArn"))
    launches = []
    for stack in platform.assembly.stacks:
        if stack.stage != "Products":
            continue
        product, version = stack.stack_id.split("@", 1)
        role_arn = None
        if product in roles:
            hub, value = roles[product]
            role = platform.resolver.resolve_text(hub, value)
            partition = platform.partition
            role_arn = role if role.startswith("arn:") else f"arn:{partition}:iam::{stack.account}:role/{role}"
        launches.append(_Launch(stack, products.get(product, product), version, role_arn))
    return launches
