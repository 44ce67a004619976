"""A governed build's RegisterModel step (docs/model-governance.md): the package's own card, pending review,
and the first development stage; an ungoverned build registers as before."""

from __future__ import annotations

import json
from typing import Any

from ml_platform.pipelines.governance import registration_governance
from ml_platform.pipelines.model_build import model_build_definition
from ml_platform.pipelines.validate import validate_definition
from ml_platform.schema.governance import ModelLifecycleConfig

from .test_pipeline_definition import CONFIG, SPOT_BUILD, TARGET, TUNING_BUILD


def _register(definition: dict[str, Any]) -> dict[str, Any]:
    gate = next(s for s in definition["Steps"] if s["Type"] == "Condition")
    step = next(s for s in gate["Arguments"]["IfSteps"] if s["Type"] == "RegisterModel")
    arguments: dict[str, Any] = step["Arguments"]
    return arguments


def test_governed_build_attaches_its_card_pending_review_in_the_first_development_stage() -> None:
    assert SPOT_BUILD.governance is not None  # the example's weather-pipeline
    lifecycle = ModelLifecycleConfig(development_stages=("dev", "qa"), production_stage="live")
    definition = model_build_definition(SPOT_BUILD, TARGET, lifecycle)
    arguments = _register(definition)
    assert arguments["ModelLifeCycle"] == {
        "Stage": "dev",
        "StageStatus": "InProgress",
        "StageDescription": "Registered by the weather-pipeline pipeline",
    }
    card = arguments["ModelCard"]
    assert card["ModelCardStatus"] == "PendingReview"  # the pipeline never approves a card
    content = json.loads(card["ModelCardContent"])
    assert content["intended_uses"]["risk_rating"] == "Medium"
    assert set(content["intended_uses"]) == {
        "purpose_of_model",
        "intended_uses",
        "risk_rating",
        "explanations_for_risk_rating",
        "factors_affecting_model_efficiency",
    }
    assert "additional_information" not in content  # empty optional sections are left out
    assert validate_definition(definition) == []


def test_ungoverned_build_registers_as_before() -> None:
    assert TUNING_BUILD.governance is None
    assert registration_governance(TUNING_BUILD, CONFIG.model_lifecycle) == {}
    arguments = _register(model_build_definition(TUNING_BUILD, TARGET))
    assert "ModelCard" not in arguments and "ModelLifeCycle" not in arguments


def test_card_optional_stage_still_set() -> None:
    governance = SPOT_BUILD.governance
    assert governance is not None
    cardless = SPOT_BUILD.model_copy(update={"governance": governance.model_copy(update={"model_card": None})})
    extra = registration_governance(cardless, CONFIG.model_lifecycle)
    assert set(extra) == {"ModelLifeCycle"} and extra["ModelLifeCycle"]["Stage"] == "development"
