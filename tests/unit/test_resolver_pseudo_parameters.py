"""The resolver's pseudo parameters and lazily computed attribute values (ml_platform/assembly/resolver.py,
pseudo_parameters.py; issue #23 made both compute only what a value names)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ml_platform.assembly.cloud_assembly import CloudAssembly, StackInstance
from ml_platform.assembly.resolver import Resolver, UnresolvableError

ROLE = {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "analyst", "Path": {"Ref": "NoSuchParameter"}}}


def _resolver(resources: dict[str, Any], region: str = "cn-north-1") -> tuple[Resolver, StackInstance]:
    template = {"Resources": resources}
    stack = StackInstance("Test", "Hosting", "openaq-test-hosting", "111111111111", region, template)
    return Resolver(CloudAssembly(Path(), [stack])), stack


@pytest.mark.parametrize(
    ("region", "partition", "suffix"),
    [
        ("us-east-1", "aws", "amazonaws.com"),
        ("cn-north-1", "aws-cn", "amazonaws.com.cn"),
        ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
        ("us-iso-east-1", "aws-iso", "c2s.ic.gov"),
    ],
)
def test_pseudo_parameters_are_the_stacks_own(region: str, partition: str, suffix: str) -> None:
    """AWS CloudFormation User Guide, pseudo-parameter-reference.html."""
    resolver, stack = _resolver({}, region)
    names = ("AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::URLSuffix", "AWS::StackName")
    value = {"Fn::Join": ["|", [{"Ref": n} for n in names]]}
    assert resolver.resolve(stack, value) == f"111111111111|{region}|{partition}|{suffix}|openaq-test-hosting"
    stack_id = resolver.resolve(stack, {"Ref": "AWS::StackId"})
    assert re.fullmatch(
        f"arn:{partition}:cloudformation:{region}:111111111111:stack/openaq-test-hosting/[0-9a-f-]{{36}}", stack_id
    )
    assert resolver.resolve(stack, {"Ref": "AWS::StackId"}) == stack_id  # stable
    assert resolver.resolve(stack, ["a", {"Ref": "AWS::NoValue"}, "b"]) == ["a", "b"]


def test_a_pseudo_parameter_not_modelled_is_unresolvable() -> None:
    resolver, stack = _resolver({})
    with pytest.raises(UnresolvableError, match="pseudo parameter AWS::NotificationARNs is not supported"):
        resolver.resolve(stack, {"Ref": "AWS::NotificationARNs"})


def test_an_attribute_needs_only_the_values_it_names() -> None:
    """As in CloudFormation, a role's name (its Ref) does not depend on its Path; its ARN does."""
    resolver, stack = _resolver({"Role": ROLE})
    assert resolver.resolve(stack, {"Ref": "Role"}) == "analyst"
    with pytest.raises(UnresolvableError, match="NoSuchParameter"):
        resolver.resolve(stack, {"Fn::GetAtt": ["Role", "Arn"]})
