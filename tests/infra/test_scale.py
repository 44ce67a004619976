"""A large organisation (issue #13): 20 teams, 100 endpoints, 30 feature groups, monitors on every
prod endpoint. Every template stays inside CloudFormation's limits with margin, and adding an
endpoint changes exactly the one stack that holds it.

The two synths run in the background from the session start (tests/conftest.py), on the
second core, while the other tests run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ml_platform.config import PlatformConfig
from ml_platform.config_errors import validate
from ml_platform.large_config import ENDPOINTS, FEATURE_GROUPS, TEAMS, USERS_PER_TEAM, large_config
from ml_platform.review.template_diff import diff_assemblies
from ml_platform.scale import MARGINS, shard_of

from ..helpers import example_data


@pytest.fixture(scope="module")
def scale(large_synth: Any) -> dict[str, Any]:
    summary: dict[str, Any] = large_synth()
    return summary


def _templates(assembly: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {key: json.loads(Path(path).read_text()) for key, path in assembly["templates"].items()}


def test_the_large_config_has_the_sizes_of_the_issue() -> None:
    config = validate(PlatformConfig, large_config(example_data()), Path("large.yaml"))
    assert len(config.accounts.data_science) == TEAMS == 20
    assert all(len(t.studio.users) >= USERS_PER_TEAM for t in config.accounts.data_science[2:])
    assert len(config.endpoints) == ENDPOINTS == 100
    assert {e.strategy.value for e in config.endpoints} == {"single", "ab_test", "blue_green", "shadow"}
    assert len(config.feature_groups) == FEATURE_GROUPS == 30
    prod = {e.name for e in config.endpoints if e.account.value == "prod"}
    assert prod <= {m.endpoint for m in config.monitors}
    assert set(config.service_catalog.share_with or ()) == {t.name for t in config.accounts.data_science}


def test_the_large_config_synthesizes_with_every_rule_pack(scale: dict[str, Any]) -> None:
    assert scale["large"]["validation_error"] is None


def test_every_template_stays_inside_the_limits_with_margin(scale: dict[str, Any]) -> None:
    too_big = []
    for key, template in _templates(scale["large"]).items():
        sizes = {
            "resources": len(template.get("Resources", {})),
            "outputs": len(template.get("Outputs", {})),
            "parameters": len(template.get("Parameters", {})),
            "template_bytes": len(json.dumps(template, separators=(",", ":"))),
        }
        too_big += [(key, what, n) for what, n in sizes.items() if n > MARGINS[what]]
    assert too_big == []


def test_adding_an_endpoint_changes_exactly_the_stack_that_holds_it(scale: dict[str, Any]) -> None:
    diffs = diff_assemblies(_templates(scale["large"]), _templates(scale["grown"]))
    changed = sorted(d.name for d in diffs)
    expected = "Production/" + ("Hosting" if (s := shard_of("city-prod-new", 4)) == 0 else f"Hosting{s + 1}")
    assert changed == [expected]
    (diff,) = diffs
    assert {c.kind for c in diff.resources} == {"added"}  # nothing else in that stack moved or changed


def test_endpoints_spread_over_the_configured_stacks(scale: dict[str, Any]) -> None:
    stacks = set(scale["large"]["templates"])
    assert {f"Production/Hosting{s}" for s in ("", "2", "3", "4")} <= stacks
    assert {"Test/Hosting", "Test/Hosting2"} <= stacks


def test_a_release_updates_every_shard_that_hosts_the_model_with_one_approval(scale: dict[str, Any]) -> None:
    template = _templates(scale["large"])["SharedServices/ModelRelease"]
    machines = [r for r in template["Resources"].values() if r["Type"] == "AWS::StepFunctions::StateMachine"]
    # The release machine; the other one is the approval gate in front of it (issue #19).
    (machine,) = [m for m in machines if "approval-gate" not in json.dumps(m["Properties"]["StateMachineName"])]
    text = "".join(
        p if isinstance(p, str) else "TOKEN" for p in machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    )
    states = json.loads(text)["States"]
    updates = sorted(name for name in states if name.startswith("UpdateProd"))
    assert len(updates) >= 2  # the challenger model is hosted in several prod shards
    stacks = {states[u]["Parameters"]["StackName"] for u in updates}
    assert len(stacks) == len(updates) and all(s.startswith("openaq-prod-hosting") for s in stacks)
    assert sum(1 for name in states if name.startswith("ApprovePromotion")) == 1
    assert states["ApprovePromotion"]["Next"] == "ReadProdLatest"  # then the prod group parameters, once
