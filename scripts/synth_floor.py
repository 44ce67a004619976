#!/usr/bin/env python3
"""The Node-only floor of a synth: what `python app.py` would take if Python's side cost nothing.

jsii runs every construct call as one request from Python to a Node kernel, one at a time, and Python
waits for each answer. This records the requests of one real synth (``JSII_NODE`` pointed at this file,
which starts Node and keeps a copy of both directions), then replays them into a fresh kernel with no
Python in between and times that: Node's own work (start-up, CDK's constructs, rendering, the rule
packs, CDK's CloudFormation validation) with Python's share at zero. Issue #23 uses it to show what
an example/trivial synth ratio is reachable at all.

The replay is checked, and no number is reported unless it holds: every answer is of the kind recorded
(ok, callback or error) and every template comes out byte-identical. Two kernels given the same
requests can number CDK's tokens differently (``${Token[TOKEN.63]}`` vs ``.64``), so answers are
compared with token numbers mapped, and later requests are rewritten to the replay's numbers.

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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = "SYNTH_FLOOR_LOG"  # set for the recorded run: where this relay writes its copy
NODE = "SYNTH_FLOOR_NODE"  # the real Node executable the relay starts
TOKEN = re.compile(rb"Token\[[A-Za-z0-9_.:-]+?\.\d+\]|-1\.\d+e\+289")  # string and number tokens
STAGED = re.compile(rb'(/[^"]*?/ml-platform-lambda-[^/"]+)/([A-Za-z0-9_]+)')  # lambda_asset staging


class ReplayMismatchError(RuntimeError):
    """The replay did not reproduce the recorded synth, so its time would mean nothing."""


@dataclass(frozen=True)
class Recording:
    requests: list[bytes]
    responses: list[bytes]  # the answer to each request, the kernel's hello excluded
    command: list[str]  # Node and jsii's arguments to it
    env: dict[str, str]
    outdir: Path
    templates: dict[str, bytes]


def _relay(argv: list[str]) -> int:
    """Run as JSII_NODE: start Node with jsii's arguments and copy every line both ways to the log."""
    log = Path(os.environ[LOG])
    env = {k: v for k, v in os.environ.items() if k not in (LOG, NODE)}
    # jsii's runtime lives in a temporary folder removed at exit: keep a copy for the replay.
    runtime = Path(argv[-1]).resolve()
    kept = log.with_suffix(".runtime")
    shutil.copytree(runtime.parent.parent, kept)
    arguments = [*argv[:-1], str(kept / runtime.relative_to(runtime.parent.parent))]
    log.with_suffix(".json").write_text(json.dumps({"env": env, "node": os.environ[NODE], "arguments": arguments}))
    child = subprocess.Popen([os.environ[NODE], *argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    assert child.stdin is not None and child.stdout is not None
    requests, answers = child.stdin, child.stdout

    def forward_requests() -> None:
        with log.with_suffix(".requests").open("wb") as copy:
            for line in iter(sys.stdin.buffer.readline, b""):
                copy.write(line)
                requests.write(line)
                requests.flush()
        requests.close()

    threading.Thread(target=forward_requests, daemon=True).start()
    with log.with_suffix(".responses").open("wb") as copy:
        for line in iter(answers.readline, b""):
            copy.write(line)
            sys.stdout.buffer.write(line)
            sys.stdout.buffer.flush()
    return child.wait()


def _templates(outdir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(outdir)): p.read_bytes() for p in sorted(outdir.rglob("*.template.json"))}


def record(script: str, outdir: Path, log: Path, env: dict[str, str]) -> Recording:
    """Run ``python <script>`` (a CDK app) once with this file as its jsii Node, and keep what it sent."""
    node = env.get("JSII_NODE") or shutil.which("node", path=env.get("PATH"))
    if not node:
        raise ReplayMismatchError("no Node executable to record with")
    run_env = dict(env, JSII_NODE=str(Path(__file__).resolve()), **{LOG: str(log), NODE: node})
    run_env["CDK_OUTDIR"] = str(outdir)
    subprocess.run([sys.executable, script], cwd=ROOT, env=run_env, check=True, capture_output=True)
    started = json.loads(log.with_suffix(".json").read_text())
    return Recording(
        requests=log.with_suffix(".requests").read_bytes().splitlines(keepends=True),
        responses=log.with_suffix(".responses").read_bytes().splitlines(keepends=True)[1:],
        command=[started["node"], *started["arguments"]],
        env=started["env"],
        outdir=outdir,
        templates=_templates(outdir),
    )


def _kind(answer: bytes) -> bytes:
    return answer[: answer.find(b":")]


def _stage_lambda_code(recording: Recording) -> list[Path]:
    """Re-create the Lambda staging folders the recorded run made (and deleted at its exit)."""
    sys.path.insert(0, str(ROOT))
    from ml_platform.lambda_asset import copy_function

    made: list[Path] = []
    for root, name in sorted(set(STAGED.findall(b"".join(recording.requests)))):
        target = Path(root.decode()) / name.decode()
        if not target.exists():
            copy_function(ROOT / "lambda" / name.decode(), target)
            made.append(target.parent)
    return made


def replay(recording: Recording, extra_env: dict[str, str] | None = None, check: bool = True) -> float:
    """Seconds for a fresh kernel to answer the recorded requests; raises ReplayMismatchError if it differs."""
    made = _stage_lambda_code(recording)
    shutil.rmtree(recording.outdir, ignore_errors=True)
    env = dict(recording.env, **(extra_env or {}))
    mapping: dict[bytes, bytes] = {}
    try:
        started = time.perf_counter()
        kernel = subprocess.Popen(
            recording.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=ROOT,
        )
        assert kernel.stdin is not None and kernel.stdout is not None
        kernel.stdout.readline()  # the kernel's hello
        for index, request in enumerate(recording.requests):
            if mapping:
                request = TOKEN.sub(lambda m: mapping.get(m.group(0), m.group(0)), request)
            kernel.stdin.write(request)
            kernel.stdin.flush()
            if request.startswith(b'{"exit"'):
                break
            answer, wanted = kernel.stdout.readline(), recording.responses[index]
            if answer != wanted:
                if _kind(answer) != _kind(wanted):
                    raise ReplayMismatchError(f"request {index}: {answer[:200]!r}, recorded {wanted[:200]!r}")
                mapping.update(
                    (a, b) for a, b in zip(TOKEN.findall(wanted), TOKEN.findall(answer), strict=False) if a != b
                )
        kernel.stdin.close()
        kernel.wait()
        seconds = time.perf_counter() - started
    finally:
        for root in made:
            shutil.rmtree(root, ignore_errors=True)
    if check and _templates(recording.outdir) != recording.templates:
        raise ReplayMismatchError("the replay's templates differ from the recorded synth's")
    return seconds


def measure(script: str, work: Path, env: dict[str, str], runs: int) -> dict[str, float]:
    """Median seconds of the recorded ``script`` replayed with CDK's validation on and off."""
    recording = record(script, work / "out", work / "jsii", env)
    with_validation = statistics.median(replay(recording) for _ in range(runs))
    without = statistics.median(replay(recording, {"CDK_VALIDATION": "false"}, check=False) for _ in range(runs))
    return {"node_only_seconds": round(with_validation, 2), "node_only_no_validation_seconds": round(without, 2)}


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from ml_platform.context import prefer_venv_node

    prefer_venv_node()
    config = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "config" / "example.yaml"
    env = dict(os.environ, CDK_CONTEXT_JSON=json.dumps({"config": str(config)}))
    with tempfile.TemporaryDirectory() as tmp:
        result = {
            "example": measure("app.py", Path(tmp) / "example", env, 3),
            "trivial": measure("scripts/bench_trivial_app.py", Path(tmp) / "trivial", env, 3),
        }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    if os.environ.get(LOG) and os.environ.get(NODE):
        sys.exit(_relay(sys.argv[1:]))
    sys.exit(main())
