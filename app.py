#!/usr/bin/env python3
"""Entry point: parse and validate the config, then build one stage per account.

Used by ``cdk synth`` (cdk.json ``app``) and ``python app.py`` alike. A bad config prints one
line naming the field and the reason, and exits 1 before any construct is built.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ml_platform.config import ConfigError, load_config
from ml_platform.context import cdk_json_context, prefer_venv_node, resolve_config_path


def main() -> int:
    context = cdk_json_context()
    try:
        config = load_config(resolve_config_path(os.environ, context))
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 1

    prefer_venv_node()
    import aws_cdk as cdk  # imported only for a valid config: jsii start-up costs ~1 s

    from ml_platform.platform import build_platform
    from ml_platform.validation_report import synth_failure_report

    app = cdk.App(context=context, analytics_reporting=False)
    build_platform(app, config)
    try:
        app.synth()
    except RuntimeError as err:
        # CDK construct validation errors and rule-pack findings, each under its own header.
        report = synth_failure_report(str(err), Path(app.outdir))
        if report is not None:
            print("\n".join(report), file=sys.stderr)
            return 1
        if "TemplateChangedForLockedVersion" in str(err):
            print(
                "synth failed: a Service Catalog product template changed but its version did not; "
                "bump CURRENT_VERSION in ml_platform/products/<product>.py (and keep the old one in "
                "PREVIOUS_VERSIONS), see docs/service-catalog.md",
                file=sys.stderr,
            )
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
