"""cfn-lint over every synthesized template: zero errors and zero warnings (bar .cfnlintrc.yaml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ml_platform.context import PROJECT_ROOT

from ..helpers import Synth

CFN_LINT = Path(sys.executable).parent / "cfn-lint"


def test_cfn_lint_is_clean(synth: Synth) -> None:
    templates = sorted(str(p) for p in synth.outdir.glob("assembly-*/*.template.json"))
    templates += sorted(str(p) for p in synth.outdir.glob("*.template.json"))  # the platform pipeline
    assert len(templates) == len(synth.templates) + len(synth.products)  # stacks and product templates
    result = subprocess.run(
        [str(CFN_LINT), "--format", "parseable", "--regions", "us-east-1", "--", *templates],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
