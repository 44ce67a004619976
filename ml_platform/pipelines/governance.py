"""What a governed build's RegisterModel step adds to CreateModelPackage (docs/model-governance.md).

The package's own model card (``ModelCard``: content in the model package card schema, status
``PendingReview``) and its lifecycle stage (``ModelLifeCycle``: the first development stage), both
CreateModelPackage request fields
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackage.html). The card's
content follows the "Model package model card schema": ``intended_uses`` and
``additional_information`` are among its sections
(https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-details.html#model-card-schema).
The approver later sets the card to ``Approved`` and the stage to production; the release checks both.
"""

from __future__ import annotations

import json
from typing import Any

from ml_platform.schema.governance import ModelCardConfig, ModelLifecycleConfig
from ml_platform.schema.model_build import ModelBuildConfig

REGISTERED_CARD_STATUS = "PendingReview"  # a person reviews it: the pipeline never approves a card
REGISTERED_STAGE_STATUS = "InProgress"


def card_content(card: ModelCardConfig) -> str:
    """The card's JSON content; empty optional fields are left out (sorted keys: a stable template)."""
    intended = {
        "purpose_of_model": card.purpose_of_model,
        "intended_uses": card.intended_uses,
        "risk_rating": card.risk_rating.value,
        "explanations_for_risk_rating": card.explanations_for_risk_rating,
        "factors_affecting_model_efficiency": card.factors_affecting_model_efficiency,
    }
    content: dict[str, Any] = {"intended_uses": {k: v for k, v in intended.items() if v}}
    if card.ethical_considerations:
        content["additional_information"] = {"ethical_considerations": card.ethical_considerations}
    return json.dumps(content, sort_keys=True, separators=(",", ":"))


def registration_governance(build: ModelBuildConfig, lifecycle: ModelLifecycleConfig) -> dict[str, Any]:
    """The extra CreateModelPackage arguments of a governed build (none for an ungoverned one)."""
    if build.governance is None:
        return {}
    arguments: dict[str, Any] = {
        "ModelLifeCycle": {
            "Stage": lifecycle.development_stages[0],
            "StageStatus": REGISTERED_STAGE_STATUS,
            "StageDescription": f"Registered by the {build.name} pipeline",
        }
    }
    if build.governance.model_card is not None:
        arguments["ModelCard"] = {
            "ModelCardContent": card_content(build.governance.model_card),
            "ModelCardStatus": REGISTERED_CARD_STATUS,
        }
    return arguments
