"""config/minimal.yaml, a new organisation's starting point (issue #18): only the required
sections, and it synthesizes clean under every rule pack. One synth for the whole module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ml_platform.config import PlatformConfig, config_warnings, load_config
from ml_platform.constructs.ml_vpc import subnet_mask
from ml_platform.context import PROJECT_ROOT

from ..helpers import as_list, statements
from ..property.synth import synth_failures

MINIMAL = PROJECT_ROOT / "config" / "minimal.yaml"
REQUIRED = {"organisation", "tags", "accounts"}


@pytest.fixture(scope="module")
def minimal_config() -> PlatformConfig:
    return load_config(MINIMAL)


@pytest.fixture(scope="module")
def minimal_synth(minimal_config: PlatformConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    outdir = tmp_path_factory.mktemp("minimal-cdk.out")
    failures = synth_failures(minimal_config, outdir)
    assert not failures, "\n".join(failures)
    yield outdir


def _templates(outdir: Path) -> dict[str, dict[str, Any]]:
    """``assembly-<stage>/<file stem>`` -> template, for every stack of every stage."""
    return {
        f"{path.parent.name}/{path.name.removesuffix('.template.json')}": json.loads(path.read_text())
        for path in outdir.glob("assembly-*/*.template.json")
    }


def test_minimal_config_has_only_the_required_sections(minimal_config: PlatformConfig) -> None:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    assert set(data) == REQUIRED
    [team] = data["accounts"]["data_science"]
    assert set(team) == {"name", "account_id", "vpc", "studio"}
    assert len(minimal_config.accounts.data_science[0].studio.users) == 1
    assert config_warnings(minimal_config) == []


def test_minimal_config_synthesizes_clean(minimal_synth: Path) -> None:
    stages = {path.name.removeprefix("assembly-") for path in minimal_synth.glob("assembly-*")}
    assert stages == {"SharedServices", "DataLake", "DataScience-analytics", "Test", "Production"}


def test_no_empty_stacks_or_resourceless_statements(minimal_synth: Path) -> None:
    """What broke the minimal config: an Ingestion stack with nothing to ingest, and feature store
    roles whose record grants named no feature group."""
    for name, template in _templates(minimal_synth).items():
        assert template.get("Resources"), f"{name} has no resources"
        for statement in statements(template):
            assert as_list(statement.get("Resource", [])), f"{name}: {statement.get('Sid')} names no resource"


def test_feature_store_roles_exist_without_feature_groups(minimal_synth: Path) -> None:
    """The teams' and prediction functions' AssumeRole grants name these roles: they stay, with
    only the key grant until the first feature group exists."""
    [feature_store] = [t for n, t in _templates(minimal_synth).items() if "FeatureStore" in n]
    roles = {r["Properties"]["RoleName"] for r in feature_store["Resources"].values() if r["Type"] == "AWS::IAM::Role"}
    assert {"acme-datalake-fs-writer", "acme-datalake-fs-online-reader", "acme-datalake-fs-offline-reader"} <= roles
    sids = {s.get("Sid") for s in statements(feature_store)}
    assert "ReadWriteRecords" not in sids and "ReadRecords" not in sids
    assert not [n for n in _templates(minimal_synth) if n.startswith("assembly-DataLake/") and "Ingestion" in n]


@pytest.mark.parametrize(
    ("cidr", "azs", "mask"),
    [
        ("10.0.0.0/16", 2, 20),  # the example's VPCs: deployed subnets keep their /20 ranges
        ("10.0.0.0/16", 3, 20),
        ("10.0.0.0/18", 3, 20),
        ("10.0.0.0/19", 3, 21),
        ("10.0.0.0/20", 2, 21),  # failed synth before issue #18: two /20 subnets in a /20
        ("10.0.0.0/24", 3, 26),
    ],
)
def test_small_vpcs_get_subnets_that_fit(cidr: str, azs: int, mask: int) -> None:
    assert subnet_mask(cidr, azs) == mask
    assert 2 ** (mask - int(cidr.split("/")[1])) >= azs
