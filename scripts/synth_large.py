#!/usr/bin/env python3
"""Synthesize the large config (and the same plus one endpoint) for the scale tests (issue #13).

Usage: python scripts/synth_large.py OUTDIR [large|grown]...
Writes OUTDIR/large (with every rule pack and CDK's CloudFormation validation) and OUTDIR/grown
(neither: the tests only compare it with the large one, issue #23) cloud assemblies and, for each,
OUTDIR/<name>.json with "Stage/Stack" -> template file and the synth seconds, and for the large one
the deploy rehearsal's lines (issue #18). Both by default. The test session starts this in the
background (tests/conftest.py), so it runs on the second core while the other tests run.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml_platform.context import prefer_venv_node  # noqa: E402

prefer_venv_node()

from ml_platform.assembly.cloud_assembly import load_assembly  # noqa: E402
from ml_platform.large_config import large_config, with_one_more_endpoint  # noqa: E402
from ml_platform.rehearsal.run import rehearse  # noqa: E402
from tests.helpers import config_from, example_data, synthesize  # noqa: E402


def main() -> int:
    out, names = Path(sys.argv[1]), sys.argv[2:] or ["large", "grown"]
    large = large_config(example_data())
    summary: dict[str, dict[str, Any]] = {}
    configs = {"large": (large, True), "grown": (with_one_more_endpoint(large), False)}
    for name, (data, packs) in ((name, configs[name]) for name in names):
        started = time.perf_counter()
        result = synthesize(config_from(data), out / name, rule_packs=packs, cfn_validation=packs)
        summary[name] = {
            "seconds": time.perf_counter() - started,
            "validation_error": result.validation_error,
            "templates": {key: str(out / name / path) for key, path in result.template_files.items()},
        }
        if packs and result.validation_error is None:
            rehearsal = rehearse(config_from(data), load_assembly(out / name))
            summary[name]["rehearsal"] = {"ok": rehearsal.ok, "lines": rehearsal.lines()}
        (out / f"{name}.json").write_text(json.dumps(summary[name], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
