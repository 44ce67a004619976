"""cdk-nag AwsSolutions and NIST 800-53 R5 on every stage: zero unacknowledged findings.

Also proves the harness can fail: a non-compliant bucket is caught, and every written
acknowledgement suppresses a real finding (so removing one fails the build).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3

from ml_platform.compliance import acknowledgements
from ml_platform.compliance.rule_packs import register_rule_packs, rule_packs

from ..helpers import Synth, new_app


def _findings(scope: Any) -> list[tuple[str, str]]:
    """(rule ID, construct path) of every unacknowledged finding of every pack."""
    found = []
    for pack in rule_packs():
        for violation in pack.validate_scope(scope).violations:
            found += [(violation.rule_name, r.construct_path or "") for r in violation.violating_resources]
    return sorted(found)


def test_example_platform_has_no_unacknowledged_findings(synth: Synth) -> None:
    assert _findings(synth.app) == []
    assert synth.validation_error is None, synth.validation_error


def test_a_noncompliant_bucket_fails_synth(tmp_path: Path) -> None:
    app = new_app(tmp_path)
    stack = cdk.Stack(app, "Careless", env=cdk.Environment(account="111111111111", region="us-east-1"))
    s3.Bucket(stack, "PlainBucket")
    rules = {rule for rule, _ in _findings(app)}
    assert {"AwsSolutions-S1", "AwsSolutions-S10", "NIST.800.53.R5-S3DefaultEncryptionKMS"} <= rules
    register_rule_packs(app)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()


def test_every_acknowledgement_suppresses_a_real_finding(
    unacknowledged_build: tuple[cdk.App, list[tuple[str, str]]],
) -> None:
    app, recorded = unacknowledged_build
    findings = _findings(app)
    assert recorded, "the platform writes no acknowledgements?"
    # CDK's own CloudFormation validation ("CloudFormation-Validate::...") is not a nag pack.
    stale = [
        (rule, scope)
        for rule, scope in recorded
        if "::" not in rule and not any(r == rule and (p == scope or p.startswith(scope + "/")) for r, p in findings)
    ]
    assert stale == [], "acknowledgements that suppress nothing: remove them"


def test_acknowledgements_need_a_reason() -> None:
    with pytest.raises(ValueError, match="needs a real reason"):
        acknowledgements.acknowledge(cdk.App(), {"AwsSolutions-S1": "ok"})
