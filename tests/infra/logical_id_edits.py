"""The everyday config edits of the logical-ID stability test (issue #12), and one breaking edit
that the check must catch. Shared by the test and the background synth that builds them
(``tests/edit_synths.py``, issue #23)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


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


# In the order the background job synthesizes them: the first two are also read by test_studio.py and
# test_hosting.py, which then wait for those only.
EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "add a user": _add_user,
    "change variant weights": _change_weights,
    "add a feature group": _add_feature_group,
    "add an endpoint": _add_endpoint,
    "add a data science team": _add_team,
}


def rename_a_team(data: dict[str, Any]) -> None:
    """Renaming a team renames its stage: every resource in it would be replaced."""
    data["accounts"]["data_science"][1]["name"] = "weatherlab"
    data["service_catalog"]["share_with"] = ["weatherproduct", "weatherlab"]
    data["data_lake"]["curated_tables"][0]["share_with"] = ["weatherproduct", "weatherlab"]
    data["model_builds"][1]["team"] = "weatherlab"
    data["budgets"]["monthly_usd"]["weatherlab"] = data["budgets"]["monthly_usd"].pop("weatherresearch")


BREAKING = "rename a team"
EVERY_EDIT: dict[str, Callable[[dict[str, Any]], None]] = {**EDITS, BREAKING: rename_a_team}
