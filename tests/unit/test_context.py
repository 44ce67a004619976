"""Context handling without jsii: config path resolution and cdk.json flags."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ml_platform.context import (
    PROJECT_ROOT,
    cdk_json_context,
    cli_context,
    prefer_venv_node,
    resolve_config_path,
)


def test_default_config_comes_from_cdk_json() -> None:
    context = cdk_json_context()
    assert context["config"] == "config/example.yaml"
    assert resolve_config_path({}, context) == PROJECT_ROOT / "config" / "example.yaml"


def test_cli_context_wins_over_cdk_json(tmp_path: Path) -> None:
    env = {"CDK_CONTEXT_JSON": json.dumps({"config": str(tmp_path / "org.yaml")})}
    assert resolve_config_path(env, cdk_json_context()) == tmp_path / "org.yaml"


def test_relative_config_paths_are_from_the_project_root() -> None:
    env = {"CDK_CONTEXT_JSON": json.dumps({"config": "config/large.yaml"})}
    assert resolve_config_path(env, {}) == PROJECT_ROOT / "config" / "large.yaml"


def test_overflowed_cli_context_is_read(tmp_path: Path) -> None:
    overflow = tmp_path / "context-overflow.json"
    overflow.write_text(json.dumps({"config": "other.yaml"}))
    env = {"CDK_CONTEXT_JSON": "{}", "CONTEXT_OVERFLOW_LOCATION_ENV": str(overflow)}
    assert cli_context(env) == {"config": "other.yaml"}


def test_feature_flags_keep_synth_offline_and_clean() -> None:
    context = cdk_json_context()
    assert context["cli-telemetry"] is False
    assert context["@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"] is True
    settings = json.loads((PROJECT_ROOT / "cdk.json").read_text())
    assert settings["notices"] is False and settings["versionReporting"] is False


def test_venv_node_goes_first_on_path(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin"}
    prefer_venv_node(env)
    prefer_venv_node(env)  # idempotent
    assert env["PATH"].count("/usr/bin") == 1
    assert (Path(env["PATH"].split(":")[0]) / "node").exists()


def test_jsii_starts_the_venv_node_executable_itself() -> None:
    """Not .venv/bin/node, a Python script that would start it (a Python start-up per kernel)."""
    env = {"PATH": "/usr/bin"}
    prefer_venv_node(env)
    done = subprocess.run([env["JSII_NODE"], "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("v24."), done.stdout
    assert Path(env["JSII_NODE"]).read_bytes()[:4] == b"\x7fELF"  # the executable, not a script
    prefer_venv_node(env := {"PATH": "/usr/bin", "JSII_NODE": "/opt/node"})
    assert env["JSII_NODE"] == "/opt/node"  # a node the user chose stays
