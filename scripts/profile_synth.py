#!/usr/bin/env python3
"""Where synth time goes for one config (issue #13): phases, and the Python/jsii split.

Usage: python scripts/profile_synth.py CONFIG.yaml OUTDIR
Prints JSON: seconds for config validation, construct building, app.synth() (CloudFormation
rendering, nag and validation plugins, in Node), and within building, the seconds spent
waiting on the jsii kernel (Node) versus running Python.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml_platform.context import prefer_venv_node  # noqa: E402


def main() -> int:
    config_path, outdir = Path(sys.argv[1]), Path(sys.argv[2])
    prefer_venv_node()
    started = time.perf_counter()
    import aws_cdk as cdk

    from ml_platform.config import load_config
    from ml_platform.context import cdk_json_context
    from ml_platform.platform import build_platform

    imported = time.perf_counter()
    config = load_config(config_path)
    validated = time.perf_counter()
    app = cdk.App(context=cdk_json_context(), outdir=str(outdir), analytics_reporting=False)
    profile = cProfile.Profile()
    profile.enable()
    build_platform(app, config)
    profile.disable()
    built = time.perf_counter()
    app.synth()
    synthesized = time.perf_counter()
    stats = pstats.Stats(profile)
    # Time inside the jsii kernel's round trips to Node (send/receive on its pipes).
    rows = getattr(stats, "stats", {})  # {(file, line, function): (calls, ..., cumulative, ...)}
    jsii = sum(
        row[3] for func, row in rows.items() if "jsii/_kernel/providers/process.py" in func[0] and func[2] == "send"
    )
    print(
        json.dumps(
            {
                "import_seconds": round(imported - started, 2),
                "config_seconds": round(validated - imported, 2),
                "build_seconds": round(built - validated, 2),
                "build_jsii_seconds": round(jsii, 2),
                "synth_seconds": round(synthesized - built, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
