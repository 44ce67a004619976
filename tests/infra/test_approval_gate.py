"""The approval gate in front of the release machines (issue #19, defect 7): only a change of a package's
approval status releases it or announces its rejection."""

from __future__ import annotations

import json

from ..helpers import Synth, resources_of_type
from .release_machines import machine_definition


def test_only_a_change_of_approval_status_releases_or_notifies(synth: Synth) -> None:
    """Issue #19, defect 7. "SageMaker Model Package State Change" carries the current status only
    (https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html), so every
    approval or rejection event goes to the gate, which records the status with a conditional UpdateItem and
    ends when it is unchanged (an unrelated metadata edit); only then does it start the group's release or
    notify the rejection."""
    template = synth.template("SharedServices", "ModelRelease")
    rules = [r["Properties"] for r in resources_of_type(template, "AWS::Events::Rule").values()]
    package_rules = [r for r in rules if "ModelPackageStatus" in r["EventPattern"].get("detail", {})]
    # Besides the gate's rule, only the governed groups' held-approvals notice (an approval outside the
    # production stage, which the gate never sees: test_release_event_patterns.py); no rule reaches a
    # release machine around the gate.
    (rule,) = [r for r in package_rules if "ApprovalGate" in json.dumps(r["Targets"])]
    (held,) = [r for r in package_rules if r is not rule]
    assert held["EventPattern"]["detail"]["ModelApprovalStatus"] == ["Approved"]
    assert "ReleaseMachine" not in json.dumps(held["Targets"]) and "Topic" in json.dumps(held["Targets"])
    assert rule["EventPattern"]["detail"] == {
        "ModelPackageStatus": ["Completed"],  # a package still being created is not yet usable
        # weather-pollution is governed: its approvals pass only in the production stage (test_model_governance.py)
        "$or": [
            {"ModelApprovalStatus": ["Rejected"]},
            {"ModelApprovalStatus": ["Approved"], "ModelLifeCycle": {"Stage": ["production"]}},
        ],
    }
    assert rule["EventPattern"]["account"] == ["333333333333", "444444444444"]
    (target,) = rule["Targets"]
    assert "ApprovalGate" in json.dumps(target["Arn"]) and target["DeadLetterConfig"]
    gate = machine_definition(template, "release-approval-gate")
    record = gate["States"][gate["StartAt"]]
    assert record["Resource"].endswith(":dynamodb:updateItem")
    assert record["Parameters"]["ConditionExpression"] == (
        "attribute_not_exists(ApprovalStatus) OR ApprovalStatus <> :status"
    )
    assert record["Catch"] == [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "Next": "StatusUnchanged"}]
    route = gate["States"][record["Next"]]
    rejected, approved = route["Choices"]
    assert rejected == {
        "Variable": "$.detail.ModelApprovalStatus",
        "StringEquals": "Rejected",
        "Next": "NotifyRejected",
    }
    assert approved["And"][1:] == [
        {"Variable": "$.account", "StringEquals": "333333333333"},
        {"Variable": "$.detail.ModelPackageGroupName", "StringEquals": "weather-pollution"},
    ]
    start = gate["States"][approved["Next"]]
    assert start["Resource"].endswith(":states:startExecution")
    assert route["Default"] == "NoReleaseConfigured"
    # A start or notice that still fails after its retries forgets the status again (so the package's next
    # event goes through) and fails the run, which the failure rule announces.
    for task in (start, gate["States"]["NotifyRejected"]):
        assert task["Retry"][0]["MaxAttempts"] == 3 and task["Catch"][0]["Next"] == "ForgetStatus"
    assert gate["States"]["ForgetStatus"]["Resource"].endswith(":dynamodb:deleteItem")
    assert gate["States"][gate["States"]["ForgetStatus"]["Next"]]["Type"] == "Fail"
    failures = [r for r in rules if r["EventPattern"].get("source") == ["aws.states"]]
    assert len(failures[0]["EventPattern"]["detail"]["stateMachineArn"]) == 2  # the release machine and the gate
    notify = gate["States"]["NotifyRejected"]["Parameters"]
    assert notify["Message.$"] == "States.Format('Model package {} was rejected.', $.detail.ModelPackageArn)"
    assert notify["TopicArn"] == "TOKEN"  # the alerts topic (the runtime flows check the publish end to end)
