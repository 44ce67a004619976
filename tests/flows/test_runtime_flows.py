"""Every runtime flow of the example platform decided by the IAM policy engine as expected
(issue #17): the allowed paths work once deployed, the denied ones stay closed."""

from __future__ import annotations

import pytest

from ml_platform.context import PROJECT_ROOT
from ml_platform.flows.catalogue import AREAS, personas
from ml_platform.flows.model import Expect, Flow, Role, allow
from ml_platform.flows.platform import Platform
from ml_platform.flows.simulate import FlowError, Outcome, evaluate

from .conftest import simulator_for


def test_every_flow_is_decided_as_expected(outcomes: list[Outcome]) -> None:
    wrong = [o.explain() for o in outcomes if not o.as_expected]
    assert not wrong, f"{len(wrong)} of {len(outcomes)} flows decided otherwise:\n\n" + "\n\n".join(wrong)


def test_the_catalogue_covers_the_platform(outcomes: list[Outcome]) -> None:
    """Issue #17 acceptance: at least 120 flows over the example config, 30 of them denials,
    from every area of the catalogue."""
    denies = [o for o in outcomes if o.flow.expect == Expect.DENY]
    assert len(outcomes) >= 120 and len(denies) >= 30, (len(outcomes), len(denies))
    areas = {o.flow.area for o in outcomes}
    assert {m.AREA for m in AREAS} <= areas, "every area of the catalogue has flows"


def test_no_context_key_is_silently_ignored(outcomes: list[Outcome]) -> None:
    """A context key the engine drops as not applying to the action means the flow tests
    something other than its author thought (the dead-grant defect of issue #17 hid that way).
    Global keys the platform always sends are exempt."""
    always = {"aws:SecureTransport", "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID"}
    always |= {"aws:PrincipalType", "aws:PrincipalServiceName", "aws:PrincipalIsAWSService", "kms:CallerAccount"}
    always |= {"aws:SourceAccount", "aws:SourceArn"}
    ignored = {
        o.flow.name: sorted(set(o.detail.get("ignoredContextKeys", [])) - always)
        for o in outcomes
        if set(o.detail.get("ignoredContextKeys", [])) - always
    }
    assert ignored == {}


def test_a_flow_naming_a_missing_role_fails_naming_the_flow(platform: Platform) -> None:
    ghost = Role(f"arn:aws:iam::{platform.account('weatherproduct')}:role/openaq-weatherproduct-sm-ghost")
    flow = allow("ghost: lists jobs", ghost, "sagemaker:ListTrainingJobs", "*", "a role no stack creates")
    with pytest.raises(FlowError, match="flow 'ghost: lists jobs': no stack creates the role"):
        evaluate([flow], simulator_for(platform))


def test_a_flow_naming_a_missing_resource_fails_naming_the_flow(platform: Platform) -> None:
    scientist = platform.role("weatherproduct", "sm-data-scientist")
    flow = Flow(
        "typo: reads a bucket nobody made",
        scientist,
        "s3:GetObject",
        "arn:aws:s3:::openaq-weatherproduct-projcts-333333333333-us-east-1/x",
        Expect.ALLOW,
        "a misspelt bucket must not pass unnoticed",
        resource_account="333333333333",
    )
    with pytest.raises(FlowError, match=r"typo: reads a bucket nobody made.*no stack creates"):
        evaluate([flow], simulator_for(platform))


def test_docs_persona_table_is_what_the_engine_decides(outcomes: list[Outcome], platform: Platform) -> None:
    """docs/data-science-account.md promises only what IAM grants (regenerate: make docs)."""
    decisions = {o.flow.name: o.decision for o in outcomes}
    table = personas.capability_table(decisions, [t.slug for t in platform.teams()])
    doc = (PROJECT_ROOT / "docs" / "data-science-account.md").read_text(encoding="utf-8")
    start, end = doc.index(personas.TABLE_START), doc.index(personas.TABLE_END) + len(personas.TABLE_END)
    assert doc[start:end] == table, "the persona table is out of date: run `make docs` (after `make synth`)"


def test_the_approval_gate_records_starts_and_notifies(outcomes: list[Outcome]) -> None:
    """Issue #19, defect 7: the gate's calls are flows of its own role, each allowed by identity and resource
    policy: the conditional UpdateItem (and the table key through DynamoDB), StartExecution of every release
    machine, and the rejection notice on the encrypted topic."""
    gate = [o for o in outcomes if "release-approval-gate/" in o.flow.name]
    actions = {o.flow.action for o in gate}
    assert {"dynamodb:UpdateItem", "states:StartExecution", "sns:Publish", "kms:Decrypt"} <= actions
    assert all(o.as_expected and o.flow.expect == Expect.ALLOW for o in gate)
    assert all(
        str(getattr(o.flow.principal, "arn", "")).endswith(":role/openaq-shared-release-approval-gate") for o in gate
    )
