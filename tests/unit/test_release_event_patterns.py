"""The release rule and the held-approvals rule of governed groups, matched against package state
change events by moto's EventBridge pattern engine (``$or``, ``anything-but``, ``exists``:
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html).

Every approval of a governed group either starts a release (production stage) or is announced as
held (any other stage, or none): none is dropped silently (issue #22, docs/model-governance.md).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, cast

import pytest
from moto.events.models import EventPattern

from ml_platform.config import load_config
from ml_platform.constructs.release_governance import held_approval_detail, release_rule_detail
from ml_platform.release import released_groups

GROUPS = released_groups(load_config("config/example.yaml"))


def _event(status: str, stage: str | None, group: str = "weather-pollution") -> dict[str, Any]:
    detail: dict[str, Any] = {
        "ModelPackageGroupName": group,
        "ModelPackageStatus": "Completed",
        "ModelApprovalStatus": status,
        "ModelPackageArn": f"arn:aws:sagemaker:us-east-1:333333333333:model-package/{group}/3",
    }
    if stage is not None:
        detail["ModelLifeCycle"] = {"Stage": stage, "StageStatus": "Approved"}
    return {"detail": detail}


def _matches(detail: dict[str, object] | None, event: dict[str, Any]) -> bool:
    assert detail is not None
    return bool(EventPattern.load(json.dumps({"detail": detail})).matches_event(cast(Any, event)))


@pytest.mark.parametrize(
    ("status", "stage", "released", "held"),
    [
        ("Approved", "production", True, False),
        ("Approved", "staging", False, True),
        ("Approved", None, False, True),  # no ModelLifeCycle in the event at all
        ("Rejected", "staging", True, False),  # rejections reach the gate, which notifies
    ],
)
def test_every_governed_approval_is_released_or_announced(
    status: str, stage: str | None, released: bool, held: bool
) -> None:
    event = _event(status, stage)
    assert _matches(release_rule_detail(GROUPS), event) is released
    assert _matches(held_approval_detail(GROUPS), event) is held


def test_an_ungoverned_group_releases_in_any_stage_and_is_never_held() -> None:
    other = replace(GROUPS[0], group="weather-other", production_stage=None, require_model_card=False)
    event = _event("Approved", None, group="weather-other")
    assert _matches(release_rule_detail([*GROUPS, other]), event)
    assert not _matches(held_approval_detail([*GROUPS, other]), event)
