"""The example config and minimal configs load; models are frozen and carry defaults."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest
import yaml

from ml_platform.config import ConfigError, PlatformConfig, load_config
from ml_platform.schema.network import CostProfile
from ml_platform.schema.studio import Persona

from ..helpers import EXAMPLE, config_from, example_data


def test_example_config_loads(example_config: PlatformConfig) -> None:
    assert example_config.organisation.name == "openaq"
    assert [t.name for t in example_config.accounts.data_science] == ["weatherproduct", "weatherresearch"]
    users = example_config.accounts.data_science[0].studio.users
    assert {u.persona for u in users} == set(Persona)
    assert example_config.accounts.by_path()[0] == ("shared_services", "111111111111")


def test_config_is_frozen(example_config: PlatformConfig) -> None:
    with pytest.raises(pydantic.ValidationError):
        example_config.organisation.region = "eu-west-1"  # type: ignore[misc]


def test_minimal_config_gets_secure_defaults() -> None:
    data = example_data()
    for optional in (
        "network",
        "feature_groups",
        "models",
        "endpoints",
        "monitors",
        "retraining",
        "observability",
        "realtime_predictions",
        "data_lake",
        "artifacts",
        "model_builds",
        "platform_pipeline",
    ):
        data.pop(optional)
    del data["accounts"]["data_science"][0]["studio"]
    config = config_from(data)
    assert config.network.interface_endpoints == ()  # extras only: each VPC's own come from what runs in it
    assert config.network.cost_profile == CostProfile.BALANCED
    assert [config.network.endpoint_az_count(k) for k in ("data_science", "test", "prod")] == [1, 1, 2]
    assert config.accounts.data_science[0].studio.idle_timeout_minutes == 60
    assert config.platform_pipeline is None and config.observability.sink_arn is None


def test_existing_vpc_is_accepted() -> None:
    data = example_data()
    data["accounts"]["test"]["vpc"] = {
        "existing_vpc_id": "vpc-0123456789abcdef0",
        "existing_subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    }
    assert config_from(data).accounts.test.vpc.existing_vpc_id == "vpc-0123456789abcdef0"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "must hold a YAML mapping"),
        ("organisation: [unclosed", "invalid YAML"),
        ("tags: {a: 1}\ntags: {b: 2}\n", "duplicate key 'tags'"),
    ],
    ids=["empty", "syntax", "duplicate-key"],
)
def test_unreadable_yaml_is_one_clear_line(tmp_path: Path, text: str, reason: str) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text(text)
    with pytest.raises(ConfigError, match=reason) as caught:
        load_config(source)
    assert "\n" not in str(caught.value)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_config(tmp_path / "nope.yaml")


def test_every_example_field_is_documented() -> None:
    """config/README.md names every key the example uses, so the docs cannot fall behind."""
    readme = (EXAMPLE.parent / "README.md").read_text()
    keys: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                keys.add(str(key))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    data = yaml.safe_load(EXAMPLE.read_text())
    walk({k: v for k, v in data.items() if k != "tags"})
    features = {f for group in data["feature_groups"] for f in group["features"]}
    features |= {c for table in data["data_lake"]["curated_tables"] for c in table["columns"]}  # data, not schema
    features |= set(data["budgets"]["monthly_usd"])  # account slugs, data
    for build in data["model_builds"]:  # hyperparameter names are the algorithm's, not the schema's
        features |= set(build["training"].get("hyperparameters", {}))
        features |= set(build.get("tuning", {}).get("ranges", {}))
    undocumented = sorted(k for k in keys - features if f"`{k}`" not in readme)
    assert not undocumented, f"document these keys in config/README.md: {undocumented}"


def test_generated_field_reference_is_current() -> None:
    import subprocess
    import sys

    script = EXAMPLE.parent.parent / "scripts" / "config_reference.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
