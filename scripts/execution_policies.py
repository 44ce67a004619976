#!/usr/bin/env python3
"""Write bootstrap/execution-policy-<kind>[-<n>].json: the CloudFormation execution policies of
each account kind, for ``cdk bootstrap --cloudformation-execution-policies`` (issue #18).

Generated from the synthesized templates (every resource type of each kind's stacks, the
handler permissions of its CloudFormation schema, ml_platform/rehearsal/execution_policy.py).
``--cdk-out DIR`` reads an existing synth (``make synth``); without it the config is synthesized
into a temporary directory first (~30 s). ``--check`` writes nothing and exits 1 when a
committed file is stale, missing or no longer generated (a test runs the same comparison).
The committed files are the example config's; an organisation with another config
regenerates them from its own synth before creating the policies.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml_platform.assembly.cloud_assembly import load_assembly
from ml_platform.assembly.policy_limits import policy_length
from ml_platform.config import load_config
from ml_platform.context import PROJECT_ROOT
from ml_platform.rehearsal.execution_policy import POLICY_DIR, generate, policy_files, stale_files
from ml_platform.topology import account_roles


def synthesize(config: Path, outdir: Path) -> None:
    env = {**os.environ, "CDK_OUTDIR": str(outdir), "CDK_CONTEXT_JSON": json.dumps({"config": str(config)})}
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "app.py")], env=env, cwd=PROJECT_ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"synth of {config} failed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cdk-out", type=Path, help="an existing cloud assembly (default: synthesize now)")
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "config" / "example.yaml")
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed files are out of date")
    args = parser.parse_args()
    config = load_config(args.config)
    with tempfile.TemporaryDirectory(prefix="execution-policies-") as temporary:
        outdir = args.cdk_out
        if outdir is None:
            outdir = Path(temporary)
            synthesize(args.config.resolve(), outdir)
        if not (outdir / "manifest.json").exists():
            print(f"{outdir} has no cloud assembly: run `make synth` first", file=sys.stderr)
            return 1
        documents = generate(load_assembly(outdir), account_roles(config), config.organisation.region)
    wanted = policy_files(documents)
    if args.check:
        problems = stale_files(wanted)
        for problem in problems:
            print(f"{POLICY_DIR.name}/{problem}: run `python scripts/execution_policies.py`", file=sys.stderr)
        return 1 if problems else 0
    for stale in POLICY_DIR.glob("execution-policy-*.json"):
        if stale not in wanted:
            stale.unlink()
    for path, content in wanted.items():
        path.write_text(content, encoding="utf-8")
        length = policy_length(json.loads(content))
        print(f"wrote {path.relative_to(PROJECT_ROOT)} ({length:,} of 6,144 characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
