"""The resolver's pseudo parameters and lazily computed attribute values (ml_platform/assembly/resolver.py,
pseudo_parameters.py; issue #23 made both compute only what a value names)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ml_platform.assembly.cloud_assembly import CloudAssembly, StackInstance
from ml_platform.assembly.resolver import Resolver, UnresolvableError

ROLE = {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "analyst", "Path": {"Ref": "NoSuchParameter"}}}


def _resolver(resources: dict[str, Any]) -> tuple[Resolver, StackInstance]:
    template = {"Resources": resources}
    stack = StackInstance("Test", "Hosting", "openaq-test-hosting", "111111111111", "cn-north-1", template)
    return Resolver(CloudAssembly(Path(), [stack])), stack


def test_pseudo_parameters_are_the_stacks_own() -> None:
    resolver, stack = _resolver({})
    names = ("AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::URLSuffix", "AWS::StackName")
    value = {"Fn::Join": ["|", [{"Ref": n} for n in names]]}
    assert resolver.resolve(stack, value) == "111111111111|cn-north-1|aws-cn|amazonaws.com.cn|openaq-test-hosting"
    stack_id = resolver.resolve(stack, {"Ref": "AWS::StackId"})
    assert stack_id.startswith("arn:aws-cn:cloudformation:cn-north-1:111111111111:stack/openaq-test-hosting/")
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
