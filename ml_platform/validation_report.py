"""What to print when synth fails validation: each problem once, naming its construct.

Synth can fail validation in two ways, and they are reported differently (issue #18):

- **CDK construct validation** (before any template is checked): a construct refuses its own
  configuration, e.g. a policy statement that names no resource. jsii raises
  ``ValidationFailedWithErrors`` whose message lists ``[construct path] message`` lines; no
  report file is written. That is a defect in the platform code (or a config it does not
  handle), never something to acknowledge.
- **Validation plugins** (after synthesis): the cdk-nag packs, the PlatformSageMaker pack, the
  IAM size guard and CloudFormation's own validation. CDK raises ``ValidationFailed`` and writes
  ``validation-report.json`` to the output folder (the plugins' own report is printed above).

Plain Python, read by ``app.py`` after the failure.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

CONSTRUCT_ERRORS = "ValidationFailedWithErrors"
PLUGIN_FINDINGS = "ValidationFailed"
_ERROR_LINE = re.compile(r"^\s*\[(?P<path>[^\]]*)\] ?(?P<message>.*)$")


@dataclass(frozen=True)
class ConstructError:
    """One error of CDK's construct validation."""

    path: str
    message: str


def construct_errors(error_text: str) -> list[ConstructError]:
    """The ``[path] message`` entries of a ``ValidationFailedWithErrors`` message, in order.

    A line that does not start with ``[path]`` continues the previous message (construct
    validations may return multi-line messages)."""
    if CONSTRUCT_ERRORS not in error_text:
        return []
    _, _, listing = error_text.partition(CONSTRUCT_ERRORS)
    _, _, listing = listing.partition("\n")
    errors: list[tuple[str, list[str]]] = []
    for line in listing.splitlines():
        match = _ERROR_LINE.match(line)
        if match:
            errors.append((match["path"], [match["message"].strip()]))
        elif errors and line.strip():
            errors[-1][1].append(line.strip())
    found: list[ConstructError] = []
    for path, parts in errors:
        error = ConstructError(path, " ".join(" ".join(parts).split()))
        if error not in found:
            found.append(error)
    return found


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


def synth_failure_report(error_text: str, outdir: Path) -> list[str] | None:
    """The lines to print (header first, then one indented line per problem) when synth failed
    validation; ``None`` when ``error_text`` is some other error (the caller re-raises it)."""
    if CONSTRUCT_ERRORS in error_text:
        errors = construct_errors(error_text)
        if not errors:  # a format this parser does not know: show CDK's own words
            return ["synth failed: CDK construct validation errors:", *_indented(error_text)]
        return [
            f"synth failed: {len(errors)} CDK construct validation error(s) "
            "(a construct rejected what it was given; not a rule-pack finding, nothing to acknowledge):",
            *(f"  {e.path}: {e.message}" for e in errors),
        ]
    if PLUGIN_FINDINGS in error_text:
        # One line per finding; the plugins' report above has each one's acknowledgement ID.
        failures = validation_failures(outdir)
        if not failures:  # no report file to read: show CDK's own words rather than nothing
            return ["synth failed: rule-pack validation failed:", *_indented(error_text)]
        return [
            f"synth failed: {len(failures)} unacknowledged rule-pack finding(s) (see the report above):",
            *(f"  {line}" for line in failures),
        ]
    return None


def _indented(text: str) -> list[str]:
    return [f"  {line.strip()}" for line in text.splitlines() if line.strip()]
