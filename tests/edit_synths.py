"""Synthesize every logical-ID edit of the example (tests/infra/logical_id_edits.py) for
tests/infra/test_logical_id_stability.py, in one process the test session starts in the background
(tests/conftest.py, issue #23: the second core works while the first runs the other tests).

Usage: python -m tests.edit_synths OUTDIR
Writes OUTDIR/<n>/ (one cloud assembly per edit) and OUTDIR/summary.json: edit -> "Stage/Stack" ->
template file. Without the rule packs or CDK's CloudFormation validation: the tests only compare
these templates with the example's, which has both.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ml_platform.context import prefer_venv_node

prefer_venv_node()  # before helpers import aws_cdk: jsii must start Node 24

from tests.helpers import config_from, example_data, synthesize  # noqa: E402
from tests.infra.logical_id_edits import EVERY_EDIT  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1])
    summary: dict[str, dict[str, str]] = {}
    for number, (name, edit) in enumerate(sorted(EVERY_EDIT.items())):
        data = example_data()
        edit(data)
        folder = out / str(number)
        result = synthesize(config_from(data), folder, rule_packs=False, cfn_validation=False)
        summary[name] = {key: str(folder / path) for key, path in result.template_files.items()}
    (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
