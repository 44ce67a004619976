#!/usr/bin/env python3
"""``make rehearse``: walk the documented first deploy offline, from an empty organisation.

Reads the synthesized app (``make synth`` first) and the config it came from, then walks the
bootstrap and every stack in the README's order, and again in the platform pipeline's order
when the config has one, then the first releases (ml_platform/rehearsal, docs/deploy-rehearsal.md).
Prints one line per stack and exits 1 at the first broken link.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml_platform.context import cdk_json_context, prefer_venv_node, resolve_config_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cdk-out", type=Path, default=Path("cdk.out"), help="the synthesized app (make synth)")
    parser.add_argument("--config", type=Path, help="the config it was synthesized from (default: as app.py)")
    args = parser.parse_args(argv)
    prefer_venv_node()  # the IAM engine runs on Node 24 from the venv

    from ml_platform.assembly.cloud_assembly import load_assembly
    from ml_platform.config import ConfigError, load_config
    from ml_platform.rehearsal.run import rehearse

    try:
        config = load_config(args.config or resolve_config_path(os.environ, cdk_json_context()))
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 1
    if not (args.cdk_out / "manifest.json").exists():
        print(f"{args.cdk_out}: no synthesized app here; run `make synth` first", file=sys.stderr)
        return 1
    assembly = load_assembly(args.cdk_out)
    paths = [("the README's commands", False)]
    if config.platform_pipeline is not None:
        paths.append(("the platform pipeline", True))
    for title, via_pipeline in paths:
        print(f"# Rehearsal of the first deploy through {title}")
        rehearsal = rehearse(config, assembly, via_pipeline=via_pipeline)
        for line in rehearsal.lines():
            print(line)
        if not rehearsal.ok:
            print("rehearsal failed: fix the first broken link above (docs/deploy-rehearsal.md)", file=sys.stderr)
            return 1
    print("rehearsal passed: every stack deploys in the documented order, and the first releases work")
    return 0


if __name__ == "__main__":
    sys.exit(main())
