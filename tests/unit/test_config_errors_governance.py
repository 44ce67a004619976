"""Bad model governance configs (issue #22, capability 3): one line naming the field and the reason."""

from __future__ import annotations

import pytest

from .test_config_errors import Mutation, _both, _delete, _set, check_bad_config

GOV = "model_builds.0.governance"
CASES: list[tuple[str, Mutation, str, str]] = [
    (
        "stage name the API refuses",
        _set("model_lifecycle.production_stage", "prod_stage"),
        "model_lifecycle.production_stage",
        "should match pattern",
    ),
    (
        "development stage name the API refuses",
        _set("model_lifecycle.development_stages", ["dev stage"]),
        "model_lifecycle.development_stages[0]",
        "should match pattern",
    ),
    (
        "production stage also a development stage",
        _set("model_lifecycle.development_stages", ["development", "Production"]),
        "model_lifecycle",
        "production_stage 'production' is also a development stage",
    ),
    (
        "duplicate development stage",
        _set("model_lifecycle.development_stages", ["development", "development"]),
        "model_lifecycle.development_stages",
        "duplicate stage(s): development",
    ),
    (
        "no development stage",
        _set("model_lifecycle.development_stages", []),
        "model_lifecycle.development_stages",
        "at least 1",
    ),
    (
        "card required but no card source",
        _delete(f"{GOV}.model_card"),
        "model_builds[0].governance.require_model_card",
        "group 'weather-pollution' has no card source",
    ),
    (
        "unknown risk rating",
        _set(f"{GOV}.model_card.risk_rating", "Severe"),
        "model_builds[0].governance.model_card.risk_rating",
        "Input should be 'High'",
    ),
    (
        "governance on a group no model releases",
        _both(_set("model_builds.1.governance", {"require_model_card": False})),
        "model_builds[1].governance",
        "group 'weather-research' is released by no model",
    ),
]


@pytest.mark.parametrize(("name", "mutate", "path", "reason"), CASES, ids=[c[0] for c in CASES])
def test_bad_governance_config(name: str, mutate: Mutation, path: str, reason: str) -> None:
    check_bad_config(mutate, path, reason)
