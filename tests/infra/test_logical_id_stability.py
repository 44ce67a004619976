"""Everyday config edits must not move or replace stateful resources (issue #12).

Each edit is synthesized (without the rule packs or CDK's CloudFormation validation: the example they are
compared with has both, issue #23) and compared with the example: every stateful resource keeps its
logical ID and no change requires its replacement.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ml_platform.review.template_diff import STATEFUL_TYPES, diff_assemblies

from ..helpers import Synth, config_from, example_data, synthesize


def _add_user(data: dict[str, Any]) -> None:
    data["accounts"]["data_science"][0]["studio"]["users"].append({"name": "dora-new", "persona": "ml_engineer"})


def _add_feature_group(data: dict[str, Any]) -> None:
    data["feature_groups"].append(
        {
            "name": "station-health-v1",
            "record_identifier": "station",
            "event_time_feature": "EventTime",
            "features": {"station": "String", "EventTime": "Fractional", "uptime": "Fractional"},
        }
    )


def _add_endpoint(data: dict[str, Any]) -> None:
    data["endpoints"].append(
        {
            "name": "weather-shadow",
            "account": "prod",
            "variants": [{"name": "VariantA", "model": "weather-xgboost-v2", "initial_instance_count": 2}],
        }
    )


def _change_weights(data: dict[str, Any]) -> None:
    variants = data["endpoints"][3]["variants"]  # weather-prediction (A/B)
    variants[0]["initial_weight"], variants[1]["initial_weight"] = 0.5, 0.5


def _add_team(data: dict[str, Any]) -> None:
    team = {"name": "airquality", "account_id": "777777777777", "vpc": {"cidr": "10.12.0.0/16"}}
    data["accounts"]["data_science"].append(team)
    data["service_catalog"]["share_with"].append("airquality")


EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "add a user": _add_user,
    "add a feature group": _add_feature_group,
    "add an endpoint": _add_endpoint,
    "change variant weights": _change_weights,
    "add a data science team": _add_team,
}


def _stateful_ids(templates: dict[str, dict[str, Any]]) -> set[tuple[str, str]]:
    return {
        (stack, logical_id)
        for stack, template in templates.items()
        for logical_id, resource in template.get("Resources", {}).items()
        if resource["Type"] in STATEFUL_TYPES
    }


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_edit_keeps_every_stateful_logical_id(synth: Synth, tmp_path: Path, edit: str) -> None:
    data = example_data()
    EDITS[edit](data)
    edited = synthesize(config_from(data), tmp_path, rule_packs=False, cfn_validation=False).templates
    missing = _stateful_ids(synth.templates) - _stateful_ids(edited)
    assert not missing, f"'{edit}' moved or removed stateful resources: {sorted(missing)}"
    warnings = [w for d in diff_assemblies(synth.templates, edited) for w in d.warnings()]
    assert not warnings, f"'{edit}' would replace: {warnings}"


def test_the_check_catches_a_breaking_edit(synth: Synth, tmp_path: Path) -> None:
    """Renaming a team renames its stage: every resource in it would be replaced."""
    data = example_data()
    data["accounts"]["data_science"][1]["name"] = "weatherlab"
    data["service_catalog"]["share_with"] = ["weatherproduct", "weatherlab"]
    data["data_lake"]["curated_tables"][0]["share_with"] = ["weatherproduct", "weatherlab"]
    data["model_builds"][1]["team"] = "weatherlab"
    data["budgets"]["monthly_usd"]["weatherlab"] = data["budgets"]["monthly_usd"].pop("weatherresearch")
    edited = synthesize(config_from(data), tmp_path, rule_packs=False, cfn_validation=False).templates
    missing = _stateful_ids(synth.templates) - _stateful_ids(edited)
    assert (
        "DataScience-weatherresearch/Studio",
        next(
            i
            for i, r in synth.template("DataScience-weatherresearch", "Studio")["Resources"].items()
            if r["Type"] == "AWS::SageMaker::Domain"
        ),
    ) in missing
