"""Model governance on the release path (issue #22, capability 3; docs/model-governance.md): the example's
weather-pollution group releases only versions whose own model card is Approved and whose lifecycle stage is
production, and IAM lets only the approver persona set that stage."""

from __future__ import annotations

import json

from ml_platform.config import load_config
from ml_platform.constructs.release_governance import release_rule_detail
from ml_platform.release import released_groups

from ..helpers import Synth, resources_of_type, statements
from .release_machines import machine_definition

STAGE_KEY = "sagemaker:ModelLifeCycle:stage"


def test_release_checks_card_and_stage_before_deploying(synth: Synth) -> None:
    """DescribeModelPackage returns ModelCard.ModelCardStatus and ModelLifeCycle
    (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeModelPackage.html); the Choice tests
    presence first (a comparison on a missing path would fail the run uncatchably), then the values."""
    template = synth.template("SharedServices", "ModelRelease")
    machine = machine_definition(template, "release-weatherproduct-weather-pollution")
    states = machine["States"]
    assert machine["StartAt"] == "DescribePackage"  # before anything is written or deployed
    describe = states["DescribePackage"]
    assert describe["Resource"].endswith(":aws-sdk:sagemaker:describeModelPackage")
    assert describe["Parameters"] == {"ModelPackageName.$": "$.detail.ModelPackageArn"}
    assert describe["Catch"][0]["Next"] == "NotifyFailure"  # unreadable: the run fails and notifies
    choice = states[describe["Next"]]
    card, stage = "$.package.ModelCard.ModelCardStatus", "$.package.ModelLifeCycle.Stage"
    assert choice["Choices"][:2] == [
        {"Not": {"Variable": card, "IsPresent": True}, "Next": "NotifyBlocked"},
        {"Not": {"Variable": stage, "IsPresent": True}, "Next": "NotifyBlocked"},
    ]
    assert choice["Choices"][2]["And"] == [
        {"Variable": card, "StringEquals": "Approved"},
        {"Variable": stage, "StringEquals": "production"},
    ]
    assert choice["Default"] == "NotifyBlocked"
    checked = states[choice["Choices"][2]["Next"]]
    assert checked["Type"] == "Pass" and checked["ResultPath"] == "$.package"  # the card content is dropped
    assert checked["Next"] == "ReadTestLatest"  # then the release as before
    blocked = states["NotifyBlocked"]
    assert blocked["Resource"].endswith(":sns:publish") and blocked["Parameters"]["TopicArn"] == "TOKEN"
    assert blocked["Parameters"]["Message"]["required"] == [
        "ModelCard.ModelCardStatus = Approved",
        "ModelLifeCycle.Stage = production",
    ]
    assert states[blocked["Next"]] == {
        "Type": "Fail",
        "Error": "ReleaseBlocked",
        "Cause": "weather-pollution: ModelCard.ModelCardStatus = Approved, ModelLifeCycle.Stage = production",
    }
    role_statements = json.dumps(statements(template))
    assert "sagemaker:describemodelpackage" in role_statements.lower()  # IAM actions ignore case
    assert ":333333333333:model-package/weather-pollution/*" in role_statements


def test_release_rule_passes_governed_approvals_only_in_production() -> None:
    """Lifecycle changes come as model package state change events with ModelLifeCycle
    (https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-staging-construct-event-bridge.html)."""
    groups = released_groups(load_config("config/example.yaml"))
    assert release_rule_detail(groups) == {
        "ModelPackageStatus": ["Completed"],
        "$or": [
            {"ModelApprovalStatus": ["Rejected"]},
            {"ModelApprovalStatus": ["Approved"], "ModelLifeCycle": {"Stage": ["production"]}},
        ],
    }
    ungoverned = [g.__class__(g.team, g.account, "other", g.targets) for g in groups]
    assert release_rule_detail(ungoverned) == {
        "ModelApprovalStatus": ["Approved", "Rejected"],
        "ModelPackageStatus": ["Completed"],
    }
    mixed = release_rule_detail([*groups, *ungoverned])["$or"]
    assert isinstance(mixed, list) and mixed[-1] == {
        "ModelApprovalStatus": ["Approved"],
        "ModelPackageGroupName": ["other"],
    }


def test_group_policy_lets_shared_services_read_packages(synth: Synth) -> None:
    template = synth.template("DataScience-weatherproduct", "ModelBuild")
    (group,) = [
        g["Properties"]
        for g in resources_of_type(template, "AWS::SageMaker::ModelPackageGroup").values()
        if g["Properties"]["ModelPackageGroupName"] == "weather-pollution"
    ]
    read = next(s for s in group["ModelPackageGroupPolicy"]["Statement"] if s["Sid"] == "ReleaseReadsPackages")
    assert read["Principal"] == {"AWS": ["arn:aws:iam::111111111111:root"]}
    assert read["Action"] == "sagemaker:DescribeModelPackage"  # read only: approval stays with the team
    assert read["Resource"].endswith(":333333333333:model-package/weather-pollution/*")


def test_pipeline_registers_with_card_pending_review_in_development(synth: Synth) -> None:
    template = synth.template("DataScience-weatherproduct", "ModelBuild")
    for pipeline in resources_of_type(template, "AWS::SageMaker::Pipeline").values():
        if pipeline["Properties"]["PipelineName"] != "weather-pipeline":
            continue
        body = json.dumps(pipeline["Properties"]["PipelineDefinition"])
        assert '\\"ModelCardStatus\\":\\"PendingReview\\"' in body  # a person approves the card
        assert '\\"Stage\\":\\"development\\"' in body
        assert "risk_rating" in body and "Medium" in body


def test_only_the_approver_may_set_the_production_stage(synth: Synth) -> None:
    """``sagemaker:ModelLifeCycle:stage`` on Create/UpdateModelPackage
    (https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-staging-construct-set-up.html)."""
    denies = {
        s["Sid"]: s
        for s in statements(synth.template("DataScience-weatherproduct", "Access"))
        if s["Effect"] == "Deny" and s["Sid"] in ("OnlyDevelopmentStages", "OnlyApproverStages")
    }
    builders = denies["OnlyDevelopmentStages"]["Condition"]
    assert builders == {"Null": {STAGE_KEY: "false"}, "StringNotEquals": {STAGE_KEY: ["development", "staging"]}}
    approver = denies["OnlyApproverStages"]["Condition"]["StringNotEquals"][STAGE_KEY]
    assert approver == ["development", "staging", "production"]
