"""What app.py prints when synth fails validation (issue #18): CDK's construct validation
errors and the rule packs' findings each under their own header, one line per problem, no
traceback. Each test runs app.py's ``main`` on a tiny app instead of the platform."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from ml_platform import platform
from ml_platform.compliance.rule_packs import register_rule_packs
from ml_platform.validation_report import ConstructError, construct_errors, synth_failure_report

ENV = cdk.Environment(account="111111111111", region="us-east-1")


Build = Callable[[cdk.App], None]
FailedSynth = Callable[[Build], tuple[str, list[str]]]


@pytest.fixture
def failed_synth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> FailedSynth:
    """app.py's ``main`` with a build in place of the platform, which must exit 1: (stderr, report lines)."""
    monkeypatch.setenv("CDK_OUTDIR", str(tmp_path / "cdk.out"))
    monkeypatch.setenv("CDK_CONTEXT_JSON", json.dumps({"config": "config/minimal.yaml"}))
    monkeypatch.delenv("CONTEXT_OVERFLOW_LOCATION_ENV", raising=False)

    def run(build: Build) -> tuple[str, list[str]]:
        def build_platform(app: cdk.App, config: Any, **_: Any) -> list[Any]:
            build(app)
            return []

        monkeypatch.setattr(platform, "build_platform", build_platform)
        app_module = importlib.import_module("app")
        code = app_module.main()
        err = capsys.readouterr().err
        assert code == 1
        return err, _report(err)

    return run


def _report(err: str) -> list[str]:
    """app.py's lines from its "synth failed" header on (CDK prints its own report before)."""
    lines = err.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("synth failed:")) :]


def _policy_without_resources(app: cdk.App) -> None:
    stack = cdk.Stack(app, "Tiny", env=ENV)
    iam.ManagedPolicy(stack, "Policy", statements=[iam.PolicyStatement(actions=["s3:GetObject"], resources=[])])


def _plain_bucket(app: cdk.App) -> None:
    stack = cdk.Stack(app, "Tiny", env=ENV)
    s3.Bucket(stack, "Bucket")
    register_rule_packs(app)


def test_construct_validation_errors_are_listed_as_such(failed_synth: FailedSynth) -> None:
    err, lines = failed_synth(_policy_without_resources)
    assert lines[0].startswith("synth failed: 1 CDK construct validation error(s)"), err
    assert lines[1:] == [
        "  Tiny/Policy: A PolicyStatement used in an identity-based policy must specify at least one resource."
    ]
    assert "rule-pack" not in lines[0].replace("not a rule-pack finding", "")
    assert "Traceback" not in err


def test_rule_pack_findings_keep_their_own_header(failed_synth: FailedSynth) -> None:
    err, lines = failed_synth(_plain_bucket)
    assert "unacknowledged rule-pack finding(s) (see the report above):" in lines[0], err
    assert "CDK construct validation" not in err
    assert (
        "  AwsSolutions AwsSolutions-S1: Tiny/Bucket/Resource: The S3 Bucket has server access logs disabled." in lines
    )
    assert all(line.startswith("  ") for line in lines[1:]), lines
    assert "Traceback" not in err


def test_multi_line_construct_errors_stay_one_entry_each() -> None:
    text = (
        "ValidationFailedWithErrors: Validation failed with the following errors:\n"
        "  [A/B] first part\n    of the message\n  [A/C] other\n  [A/B] first part of the message"
    )
    assert construct_errors(text) == [
        ConstructError("A/B", "first part of the message"),
        ConstructError("A/C", "other"),
    ]


def test_other_errors_are_not_reported_as_validation(tmp_path: Path) -> None:
    assert synth_failure_report("TemplateChangedForLockedVersion: ...", tmp_path) is None
    # A plugin failure whose report file is missing still shows CDK's own words.
    assert synth_failure_report("ValidationFailed: Validation failed. See x", tmp_path) == [
        "synth failed: rule-pack validation failed:",
        "  ValidationFailed: Validation failed. See x",
    ]
