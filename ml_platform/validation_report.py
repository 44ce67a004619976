"""The lines to print when CDK's validation fails: each finding once, naming its construct.

CDK writes ``validation-report.json`` to the output folder when a validation plugin (the
cdk-nag packs, the PlatformSageMaker pack, the IAM size guard, CloudFormation's own
validation) fails synth. Plain Python, read by ``app.py`` after the failure.
"""

from __future__ import annotations

import json
from pathlib import Path


def validation_failures(outdir: Path) -> list[str]:
    """``<plugin>: <construct path>: <description>`` for every unacknowledged violation."""
    report_file = outdir / "validation-report.json"
    if not report_file.exists():
        return []
    report = json.loads(report_file.read_text(encoding="utf-8"))
    lines: list[str] = []
    for plugin in report.get("pluginReports", []):
        for violation in plugin.get("violations", []):
            description = " ".join(str(violation.get("description", violation.get("ruleName", ""))).split())
            constructs = violation.get("violatingConstructs", []) or [{}]
            for construct in constructs:
                path = construct.get("constructPath") or construct.get("cloudFormationResource", {}).get(
                    "logicalId", ""
                )
                prefix = f"{plugin.get('pluginName')} {violation.get('ruleName', '')}".strip()
                line = (
                    f"{prefix}: {description}"
                    if not path or path in description
                    else f"{prefix}: {path}: {description}"
                )
                if line not in lines:
                    lines.append(line)
    return lines
