"""Synthesize a config exactly as app.py does (every rule pack registered) and return what
app.py would print on a validation failure: shared by the generated-config and minimal-config
tests (issue #18)."""

from __future__ import annotations

from pathlib import Path

from ml_platform.config import PlatformConfig
from ml_platform.platform import build_platform
from ml_platform.validation_report import synth_failure_report, validation_failures

from ..helpers import new_app


def synth_failures(config: PlatformConfig, outdir: Path) -> list[str]:
    """Empty when the app synthesizes clean; else the header and one line per construct
    validation error or rule-pack finding. Clean means no warnings either: a finding that does
    not fail synth (e.g. a CDK annotation warning) is still listed. Any other synth error
    propagates."""
    app = new_app(outdir)
    build_platform(app, config)
    try:
        app.synth()
    except RuntimeError as err:
        report = synth_failure_report(str(err), outdir)
        if report is None:
            raise
        return report
    warnings = validation_failures(outdir)
    return ["synth passed with unacknowledged warning(s):", *(f"  {line}" for line in warnings)] if warnings else []
