"""The deploy path: the pinned CDK CLI synthesizes what ``python app.py`` does, and bad input
fails with one line, no traceback, through both entry points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ml_platform.context import PROJECT_ROOT

from ..helpers import Synth, example_data

VENV_BIN = Path(sys.executable).parent


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(
        CDK_DISABLE_CLI_TELEMETRY="1",
        npm_config_update_notifier="false",
        NPM_CONFIG_USERCONFIG=str(PROJECT_ROOT / ".npmrc"),
        **extra,
    )
    return env


def _cdk(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(VENV_BIN / "npx"), "--no-install", "cdk", *args]
    return subprocess.run(
        command, cwd=PROJECT_ROOT, env=_env(), capture_output=True, text=True, check=False, timeout=300
    )


def _bad_config(tmp_path: Path) -> Path:
    data = example_data()
    data["accounts"]["test"]["account_id"] = "12345678901"  # 11 digits
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.cli
def test_cli_synth_equals_python_app(synth: Synth, tmp_path: Path) -> None:
    result = _cdk("synth", "--quiet", "--no-lookups", "-o", str(tmp_path / "cdk.out"))
    assert result.returncode == 0, result.stderr
    for key, template in synth.templates.items():
        cli_template = json.loads((tmp_path / "cdk.out" / synth.template_files[key]).read_text())
        assert cli_template == template, f"{key} differs between the CLI and python app.py"


@pytest.mark.cli
def test_cli_reports_a_bad_config_in_one_line(tmp_path: Path) -> None:
    result = _cdk(
        "synth",
        "--quiet",
        "--no-lookups",
        "-c",
        f"config={_bad_config(tmp_path)}",
        "-o",
        str(tmp_path / "cdk.out"),
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    [line] = [ln for ln in result.stderr.splitlines() if ln.startswith("config error")]
    assert "accounts.test.account_id: String should match pattern" in line


def test_python_app_reports_a_bad_config_in_one_line(tmp_path: Path) -> None:
    context = json.dumps({"config": str(_bad_config(tmp_path))})
    result = subprocess.run(
        [sys.executable, "app.py"],
        cwd=PROJECT_ROOT,
        env=_env(CDK_CONTEXT_JSON=context),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith(f"config error in {tmp_path / 'bad.yaml'}: accounts.test.account_id: ")
