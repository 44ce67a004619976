"""Run every flow through the IAM policy engine in one Node process (issue #17).

For each flow: the principal's identity policies and permissions boundary (from the resolved
templates), the resource's policy (bucket, key, topic, queue, bus, repository, model package
group, role trust, function permission, sink) and the request context, handed to
``@cloud-copilot/iam-simulate`` by ``scripts/iam_simulate.mjs``. Test-time only: the engine
is AGPL-3.0 and is not part of what the platform deploys.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..assembly.iam_documents import IamDocuments, resource_key
from ..assembly.resolver import UnresolvableError
from ..context import PROJECT_ROOT, venv_node_executable
from .model import ContextValue, Expect, Flow, OutsideRole, Role, Service

SCRIPT = PROJECT_ROOT / "scripts" / "iam_simulate.mjs"
BOOTSTRAP_NAME = "cdk-hnb659fds-"  # the default bootstrap qualifier's resource names
EVERYTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


class FlowError(ValueError):
    """A flow that names something no stack creates, or that the engine cannot evaluate."""


@dataclass(frozen=True)
class Outcome:
    flow: Flow
    decision: str  # Allowed | ExplicitlyDenied | ImplicitlyDenied | Error
    detail: Mapping[str, Any]

    @property
    def as_expected(self) -> bool:
        if self.decision == "Error":
            return False
        return (self.decision == "Allowed") == (self.flow.expect == Expect.ALLOW)

    def explain(self) -> str:
        """Why the engine decided as it did: the deciding statements, and for a denial the
        statements that nearly matched and the conditions that did not."""
        f, d = self.flow, self.detail
        lines = [f"{f.name}: expected {f.expect.value}, engine says {self.decision}"]
        lines.append(f"  {_who(f)} -> {f.action} on {f.resource}")
        if self.decision == "Error":
            lines.append(f"  engine error: {json.dumps(d.get('errors'))[:2000]}")
            return "\n".join(lines)
        for grant in d.get("grants", []):
            lines.append(f"  allowed by {grant['policyType']} {grant.get('policyIdentifier', '')} {_statement(grant)}")
        service = isinstance(f.principal, Service)
        for denial in d.get("denials", []):
            if denial.get("denialType") == "Explicit":
                lines.append(f"  explicitly denied by {denial['policyType']} {_statement(denial)}")
            elif not (service and denial["policyType"] == "identity"):  # a service principal has none
                lines.append(f"  no statement of the {denial['policyType']} policies allows it")
        for miss in (m for m in d.get("nearMisses", []) if m.get("effect") == "Allow"):
            where = f"{miss['policyType']} {miss.get('policyId') or ''} statement {miss.get('sid')}".replace("  ", " ")
            if miss.get("principalMatch") != "Match":
                lines.append(f"  {where}: principal does not match")
            for c in miss.get("failedConditions", []):
                absent = c.get("missingKey") or c.get("actual") is None
                got = "the request has no such key" if absent else f"the request has {c['actual']!r}"
                lines.append(f"  {where}: {c['operator']} {c['key']} wants {c.get('expected')!r}, {got}")
        if d.get("ignoredContextKeys"):
            lines.append(f"  context keys that do not apply to this action: {d['ignoredContextKeys']}")
        lines.append(f"  why it must be {f.expect.value}: {f.why}")
        return "\n".join(lines)


def _who(flow: Flow) -> str:
    p = flow.principal
    return p.name if isinstance(p, Service) else p.arn


def _statement(entry: Mapping[str, Any]) -> str:
    return f"statement {entry.get('statementId') or '#' + str(entry.get('statementIndex'))}"


def _policy(document: Mapping[str, Any]) -> dict[str, Any]:
    """A document as the engine expects it (a single statement becomes a list)."""
    statements = document.get("Statement", [])
    return {**document, "Statement": statements if isinstance(statements, list) else [statements]}


class PolicyTexts:
    """Each policy document's JSON text, computed once per document object: a rehearsal names the
    same few dozen documents in ~10,000 requests (issue #23). It holds every document it saw, so no
    id is reused while it lives; use one per batch of requests, as a document may change between."""

    def __init__(self, *, sort_keys: bool = False) -> None:
        self._sort_keys = sort_keys
        self._texts: dict[int, tuple[Mapping[str, Any], str]] = {}

    def __call__(self, document: Mapping[str, Any]) -> str:
        found = self._texts.get(id(document))
        if found is None:
            found = self._texts[id(document)] = (document, json.dumps(document, sort_keys=self._sort_keys))
        return found[1]


def with_policies(simulation: Mapping[str, Any], replace: Callable[[Mapping[str, Any]], Any]) -> dict[str, Any]:
    """``simulation`` with each of its policy documents replaced by ``replace(document)``."""
    shared = dict(simulation)
    for field in ("identityPolicies", "permissionBoundaryPolicies"):
        if field in simulation:
            shared[field] = [{**p, "policy": replace(p["policy"])} for p in simulation[field]]
    if simulation.get("resourcePolicy") is not None:
        shared["resourcePolicy"] = replace(simulation["resourcePolicy"])
    return shared


def request_key(simulation: Mapping[str, Any], texts: PolicyTexts) -> tuple[str, ...]:
    """A key equal for equal requests only: the request's canonical text with each policy document
    replaced by its position (a number where a request holds an object), then each document's
    canonical text (``texts`` sorts keys) in that order. The texts are not escaped into the request's
    text again: a rehearsal keys ~50,000 requests naming a few dozen long documents (issue #23)."""
    documents: list[str] = []

    def position(document: Mapping[str, Any]) -> int:
        documents.append(texts(document))
        return len(documents) - 1

    return (json.dumps(with_policies(simulation, position), sort_keys=True), *documents)


class Simulator:
    """Builds engine requests from the resolved IAM documents of an assembly."""

    def __init__(self, documents: IamDocuments, organization_id: str | None, platform_accounts: Sequence[str]) -> None:
        self.documents = documents
        self.organization_id = organization_id
        self.platform_accounts = set(platform_accounts)
        # One engine document per source document (held, so its id is not reused): requests then
        # share it, and PolicyTexts serializes it once (issue #23). A simulator is for one assembly as it
        # is: a document changed after use (tests break a copy, in a new assembly) needs a new simulator.
        self._policies: dict[int, tuple[Mapping[str, Any], dict[str, Any]]] = {}

    def _policy(self, document: Mapping[str, Any]) -> dict[str, Any]:
        found = self._policies.get(id(document))
        if found is None:
            found = self._policies[id(document)] = (document, _policy(document))
        return found[1]

    def request(self, flow: Flow) -> dict[str, Any]:
        try:
            return self._request(flow)
        except UnresolvableError as err:
            raise FlowError(f"flow {flow.name!r}: {err}") from None

    def _request(self, flow: Flow) -> dict[str, Any]:
        p = flow.principal
        context: dict[str, ContextValue] = {"aws:SecureTransport": "true"}
        identity: list[dict[str, Any]] = []
        boundary: list[dict[str, Any]] = []
        if isinstance(p, Role):
            role = self.documents.role(p.arn)
            identity = [{"name": d.name, "policy": self._policy(d.document)} for d in role.identity_policies]
            if role.boundary is not None:
                boundary = [{"name": role.boundary.name, "policy": self._policy(role.boundary.document)}]
            context |= self._principal_context(p.arn, p.account, self.organization_id)
            principal = p.arn
        elif isinstance(p, OutsideRole):
            identity = [{"name": "outside-role", "policy": self._policy(p.identity or EVERYTHING)}]
            if p.boundary is not None:
                found = self.documents.managed_policies.get(p.boundary)
                if found is None:
                    raise FlowError(f"flow {flow.name!r}: no stack creates the boundary {p.boundary}")
                boundary = [{"name": p.boundary, "policy": self._policy(found.document)}]
            context |= self._principal_context(p.arn, p.account, p.organization_id)
            principal = p.arn
        else:
            principal = p.name
            context |= {"aws:PrincipalServiceName": p.name, "aws:PrincipalIsAWSService": "true"}
            if p.source_account:
                context["aws:SourceAccount"] = p.source_account
            if p.source_arn:
                context["aws:SourceArn"] = p.source_arn
        if flow.action.startswith("kms:") and not isinstance(p, Service):
            context["kms:CallerAccount"] = p.account
        context |= dict(flow.context)
        simulation: dict[str, Any] = {
            "request": {
                "principal": principal,
                "action": flow.action,
                "resource": {"resource": flow.resource, "accountId": self._resource_account(flow)},
                "contextVariables": context,
            },
            "identityPolicies": identity,
            "serviceControlPolicies": [],
            "resourceControlPolicies": [],
        }
        if boundary:
            simulation["permissionBoundaryPolicies"] = boundary
        resource_policy = self._resource_policy(flow)
        if resource_policy is not None:
            simulation["resourcePolicy"] = self._policy(resource_policy)
        return simulation

    def _principal_context(self, arn: str, account: str, organization_id: str | None) -> dict[str, ContextValue]:
        context: dict[str, ContextValue] = {
            "aws:PrincipalArn": arn,
            "aws:PrincipalAccount": account,
            "aws:PrincipalType": "AssumedRole",
        }
        if organization_id:
            context["aws:PrincipalOrgID"] = organization_id
        return context

    def _resource_policy(self, flow: Flow) -> Mapping[str, Any] | None:
        if flow.action in ("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"):
            return self.documents.role(flow.resource).trust.document
        if flow.resource == "*":
            return None
        if not flow.action.split(":", 1)[1].startswith("Create"):  # a create names a new resource
            self._check_exists(flow)
        found = self.documents.resource_policy(flow.resource)
        return None if found is None else found.document

    def _check_exists(self, flow: Flow) -> None:
        """A flow on a resource of a kind the stacks create must name one they create."""
        key = resource_key(flow.resource)
        service = "s3" if key.startswith("s3:") else flow.resource.split(":")[2]
        bootstrap = BOOTSTRAP_NAME in key  # CDK's bootstrap stack creates these (issue #18 models it)
        if service in self.documents.created_resource_services and key not in self.documents.created_resources:
            if bootstrap:
                return
            raise FlowError(f"flow {flow.name!r}: no stack creates {flow.resource}")

    def _resource_account(self, flow: Flow) -> str:
        if flow.resource_account:
            return flow.resource_account
        if flow.resource == "*":  # actions without a resource: the caller's own account
            return flow.principal.account
        key = resource_key(flow.resource)
        if key.startswith("s3:"):
            account = self.documents.bucket_accounts.get(key[3:])
            if account is None:
                raise FlowError(f"flow {flow.name!r}: no stack creates bucket {key[3:]}; give resource_account")
            return account
        return flow.account


def _by_reference(requests: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    """The engine's input with every policy document sent once: a request names its policies by
    index into ``policies``. A rehearsal asks ~10,000 questions of the same few dozen policies; the
    engine then also validates each document once (issue #23)."""
    texts: dict[str, int] = {}
    text_of = PolicyTexts()

    def ref(document: Mapping[str, Any]) -> dict[str, int]:
        return {"$policy": texts.setdefault(text_of(document), len(texts))}

    simulations = [{"id": request_id, "simulation": with_policies(s, ref)} for request_id, s in requests]
    return f'{{"policies": [{", ".join(texts)}], "requests": {json.dumps(simulations)}}}'


def run_engine(requests: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Evaluate ``(id, simulation)`` pairs in one Node process; id -> the engine's answer."""
    executable = venv_node_executable()  # the executable, not .venv/bin/node (a script that starts it)
    node = str(executable) if executable is not None else shutil.which("node")
    if node is None:
        raise FlowError("node is not on PATH (make install puts Node 24 in .venv/bin)")
    payload = _by_reference(requests)
    done = subprocess.run(
        [node, str(SCRIPT)], input=payload, capture_output=True, text=True, cwd=PROJECT_ROOT, check=False
    )
    if done.returncode != 0:
        raise FlowError(f"the IAM engine failed: {done.stderr[-3000:]}")
    return {r["id"]: r for r in json.loads(done.stdout)}


def evaluate(flows: Sequence[Flow], simulator: Simulator) -> list[Outcome]:
    """Every flow's outcome; a flow naming something that does not exist raises ``FlowError``."""
    names = [f.name for f in flows]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise FlowError(f"flow names must be unique: {duplicates}")
    requests = [(f.name, simulator.request(f)) for f in flows]
    answers = run_engine(requests)
    return [Outcome(f, answers[f.name]["decision"], answers[f.name]) for f in flows]
