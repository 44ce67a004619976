"""tests/background.py: stopping a background job stops everything it started (issue #23). npx runs the
CDK CLI, which runs app.py, which runs jsii's node: a grandchild left running would write into the
folder the session just removed."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from ml_platform.context import PROJECT_ROOT
from tests.background import WRITTEN_BY_SYNTH, BackgroundJob, background_process, isolated_project


def _spawns_a_late_writer(out: Path) -> subprocess.Popen[str]:
    """A child that starts a grandchild writing into ``out`` a little later (creating it, as the CDK CLI does)."""
    # Its output goes elsewhere, as a CLI's grandchildren's may: nothing holds the job's pipes open.
    script = f"exec >/dev/null 2>&1; (sleep 0.5; mkdir -p {out}; touch {out}/late) & touch {out}/started; sleep 30"
    return background_process(["sh", "-c", script])


def test_closing_a_job_stops_its_grandchildren_and_removes_its_folder() -> None:
    job = BackgroundJob("background-test-", _spawns_a_late_writer)
    job.start()
    out = job.out
    assert out is not None
    for _ in range(100):  # until the grandchild exists
        if (out / "started").exists():
            break
        time.sleep(0.05)
    job.close()
    time.sleep(1.0)  # the grandchild would have written by now
    assert not out.exists()


def test_a_closed_job_starts_again_when_waited_for(tmp_path: Path) -> None:
    job = BackgroundJob("background-test-", lambda out: background_process(["sh", "-c", f"touch {out}/done"]))
    job.start()
    job.close()
    out = job.wait()
    assert (out / "done").exists()
    job.close()


def _job(script: str) -> BackgroundJob:
    """A shell job with a short timeout: a wait that misbehaves fails the test instead of hanging it."""
    return BackgroundJob("background-test-", lambda out: background_process(["sh", "-c", script.format(out=out)]), 20)


def test_a_result_is_returned_as_soon_as_the_job_writes_it() -> None:
    """``wait_for``: one result of a job that goes on working (the logical-ID edits, one file per edit)."""
    job = _job("echo 1 > {out}/.one && mv {out}/.one {out}/one; sleep 30")  # written atomically, as jobs do
    try:
        started = time.monotonic()
        assert job.wait_for("one").read_text() == "1\n"
        assert time.monotonic() - started < 10 and job.process is not None and job.process.returncode is None
    finally:
        job.close()


def test_a_job_that_writes_much_output_before_the_result_is_not_blocked() -> None:
    """The job's pipes are read while it is waited for: ~200 KB of stderr would fill a pipe and stop it."""
    job = _job("head -c 200000 /dev/zero | tr '\\0' x >&2; echo 1 > {out}/.one && mv {out}/.one {out}/one; sleep 30")
    try:
        assert job.wait_for("one").read_text() == "1\n"
    finally:
        job.close()


def test_a_job_that_ends_without_the_result_fails_the_wait() -> None:
    for script, message in (("echo broken >&2; exit 3", "broken"), ("true", "ended without writing one")):
        job = _job(script)
        try:
            with pytest.raises(AssertionError, match=message):
                job.wait_for("one")
        finally:
            job.close()


def test_background_work_runs_at_a_lower_priority_in_the_tests_session() -> None:
    """A process group of its own (so ``stop`` reaches its children) in the tests' session: the autogroup
    scheduler shares the CPU equally between sessions, which would undo the lower priority."""
    niced = background_process(["sh", "-c", "nice"])
    same = background_process(["sh", "-c", "nice"], lower_priority=False)
    groups = [(os.getpgid(p.pid), os.getsid(p.pid)) for p in (niced, same)]
    lower, own = (int(p.communicate()[0]) for p in (niced, same))
    assert lower == min(own + 10, 19)  # nice(1) adds 10, up to the maximum
    assert groups == [(niced.pid, os.getsid(0)), (same.pid, os.getsid(0))]


def test_a_background_synth_writes_its_product_snapshots_into_a_copy(tmp_path: Path) -> None:
    """CDK rewrites every product version snapshot on every synth: a background job's writes must not
    meet the session's reads (tests/background.py)."""
    project = isolated_project(tmp_path / "project")
    copied = project / WRITTEN_BY_SYNTH
    assert not copied.is_symlink() and (project / "ml_platform").is_symlink()
    snapshots = sorted(p.relative_to(project) for p in copied.rglob("*.json"))
    committed = sorted(p.relative_to(PROJECT_ROOT) for p in (PROJECT_ROOT / WRITTEN_BY_SYNTH).rglob("*.json"))
    assert snapshots and snapshots == committed
    assert not (project / ".git").exists()
