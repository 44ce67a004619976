"""Synthesize every logical-ID edit of the example (tests/infra/logical_id_edits.py) for
tests/infra/test_logical_id_stability.py, in one process the test session starts in the background
(tests/conftest.py, issue #23: the second core works while the first runs the other tests).

Usage: python -m tests.edit_synths OUTDIR
Writes OUTDIR/<n>/ (one cloud assembly per edit) and, as each edit is done, OUTDIR/<edit>.json:
"Stage/Stack" -> template file. Without the rule packs or CDK's CloudFormation validation: the tests only compare
these templates with the example's, which has both.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ml_platform.context import prefer_venv_node

prefer_venv_node()  # before helpers import aws_cdk: jsii must start Node 24

from ml_platform.json_cache import store  # noqa: E402
from tests.helpers import config_from, example_data, synthesize  # noqa: E402
from tests.infra.logical_id_edits import EVERY_EDIT  # noqa: E402


def result_file(edit: str) -> str:
    """The file, in the output folder, naming the templates of ``edit``: written once that edit is
    synthesized, so a test needing one edit does not wait for all of them."""
    return f"{edit.replace(' ', '-')}.json"


def main() -> int:
    out = Path(sys.argv[1])
    # In the order of logical_id_edits.py: the edits other tests also read come first.
    for number, (name, edit) in enumerate(EVERY_EDIT.items()):
        data = example_data()
        edit(data)
        folder = out / str(number)
        result = synthesize(config_from(data), folder, rule_packs=False, cfn_validation=False)
        templates = {key: str(folder / path) for key, path in result.template_files.items()}
        store(out / result_file(name), templates, required=True)  # atomic: a test never reads half a file
    return 0


if __name__ == "__main__":
    sys.exit(main())
