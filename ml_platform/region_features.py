"""What CloudFormation offers in a region, from the provider data cfn-lint bundles (issue #22).

``cfnlint/data/schemas/providers/<region>.json`` maps every resource type a region's CloudFormation
registry has to its schema file under ``resources/``. The config checks (inference components,
MLflow app or tracking server, Studio spaces and app instance types) and the deploy rehearsal's
handler permissions all read these files, so one pinned copy of AWS's published schemas decides
(cfn-lint is therefore a synth dependency, requirements.txt). The package is located with
``importlib.util.find_spec``: importing cfn-lint would cost ~0.4 s on the bad-config path.

Plain Python, no CDK.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

INFERENCE_COMPONENT = "AWS::SageMaker::InferenceComponent"
CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"


def _schemas() -> Path:
    spec = find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - pinned in requirements.txt
        raise RuntimeError("cfn-lint is not installed: run make synth (requirements.txt pins it)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "schemas"


SCHEMAS = _schemas()


def _provider_file(region: str) -> Path:
    path = SCHEMAS / "providers" / f"{region}.json"
    return path if path.exists() else SCHEMAS / "providers" / "us-east-1.json"  # as cfn-lint falls back


@cache
def providers(region: str) -> Mapping[str, str]:
    """Resource type -> schema file name of ``region``."""
    found: Mapping[str, str] = json.loads(_provider_file(region).read_text(encoding="utf-8"))
    return found


def resource_types_in(region: str) -> frozenset[str]:
    """The resource types CloudFormation offers in ``region``."""
    return frozenset(providers(region))


@cache
def resource_schema(resource_type: str, region: str) -> Mapping[str, Any]:
    """The bundled provider schema of ``resource_type`` in ``region``."""
    name = CUSTOM_RESOURCE if resource_type.startswith("Custom::") else resource_type
    schema_hash = providers(region).get(name)
    if schema_hash is None:
        raise KeyError(f"cfn-lint bundles no schema of {resource_type} for {region}")
    schema: Mapping[str, Any] = json.loads((SCHEMAS / "resources" / f"{schema_hash}.json").read_text(encoding="utf-8"))
    return schema
