"""Managed IAM policies whose every wildcard carries its reason (WA-SEC-7).

cdk-nag reports each wildcard (``AwsSolutions-IAM5[Action::x*]`` / ``[Resource::arn...*]``)
as its own finding. ``Grant`` keeps the reason next to the statement that needs it, and
``ScopedPolicy`` acknowledges exactly those findings on the policy it creates, so a wildcard
without a written reason still fails synth.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from ..compliance.acknowledgements import acknowledge


@dataclass(frozen=True)
class Grant:
    """One policy statement; ``why`` is required when an action or resource has a ``*``."""

    sid: str
    actions: Sequence[str]
    resources: Sequence[str]
    why: str = ""
    conditions: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    effect: str = "Allow"  # "Deny": a guardrail inside the role's own policy (e.g. model lifecycle stages)

    def wildcards(self) -> list[str]:
        found = [f"Action::{a}" for a in self.actions if "*" in a]
        found += [f"Resource::{r}" for r in self.resources if "*" in r]
        if found and len(self.why) < 20:
            raise ValueError(f"statement {self.sid} has wildcards {found}; give the reason in 'why'")
        return found

    def to_json(self) -> dict[str, object]:
        """The IAM JSON of the statement (built in Python: one jsii call per policy, not per statement)."""
        statement: dict[str, object] = {
            "Sid": self.sid,
            "Effect": self.effect,
            "Action": _one_or_list(self.actions),
            "Resource": _one_or_list(self.resources),
        }
        if self.conditions:
            statement["Condition"] = {k: dict(v) for k, v in self.conditions.items()}
        return statement


def nag_text(value: Any) -> str:
    """A resolved CloudFormation value as cdk-nag writes it in finding IDs: ``Ref`` and pseudo
    parameters as ``<Name>``, ``Fn::GetAtt`` as ``<LogicalId.Attr>``, ``Fn::Join`` joined."""
    if isinstance(value, str):
        return re.sub(r"\$\{([^}]+)\}", r"<\1>", value)  # IAM policy variables, as cdk-nag writes them
    if isinstance(value, dict) and len(value) == 1:
        ((function, argument),) = value.items()
        if function == "Ref":
            return f"<{argument}>"
        if function == "Fn::GetAtt":
            return f"<{argument[0]}.{argument[1]}>"
        if function == "Fn::Join":
            separator, parts = argument
            return str(separator).join(nag_text(part) for part in parts)
    raise ValueError(f"cannot name a wildcard built from {value!r}; use literal strings, Ref, GetAtt or Join")


# How CDK encodes tokens in a string (core/lib/private/encoding.ts: ``${Token[X.1]}``, ``#{Token[X.1]}``
# and stringified number tokens): a string with none of them is a literal, which ``Stack.resolve``
# returns unchanged.
TOKEN_IN_STRING = re.compile(r"Token\[|-1\.\d{10,16}e\+289")


def _one_or_list(values: Sequence[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


class ScopedPolicy(Construct):
    """A customer managed policy (no inline policies: NIST IAMNoInlinePolicy) from ``grants``."""

    def __init__(
        self, scope: Construct, construct_id: str, *, name: str | None, description: str, grants: Sequence[Grant]
    ) -> None:
        super().__init__(scope, construct_id)
        sids = [g.sid for g in grants]
        if len(set(sids)) != len(sids):
            raise ValueError(f"duplicate statement ids in {name or construct_id}: {sids}")
        self.policy = iam.ManagedPolicy(
            self,
            "Policy",
            managed_policy_name=name,
            description=description,
            document=iam.PolicyDocument.from_json(
                {"Version": "2012-10-17", "Statement": [g.to_json() for g in grants]}
            ),
        )
        stack = cdk.Stack.of(self)
        reasons: dict[str, str] = {}
        for grant in grants:
            findings = grant.wildcards()  # a Deny needs its reason too, but cdk-nag reports only Allow
            for finding in findings if grant.effect == "Allow" else []:
                kind, value = finding.split("::", 1)
                # A literal needs no jsii round trip (485 of them in the example synth).
                resolved = stack.resolve(value) if TOKEN_IN_STRING.search(value) else value
                reasons.setdefault(f"AwsSolutions-IAM5[{kind}::{nag_text(resolved)}]", grant.why)
        acknowledge(self.policy, reasons)
