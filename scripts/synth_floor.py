#!/usr/bin/env python3
"""The Node-only floor of a synth: what `python app.py` would take if Python's side cost nothing.

jsii runs every construct call as one request from Python to a Node kernel, one at a time, and Python
waits for each answer. This records the requests of one real synth (``JSII_NODE`` pointed at this file,
which starts Node and keeps a copy of both directions), then replays them into a fresh kernel with no
Python in between and times that: Node's own work (start-up, CDK's constructs, rendering, the rule
packs, CDK's CloudFormation validation) for this same request stream, with Python's share at zero.
Issue #23 uses it to show which example/trivial synth ratio is reachable while the app makes these calls.

No number is reported unless the replay reproduces the recorded synth: every answer equal to the
recorded one (token numbers mapped, below), the kernel exiting cleanly, and every file in the output
folder equal (with validation on; with it off, every template, and no CloudFormation validation in
the report). Two kernels given the same requests can number CDK's tokens differently
(``${Token[TOKEN.63]}`` vs ``.64``, a few apart even between two real synths), so answers are compared
through a one-to-one mapping of token numbers, and later requests are rewritten to the replay's.

Usage: python scripts/synth_floor.py [CONFIG]   (JSON on stdout; `make bench` reports it too)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = "SYNTH_FLOOR_LOG"  # set for the recorded run: where this relay writes its copy
NODE = "SYNTH_FLOOR_NODE"  # the real Node executable the relay starts
TOKEN = re.compile(rb"Token\[[A-Za-z0-9_.:-]+?\.\d+\]|-1\.\d+e\+289")  # string and number tokens
TEMP = tempfile.gettempdir()
TEMP_PATH = re.compile(re.escape(TEMP).encode() + rb"/[^\"\s\\]+")  # a path in the temp folder
KERNEL_FOLDER = re.compile(rb"/jsii-kernel-\w+/")  # in stack traces of metadata and reports
CFN_VALIDATE = b'"CloudFormation Validate"'  # the plugin's name in validation-report.json
RECORD_TIMEOUT = 600  # seconds for the recorded synth (the large config takes ~20 s)


class ReplayMismatchError(RuntimeError):
    """The replay did not reproduce the recorded synth, so its time would mean nothing."""


@dataclass(frozen=True)
class Recording:
    requests: list[bytes]
    responses: list[bytes]  # the answer to each request, the kernel's hello excluded
    command: list[str]  # Node and jsii's arguments to it
    env: dict[str, str]
    outdir: Path
    files: dict[str, bytes]  # the output folder, kernel folder names normalised
    kept: dict[str, str] = field(default_factory=dict)  # temp path the app wrote -> saved copy


def _relay(argv: list[str]) -> int:
    """Run as JSII_NODE: start Node with jsii's arguments and copy every line both ways to the log.

    Files the app wrote in the temp folder and names in a request (Lambda code, Clarify configs) are
    copied when first named: the app deletes them at exit, and the replay needs them."""
    log = Path(os.environ[LOG])
    env = {k: v for k, v in os.environ.items() if k not in (LOG, NODE)}
    runtime = Path(argv[-1]).resolve()  # jsii's runtime lives in a temporary folder removed at exit
    shutil.copytree(runtime.parent.parent, log.with_suffix(".runtime"))
    arguments = [*argv[:-1], str(log.with_suffix(".runtime") / runtime.relative_to(runtime.parent.parent))]
    log.with_suffix(".json").write_text(json.dumps({"env": env, "node": os.environ[NODE], "arguments": arguments}))
    outdir = env.get("CDK_OUTDIR", "\0")
    kept: dict[str, str] = {}
    child = subprocess.Popen([os.environ[NODE], *argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    assert child.stdin is not None and child.stdout is not None
    requests, answers = child.stdin, child.stdout

    def forward_requests() -> None:
        try:  # closing Node's input in any case: a failure here must end the synth, not hang it
            with log.with_suffix(".requests").open("wb") as copy:
                for line in iter(sys.stdin.buffer.readline, b""):
                    for match in TEMP_PATH.findall(line):
                        _keep(match.decode(), log.with_suffix(".kept"), outdir, kept)
                    copy.write(line)
                    requests.write(line)
                    requests.flush()
        finally:
            requests.close()

    forwarding = threading.Thread(target=forward_requests, daemon=True)
    forwarding.start()
    with log.with_suffix(".responses").open("wb") as copy:
        for line in iter(answers.readline, b""):
            copy.write(line)
            sys.stdout.buffer.write(line)
            sys.stdout.buffer.flush()
    forwarding.join()
    log.with_suffix(".kept.json").write_text(json.dumps(kept))
    return child.wait()


def _keep(path: str, folder: Path, outdir: str, kept: dict[str, str]) -> None:
    if path in kept or path.startswith(outdir) or not Path(path).exists():
        return
    copy = folder / str(len(kept))
    if Path(path).is_dir():
        shutil.copytree(path, copy)
    else:
        folder.mkdir(exist_ok=True)
        shutil.copy2(path, copy)
    kept[path] = str(copy)


def _output(outdir: Path, templates_only: bool = False) -> dict[str, bytes]:
    pattern = "*.template.json" if templates_only else "*"
    return {
        str(p.relative_to(outdir)): KERNEL_FOLDER.sub(b"/jsii-kernel/", p.read_bytes())
        for p in sorted(outdir.rglob(pattern))
        if p.is_file()
    }


def record(script: str, outdir: Path, log: Path, env: dict[str, str]) -> Recording:
    """Run ``python <script>`` (a CDK app, CDK's validation on) with this file relaying to its Node."""
    node = env.get("JSII_NODE") or shutil.which("node", path=env.get("PATH"))
    if not node:
        raise ReplayMismatchError("no Node executable to record with")
    log.parent.mkdir(parents=True, exist_ok=True)
    relay = log.with_suffix(".relay")  # JSII_NODE must be one executable: run this file with this Python
    relay.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{Path(__file__).resolve()}" "$@"\n')
    relay.chmod(0o755)
    run_env = {k: v for k, v in env.items() if k != "CDK_VALIDATION"}
    run_env.update({"JSII_NODE": str(relay), LOG: str(log), NODE: node, "CDK_OUTDIR": str(outdir)})
    command = [sys.executable, script]
    run = subprocess.run(command, cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=RECORD_TIMEOUT)
    if run.returncode != 0:
        raise RuntimeError(f"{script} failed to synthesize ({run.returncode}): {run.stderr.strip()[-2000:]}")
    started = json.loads(log.with_suffix(".json").read_text())
    return Recording(
        requests=log.with_suffix(".requests").read_bytes().splitlines(keepends=True),
        responses=log.with_suffix(".responses").read_bytes().splitlines(keepends=True)[1:],
        command=[started["node"], *started["arguments"]],
        env=started["env"],
        outdir=outdir,
        files=_output(outdir),
        kept=json.loads(log.with_suffix(".kept.json").read_text()),
    )


def _restore(kept: dict[str, str], made: list[Path]) -> None:
    """Put back the temp files the recorded app had written, adding what it creates to ``made``."""
    for original, copy in kept.items():
        target = Path(original)
        if target.exists():
            continue
        top = next((p for p in reversed(target.parents) if not p.exists()), target)
        made.append(top)
        if Path(copy).is_dir():
            shutil.copytree(copy, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(copy, target)


@dataclass(frozen=True)
class Replay:
    seconds: float
    phases: dict[str, float]  # start-up, loading packages, building, app.synth(), the rest


def replay(recording: Recording, validation: bool = True) -> Replay:
    """Time a fresh kernel answering the recorded requests; raises ReplayMismatchError if it differs."""
    env = {k: v for k, v in recording.env.items() if k != "CDK_VALIDATION"}
    if not validation:
        env["CDK_VALIDATION"] = "false"
    requests, wanted = recording.requests, recording.responses
    last_load = max((i for i, r in enumerate(requests) if b'"api": "load"' in r), default=-1)
    synth = max((i for i, r in enumerate(requests) if b'"method": "synth"' in r), default=len(requests))
    mapping: dict[bytes, bytes] = {}
    answers: list[bytes] = []
    marks: list[float] = []
    made: list[Path] = []
    kernel: subprocess.Popen[bytes] | None = None
    try:
        _restore(recording.kept, made)
        shutil.rmtree(recording.outdir, ignore_errors=True)
        started = time.perf_counter()
        kernel = subprocess.Popen(recording.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=ROOT)
        assert kernel.stdin is not None and kernel.stdout is not None
        kernel.stdout.readline()  # the kernel's hello
        marks.append(time.perf_counter())
        for index, request in enumerate(requests):
            if index in (last_load + 1, synth):
                marks.append(time.perf_counter())
            if mapping and (b"Token[" in request or b"e+289" in request):
                request = TOKEN.sub(lambda m: mapping.get(m.group(0), m.group(0)), request)
            kernel.stdin.write(request)
            kernel.stdin.flush()
            if request.startswith(b'{"exit"'):
                break
            answers.append(kernel.stdout.readline())
            if not answers[-1]:
                raise ReplayMismatchError(f"the kernel stopped answering at request {index}")
            # app.synth() ends at the first answer, to it or to a callback's completion, that is no callback
            resumes_synth = index == synth or (index > synth and b'"api": "complete"' in request)
            if resumes_synth and len(marks) == 3 and not answers[-1].startswith(b'{"callback"'):
                marks.append(time.perf_counter())
            if b"Token[" in answers[-1] or b"e+289" in answers[-1]:
                for ours, theirs in zip(TOKEN.findall(wanted[index]), TOKEN.findall(answers[-1]), strict=False):
                    mapping.setdefault(ours, theirs)
        kernel.stdin.close()
        exit_code = kernel.wait()
        seconds = time.perf_counter() - started
    except BrokenPipeError as error:
        raise ReplayMismatchError(f"the kernel stopped reading after {len(answers)} answers") from error
    finally:
        if kernel is not None and kernel.poll() is None:
            kernel.kill()
            kernel.wait()
        for path in made:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    _check(recording, answers, mapping, exit_code, validation)
    points = [started, *marks, started + seconds]
    names = ("start-up", "loading packages", "building", "app.synth()", "the rest")
    return Replay(seconds, {n: round(b - a, 2) for n, a, b in zip(names, points, points[1:], strict=False)})


def _check(
    recording: Recording, answers: list[bytes], mapping: dict[bytes, bytes], code: int, validation: bool
) -> None:
    if code != 0:
        raise ReplayMismatchError(f"the kernel exited with {code}")
    if len(set(mapping.values())) != len(mapping):
        raise ReplayMismatchError("two recorded tokens map to one token of the replay")
    for index, (answer, wanted) in enumerate(zip(answers, recording.responses, strict=False)):
        if TOKEN.sub(lambda m: mapping.get(m.group(0), m.group(0)), wanted) != answer:
            raise ReplayMismatchError(f"answer {index}: {answer[:200]!r}, recorded {wanted[:200]!r}")
    if len(answers) != len(recording.responses):
        raise ReplayMismatchError(f"{len(answers)} answers, {len(recording.responses)} recorded")
    if validation and _output(recording.outdir) != recording.files:
        raise ReplayMismatchError("the replay's output differs from the recorded synth's")
    templates = {k: v for k, v in recording.files.items() if k.endswith(".template.json")}
    if not validation and _output(recording.outdir, templates_only=True) != templates:
        raise ReplayMismatchError("the replay's templates differ from the recorded synth's")
    report = recording.outdir / "validation-report.json"
    if not validation and report.exists() and CFN_VALIDATE in report.read_bytes():
        raise ReplayMismatchError("CloudFormation validation ran with CDK_VALIDATION=false")


@dataclass(frozen=True)
class Floor:
    seconds: float  # median replay, CDK's validation on
    no_validation_seconds: float  # median replay with CDK_VALIDATION=false
    phases: dict[str, float]  # median of each phase, validation on


def measure(script: str, work: Path, env: dict[str, str], runs: int) -> Floor:
    """Record ``script`` once, then replay it ``runs`` times with CDK's validation on and off."""
    recording = record(script, work / "out", work / "jsii", env)
    on = [replay(recording) for _ in range(runs)]
    off = [replay(recording, validation=False) for _ in range(runs)]
    return Floor(
        seconds=round(statistics.median(r.seconds for r in on), 2),
        no_validation_seconds=round(statistics.median(r.seconds for r in off), 2),
        phases={name: statistics.median(r.phases[name] for r in on) for name in on[0].phases},
    )


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from ml_platform.context import prefer_venv_node

    prefer_venv_node()
    config = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "config" / "example.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        result = {
            "example": measure(
                "app.py",
                Path(tmp) / "example",
                dict(os.environ, CDK_CONTEXT_JSON=json.dumps({"config": str(config)})),
                3,
            ),
            "trivial": measure("scripts/bench_trivial_app.py", Path(tmp) / "trivial", dict(os.environ), 3),
        }
    print(json.dumps({name: asdict(floor) for name, floor in result.items()}))
    return 0


if __name__ == "__main__":
    if os.environ.get(LOG) and os.environ.get(NODE):
        sys.exit(_relay(sys.argv[1:]))
    sys.exit(main())
