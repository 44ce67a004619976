"""scripts/synth_floor.py (issue #23) with a stand-in Node kernel: its floor number is only worth
reporting if a replay that does not reproduce the recorded synth is refused, and if the token numbers
two kernels may choose differently are mapped rather than reported as a difference."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from synth_floor import Recording, ReplayMismatchError, record, replay

# A kernel that answers like jsii's: a hello, then one line per request. It names its first token
# TOKEN.63 (the recorded run said TOKEN.64) and writes a template only for a token it issued.
KERNEL = """
import json, os, pathlib, sys
answers = json.loads(os.environ["FAKE_ANSWERS"])
print(json.dumps({"hello": "@jsii/runtime@0.0.0"}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    if "exit" in request:
        break
    if request["api"] == "write":
        body = request["body"]
        if body != "${Token[TOKEN.63]}":
            print(json.dumps({"error": "Unrecognized token key " + body}), flush=True)
            continue
        pathlib.Path(os.environ["CDK_OUTDIR"]).mkdir(exist_ok=True)
        (pathlib.Path(os.environ["CDK_OUTDIR"]) / "Stack.template.json").write_text(answers["template"])
    print(json.dumps(answers[request["api"]]), flush=True)
"""
REQUESTS = [b'{"api": "create"}\n', b'{"api": "write", "body": "${Token[TOKEN.64]}"}\n', b'{"exit": 0}\n']
RECORDED = [b'{"ok": {"value": "${Token[TOKEN.64]}"}}\n', b'{"ok": {}}\n']
ANSWERS = {"create": {"ok": {"value": "${Token[TOKEN.63]}"}}, "write": {"ok": {}}, "template": '{"Resources": {}}'}


def _recording(tmp_path: Path, answers: dict[str, object], template: bytes = b'{"Resources": {}}') -> Recording:
    kernel = tmp_path / "kernel.py"
    kernel.write_text(KERNEL)
    return Recording(
        requests=REQUESTS,
        responses=RECORDED,
        command=[sys.executable, str(kernel)],
        env={"FAKE_ANSWERS": json.dumps(answers), "CDK_OUTDIR": str(tmp_path / "out")},
        outdir=tmp_path / "out",
        templates={"Stack.template.json": template},
    )


def test_a_faithful_replay_is_timed_with_the_kernels_own_token_numbers(tmp_path: Path) -> None:
    # Without the mapping, the second request would name TOKEN.64, which this kernel never issued.
    assert replay(_recording(tmp_path, ANSWERS)) > 0


def test_an_answer_of_another_kind_than_recorded_is_refused(tmp_path: Path) -> None:
    answers = dict(ANSWERS, create={"error": "TAR_BAD_ARCHIVE"})
    with pytest.raises(ReplayMismatchError, match="request 0"):
        replay(_recording(tmp_path, answers))


def test_a_template_that_differs_from_the_recorded_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReplayMismatchError, match="templates differ"):
        replay(_recording(tmp_path, ANSWERS, template=b'{"Resources": {"Bucket": {}}}'))


# An app that talks to its "Node" as jsii does: JSII_NODE <options> <runtime folder>/bin/runtime.js.
APP = """
import json, os, pathlib, subprocess, tempfile
runtime = pathlib.Path(tempfile.mkdtemp()) / "bin" / "runtime.js"
runtime.parent.mkdir()
runtime.write_text("// jsii runtime")
node = subprocess.Popen([os.environ["JSII_NODE"], "--max-old-space-size=4069", str(runtime)],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
node.stdout.readline()
for request in [{"api": "create"}, {"api": "write", "body": "${Token[TOKEN.63]}"}]:
    node.stdin.write((json.dumps(request) + "\\n").encode()); node.stdin.flush()
    node.stdout.readline()
node.stdin.write(b'{"exit": 0}\\n'); node.stdin.close(); node.wait()
"""


def test_recording_keeps_both_directions_the_environment_and_the_runtime(tmp_path: Path) -> None:
    (tmp_path / "kernel.py").write_text(KERNEL)
    (tmp_path / "app.py").write_text(APP)
    node = tmp_path / "node"  # stands in for Node: runs the kernel whatever arguments jsii gives
    node.write_text(f"#!/bin/sh\nexec {sys.executable} {tmp_path / 'kernel.py'}\n")
    node.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "JSII_NODE": str(node), "FAKE_ANSWERS": json.dumps(ANSWERS)}
    recording = record(str(tmp_path / "app.py"), tmp_path / "out", tmp_path / "jsii", env)
    assert [json.loads(r)["api"] for r in recording.requests[:2]] == ["create", "write"]
    assert json.loads(recording.responses[0]) == ANSWERS["create"]
    assert recording.env["FAKE_ANSWERS"] == env["FAKE_ANSWERS"] and "SYNTH_FLOOR_LOG" not in recording.env
    assert recording.command[0] == str(node)
    kept = Path(recording.command[-1])
    assert kept.read_text() == "// jsii runtime" and kept.is_relative_to(tmp_path)
    assert recording.templates == {"Stack.template.json": b'{"Resources": {}}'}
    assert replay(recording) > 0
