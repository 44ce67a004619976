"""The deploy path: the pinned CDK CLI synthesizes what ``python app.py`` does, and bad input
fails with one line, no traceback, through both entry points."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from ml_platform.context import PROJECT_ROOT

from ..helpers import Synth, cdk_command, cli_env, example_data


def _env(**extra: str) -> dict[str, str]:
    return cli_env(**extra)


def _cdk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cdk_command(*args), cwd=PROJECT_ROOT, env=_env(), capture_output=True, text=True, check=False, timeout=300
    )


def _bad_config(tmp_path: Path) -> Path:
    data = example_data()
    data["accounts"]["test"]["account_id"] = "12345678901"  # 11 digits
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.cli
def test_cli_synth_equals_python_app(synth: Synth, cli_synth: Callable[[], Path]) -> None:
    outdir = cli_synth()  # started at session start, in the background (conftest.py)
    for key, template in synth.templates.items():
        cli_template = json.loads((outdir / synth.template_files[key]).read_text())
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
