#!/usr/bin/env python3
"""Write the persona capability table of docs/data-science-account.md from the runtime flows.

``python scripts/persona_table.py [--cdk-out cdk.out]`` evaluates the persona flows of the
synthesized example with the IAM policy engine and rewrites the table between its markers;
tests/flows check that the committed table matches what the engine decides.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml_platform.config import load_config
from ml_platform.context import PROJECT_ROOT, prefer_venv_node
from ml_platform.flows.catalogue import personas
from ml_platform.flows.platform import load_platform
from ml_platform.flows.simulate import Simulator, evaluate

DOC = PROJECT_ROOT / "docs" / "data-science-account.md"


def replace_table(text: str, table: str) -> str:
    start, end = text.index(personas.TABLE_START), text.index(personas.TABLE_END) + len(personas.TABLE_END)
    return text[:start] + table + text[end:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cdk-out", type=Path, default=PROJECT_ROOT / "cdk.out")
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "config" / "example.yaml")
    args = parser.parse_args()
    if not (args.cdk_out / "manifest.json").exists():
        print(f"{args.cdk_out} has no assembly: run `make synth` first", file=sys.stderr)
        return 1
    prefer_venv_node()
    platform = load_platform(load_config(args.config), args.cdk_out)
    simulator = Simulator(platform.documents, platform.organization_id, [r.account_id for r in platform.roles])
    outcomes = evaluate(personas.flows(platform), simulator)
    table = personas.capability_table({o.flow.name: o.decision for o in outcomes}, [t.slug for t in platform.teams()])
    DOC.write_text(replace_table(DOC.read_text(encoding="utf-8"), table), encoding="utf-8")
    print(f"wrote the persona table of {DOC.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
