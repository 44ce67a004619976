"""Scoped CloudFormation execution policies, one set per account kind (issue #18).

``cdk bootstrap --cloudformation-execution-policies`` gives the bootstrap's CloudFormation
execution role (``cdk-hnb659fds-cfn-exec-role-<account>-<region>``) the managed policies
CloudFormation deploys every stack with; CDK's default is AdministratorAccess. The README asks
teams to prefer a policy their security team scopes. These are generated from the same data as
the launch-role rehearsal: for each account kind, every IAM action deploying that kind's stacks
asks of the execution role (``execution_needs``). The policies are action-scoped
(``Resource: "*"``): which resources each stack may touch is the templates' business, and a
changed name must not need a new policy.

Compression never widens: ``service:Prefix*`` is written only where every action the IAM
reference data (of the pinned engine) knows with that prefix is needed anyway, and the whole
service as ``service:*`` only when every one of its actions is. (A wildcard does cover actions
AWS adds later under that prefix; ``--check`` shows such a change as a diff when the reference
data is upgraded.) Output is sorted and deterministic; ``scripts/execution_policies.py`` writes
``bootstrap/execution-policy-<kind>[-<n>].json`` and, with ``--check``, fails when they are stale.
The rehearsal checks the execution role with them (``execution_role_check``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..assembly.cloud_assembly import CloudAssembly
from ..assembly.policy_limits import MANAGED_POLICY_MAX, policy_length
from ..context import PROJECT_ROOT
from ..deploy_order import execution_policy_files as checked_in_files
from ..deploy_order import execution_policy_names as policy_names
from ..deploy_order import kind_slug
from ..naming import partition_for
from ..topology import AccountKind, AccountRole
from .execution_needs import execution_needs, stacks_of_kind
from .iam_reference import service_actions

POLICY_DIR = PROJECT_ROOT / "bootstrap"
MAX_POLICIES = 5  # "a handful": the role holds no other managed policy, IAM allows 10 per role


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
