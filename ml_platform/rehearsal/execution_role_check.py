"""The deploy rehearsal's check of the bootstrap's CloudFormation execution role (issue #18).

The role is given the checked-in execution policies (``execution_policy``): the rehearsal
creates them as a stack of customer managed policies, names them in the bootstrap stack's
``CloudFormationExecutionPolicies`` parameter, and asks the IAM engine whether the role may do
everything deploying the account's stacks needs (``execution_needs``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..assembly.cloud_assembly import CloudAssembly, StackInstance
from ..assembly.iam_documents import IamDocuments
from ..assembly.resolver import Resolver
from ..context import PROJECT_ROOT
from ..deploy_order import execution_policy_names as policy_names
from ..deploy_order import kind_slug
from ..flows.model import Role, allow
from ..flows.simulate import Simulator, run_engine
from ..topology import AccountKind, AccountRole
from .bootstrap import execution_role_arn
from .execution_needs import ExecutionNeed, execution_needs
from .execution_policy import execution_policy_arns, execution_policy_documents
from .findings import Finding, LinkKind

EXECUTION_ROLE_LOGICAL_ID = "CloudFormationExecutionRole"  # in bootstrap/template.yaml


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
