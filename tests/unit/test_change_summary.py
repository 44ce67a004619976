"""The offline change summary (issue #12): exact resource changes, stateful replacements, IAM."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns

from ml_platform.context import PROJECT_ROOT
from ml_platform.review.summary import render
from ml_platform.review.template_diff import create_only_properties, diff_assemblies

from ..helpers import new_app


def _variant(outdir: Path, *, changed: bool) -> dict[str, dict[str, Any]]:
    """A small app; ``changed`` renames the bucket, changes the feature group's identifier,
    adds a principal to the role, adds a topic and removes a queue-like second bucket."""
    app = new_app(outdir)
    stack = cdk.Stack(app, "Small", env=cdk.Environment(account="111111111111", region="us-east-1"))
    s3.CfnBucket(stack, "Data", bucket_name="small-data-v2" if changed else "small-data")
    if not changed:
        s3.CfnBucket(stack, "Scratch")
    sagemaker.CfnFeatureGroup(
        stack,
        "Features",
        feature_group_name="weather-v1",
        event_time_feature_name="EventTime",
        record_identifier_feature_name="station" if changed else "location",
        feature_definitions=[
            sagemaker.CfnFeatureGroup.FeatureDefinitionProperty(feature_name=n, feature_type=t)
            for n, t in (("location", "String"), ("station", "String"), ("EventTime", "Fractional"))
        ],
    )
    principals = [iam.AccountPrincipal("222222222222"), *([iam.AccountPrincipal("333333333333")] if changed else [])]
    iam.Role(stack, "Reader", assumed_by=iam.CompositePrincipal(*principals))
    if changed:
        sns.CfnTopic(stack, "Alerts")
    return {"Small": app.synth().get_stack_by_name("Small").template}


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], str]:
    old = _variant(tmp_path_factory.mktemp("old"), changed=False)
    new = _variant(tmp_path_factory.mktemp("new"), changed=True)
    diffs = diff_assemblies(old, new)
    return diffs, render(diffs, "main")


def test_lists_exactly_the_added_removed_and_modified_resources(summary: tuple[list[Any], str]) -> None:
    [diff] = summary[0]
    changes = {(c.kind, c.logical_id, c.type) for c in diff.resources}
    assert changes == {
        ("added", "Alerts", "AWS::SNS::Topic"),
        ("removed", "Scratch", "AWS::S3::Bucket"),
        ("modified", "Data", "AWS::S3::Bucket"),
        ("modified", "Features", "AWS::SageMaker::FeatureGroup"),
        ("modified", "ReaderF7BF189D", "AWS::IAM::Role"),
    }
    modified = {c.logical_id: c.paths for c in diff.resources if c.kind == "modified"}
    assert modified["Data"] == ["Properties.BucketName"]
    assert modified["Features"] == ["Properties.RecordIdentifierFeatureName"]


def test_flags_the_bucket_and_feature_group_replacements(summary: tuple[list[Any], str]) -> None:
    markdown = summary[1]
    warning_block = markdown.split("> [!WARNING]")[1].split("\n\n")[0]
    assert "`Data` (AWS::S3::Bucket): BucketName change(s) require replacement" in warning_block
    assert "`Features` (AWS::SageMaker::FeatureGroup): RecordIdentifierFeatureName change(s) require replacement" in (
        warning_block
    )
    assert "`Scratch` (AWS::S3::Bucket): removed from the template" in warning_block
    assert "Reader" not in warning_block and "Alerts" not in warning_block


def test_iam_section_shows_the_added_principal(summary: tuple[list[Any], str]) -> None:
    iam_section = summary[1].split("### IAM and resource policies")[1]
    assert "- `Small` `ReaderF7BF189D` (AWS::IAM::Role)" in iam_section
    assert "**+** `arn:aws:iam::333333333333:root` may `sts:AssumeRole`" in iam_section
    assert "**-**" not in iam_section


def test_identical_assemblies_say_no_changes(tmp_path: Path) -> None:
    old = _variant(tmp_path / "a", changed=False)
    assert render(diff_assemblies(old, old), "HEAD").endswith("no changes\n")


def test_replacement_knowledge_comes_from_the_resource_schemas() -> None:
    assert "DomainName" in create_only_properties("AWS::SageMaker::Domain")
    assert "Name" in create_only_properties("AWS::Kinesis::Stream")
    assert create_only_properties("Custom::Whatever") == ("ServiceToken",)  # a new provider replaces it


def test_renamed_named_resource_is_a_failed_update(tmp_path: Path) -> None:
    old = {"S": {"Resources": {"A1": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "team-role"}}}}}
    new = {"S": {"Resources": {"B2": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "team-role"}}}}}
    assert "logical ID changed on a named resource" in render(diff_assemblies(old, new), "main")


@pytest.mark.cli
def test_make_diff_against_the_same_commit_prints_no_changes() -> None:
    """What `make diff BASE=HEAD` prints on a clean tree, made independent of local edits. Both sides are the
    same git tree and config, so they share one cached synthesis (issue #20): at most one synth."""
    script = PROJECT_ROOT / "scripts" / "change_summary.py"
    result = subprocess.run(
        [sys.executable, str(script), "--base", "HEAD", "--head", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("no changes")
    assert result.stderr.count("HEAD: synthesized") <= 1 and "HEAD: cached templates" in result.stderr
