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
from ml_platform.context import PROJECT_ROOT, prefer_venv_node
from ml_platform.review.assembly_cache import seed_from_working_tree

prefer_venv_node()  # before helpers import aws_cdk: jsii must start Node 24, not the machine's 20

from .helpers import EXAMPLE, Synth, start_cfn_lint, start_checkov, start_cli_synth, synthesize  # noqa: E402


@pytest.fixture(scope="session")
def example_config() -> PlatformConfig:
    return load_config(EXAMPLE)


@pytest.fixture(scope="session")
def synth(example_config: PlatformConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synth]:
    """The whole example app, rule packs registered exactly as in app.py (findings fail synth).

    checkov and cfn-lint start on the templates right away, in the background: they use the second
    core while the other tests run, and tests/infra/test_checkov.py and test_cfn_lint.py collect them."""
    result = synthesize(example_config, tmp_path_factory.mktemp("cdk.out"))
    result.checkov = start_checkov(result.outdir)
    result.cfn_lint = start_cfn_lint(result.outdir)
    # A clean tree's templates also serve `make diff BASE=HEAD` (test_change_summary.py): one synth of
    # the tree per session (issue #23). The cache is keyed by git tree and config text (issue #20).
    seed_from_working_tree(result.outdir, str(EXAMPLE.relative_to(PROJECT_ROOT)))
    yield result
    for process in (result.checkov, result.cfn_lint):
        if process is not None and process.poll() is None:
            process.kill()


# Tests that collect a background process (conftest and the session fixture start them): they run
# last, so the first core does every other test before it waits on the second (issue #23).
BACKGROUND_FIXTURES = {"cli_synth", "large_synth"}
BACKGROUND_MODULES = {"test_cfn_lint", "test_checkov"}


def _collects_background(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & BACKGROUND_FIXTURES) or getattr(module, "__name__", "").rsplit(".", 1)[-1] in BACKGROUND_MODULES


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_collects_background)  # stable: the order within each group is kept


_LARGE: dict[str, object] = {}
_CLI: dict[str, object] = {}


def _runs(session: pytest.Session, name: str) -> bool:
    """Whether the session runs test file ``name`` (a whole-suite run, or a path that holds it)."""
    args = [str(arg) for arg in session.config.args]
    return any(name in arg or arg in ("tests", "tests/", "tests/infra") for arg in args) or not any(
        arg.startswith("tests") for arg in args
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start the scale synths (issue #13, ~30 s of one core) and the CLI synth (test_cli.py) in the
    background at once, so the second core works while the first runs the tests (issue #23)."""
    if _runs(session, "test_cli"):
        out = Path(tempfile.mkdtemp(prefix="cli-synth-"))
        _CLI.update(out=out, process=start_cli_synth(out))
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


@pytest.fixture(scope="session")
def cli_synth() -> Callable[[], Path]:
    """Waits for the background ``cdk synth`` and returns its output folder (started here when the
    session did not start it, e.g. a single test)."""

    def wait() -> Path:
        if "process" not in _CLI:
            out = Path(tempfile.mkdtemp(prefix="cli-synth-"))
            _CLI.update(out=out, process=start_cli_synth(out))
        process = _CLI["process"]
        assert isinstance(process, subprocess.Popen)
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr[-3000:]
        return Path(str(_CLI["out"]))

    return wait
