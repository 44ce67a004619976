"""What a runtime flow is: who calls what, on which resource, from which account, and whether
AWS must allow it (issue #17).

A flow names its principal (a role of the synthesized templates, a role outside them, or a
service principal acting for an account), one IAM action, one resource ARN, the request
context the call carries, the decision AWS must take and why. ``simulate`` turns each into a
request for the IAM policy engine with the identity, boundary and resource policies the
templates give, so nothing here decides access by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

ContextValue = str | list[str]


class Expect(StrEnum):
    ALLOW = "allow"
    DENY = "deny"


@dataclass(frozen=True)
class Role:
    """A role a stack creates (its policies come from the templates)."""

    arn: str

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]


@dataclass(frozen=True)
class OutsideRole:
    """A role no platform stack creates (another team's admin, a role outside the organisation,
    the CDK bootstrap roles). It is given ``identity`` (default: every action on every
    resource), so only the resource side can deny it."""

    arn: str
    organization_id: str | None = None  # its organisation; None: outside any organisation
    identity: Mapping[str, object] | None = None
    boundary: str | None = None  # ARN of a managed policy a stack creates, used as its boundary

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]


@dataclass(frozen=True)
class Service:
    """An AWS service principal acting for ``source_account`` (and ``source_arn``, when the
    service sends it): only the resource policy decides."""

    name: str  # e.g. cloudwatch.amazonaws.com
    source_account: str | None = None
    source_arn: str | None = None

    @property
    def account(self) -> str:
        return self.source_account or ""


Principal = Role | OutsideRole | Service


@dataclass(frozen=True)
class Flow:
    """One call the platform makes (or must refuse) at run time."""

    name: str  # unique, readable: "<area>: <who> <does what>"
    principal: Principal
    action: str
    resource: str  # ARN
    expect: Expect
    why: str  # book chapter, spec ID or AWS documentation page
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    resource_account: str | None = None  # for ARNs without an account (S3)
    area: str = ""

    def __post_init__(self) -> None:
        if len(self.why) < 10:
            raise ValueError(f"flow {self.name!r}: say why it must be {self.expect.value}")

    @property
    def account(self) -> str:
        return self.resource_account or self.resource.split(":")[4]


def in_area(area: str, flows: list[Flow]) -> list[Flow]:
    """The flows of a catalogue module: each in ``area``, its name starting with the area."""
    return [replace(f, area=area, name=f.name if f.name.startswith(area) else f"{area}: {f.name}") for f in flows]


def allow(name: str, principal: Principal, action: str, resource: str, why: str, **kwargs: object) -> Flow:
    return Flow(name, principal, action, resource, Expect.ALLOW, why, **kwargs)  # type: ignore[arg-type]


def deny(name: str, principal: Principal, action: str, resource: str, why: str, **kwargs: object) -> Flow:
    return Flow(name, principal, action, resource, Expect.DENY, why, **kwargs)  # type: ignore[arg-type]
