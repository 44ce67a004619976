"""Region support read from cfn-lint's provider data (ml_platform/region_features.py), checked
against the regions issue #22 names and against the files themselves."""

from __future__ import annotations

import json

from ml_platform.region_features import INFERENCE_COMPONENT, SCHEMAS, resource_schema, resource_types_in


def test_types_are_read_from_each_regions_provider_file() -> None:
    data = json.loads((SCHEMAS / "providers" / "eu-west-3.json").read_text(encoding="utf-8"))
    assert resource_types_in("eu-west-3") == frozenset(data)


def test_regions_the_issue_names_lack_inference_components() -> None:
    for region in ("us-west-1", "eu-west-3", "af-south-1"):
        assert INFERENCE_COMPONENT not in resource_types_in(region), region
    assert INFERENCE_COMPONENT in resource_types_in("us-east-1")


def test_an_unknown_region_falls_back_to_us_east_1_as_cfn_lint_does() -> None:
    assert resource_types_in("xx-nowhere-1") == resource_types_in("us-east-1")


def test_schemas_are_the_regions_own() -> None:
    assert resource_schema(INFERENCE_COMPONENT, "us-east-1")["typeName"] == INFERENCE_COMPONENT
