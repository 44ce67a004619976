"""The governance check at the start of a governed group's release (issue #22, capability 3).

Before anything is deployed, the release machine describes the approved package in the team's
account and goes on only when its model card is ``Approved`` and its lifecycle stage is the
production stage; otherwise it notifies the alerts topic ("Release of <group> blocked") and fails.

Why the package's own card: ``DescribeModelPackage`` returns ``ModelCard.ModelCardStatus`` and
``ModelLifeCycle`` (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeModelPackage.html),
and the model package group's resource policy can grant it to another account ("Deploy a Model
Version from a Different Account",
https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-deploy.html). A standalone
``AWS::SageMaker::ModelCard`` has no resource policy and no cross-account access documented, so a
release machine in shared services could not read it (docs/model-governance.md).

The whole description goes to ``$.package`` and a Choice tests it: a missing card or stage is a
missing path, which a ResultSelector could not survive (States.Runtime is not catchable,
https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html) but
an ``IsPresent`` rule before the comparisons can. Once checked, the description is replaced by
a small marker, so the card's content (up to 100,000 characters) does not travel through the rest of the run.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from ..release import ReleasedGroup

PACKAGE_ARN = "$.detail.ModelPackageArn"
CARD_STATUS = "$.package.ModelCard.ModelCardStatus"
STAGE = "$.package.ModelLifeCycle.Stage"
APPROVED = "Approved"


def governance_check(
    scope: Construct, group: ReleasedGroup, topic: sns.ITopic, failed: sfn.IChainable, next_state: sfn.IChainable
) -> sfn.IChainable:
    """DescribePackage -> GovernanceMet? -> (CheckedGovernance -> next_state) | NotifyBlocked -> ReleaseBlocked."""
    packages = (
        f"arn:{cdk.Aws.PARTITION}:sagemaker:{cdk.Aws.REGION}:{group.account}:model-package/{group.group.lower()}/*"
    )
    describe = tasks.CallAwsService(
        scope,
        "DescribePackage",
        service="sagemaker",
        action="describeModelPackage",
        parameters={"ModelPackageName": sfn.JsonPath.string_at(PACKAGE_ARN)},
        iam_resources=[packages],
        result_path="$.package",
    )
    describe.add_catch(failed, result_path="$.error")
    required = []
    if group.require_model_card:
        required.append(f"ModelCard.ModelCardStatus = {APPROVED}")
    if group.production_stage is not None:
        required.append(f"ModelLifeCycle.Stage = {group.production_stage}")
    blocked = tasks.SnsPublish(
        scope,
        "NotifyBlocked",
        topic=topic,
        subject=f"Release of {group.group} blocked by model governance",
        message=sfn.TaskInput.from_object(
            {
                "modelPackageArn": sfn.JsonPath.string_at(PACKAGE_ARN),
                "execution": sfn.JsonPath.execution_id,
                "reason": "the approved version does not meet the group's governance; nothing was deployed",
                "required": required,
                "fix": (
                    "the approver approves the card and sets the stage, then rejects and approves the version "
                    "again (docs/model-governance.md)"
                ),
            }
        ),
        result_path=sfn.JsonPath.DISCARD,
    )
    blocked.add_catch(failed, result_path="$.error")
    blocked.next(
        sfn.Fail(scope, "ReleaseBlocked", error="ReleaseBlocked", cause=f"{group.group}: {', '.join(required)}")
    )
    paths, equals = [], []
    if group.require_model_card:
        paths.append(CARD_STATUS)
        equals.append(sfn.Condition.string_equals(CARD_STATUS, APPROVED))
    if group.production_stage is not None:
        paths.append(STAGE)
        equals.append(sfn.Condition.string_equals(STAGE, group.production_stage))
    checked = sfn.Pass(
        scope, "CheckedGovernance", result=sfn.Result.from_object({"governance": "met"}), result_path="$.package"
    )
    # Rules are tried in order: a missing card or stage is caught before a comparison would read it.
    met = sfn.Choice(scope, "GovernanceMet")
    for path in paths:
        met.when(sfn.Condition.not_(sfn.Condition.is_present(path)), blocked)
    met.when(sfn.Condition.and_(*equals) if len(equals) > 1 else equals[0], checked.next(next_state))
    return sfn.Chain.start(describe).next(met.otherwise(blocked))


def package_read_acknowledgements(groups: list[ReleasedGroup] | tuple[ReleasedGroup, ...]) -> dict[str, str]:
    """The release role's wildcard on each governed group's packages (the version is in the event)."""
    return {
        f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:{g.account}:model-package/"
        f"{g.group.lower()}/*]": (
            "DescribeModelPackage of the approved version named by the event, in this governed group only; "
            "the group's resource policy admits the shared services account for exactly this read"
        )
        for g in groups
        if g.production_stage is not None or g.require_model_card
    }


def release_rule_detail(groups: list[ReleasedGroup] | tuple[ReleasedGroup, ...]) -> dict[str, object]:
    """The ``detail`` of the release rule's pattern. An approval of a governed group passes only in the
    production stage: SageMaker sends lifecycle changes as "SageMaker Model Package State Change" events
    with the package's ``ModelLifeCycle`` ("Get event notifications for ModelLifeCycle",
    https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-staging-construct-event-bridge.html), so an
    approval in staging never reaches the gate, and the approver's later move to production (still Approved)
    is then the first approval the gate records. Rejections always pass (they only notify). ``$or`` is
    EventBridge content filtering ("Content filtering in Amazon EventBridge event patterns",
    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html)."""
    completed = {"ModelPackageStatus": ["Completed"]}
    stages = sorted({g.production_stage for g in groups if g.production_stage is not None})
    if not stages:
        return {"ModelApprovalStatus": ["Approved", "Rejected"], **completed}
    ungoverned = sorted({g.group for g in groups if g.production_stage is None})
    approved: list[dict[str, object]] = [{"ModelApprovalStatus": ["Approved"], "ModelLifeCycle": {"Stage": stages}}]
    if ungoverned:
        approved.append({"ModelApprovalStatus": ["Approved"], "ModelPackageGroupName": ungoverned})
    return {**completed, "$or": [{"ModelApprovalStatus": ["Rejected"]}, *approved]}


def held_approval_detail(groups: list[ReleasedGroup] | tuple[ReleasedGroup, ...]) -> dict[str, object] | None:
    """The ``detail`` of the rule that announces a governed group's approval outside the production
    stage (a stage other than production, or none at all): the release rule lets it pass, so without
    this rule nobody would hear that nothing was released. ``anything-but`` and ``exists: false`` are
    EventBridge content filters (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html).
    AWS does not show ``ModelLifeCycle`` in a sample event; if a real event lacks it, every governed
    approval is announced here and none is released, which is loud rather than silent
    (docs/model-governance.md). None: no group is governed by a stage."""
    governed = sorted({g.group for g in groups if g.production_stage is not None})
    if not governed:
        return None
    stages = sorted({g.production_stage for g in groups if g.production_stage is not None})
    return {
        "ModelPackageStatus": ["Completed"],
        "ModelApprovalStatus": ["Approved"],
        "ModelPackageGroupName": governed,
        "$or": [
            {"ModelLifeCycle": {"Stage": [{"anything-but": stages}]}},
            {"ModelLifeCycle": {"Stage": [{"exists": False}]}},
        ],
    }
