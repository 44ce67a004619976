"""scripts/synth_floor.py (issue #23) with a stand-in Node kernel: its floor number is only worth
reporting if a replay that does not reproduce the recorded synth is refused, and if the token numbers
two kernels may choose differently are mapped rather than reported as a difference."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from synth_floor import Recording, ReplayMismatchError, record, replay

# A kernel that answers like jsii's: a hello, then one line per request. It numbers its tokens one
# below the recorded run's, and writes the template only for the tokens it issued. The "write" request
# also copies a file the app had put in the temp folder, and the report names CDK's validation unless
# CDK_VALIDATION=false (FAKE_IGNORE_FLAG: a kernel that validates anyway).
KERNEL = """
import json, os, pathlib, sys
answers = json.loads(os.environ["FAKE_ANSWERS"])
out = pathlib.Path(os.environ["CDK_OUTDIR"])
print(json.dumps({"hello": "@jsii/runtime@0.0.0"}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    if "exit" in request:
        sys.exit(int(os.environ.get("FAKE_EXIT_CODE", "0")))
    if request["api"] == "write" and "FAKE_DIE" in os.environ:
        sys.exit(1)
    if request["api"] == "write":
        if request["body"] != ["${Token[TOKEN.63]}", -1.88815458970876e+289]:
            print(json.dumps({"error": "Unrecognized token key"}), flush=True)
            continue
        out.mkdir(exist_ok=True)
        (out / "Stack.template.json").write_text(answers["template"] + pathlib.Path(request["asset"]).read_text())
        validated = os.environ.get("CDK_VALIDATION") != "false" or "FAKE_IGNORE_FLAG" in os.environ
        (out / "validation-report.json").write_text('"CloudFormation Validate"' if validated else "{}")
    print(json.dumps(answers[request["api"]]), flush=True)
"""
ANSWERS = {
    "create": {"ok": {"value": "${Token[TOKEN.63]}", "number": -1.88815458970876e289}},
    "write": {"ok": {}},
    "template": '{"Resources": {}}',
}
RECORDED_CREATE = b'{"ok": {"value": "${Token[TOKEN.64]}", "number": -1.88815458970877e+289}}\n'


def _requests(asset: Path) -> list[bytes]:
    write = {"api": "write", "body": ["${Token[TOKEN.64]}", -1.88815458970877e289], "asset": str(asset)}
    return [b'{"api": "create"}\n', json.dumps(write).encode() + b"\n", b'{"exit": 0}\n']


def _recording(tmp_path: Path, answers: dict[str, Any] | None = None, **files: bytes) -> Recording:
    (tmp_path / "kernel.py").write_text(KERNEL)
    saved = tmp_path / "saved.txt"  # the synth-floor copy of a file the app wrote, then deleted
    saved.write_text(" ")
    asset = tmp_path / "staging" / "code" / "asset.txt"
    recorded = {"Stack.template.json": b'{"Resources": {}} ', "validation-report.json": b'"CloudFormation Validate"'}
    return Recording(
        requests=_requests(asset),
        responses=[RECORDED_CREATE, b'{"ok": {}}\n'],
        command=[sys.executable, str(tmp_path / "kernel.py")],
        env={"FAKE_ANSWERS": json.dumps(answers or ANSWERS), "CDK_OUTDIR": str(tmp_path / "out")},
        outdir=tmp_path / "out",
        files=dict(recorded, **files),
        kept={str(asset): str(saved)},
    )


def test_a_faithful_replay_is_timed_and_cleans_up_the_files_it_restored(tmp_path: Path) -> None:
    # Without the token mapping, the second request would name tokens this kernel never issued;
    # without the restored file, the kernel could not read the app's asset.
    timed = replay(_recording(tmp_path))
    assert timed.seconds > 0 and set(timed.phases) >= {"start-up", "building"}
    assert not (tmp_path / "staging").exists()


def test_an_answer_that_differs_beyond_token_numbers_is_refused(tmp_path: Path) -> None:
    answers = dict(ANSWERS, write={"ok": {"result": "something else"}})
    with pytest.raises(ReplayMismatchError, match="answer 1"):
        replay(_recording(tmp_path, answers))


def test_an_answer_of_another_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReplayMismatchError, match="answer 0"):
        replay(_recording(tmp_path, dict(ANSWERS, create={"error": "TAR_BAD_ARCHIVE"})))


def test_output_that_differs_from_the_recorded_synth_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReplayMismatchError, match="output differs"):
        replay(_recording(tmp_path, None, **{"Stack.template.json": b'{"Resources": {"Bucket": {}}}'}))


def test_output_left_from_an_earlier_run_does_not_count(tmp_path: Path) -> None:
    recording = _recording(tmp_path, dict(ANSWERS, create={"error": "no"}, write={"error": "no"}))
    (tmp_path / "out").mkdir()
    for name, body in recording.files.items():
        (tmp_path / "out" / name).write_bytes(body)
    with pytest.raises(ReplayMismatchError):
        replay(recording)
    assert not (tmp_path / "out").exists()


def test_with_validation_off_the_kernel_is_told_and_must_not_validate(tmp_path: Path) -> None:
    assert replay(_recording(tmp_path), validation=False).seconds > 0
    recording = _recording(tmp_path)
    recording.env["FAKE_IGNORE_FLAG"] = "1"
    with pytest.raises(ReplayMismatchError, match="CloudFormation validation ran"):
        replay(recording, validation=False)


# An app that talks to its "Node" as jsii does (JSII_NODE <options> <runtime folder>/bin/runtime.js),
# after writing an asset in the temp folder that it deletes before exiting.
APP = """
import json, os, pathlib, shutil, subprocess, tempfile
runtime = pathlib.Path(tempfile.mkdtemp()) / "bin" / "runtime.js"
runtime.parent.mkdir()
runtime.write_text("// jsii runtime")
asset = pathlib.Path(tempfile.mkdtemp()) / "asset.txt"
asset.write_text(" ")
node = subprocess.Popen([os.environ["JSII_NODE"], "--max-old-space-size=4069", str(runtime)],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
node.stdout.readline()
body = ["${Token[TOKEN.63]}", -1.88815458970876e+289]
for request in [{"api": "create"}, {"api": "write", "body": body, "asset": str(asset)}]:
    node.stdin.write((json.dumps(request) + "\\n").encode()); node.stdin.flush()
    node.stdout.readline()
node.stdin.write(b'{"exit": 0}\\n'); node.stdin.close(); node.wait()
shutil.rmtree(runtime.parent.parent); shutil.rmtree(asset.parent)
"""


def _node(tmp_path: Path) -> Path:
    (tmp_path / "kernel.py").write_text(KERNEL)
    node = tmp_path / "node"  # stands in for Node: runs the kernel whatever arguments jsii gives
    node.write_text(f"#!/bin/sh\nexec {sys.executable} {tmp_path / 'kernel.py'}\n")
    node.chmod(0o755)
    return node


def test_recording_keeps_both_directions_the_environment_the_runtime_and_temp_files(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    env = {"PATH": "/usr/bin:/bin", "JSII_NODE": str(_node(tmp_path)), "FAKE_ANSWERS": json.dumps(ANSWERS)}
    recording = record(str(tmp_path / "app.py"), tmp_path / "out", tmp_path / "jsii", dict(env, CDK_VALIDATION="false"))
    assert [json.loads(r)["api"] for r in recording.requests[:2]] == ["create", "write"]
    assert json.loads(recording.responses[0]) == ANSWERS["create"]
    assert recording.env["FAKE_ANSWERS"] == env["FAKE_ANSWERS"]
    assert not {"SYNTH_FLOOR_LOG", "SYNTH_FLOOR_NODE", "CDK_VALIDATION"} & set(recording.env)
    assert recording.command[0] == env["JSII_NODE"]
    assert Path(recording.command[-1]).read_text() == "// jsii runtime"
    assert recording.files["validation-report.json"] == b'"CloudFormation Validate"'
    assert [Path(p).name for p in recording.kept] == ["asset.txt"]
    assert replay(recording).seconds > 0


def test_a_failing_app_is_reported_with_its_own_message(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import sys\nsys.exit('config error: accounts.prod.region: not a region')")
    env = {"PATH": "/usr/bin:/bin", "JSII_NODE": str(_node(tmp_path))}
    with pytest.raises(RuntimeError, match=r"accounts\.prod\.region: not a region"):
        record(str(tmp_path / "app.py"), tmp_path / "out", tmp_path / "jsii", env)


@pytest.mark.parametrize(
    ("flag", "message"), [("FAKE_DIE", "stopped answering at request 1"), ("FAKE_EXIT_CODE", "exited with 3")]
)
def test_a_kernel_that_dies_or_fails_is_refused_and_cleaned_up_after(tmp_path: Path, flag: str, message: str) -> None:
    recording = _recording(tmp_path)
    recording.env[flag] = "3"
    with pytest.raises(ReplayMismatchError, match=message):
        replay(recording)
    assert not (tmp_path / "staging").exists()
