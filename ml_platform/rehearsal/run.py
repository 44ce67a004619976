"""``make rehearse``: the documented deploy walked offline, stack by stack, then the first
releases (issue #18).

Phase one deploys from an empty organisation: the bootstrap stacks, then every wave of
``deploy_order`` (``sequence``), each stack checked against what exists before it
(``checks``), the SSM reads decided by the IAM engine for the role that deploys it (the
target account's bootstrap deploy role, for ``cdk deploy`` and the pipeline alike).

Phase two releases (``releases``): an approval starts the group's state machine, whose every
call is decided by the engine; the test and prod parameters then hold the package and each
hosting stack is updated by the account's deployer role, with the same checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..assembly.cloud_assembly import CloudAssembly, StackInstance, product_launches
from ..assembly.iam_documents import IamDocuments
from ..assembly.resolver import Resolver
from ..config import PlatformConfig
from ..flows.model import Flow, Role, allow
from ..flows.platform import Platform
from ..flows.simulate import PolicyTexts, Simulator, request_key, run_engine
from ..topology import AccountKind, AccountRole, account_roles
from .bootstrap import STACK_NAME as BOOTSTRAP_STACK
from .bootstrap import bootstrap_stacks, deploy_role_arn
from .checks import StackResult, check
from .execution_role_check import bootstrap_execution_policies, execution_policy_stack, execution_role_checks
from .findings import Finding, LinkKind
from .provisioning import launch_checks
from .releases import Release, prerequisites, release_plan, with_parameters
from .sequence import Deployment, deployments
from .world import World

SSM_TYPES = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html"
)
LAUNCH_STEP = "launch (Service Catalog)"
POLICY_STACK = "ExecutionPolicies"  # execution_policy_stack's stack ID prefix
STEP_FUNCTIONS = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-access-cross-acct-resources.html"


@dataclass
class Rehearsal:
    """Every result, in the order the deploy reaches it."""

    results: list[StackResult] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def ok(self) -> bool:
        return not self.findings

    def lines(self, *, stop_at_first: bool = True) -> list[str]:
        """One line per stack: ``ok`` or each broken link; stops after the first broken stack."""
        lines = []
        for result in self.results:
            where = f"{result.where} ({result.account})"
            if not result.findings:
                lines.append(f"ok    {result.step:<34} {where}")
                continue
            lines.append(f"FAIL  {result.step:<34} {where}")
            lines += [f"        {f.kind}: {f.message}" for f in result.findings]
            if stop_at_first:
                break
        return lines


def rehearse(
    config: PlatformConfig,
    assembly: CloudAssembly,
    *,
    via_pipeline: bool = False,
    bootstrap: Sequence[StackInstance] | None = None,
) -> Rehearsal:
    """``assembly``: the synthesized app (``load_assembly``); ``bootstrap``: the bootstrap
    stacks (default: ``bootstrap_with_policies``, as the README documents). The launches and
    releases come after the deploy whichever path it took, so ``via_pipeline`` rehearses the
    deploy order only."""
    roles = account_roles(config)
    region = config.organisation.region
    bootstrap = list(bootstrap if bootstrap is not None else bootstrap_with_policies(roles, region))
    world = World(
        CloudAssembly(assembly.root, [*bootstrap, *assembly.stacks]),
        frozenset(r.account_id for r in roles),
        config.organisation.organization_id,
    )
    engine = _Engine()
    pinned = prerequisites(config)
    first = [
        check(d, world, deploy_role_arn(d.stack.account, region), pinned)
        for d in deployments(config, assembly, via_pipeline=via_pipeline, bootstrap=bootstrap)
    ]
    engine.reads(first, world)
    engine.execution_roles(first, bootstrap, assembly)
    later: list[StackResult] = []
    if not via_pipeline and not any(r.findings for r in first):  # launches and releases need a clean deploy
        later += engine.launches(Platform(config, assembly.with_stacks(product_launches(assembly))), len(first))
        shared = next(r.account_id for r in roles if r.kind == AccountKind.SHARED_SERVICES)
        for release in release_plan(config):
            later += _release(release, world, config, shared, engine, offset=len(first) + len(later))
    results = engine.decide([*first, *later])
    if any(r.findings for r in results[: len(first)]):
        results = results[: len(first)]  # the deploy itself is broken: nothing to launch or release
    if pinned:
        note = "assumed to exist before the deploy (pinned in the config): " + ", ".join(sorted(pinned))
        results.insert(0, StackResult("prerequisite", note, "config", ()))
    return Rehearsal(results)


def bootstrap_with_policies(roles: Sequence[AccountRole], region: str) -> list[StackInstance]:
    """Per account, as the README's step 2: its kind's execution policies (``aws iam
    create-policy``), then its bootstrap stack naming them."""
    toolkits = bootstrap_stacks(roles, region, execution_policies=bootstrap_execution_policies(roles, region))
    stacks: list[StackInstance] = []
    for role, toolkit in zip(roles, toolkits, strict=True):
        stacks += [execution_policy_stack(role.kind, role.account_id, region), toolkit]
    return stacks


def _release(
    release: Release, world: World, config: PlatformConfig, shared: str, engine: _Engine, offset: int
) -> list[StackResult]:
    """The release's calls, then the stacks it updates, checked with the released values."""
    released = World(with_parameters(world.assembly, release.values), world.platform_accounts, world.organization_id)
    calls = release.calls(released, config)
    results = [StackResult(release.title, "SharedServices/ModelRelease state machine", shared, ())] if calls else []
    for stack_name, account, updater in release.updates:
        stack = released.assembly.by_name(stack_name, account=account)
        before = tuple(s for s in released.assembly.stacks if s.key != stack.key)
        results.append(check(Deployment(release.title, stack, before), released, updater, release.artefacts))
    engine.reads(results, released, offset)
    simulator = engine.simulator(released)
    for where, who, action, resource in calls:
        flow = allow(f"{release.title}: {where} {action} {resource}", who, action, resource, STEP_FUNCTIONS)
        name = who.arn.rsplit("/", 1)[-1]
        message = f"{where}: {name} may not {action} on {resource}"
        engine.add(offset, flow, simulator, Finding(results[0].where, LinkKind.EXECUTION_PERMISSION, message))
    return results


# Engine decisions by request, for the process: the README's and the pipeline's rehearsals ask
# mostly the same questions (the engine takes ~2 ms per request; a rehearsal asks ~2,000).
_DECIDED: dict[tuple[str, ...], str] = {}


class _Engine:
    """The IAM engine's requests of a whole rehearsal, decided in one run (one Node process)."""

    def __init__(self) -> None:
        self.pending: list[tuple[int, dict[str, Any], Finding]] = []  # result, engine request, if denied
        self._simulators: dict[int, Simulator] = {}

    def simulator(self, world: World) -> Simulator:
        if id(world) not in self._simulators:
            # Lenient: a value a broken link leaves unresolved is already a finding; the
            # policies around it still decide the other requests.
            resolver = Resolver(world.assembly, strict=False)
            documents = IamDocuments(world.assembly, resolver, honour_conditions=True)
            self._simulators[id(world)] = Simulator(documents, world.organization_id, sorted(world.platform_accounts))
        return self._simulators[id(world)]

    def add(self, index: int, flow: Flow, simulator: Simulator, finding: Finding) -> None:
        self.pending.append((index, simulator.request(flow), finding))

    def reads(self, results: Sequence[StackResult], world: World, offset: int = 0) -> None:
        """Each SSM read of ``results``: the reader must be allowed ssm:GetParameters."""
        simulator = self.simulator(world)
        for index, result in enumerate(results, start=offset):
            for read in result.reads:
                reader = read.reader.rsplit("/", 1)[-1]
                name = f"{result.step}: {read.where} {read.parameter} {reader}"
                flow = allow(name, Role(read.reader), "ssm:GetParameters", read.parameter_arn, SSM_TYPES)
                message = (
                    f"parameter {read.parameter}: {reader} may not ssm:GetParameters {read.parameter_arn} "
                    "(CloudFormation resolves it with the caller's credentials)"
                )
                self.add(index, flow, simulator, Finding(read.where, LinkKind.UNREADABLE_PARAMETER, message))

    def execution_roles(
        self, results: Sequence[StackResult], bootstrap: Sequence[StackInstance], assembly: CloudAssembly
    ) -> None:
        """Each account's CloudFormation execution role may do what its stacks' resource
        handlers need (``execution_policy``); a denial is a finding of each stack that needs it."""
        index = {r.where: i for i, r in enumerate(results)}
        accounts = []
        for toolkit in (s for s in bootstrap if s.stack_name == BOOTSTRAP_STACK):
            policies = next(
                (s for s in bootstrap if s.account == toolkit.account and s.stack_id.startswith(POLICY_STACK)),
                replace(toolkit, stack_id=f"{POLICY_STACK}-none", template={"Resources": {}}),
            )
            deployed = [s for s in assembly.stacks if s.account == toolkit.account and s.key in index]
            accounts.append((deployed, toolkit, policies))
        for request, findings in execution_role_checks(accounts):
            for finding in findings:
                self.pending.append((index[finding.where], request, finding))

    def launches(self, platform: Platform, offset: int) -> list[StackResult]:
        """Every offered product version launched in every account it is shared with."""
        places, findings, checks = launch_checks(platform)
        versions: dict[str, list[str]] = {}
        for where, account in places:
            versions.setdefault(where, []).append(account)
        results = [
            StackResult(LAUNCH_STEP, where, ", ".join(accounts), tuple(f for f in findings if f.where == where))
            for where, accounts in versions.items()
        ]
        index = {r.where: offset + i for i, r in enumerate(results)}
        self.pending += [(index[finding.where], request, finding) for request, finding in checks]
        return results

    def decide(self, results: list[StackResult]) -> list[StackResult]:
        if not self.pending:
            return results
        texts = PolicyTexts(sort_keys=True)
        keys = [request_key(request, texts) for _, request, _ in self.pending]
        unknown = {key: request for key, (_, request, _) in zip(keys, self.pending, strict=True) if key not in _DECIDED}
        answers = run_engine([(str(n), request) for n, request in enumerate(unknown.values())])
        _DECIDED.update({key: answers[str(n)]["decision"] for n, key in enumerate(unknown)})
        denied: dict[int, list[Finding]] = {}
        for key, (index, _, finding) in zip(keys, self.pending, strict=True):
            if _DECIDED[key] == "Allowed":
                continue
            if finding not in denied.setdefault(index, []):
                denied[index].append(finding)
        return [replace(r, findings=(*r.findings, *denied.get(i, []))) for i, r in enumerate(results)]
