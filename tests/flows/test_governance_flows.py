"""Model governance flows (issue #22, capability 3; docs/model-governance.md): the engine's decisions, and
proof that the lifecycle deny and the group's read grant are what decide them."""

from __future__ import annotations

from typing import Any

from ml_platform.flows.catalogue import governance, release
from ml_platform.flows.model import Expect
from ml_platform.flows.platform import Platform
from ml_platform.flows.simulate import Outcome, evaluate

from .conftest import simulator_for
from .test_flows_can_fail import _broken


def test_governance_flows_allow_the_approver_and_deny_the_builders(outcomes: list[Outcome]) -> None:
    mine = {o.flow.name: o for o in outcomes if o.flow.area == governance.AREA}
    assert all(o.as_expected for o in mine.values())
    names = {name.removeprefix("governance: weather-pollution: "): o.flow.expect for name, o in mine.items()}
    assert names["ml_engineer approves for production"] == Expect.ALLOW
    assert names["data scientist registers in production"] == Expect.DENY
    assert names["jobs role registers in production"] == Expect.DENY
    assert names["data scientist moves a version to production"] == Expect.DENY
    assert names["ml_engineer sets an unknown stage"] == Expect.DENY
    # The release machine's read of the card and stage, across accounts, is a flow of its own.
    reads = [
        o
        for o in outcomes
        if o.flow.area == release.AREA and o.flow.name.endswith("DescribePackage sagemaker:DescribeModelPackage")
    ]
    assert reads and all(o.as_expected and o.flow.resource.split(":")[4] == "333333333333" for o in reads)


def test_without_the_lifecycle_deny_a_data_scientist_registers_in_production(platform: Platform) -> None:
    def drop_deny(_: str, resource: dict[str, Any]) -> None:
        if resource["Type"] == "AWS::IAM::ManagedPolicy":
            statements = resource["Properties"]["PolicyDocument"]["Statement"]
            statements[:] = [s for s in statements if s.get("Sid") != "OnlyDevelopmentStages"]

    broken = _broken(platform, "DataScience-weatherproduct", drop_deny)
    [flow] = [f for f in governance.flows(broken) if f.name.endswith("data scientist registers in production")]
    [outcome] = evaluate([flow], simulator_for(broken))
    assert not outcome.as_expected and "expected deny, engine says Allowed" in outcome.explain()


def test_without_the_group_read_grant_the_release_cannot_check_the_card(platform: Platform) -> None:
    def drop_read(_: str, resource: dict[str, Any]) -> None:
        if resource["Type"] == "AWS::SageMaker::ModelPackageGroup":
            policy = resource["Properties"]["ModelPackageGroupPolicy"]
            policy["Statement"] = [s for s in policy["Statement"] if s.get("Sid") != "ReleaseReadsPackages"]

    broken = _broken(platform, "DataScience-weatherproduct", drop_read)
    reads = [
        f for f in release.flows(broken) if f.action == "sagemaker:DescribeModelPackage" and "DescribePackage" in f.name
    ]
    assert reads
    assert all(not o.as_expected for o in evaluate(reads, simulator_for(broken)))
