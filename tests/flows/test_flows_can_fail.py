"""The runtime-flow layer can fail (issue #17 acceptance): break a policy in the synthesized
templates and the flows that depend on it are decided otherwise, with the engine's reason."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ml_platform.assembly.cloud_assembly import CloudAssembly
from ml_platform.flows.catalogue import personas, services
from ml_platform.flows.model import Flow
from ml_platform.flows.platform import Platform
from ml_platform.flows.simulate import Outcome, evaluate

from .conftest import simulator_for


def _broken(platform: Platform, stage: str, edit: Callable[[str, dict[str, Any]], None]) -> Platform:
    """The platform with ``edit(logical_id, resource)`` applied to every resource of ``stage``."""
    stacks = []
    for stack in platform.assembly.stacks:
        if stack.stage == stage:
            template = copy.deepcopy(dict(stack.template))
            for logical_id, resource in template["Resources"].items():
                edit(logical_id, resource)
            stack = replace(stack, template=template)
        stacks.append(stack)
    return Platform(platform.config, CloudAssembly(platform.assembly.root, stacks))


def _run(platform: Platform, flows: list[Flow]) -> list[Outcome]:
    return evaluate(flows, simulator_for(platform))


def test_without_the_cloudwatch_statement_alarms_cannot_notify(platform: Platform) -> None:
    def drop_cloudwatch(_: str, resource: dict[str, Any]) -> None:
        if resource["Type"] == "AWS::SNS::TopicPolicy":
            statements = resource["Properties"]["PolicyDocument"]["Statement"]
            statements[:] = [s for s in statements if s.get("Sid") != "CloudWatchAlarmsPublish"]

    broken = _broken(platform, "Production", drop_cloudwatch)
    alarm_flows = [f for f in services.flows(broken) if "prod-endpoints" in f.name and f.action == "sns:Publish"]
    assert alarm_flows
    outcomes = _run(broken, alarm_flows)
    assert all(not o.as_expected for o in outcomes)
    explanation = outcomes[0].explain()
    assert "expected allow, engine says ImplicitlyDenied" in explanation
    assert "no statement of the resource policies allows it" in explanation


def test_without_the_passrole_condition_a_data_scientist_passes_the_jobs_role_to_lambda(platform: Platform) -> None:
    def drop_condition(logical_id: str, resource: dict[str, Any]) -> None:
        if resource["Type"] == "AWS::IAM::ManagedPolicy" and logical_id.startswith("DataScientistRole"):
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                if statement.get("Sid") == "PassRoles":
                    statement.pop("Condition")

    broken = _broken(platform, "DataScience-weatherproduct", drop_condition)
    [flow] = [
        f
        for f in personas.flows(broken)
        if f.name.endswith("data scientist passes the jobs role to Lambda") and "weatherproduct" in f.name
    ]
    [outcome] = _run(broken, [flow])
    assert not outcome.as_expected
    explanation = outcome.explain()
    assert "expected deny, engine says Allowed" in explanation
    assert "allowed by identity" in explanation and "statement PassRoles" in explanation
    [intact] = _run(platform, [flow])
    assert intact.as_expected  # the same flow on the real templates
