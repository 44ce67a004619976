"""Session fixtures: the example platform is synthesized once and shared by every test."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ml_platform.config import PlatformConfig, load_config
from ml_platform.context import PROJECT_ROOT, prefer_venv_node
from ml_platform.review.assembly_cache import seed_from_working_tree

prefer_venv_node()  # before helpers import aws_cdk: jsii must start Node 24, not the machine's 20

from .background import BackgroundJob, python_job, stop  # noqa: E402
from .edit_synths import result_file  # noqa: E402
from .helpers import EXAMPLE, EditSynths, Synth, start_cfn_lint, start_checkov, start_cli_synth, synthesize  # noqa: E402
from .infra.logical_id_edits import EVERY_EDIT  # noqa: E402


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
        stop(process)


# Tests that collect a background process (conftest and the session fixture start them): they run
# last, so the first core does every other test before it waits on the second (issue #23).
BACKGROUND_MODULES = {"test_cfn_lint", "test_checkov"}


def _collects_background(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & JOBS.keys()) or getattr(module, "__name__", "").rsplit(".", 1)[-1] in BACKGROUND_MODULES


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_collects_background)  # stable: the order within each group is kept


# The scale synths (issue #13, the large config with the rule packs and its rehearsal, and the same
# plus one endpoint), the CLI synth (test_cli.py) and the logical-ID edits (issue #12).
# The scale job is the longest (~35 s of one core: the large synth, its rehearsal, the grown synth): it
# keeps the tests' priority, the others yield to the tests (tests/background.py).
SCALE = python_job("scale-", [str(PROJECT_ROOT / "scripts" / "synth_large.py")], lower_priority=False)
CLI = BackgroundJob("cli-synth-", start_cli_synth, timeout=600)
EDITS = python_job("edit-synths-", ["-m", "tests.edit_synths"])


JOBS = {"large_synth": SCALE, "edit_synths": EDITS, "cli_synth": CLI}  # fixture -> the job it collects
JOB_FILES = {  # fixture -> the test files that use it
    "large_synth": ("infra/test_scale.py",),
    "edit_synths": ("infra/test_logical_id_stability.py", "infra/test_hosting.py", "infra/test_studio.py"),
    "cli_synth": ("infra/test_cli.py",),
}


def _may_run(session: pytest.Session, test_file: Path) -> bool:
    """Whether the command line names ``test_file`` or a folder holding it (before collection: a guess that
    ``pytest_collection_finish`` corrects). ``pytest`` alone runs the testpaths, which hold every file."""
    here = session.config.invocation_params.dir
    for arg in session.config.args:
        path = (here / str(arg).split("::", 1)[0]).resolve()
        if path == test_file or path in test_file.parents:
            return True
    return False


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start the background jobs the session's tests will collect, at once (issue #23)."""
    try:
        for fixture, job in JOBS.items():
            if any(_may_run(session, PROJECT_ROOT / "tests" / name) for name in JOB_FILES[fixture]):
                job.start()
    except BaseException:
        pytest_sessionfinish(session)  # pytest does not call it when sessionstart fails
        raise


def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop a job no selected test collects (``-k``, ``-m``, or a guess that was wrong)."""
    used = {name for item in session.items for name in getattr(item, "fixturenames", ())}
    for fixture, job in JOBS.items():
        if fixture not in used:
            job.close()


def pytest_sessionfinish(session: pytest.Session) -> None:
    for job in JOBS.values():
        job.close()


@pytest.fixture(scope="session")
def large_synth() -> Callable[[], dict[str, object]]:
    """Waits for the background scale synths and returns their summary."""

    def wait() -> dict[str, object]:
        out = SCALE.wait()
        return {name: json.loads((out / f"{name}.json").read_text()) for name in ("large", "grown")}

    return wait


@pytest.fixture(scope="session")
def cli_synth() -> Callable[[], Path]:
    """Waits for the background ``cdk synth`` and returns its output folder."""
    return CLI.wait


@pytest.fixture(scope="session")
def edit_synths() -> EditSynths:
    """The background synths of the logical-ID edits: edit -> "Stage/Stack" -> template. Waits for each
    edit only (``tests/edit_synths.py`` writes one file per edit as it goes)."""

    class Edits(dict[str, dict[str, dict[str, Any]]]):
        def __missing__(self, edit: str) -> dict[str, dict[str, Any]]:
            if edit not in EVERY_EDIT:
                raise KeyError(edit)
            files: dict[str, str] = json.loads(EDITS.wait_for(result_file(edit)).read_text())
            self[edit] = {key: json.loads(Path(path).read_text()) for key, path in files.items()}
            return self[edit]

    edits = Edits()
    return lambda: edits
