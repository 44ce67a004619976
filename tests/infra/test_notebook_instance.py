"""The notebook instance construct on its own (used by the Service Catalog notebook product)."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from ml_platform.compliance.rule_packs import rule_packs
from ml_platform.constructs.notebook_instance import NotebookInstance
from ml_platform.constructs.notebook_lifecycle import NotebookIdleStop

from ..helpers import new_app


def _stack(tmp_path: Path) -> cdk.Stack:
    app = new_app(tmp_path)
    stack = cdk.Stack(app, "NotebookOnly", env=cdk.Environment(account="333333333333", region="us-east-1"))
    idle = NotebookIdleStop(stack, "IdleStop", config_name="openaq-test-idle-stop", idle_minutes=45)
    NotebookInstance(
        stack,
        "Notebook",
        instance_name="myNotebook",
        instance_type="ml.t3.large",
        role_arn="arn:aws:iam::333333333333:role/openaq-test-sm-data-scientist",
        subnet_id="subnet-0123456789abcdef0",
        security_group_ids=["sg-0123456789abcdef0"],
        kms_key_arn="arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        lifecycle_config_name=idle.config_name,
    )
    return stack


def test_notebook_is_private_rootless_encrypted_and_auto_stops(tmp_path: Path) -> None:
    template = Template.from_stack(_stack(tmp_path))
    template.has_resource_properties(
        "AWS::SageMaker::NotebookInstance",
        {
            "DirectInternetAccess": "Disabled",
            "RootAccess": "Disabled",
            "SubnetId": "subnet-0123456789abcdef0",
            "SecurityGroupIds": ["sg-0123456789abcdef0"],
            "KmsKeyId": "arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "LifecycleConfigName": "openaq-test-idle-stop",
        },
    )


def test_notebook_passes_the_sagemaker_nag_rules(tmp_path: Path) -> None:
    stack = _stack(tmp_path)
    findings = [v.rule_name for pack in rule_packs() for v in pack.validate_scope(stack).violations]
    assert not [f for f in findings if "SM" in f or "SageMaker" in f], findings


def test_idle_minutes_are_bounded(tmp_path: Path) -> None:
    stack = cdk.Stack(new_app(tmp_path), "S")
    with pytest.raises(ValueError, match=r"5\.\.1440"):
        NotebookIdleStop(stack, "TooShort", config_name="x", idle_minutes=1)


def test_the_rules_do_catch_an_open_notebook(tmp_path: Path) -> None:
    """Guard for the test above: the same check flags a notebook without the guardrails."""
    from aws_cdk import aws_sagemaker as sagemaker

    stack = cdk.Stack(new_app(tmp_path), "Open", env=cdk.Environment(account="333333333333", region="us-east-1"))
    sagemaker.CfnNotebookInstance(
        stack,
        "Open",
        instance_type="ml.t3.large",
        role_arn="arn:aws:iam::333333333333:role/r",
        direct_internet_access="Enabled",
    )
    findings = {v.rule_name for pack in rule_packs() for v in pack.validate_scope(stack).violations}
    assert {"AwsSolutions-SM1", "AwsSolutions-SM2", "AwsSolutions-SM3"} <= findings
