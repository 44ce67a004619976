"""``any_condition`` (issue #22): an inference-component endpoint exists once any of its models is
released; Fn::Or takes 2 to 10 conditions, so more are nested."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from ml_platform.stacks.hosting import any_condition


def _conditions(count: int) -> dict[str, Any]:
    stack = cdk.Stack(cdk.App(), "S")
    released = [cdk.CfnCondition(stack, f"R{i}", expression=cdk.Fn.condition_equals(str(i), "x")) for i in range(count)]
    result = any_condition(stack, "AnyReleasedE", released)
    template = dict(Template.from_stack(stack).to_json())
    template["result"] = stack.resolve(result.logical_id)
    return template


def test_one_model_is_its_own_condition() -> None:
    template = _conditions(1)
    assert template["result"] == "R0" and "AnyReleasedE" not in template["Conditions"]


def test_up_to_ten_models_are_one_or() -> None:
    template = _conditions(10)
    assert template["result"] == "AnyReleasedE"
    assert len(template["Conditions"]["AnyReleasedE"]["Fn::Or"]) == 10


@pytest.mark.parametrize("count", [11, 25, 101])
def test_more_models_nest_by_tens(count: int) -> None:
    conditions = _conditions(count)["Conditions"]
    assert all(2 <= len(c["Fn::Or"]) <= 10 for name, c in conditions.items() if name.startswith("AnyReleasedE"))

    # every model's condition is reachable from the result
    def reach(name: str) -> set[str]:
        if not name.startswith("AnyReleasedE"):
            return {name}
        return {r for c in conditions[name]["Fn::Or"] for r in reach(c["Condition"])}

    assert reach("AnyReleasedE") == {f"R{i}" for i in range(count)}
