"""checkov over every synthesized template (issue #11): zero failed checks except the reasoned
suppressions in ml_platform/compliance/checkov_suppressions.yaml, and no stale suppression."""

from __future__ import annotations

import json
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
import yaml

from ml_platform.context import PROJECT_ROOT

from ..helpers import CHECKOV, Synth

SUPPRESSIONS = PROJECT_ROOT / "ml_platform" / "compliance" / "checkov_suppressions.yaml"


def _suppressions() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load(SUPPRESSIONS.read_text(encoding="utf-8"))
    return entries


@pytest.fixture(scope="module")
def failed_checks(synth: Synth) -> list[tuple[str, str, str]]:
    """(check ID, resource, file) of every failed check; `make test` installs checkov first."""
    if synth.checkov is None:
        pytest.fail(f"{CHECKOV} is missing: run `make test` (it installs checkov into .venv-checkov)")
    stdout, stderr = synth.checkov.communicate(timeout=600)
    assert stdout, stderr
    reports = json.loads(stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert all(r["summary"]["parsing_errors"] == 0 for r in reports)
    assert sum(r["summary"]["passed"] for r in reports) > 500  # it really read the templates
    # ...every one of them: checkov reads the template files it is given (helpers.start_checkov)
    resources = sum(len(t.get("Resources", {})) for t in [*synth.templates.values(), *synth.products.values()])
    assert sum(r["summary"]["resource_count"] for r in reports) == resources
    return [
        (f["check_id"], f["resource"], Path(f["file_path"]).name)
        for r in reports
        for f in r["results"]["failed_checks"]
    ]


def _matches(entry: dict[str, Any], check: str, resource: str, file: str, pattern: str) -> bool:
    files = entry.get("files", ["*"])
    return entry["check"] == check and fnmatch(resource, pattern) and any(fnmatch(file, f) for f in files)


def _suppressed(check: str, resource: str, file: str) -> bool:
    return any(_matches(s, check, resource, file, p) for s in _suppressions() for p in s["resources"])


def test_every_failed_check_is_suppressed_with_a_reason(failed_checks: list[tuple[str, str, str]]) -> None:
    unsuppressed = sorted({(c, r, f) for c, r, f in failed_checks if not _suppressed(c, r, f)})
    assert unsuppressed == [], "fix these, or suppress them with a reason in " + SUPPRESSIONS.name


def test_every_suppression_matches_a_finding(failed_checks: list[tuple[str, str, str]]) -> None:
    stale = [
        (s["check"], pattern)
        for s in _suppressions()
        for pattern in s["resources"]
        if not any(_matches(s, c, r, f, pattern) for c, r, f in failed_checks)
    ]
    assert stale == [], "remove suppressions that match nothing"


def test_every_suppression_has_a_reason() -> None:
    for entry in _suppressions():
        assert len(str(entry.get("reason", "")).strip()) >= 40, entry["check"]
