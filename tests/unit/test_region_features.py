"""The regions copied into ``ml_platform/region_features.py`` match the pinned cfn-lint's provider
data (synth does not install cfn-lint, so the list lives in the package)."""

from __future__ import annotations

import json

from ml_platform.region_features import REGIONS_BY_TYPE
from ml_platform.rehearsal.handler_permissions import SCHEMAS


def test_region_lists_match_the_provider_data() -> None:
    providers = sorted((SCHEMAS / "providers").glob("*.json"))
    assert providers, "cfn-lint's provider data is missing"
    for resource_type, regions in REGIONS_BY_TYPE.items():
        having = {p.stem for p in providers if resource_type in json.loads(p.read_text(encoding="utf-8"))}
        assert regions == having, f"{resource_type}: copy {sorted(having)} into ml_platform/region_features.py"


def test_regions_the_issue_names_lack_inference_components() -> None:
    regions = REGIONS_BY_TYPE["AWS::SageMaker::InferenceComponent"]
    assert {"us-west-1", "eu-west-3", "af-south-1"}.isdisjoint(regions)
    assert "us-east-1" in regions
