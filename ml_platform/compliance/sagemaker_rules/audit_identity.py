"""Studio names the person in CloudTrail (issue #22, capability 4).

A persona role is shared by every user of that persona, so CloudTrail alone shows the role, not
who acted. With ``ExecutionRoleIdentityConfig: USER_PROFILE_NAME`` SageMaker sets the user
profile name as ``sts:SourceIdentity`` on the execution role's sessions, and every role SageMaker
assumes from there must allow ``sts:SetSourceIdentity`` in its trust policy, or job creation
fails (https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access.html,
https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access-how-to.html).

Two rules, each on one resource: every domain turns it on, and every role SageMaker may assume
allows the source identity (a domain's execution roles are in another stack, so a rule on the
domain could not read their trust policies; checking every SageMaker-trusted role covers them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .base import Resource, Rule, get, props

SAGEMAKER = "sagemaker.amazonaws.com"
CONTROL = "issue #22 audit identity (CloudTrail sourceIdentity)"


def _domain(resource: Resource) -> str | None:
    value = get(props(resource), "DomainSettings", "ExecutionRoleIdentityConfig")
    return None if value == "USER_PROFILE_NAME" else f"ExecutionRoleIdentityConfig is {value or 'DISABLED (default)'}"


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _sagemaker_actions(trust: Any) -> Iterator[str]:
    """The actions the trust policy allows to the SageMaker service principal."""
    statements = get(trust, "Statement") or []
    for statement in _listed(statements):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        services = _listed(get(statement, "Principal", "Service") or [])
        if SAGEMAKER in services:
            yield from (a for a in _listed(statement.get("Action", [])) if isinstance(a, str))


def _role(resource: Resource) -> str | None:
    actions = set(_sagemaker_actions(props(resource).get("AssumeRolePolicyDocument")))
    if "sts:AssumeRole" not in actions or actions & {"sts:SetSourceIdentity", "sts:*"}:
        return None
    return "SageMaker may assume it but not set the source identity (sts:SetSourceIdentity)"


DOMAIN_RULE = Rule(
    "SM-DomainSourceIdentity",
    ("AWS::SageMaker::Domain",),
    CONTROL,
    "Studio domains set the user profile name as source identity of execution role sessions",
    _domain,
)
ROLE_RULE = Rule(
    "SM-SourceIdentityTrust",
    ("AWS::IAM::Role",),
    CONTROL,
    "Roles SageMaker assumes allow sts:SetSourceIdentity, so a Studio user's jobs keep their name",
    _role,
)
