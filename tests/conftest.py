"""Session fixtures: the example platform is synthesized once and shared by every test."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ml_platform.config import PlatformConfig, load_config
from ml_platform.context import prefer_venv_node

prefer_venv_node()  # before helpers import aws_cdk: jsii must start Node 24, not the machine's 20

from .helpers import EXAMPLE, Synth, start_checkov, synthesize  # noqa: E402


@pytest.fixture(scope="session")
def example_config() -> PlatformConfig:
    return load_config(EXAMPLE)


@pytest.fixture(scope="session")
def synth(example_config: PlatformConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synth]:
    """The whole example app, rule packs registered exactly as in app.py (findings fail synth).

    checkov starts on the templates right away, in the background: it uses the second core while
    the other tests run, and tests/infra/test_checkov.py collects its report."""
    result = synthesize(example_config, tmp_path_factory.mktemp("cdk.out"))
    result.checkov = start_checkov(result.outdir)
    yield result
    if result.checkov is not None and result.checkov.poll() is None:
        result.checkov.kill()


_LARGE: dict[str, object] = {}


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start the scale synths (issue #13) in the background at once: they take ~30 s of one core."""
    if any("test_scale" in str(arg) or arg in ("tests", "tests/infra") for arg in session.config.args) or not any(
        str(arg).startswith("tests/") for arg in session.config.args
    ):
        out = Path(tempfile.mkdtemp(prefix="scale-"))
        script = Path(__file__).resolve().parent.parent / "scripts" / "synth_large.py"
        _LARGE["out"] = out
        _LARGE["process"] = subprocess.Popen(
            [sys.executable, str(script), str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )


@pytest.fixture(scope="session")
def large_synth() -> Callable[[], dict[str, object]]:
    """Waits for the background scale synths and returns their summary."""

    def wait() -> dict[str, object]:
        process = _LARGE.get("process")
        if process is None:  # e.g. a single test file run: synthesize now
            out = Path(tempfile.mkdtemp(prefix="scale-"))
            script = Path(__file__).resolve().parent.parent / "scripts" / "synth_large.py"
            process = subprocess.Popen(
                [sys.executable, str(script), str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            _LARGE.update(out=out, process=process)
        assert isinstance(process, subprocess.Popen)
        _, stderr = process.communicate(timeout=900)
        assert process.returncode == 0, stderr[-3000:]
        summary: dict[str, object] = json.loads((Path(str(_LARGE["out"])) / "summary.json").read_text())
        return summary

    return wait
