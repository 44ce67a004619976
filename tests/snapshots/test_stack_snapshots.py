"""One syrupy snapshot per stack of the example config; the snapshot diff is the review.

After an intended change run ``make snapshot-update`` and commit the updated snapshots.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from ml_platform.config import load_config
from ml_platform.topology import account_roles

from ..helpers import APP_LEVEL, EXAMPLE, Synth

# Asset hashes change with unrelated code edits; mask them so only infrastructure shows.
_ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")
STAGES = [role.stage_id for role in account_roles(load_config(EXAMPLE))] + [APP_LEVEL]


def masked(template: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(_ASSET_HASH.sub("<asset-hash>", json.dumps(template)))
    return result


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("stage_id", STAGES)
def test_stack_snapshots(synth: Synth, stage_id: str, snapshot_json: SnapshotAssertion) -> None:
    stacks = sorted(k.split("/", 1)[1] for k in synth.templates if k.split("/", 1)[0] == stage_id)
    assert stacks, f"no stacks in stage {stage_id}"
    for stack_id in stacks:
        assert masked(synth.template(stage_id, stack_id)) == snapshot_json(name=stack_id)


@pytest.mark.parametrize("product", ["NotebookProduct", "StudioUserProduct", "MlopsProjectProduct"])
def test_product_template_snapshots(synth: Synth, product: str, snapshot_json: SnapshotAssertion) -> None:
    assert masked(synth.product(product)) == snapshot_json


def test_masking_hides_asset_hashes_only() -> None:
    digest = "a" * 64
    assert masked({"S3Key": f"{digest}.zip", "Name": "openaq"}) == {
        "S3Key": "<asset-hash>.zip",
        "Name": "openaq",
    }
