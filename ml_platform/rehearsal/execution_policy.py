"""Scoped CloudFormation execution policies, one set per account kind (issue #18).

``cdk bootstrap --cloudformation-execution-policies`` gives the bootstrap's CloudFormation
execution role (``cdk-hnb659fds-cfn-exec-role-<account>-<region>``) the managed policies
CloudFormation deploys every stack with; CDK's default is AdministratorAccess. The README asks
teams to prefer a policy their security team scopes. These are generated from the same data as
the launch-role rehearsal: for each account kind, every IAM action the handlers of every
resource type of that kind's stacks need (``handler_permissions``, for create, update and
delete; ``SKIPS`` is the one table of what is left out), plus what CloudFormation itself does
with the execution role for a CDK app:

- invoke the functions behind custom resources (``LEGACY_HANDLERS``: ``lambda:InvokeFunction``);
- read the outputs ``Fn::GetStackOutput`` names (``cloudformation:DescribeStacks``: the function's
  ``RoleArn`` "defaults to the current stack's execution role",
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html).

Nothing else: the CLI's deploy role creates and executes the change sets and reads the SSM
parameters CloudFormation resolves, and the file and image publishing roles upload the assets
(bootstrap/template.yaml). The policies are action-scoped (``Resource: "*"``): which resources
each stack may touch is the templates' business, and a changed name must not need a new policy.

Compression never widens: ``service:Prefix*`` is written only where every action the IAM
reference data (of the pinned engine) knows with that prefix is needed anyway, and the whole
service as ``service:*`` only when every one of its actions is. (A wildcard does cover actions
AWS adds later under that prefix; ``--check`` shows such a change as a diff when the reference
data is upgraded.) Output is sorted and deterministic; ``scripts/execution_policies.py`` writes
``bootstrap/execution-policy-<kind>[-<n>].json`` and, with ``--check``, fails when they are stale.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..assembly.cloud_assembly import CloudAssembly, StackInstance
from ..assembly.iam_documents import IamDocuments
from ..assembly.policy_limits import MANAGED_POLICY_MAX, policy_length
from ..assembly.resolver import Resolver
from ..context import PROJECT_ROOT
from ..deploy_order import execution_policy_files as checked_in_files
from ..deploy_order import execution_policy_names as policy_names
from ..deploy_order import kind_slug
from ..flows.model import Role, allow
from ..flows.simulate import Simulator, run_engine
from ..naming import partition_for
from ..topology import AccountKind, AccountRole
from .bootstrap import execution_role_arn
from .findings import Finding, LinkKind
from .handler_permissions import action_name, known_action, needed_actions, service_actions

POLICY_DIR = PROJECT_ROOT / "bootstrap"
GET_STACK_OUTPUT = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html"
MAX_POLICIES = 5  # "a handful": the role holds no other managed policy, IAM allows 10 per role
EXECUTION_ROLE_LOGICAL_ID = "CloudFormationExecutionRole"  # in bootstrap/template.yaml


@dataclass(frozen=True)
class ExecutionNeed:
    """One IAM action a stack's deployment needs from the execution role, and what needs it."""

    action: str  # as the IAM reference spells it
    stack: str  # <stage>/<stack>
    logical_id: str
    resource_type: str
    handlers: tuple[str, ...]


# -- what each account kind's stacks need -----------------------------------------------------------


def stacks_of_kind(assembly: CloudAssembly, roles: Sequence[AccountRole], kind: AccountKind) -> list[StackInstance]:
    """The stacks CloudFormation deploys in the accounts of ``kind`` with the execution role
    (every stage of that kind, and app-level stacks in those accounts such as the platform
    pipeline); not product launches (the launch role deploys them) nor the bootstrap stack."""
    accounts = {r.account_id for r in roles if r.kind == kind}
    return [s for s in assembly.stacks if s.account in accounts and s.stage not in ("Products", "Bootstrap")]


@dataclass(frozen=True)
class BeyondSchema:
    """What a resource's handlers need beyond its schema's list, as the service documents it.
    ``actions`` may end in ``*`` (every action of the IAM reference data with that prefix)."""

    resource_type: str
    applies: Callable[[StackInstance, Mapping[str, Any]], bool]
    actions: tuple[str, ...]
    handlers: tuple[str, ...]
    why: str


def _grants_another_account(stack: StackInstance, props: Mapping[str, Any]) -> bool:
    principal = props.get("Principal", {}).get("DataLakePrincipalIdentifier")
    if not isinstance(principal, str):
        return False
    account = principal if re.fullmatch(r"\d{12}", principal) else principal.split(":")[4] if ":" in principal else ""
    return bool(account) and account != stack.account


# "To share Data Catalog resources with version 3 or above of the Cross account version settings,
# the grantor requires to have the IAM permissions defined in the AWS managed policy
# AWSLakeFormationCrossAccountManager" (Lake Formation Developer Guide, cross-account prerequisites:
# https://docs.aws.amazon.com/lake-formation/latest/dg/cross-account-share-prerequisistes.html; the
# policy: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLakeFormationCrossAccountManager.html).
LF_CROSS_ACCOUNT = (
    "ram:CreateResourceShare",
    "ram:UpdateResourceShare",
    "ram:DeleteResourceShare",
    "ram:AssociateResourceShare",
    "ram:DisassociateResourceShare",
    "ram:AssociateResourceSharePermission",
    "glue:PutResourcePolicy",
    "glue:DeleteResourcePolicy",
    "organizations:DescribeOrganization",
    "organizations:DescribeAccount",
    "ram:Get*",
    "ram:List*",
)
BEYOND_SCHEMA: tuple[BeyondSchema, ...] = (
    BeyondSchema(
        "AWS::LakeFormation::PrincipalPermissions",
        _grants_another_account,
        LF_CROSS_ACCOUNT,
        ("create", "delete"),
        "a grant to another account shares the table through AWS RAM (cross-account version 3+)",
    ),
    # Application Auto Scaling "also needs ... permissions for the target service" (Application
    # Auto Scaling User Guide, identity-based policy examples:
    # https://docs.aws.amazon.com/autoscaling/application/userguide/security_iam_id-based-policy-examples.html):
    # for a SageMaker variant, what AWSApplicationAutoScalingSageMakerEndpointPolicy lists.
    BeyondSchema(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        lambda stack, props: props.get("ServiceNamespace") == "sagemaker",
        (
            "sagemaker:DescribeEndpoint",
            "sagemaker:DescribeEndpointConfig",
            "sagemaker:UpdateEndpointWeightsAndCapacities",
        ),
        ("create", "update"),
        "registering a variant as a scalable target checks it with the caller's SageMaker permissions",
    ),
)


def _beyond_schema(stack: StackInstance, logical_id: str, kind: str, props: Mapping[str, Any]) -> list[ExecutionNeed]:
    found = []
    for extra in BEYOND_SCHEMA:
        if extra.resource_type != kind or not extra.applies(stack, props):
            continue
        for pattern in extra.actions:
            service, name = pattern.split(":", 1)
            actions = (
                [a for a in service_actions(service) if a.split(":", 1)[1].startswith(name[:-1])]
                if name.endswith("*")
                else [action_name(pattern)]
            )
            found += [ExecutionNeed(a, stack.key, logical_id, kind, extra.handlers) for a in actions]
    return found


def execution_needs(stacks: Iterable[StackInstance], region: str) -> list[ExecutionNeed]:
    """Every action deploying, updating and deleting ``stacks`` asks of the execution role."""
    found: list[ExecutionNeed] = []
    for stack in stacks:
        for logical_id, resource in stack.resources.items():
            kind = resource["Type"]
            if kind == "AWS::CDK::Metadata":
                continue
            # Raw properties: a property set under a condition counts as set (the policy must
            # serve whichever way the condition goes).
            needed, _ = needed_actions(kind, resource.get("Properties", {}), region)
            for need in needed:
                if not known_action(need.action):
                    raise ValueError(
                        f"{stack.key} {logical_id} ({kind}): {need.action} is not in the IAM reference data; "
                        "add it to handler_permissions.SKIPS or STAND_INS with a reason"
                    )
                found.append(ExecutionNeed(action_name(need.action), stack.key, logical_id, kind, need.handlers))
            found += _beyond_schema(stack, logical_id, kind, resource.get("Properties", {}))
        if _uses(stack.template, "Fn::GetStackOutput"):
            found.append(
                ExecutionNeed(
                    "cloudformation:DescribeStacks",
                    stack.key,
                    "(Fn::GetStackOutput)",
                    "AWS::CloudFormation::Stack",
                    ("create", "update"),
                )
            )
    return found


def _uses(value: Any, function: str) -> bool:
    if isinstance(value, dict):
        return function in value or any(_uses(v, function) for v in value.values())
    if isinstance(value, list):
        return any(_uses(v, function) for v in value)
    return False


# -- compression and documents -------------------------------------------------------------------------

_WORD = re.compile(r"[A-Z][a-z0-9]*|[a-z0-9]+")


def compress(actions: Iterable[str]) -> list[str]:
    """Sorted action patterns covering exactly ``actions`` among the actions the IAM reference
    knows: ``service:*`` when every action of the service is needed, else per action the
    shortest CamelCase-word prefix (``ec2:DescribeNetwork*``) whose every action is needed."""
    by_service: dict[str, set[str]] = {}
    for action in actions:
        service, name = action.split(":", 1)
        by_service.setdefault(service, set()).add(name)
    patterns: list[str] = []
    for service, names in sorted(by_service.items()):
        known = [a.split(":", 1)[1] for a in service_actions(service)]
        lowered = {n.lower() for n in names}
        if known and all(k.lower() in lowered for k in known):
            patterns.append(f"{service}:*")
            continue
        chosen: set[str] = set()
        for name in sorted(names):
            words = _WORD.findall(name)
            for count in range(1, len(words) + 1):
                prefix = "".join(words[:count]).lower()
                covered = [k for k in known if k.lower().startswith(prefix)]
                # Every name under a prefix checks the same shorter prefixes first, so the
                # chosen patterns never overlap.
                if len(covered) > 1 and all(k.lower() in lowered for k in covered):
                    chosen.add(name[: len(prefix)] + "*")
                    break
            else:
                chosen.add(name)
        patterns += [f"{service}:{pattern}" for pattern in sorted(chosen, key=str.lower)]
    return patterns


def _sid(service: str, part: int) -> str:
    base = "".join(word.capitalize() for word in re.split(r"[^A-Za-z0-9]+", service) if word)
    return base if part == 0 else f"{base}{part + 1}"


def policy_documents(patterns: Sequence[str], limit: int = MANAGED_POLICY_MAX) -> list[dict[str, Any]]:
    """The patterns as managed policy documents, one statement per service (services in
    alphabetical order, a service split over statements only when it alone is over the
    limit), each document within ``limit`` characters as IAM counts them."""
    by_service: dict[str, list[str]] = {}
    for pattern in patterns:
        by_service.setdefault(pattern.split(":", 1)[0], []).append(pattern)
    statements: list[dict[str, Any]] = []
    room = limit - policy_length(_document([]))
    for service, actions in sorted(by_service.items()):
        part = 0
        current: list[str] = []
        for action in actions:
            if current and policy_length(_statement(service, part, [*current, action])) + 1 > room:
                statements.append(_statement(service, part, current))
                part, current = part + 1, []
            current.append(action)
        statements.append(_statement(service, part, current))
    documents: list[list[dict[str, Any]]] = [[]]
    for statement in statements:
        if documents[-1] and policy_length(_document([*documents[-1], statement])) > limit:
            documents.append([])
        documents[-1].append(statement)
    return [_document(d) for d in documents]


def _statement(service: str, part: int, actions: Sequence[str]) -> dict[str, Any]:
    return {"Sid": _sid(service, part), "Effect": "Allow", "Action": list(actions), "Resource": "*"}


def _document(statements: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def generate(
    assembly: CloudAssembly, roles: Sequence[AccountRole], region: str
) -> dict[AccountKind, list[dict[str, Any]]]:
    """Account kind -> its execution policy documents (kinds the config has)."""
    found: dict[AccountKind, list[dict[str, Any]]] = {}
    for kind in AccountKind:
        if not any(r.kind == kind for r in roles):
            continue
        needs = execution_needs(stacks_of_kind(assembly, roles, kind), region)
        documents = policy_documents(compress({n.action for n in needs}))
        if len(documents) > MAX_POLICIES:
            raise ValueError(f"{kind.value}: {len(documents)} execution policies, over the {MAX_POLICIES} planned")
        found[kind] = documents
    return found


# -- files and names ----------------------------------------------------------------------------------


def policy_files(documents: Mapping[AccountKind, Sequence[Mapping[str, Any]]]) -> dict[Path, str]:
    """File -> content: ``execution-policy-<kind>.json``, or ``-<kind>-<n>.json`` for several."""
    files: dict[Path, str] = {}
    for kind, docs in documents.items():
        for index, document in enumerate(docs, start=1):
            suffix = "" if len(docs) == 1 else f"-{index}"
            files[POLICY_DIR / f"execution-policy-{kind_slug(kind)}{suffix}.json"] = (
                json.dumps(document, indent=2) + "\n"
            )
    return files


def stale_files(wanted: Mapping[Path, str], directory: Path = POLICY_DIR) -> list[str]:
    """What differs between ``wanted`` and the files in ``directory``: missing, changed or extra."""
    problems = []
    for path, content in sorted(wanted.items()):
        target = directory / path.name
        if not target.exists():
            problems.append(f"{target.name} is missing")
        elif target.read_text(encoding="utf-8") != content:
            problems.append(f"{target.name} differs from what the templates need")
    names = {p.name for p in wanted}
    problems += [
        f"{p.name} is no longer generated"
        for p in sorted(directory.glob("execution-policy-*.json"))
        if p.name not in names
    ]
    return problems


def execution_policy_files(kind: AccountKind, directory: Path = POLICY_DIR) -> list[Path]:
    """The checked-in policy files of ``kind``, in order."""
    return checked_in_files(kind, directory)


def execution_policy_documents(kind: AccountKind, directory: Path = POLICY_DIR) -> list[dict[str, Any]]:
    """The checked-in execution policy documents of ``kind`` (what operators create)."""
    files = execution_policy_files(kind, directory)
    if not files:
        raise FileNotFoundError(
            f"no execution policy for {kind.value} in {directory}: run scripts/execution_policies.py"
        )
    return [json.loads(p.read_text(encoding="utf-8")) for p in files]


def execution_policy_names(kind: AccountKind, directory: Path = POLICY_DIR) -> list[str]:
    """IAM names of the policies, in file order: ``ml-platform-cfn-execution``, ``...-2``, ..."""
    return policy_names(len(execution_policy_files(kind, directory)))


def execution_policy_arns(kind: AccountKind, account: str, region: str, directory: Path = POLICY_DIR) -> list[str]:
    partition = partition_for(region)
    return [f"arn:{partition}:iam::{account}:policy/{name}" for name in execution_policy_names(kind, directory)]


def bootstrap_execution_policies(roles: Sequence[AccountRole], region: str) -> dict[str, str]:
    """Account -> the comma-separated ARNs for ``--cloudformation-execution-policies``
    (``bootstrap.bootstrap_stacks(execution_policies=...)``)."""
    return {r.account_id: ",".join(execution_policy_arns(r.kind, r.account_id, region)) for r in roles}


def execution_policy_stack(
    kind: AccountKind,
    account: str,
    region: str,
    documents: Sequence[Mapping[str, Any]] | None = None,
) -> StackInstance:
    """The customer managed policies an operator creates in ``account`` before bootstrapping
    it, as a stack the IAM engine reads like any other (``IamDocuments.managed_policies``):
    default, the checked-in documents of ``kind``."""
    docs = list(documents) if documents is not None else execution_policy_documents(kind)
    names = policy_names(len(docs))
    resources = {
        f"ExecutionPolicy{i}": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {"ManagedPolicyName": name, "PolicyDocument": dict(document)},
        }
        for i, (name, document) in enumerate(zip(names, docs, strict=True), start=1)
    }
    return StackInstance(
        stage="Bootstrap",
        stack_id=f"ExecutionPolicies-{account}",
        stack_name=f"execution-policies-{account}",  # created with the CLI, not a stack: a name for messages
        account=account,
        region=region,
        template={"Resources": resources},
        source=f"bootstrap/execution-policy-{kind_slug(kind)}*.json",
    )


# -- the rehearsal check ------------------------------------------------------------------------------


def check_execution_role(
    stacks: Sequence[StackInstance], bootstrap: StackInstance, policies: StackInstance
) -> list[Finding]:
    """Whether the bootstrap stack's CloudFormation execution role, created with the managed
    policies of ``policies`` (``execution_policy_stack``; the bootstrap stack's
    ``CloudFormationExecutionPolicies`` parameter must name them, see
    ``bootstrap_execution_policies``), may do everything deploying ``stacks`` (of the same
    account) needs. One finding per stack and missing action, naming the resources that need it."""
    return check_execution_roles([(stacks, bootstrap, policies)])


def check_execution_roles(
    accounts: Sequence[tuple[Sequence[StackInstance], StackInstance, StackInstance]],
) -> list[Finding]:
    """``check_execution_role`` for several accounts (stacks, bootstrap stack, policies) with
    one run of the IAM engine."""
    checks = execution_role_checks(accounts)
    answers = run_engine([(str(n), request) for n, (request, _) in enumerate(checks)])
    return [f for n, (_, findings) in enumerate(checks) if answers[str(n)]["decision"] != "Allowed" for f in findings]


def execution_role_checks(
    accounts: Sequence[tuple[Sequence[StackInstance], StackInstance, StackInstance]],
) -> list[tuple[dict[str, Any], list[Finding]]]:
    """Per account and needed action, the engine request for the execution role and the
    findings (one per stack that needs the action) to report if it is denied."""
    checks: list[tuple[dict[str, Any], list[Finding]]] = []
    for stacks, bootstrap, policies in accounts:
        role_arn = execution_role_arn(bootstrap.account, bootstrap.region)
        role_name = role_arn.rsplit("/", 1)[-1]
        simulator = Simulator(_documents(bootstrap, policies), None, [bootstrap.account])
        by_action: dict[str, dict[str, list[ExecutionNeed]]] = {}
        for need in execution_needs(stacks, bootstrap.region):
            by_action.setdefault(need.action, {}).setdefault(need.stack, []).append(need)
        for action, by_stack in sorted(by_action.items()):
            flow = allow(
                f"{role_arn} {action}", Role(role_arn), action, "*", "CloudFormation deploys the stacks with it"
            )
            findings = []
            for stack, items in sorted(by_stack.items()):
                users = ", ".join(
                    sorted({f"{n.logical_id} ({n.resource_type}, {'/'.join(n.handlers)})" for n in items})
                )
                message = f"{role_name} may not {action}, needed by {users}"
                findings.append(Finding(stack, LinkKind.EXECUTION_PERMISSION, message))
            checks.append((simulator.request(flow), findings))
    return checks


def _documents(bootstrap: StackInstance, policies: StackInstance) -> IamDocuments:
    """The IAM documents of the bootstrap's execution role (and of a boundary policy the
    template may create), with the policies it is given: the other bootstrap roles carry AWS
    managed policies the engine need not know."""
    template = dict(bootstrap.template)
    template["Resources"] = {
        k: v
        for k, v in bootstrap.template["Resources"].items()
        if k == EXECUTION_ROLE_LOGICAL_ID or v["Type"] == "AWS::IAM::ManagedPolicy"
    }
    assembly = CloudAssembly(PROJECT_ROOT, [policies, replace(bootstrap, template=template)])
    return IamDocuments(assembly, Resolver(assembly), honour_conditions=True)
