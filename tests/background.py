"""Work the test session starts in the background at once, so the second core runs it while the
first runs the other tests (issue #23); a fixture collects it. Started on first use instead when
the session did not start it (e.g. a single test file).

Background processes run at a lower CPU priority (nice 10): the tests themselves are the critical
path (one core, busy to the end), the background work only has to be done before the tests that
collect it, which run last (conftest.py). Measured: the session's own synth took 17 s instead of
~9 s while five background processes ran at the same priority.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ml_platform.context import PROJECT_ROOT

NICENESS = 10


# What a synth writes into the project: CDK's ProductStackHistory rewrites every product version's snapshot
# (service_catalog/product-versions, a path relative to the working directory) on every synth, truncating
# the file first, so a synth in another process could read half a snapshot and fail with
# TemplateChangedForLockedVersion (it did, once in ~15 sessions).
WRITTEN_BY_SYNTH = "service_catalog"


def isolated_project(folder: Path) -> Path:
    """``folder`` made a working directory for a background synth: the project's entries linked, except
    the folder a synth writes into, which is copied. The job sees the same code, config and snapshots;
    only its writes stay its own."""
    folder.mkdir(parents=True)
    for entry in PROJECT_ROOT.iterdir():
        if entry.name == WRITTEN_BY_SYNTH:
            shutil.copytree(entry, folder / entry.name)
        elif entry.name not in {".git", "cdk.out"}:
            (folder / entry.name).symlink_to(entry)
    return folder


def background_process(command: Sequence[str], *, lower_priority: bool = True, **kwargs: Any) -> subprocess.Popen[str]:
    """``command`` started (at a lower priority unless told otherwise), its output captured as text.

    It leads a process group of its own (in the test session's login session), so ``stop`` ends everything
    it started too (npx runs node, which runs ``python app.py``, which runs jsii's node). The priority comes
    from ``nice(1)``, not a ``preexec_fn``: the session has threads by then (jsii's stderr reader), and
    ``preexec_fn`` is not safe with threads (subprocess docs)."""
    prefix = ["nice", "-n", str(NICENESS)] if lower_priority else []
    return subprocess.Popen(
        [*prefix, *command],
        stdin=subprocess.DEVNULL,  # in the terminal's session, a read from it would stop the job (SIGTTIN)
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A process group, not a session: Linux's autogroup scheduler shares the CPU equally between
        # sessions, whatever their nice values, so a job in a session of its own would take as much CPU as
        # the tests (measured: the session's synth took 22 s instead of ~9 s).
        process_group=0,
        **kwargs,
    )


def stop(process: subprocess.Popen[str] | None) -> None:
    """Kill ``process`` and every process it started, also when ``process`` itself has already ended."""
    if process is None:
        return
    with contextlib.suppress(ProcessLookupError):  # no process of the group is left
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()  # also after it ended: reads and closes its pipes


class BackgroundJob:
    """One process writing into a fresh folder: ``start`` launches it, ``wait`` returns the folder
    once it exited cleanly (and fails the test with its stderr otherwise)."""

    def __init__(self, prefix: str, command: Callable[[Path], subprocess.Popen[str]], timeout: int = 900) -> None:
        self.prefix = prefix
        self.command = command
        self.timeout = timeout
        self.out: Path | None = None
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.out = Path(tempfile.mkdtemp(prefix=self.prefix))
        self.process = self.command(self.out)

    def wait(self) -> Path:
        if self.process is None:
            self.start()
        assert self.process is not None and self.out is not None
        _, stderr = self.process.communicate(timeout=self.timeout)
        assert self.process.returncode == 0, stderr[-3000:]
        return self.out

    def wait_for(self, name: str) -> Path:
        """The file ``name`` that the job writes (atomically) into its folder as it goes, as soon as it
        exists: a test needing one of several results does not wait for all. Fails like ``wait`` if the
        job fails, and if the job ends without writing the file."""
        if self.process is None:
            self.start()
        assert self.process is not None and self.out is not None
        deadline = time.monotonic() + self.timeout
        while not (self.out / name).exists() and self.process.returncode is None:
            assert time.monotonic() < deadline, f"{self.prefix}: no {name} after {self.timeout} s"
            # communicate, not sleep: it drains the job's pipes (a job blocked writing to a full pipe would
            # never write the file), and a retried communicate loses no output (subprocess docs).
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.communicate(timeout=0.1)
        if not (self.out / name).exists():
            self.wait()
            assert (self.out / name).exists(), f"{self.prefix} ended without writing {name}"
        return self.out / name

    def close(self) -> None:
        """Stop the process (and its children) if it still runs, and remove its folder; a later ``wait``
        starts it again."""
        stop(self.process)
        if self.out is not None:
            shutil.rmtree(self.out, ignore_errors=True)
        self.process, self.out = None, None


def python_job(prefix: str, program: Sequence[str], *args: str, lower_priority: bool = True) -> BackgroundJob:
    """``python <program> OUTDIR <args>`` from the project root (``program``: a script path, or
    ``-m`` and a module). ``lower_priority=False`` for the longest job, which would otherwise
    finish last, alone on one core."""

    def command(out: Path) -> subprocess.Popen[str]:
        return background_process(
            [sys.executable, *program, str(out), *args],
            cwd=isolated_project(out / ".project"),
            lower_priority=lower_priority,
        )

    return BackgroundJob(prefix, command)
