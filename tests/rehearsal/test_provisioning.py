"""Self-service launches rehearsed (issue #18): every offered product version, launched in every
account it is shared with, as its launch role, is allowed every permission its resources'
CloudFormation handlers need; a launch role without one fails with a line naming the product,
version, resource, action and ARN."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from ml_platform.assembly.cloud_assembly import (
    CloudAssembly,
    StackInstance,
    portfolio_share_accounts,
    product_launches,
    product_versions,
)
from ml_platform.config import PlatformConfig
from ml_platform.flows.platform import Platform
from ml_platform.rehearsal.findings import Finding, LinkKind
from ml_platform.rehearsal.handler_permissions import (
    HANDLERS,
    SKIPS,
    STAND_INS,
    handler_permissions,
    needed_actions,
    resource_schema,
)
from ml_platform.rehearsal.iam_reference import known_action
from ml_platform.rehearsal.provisioning import check_launches

NOTEBOOK = "product Basic SageMaker Notebook Instance Environment release-2.1"
SPOKE = "DataScience-weatherproduct/ServiceCatalog"
TEAM_ACCOUNT = "333333333333"


def with_changed(
    config: PlatformConfig, assembly: CloudAssembly, change: Callable[[StackInstance, dict[str, Any]], None]
) -> Platform:
    """The example platform, product launches included, with templates changed by ``change``
    (called with each stack and a copy of its template)."""
    full = assembly.with_stacks(product_launches(assembly))
    stacks = []
    for stack in full.stacks:
        template = copy.deepcopy(dict(stack.template))
        change(stack, template)
        stacks.append(replace(stack, template=template))
    return Platform(config, CloudAssembly(assembly.root, stacks))


def launch_policy(template: dict[str, Any]) -> list[dict[str, Any]]:
    """The statements of the spoke's launch role policy (ScopedPolicy LaunchPermissions)."""
    [policy] = [
        r
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::ManagedPolicy" and "launch" in str(r["Properties"].get("ManagedPolicyName"))
    ]
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def without_actions(template: dict[str, Any], *actions: str) -> None:
    """The launch role policy without ``actions`` (a statement left empty goes)."""
    statements = launch_policy(template)
    kept = []
    for statement in statements:
        listed = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        statement["Action"] = [a for a in listed if a not in actions]
        if statement["Action"]:
            kept.append(statement)
    statements[:] = kept


def lines(findings: list[Finding]) -> str:
    return "\n".join(f.line() for f in findings)


# -- the example's launches -------------------------------------------------------------------------
def test_every_offered_product_version_is_launched_in_every_shared_account(platform: Platform, assembly: CloudAssembly):
    """That they all succeed is the rehearsal's (tests/rehearsal/test_deploy_rehearsal.py)."""
    launches = [s for s in platform.assembly.stacks if s.stage == "Products"]
    assert len(launches) == len(product_versions(assembly)) * len(portfolio_share_accounts(assembly)) > 0


# -- a launch role that lacks a permission ------------------------------------------------------------
def test_a_launch_role_without_a_handler_permission_fails_naming_resource_action_and_arn(
    example_config: PlatformConfig, assembly: CloudAssembly
):
    def strip(stack: StackInstance, template: dict[str, Any]) -> None:
        if stack.key == SPOKE:
            without_actions(template, "ec2:CreateNetworkInterface", "iam:ListEntitiesForPolicy")

    findings = check_launches(with_changed(example_config, assembly, strip))
    assert findings and {f.kind for f in findings} == {LinkKind.LAUNCH_PERMISSION}
    text = lines(findings)
    assert all(TEAM_ACCOUNT in f.message for f in findings), text  # only the changed spoke
    subnet = next(
        f for f in findings if "ec2:CreateNetworkInterface on arn:aws:ec2:us-east-1:333333333333:subnet/" in f.message
    )
    assert subnet.where == NOTEBOOK
    assert subnet.line().startswith(
        f"{NOTEBOOK}: launch role lacks a permission: ServiceCatalog-DataScienceProducts in {TEAM_ACCOUNT} "
        "may not ec2:CreateNetworkInterface on arn:aws:ec2:us-east-1:333333333333:subnet/subnet-"
    ), text
    assert "needed by create of NotebookInstance0476B99B (AWS::SageMaker::NotebookInstance)" in subnet.message
    # Terminating a product deletes its managed policies: both products with a role need it.
    policy_deletes = [
        f for f in findings if "iam:ListEntitiesForPolicy on arn:aws:iam::333333333333:policy/SC-" in f.message
    ]
    assert {f.where for f in policy_deletes} == {NOTEBOOK, "product Basic SageMaker Studio Environment release-2.1"}
    assert all("needed by delete of ExecutionRolePermissions" in f.message for f in policy_deletes), text


def test_service_catalogs_own_calls_are_checked_too(example_config: PlatformConfig, assembly: CloudAssembly):
    """Service Catalog reads the template with the launch role (constraints-launch.html)."""

    def strip(stack: StackInstance, template: dict[str, Any]) -> None:
        if stack.key == SPOKE:
            for statement in launch_policy(template):
                if statement.get("Sid") == "ProductTemplates":
                    statement["Action"] = "s3:GetObjectVersion"

    findings = check_launches(with_changed(example_config, assembly, strip))
    reads = [f for f in findings if "may not s3:GetObject on arn:aws:s3:::servicecatalog-templates-" in f.message]
    assert len(reads) == len(product_versions(assembly)), lines(findings)
    assert all("(Service Catalog)" in f.message for f in reads)


def test_a_property_that_a_skip_depends_on_makes_its_permission_needed(
    example_config: PlatformConfig, assembly: CloudAssembly
):
    """Skipped handler permissions are skipped only while the template does not set the
    property they serve: a product bucket with a website would need the website actions."""

    def website(stack: StackInstance, template: dict[str, Any]) -> None:
        if stack.stage == "Products" and stack.account == TEAM_ACCOUNT:
            for resource in template["Resources"].values():
                if resource["Type"] == "AWS::S3::Bucket":
                    resource["Properties"]["WebsiteConfiguration"] = {"IndexDocument": "index.html"}

    findings = check_launches(with_changed(example_config, assembly, website))
    missing = {f.message.split(" on ")[0].split("may not ")[1] for f in findings}
    assert missing == {"s3:PutBucketWebsite", "s3:DeleteBucketWebsite"}, lines(findings)
    assert {f.where for f in findings} == {NOTEBOOK}


def test_a_product_without_a_launch_constraint_is_a_finding(example_config: PlatformConfig, assembly: CloudAssembly):
    def unconstrained(stack: StackInstance, template: dict[str, Any]) -> None:
        template["Resources"] = {
            k: r for k, r in template["Resources"].items() if r["Type"] != "AWS::ServiceCatalog::LaunchRoleConstraint"
        }

    findings = check_launches(with_changed(example_config, assembly, unconstrained))
    assert findings and all("no launch constraint names a role" in f.message for f in findings)


# -- the schema data -------------------------------------------------------------------------------------
def test_handler_permissions_come_from_the_bundled_schemas():
    notebook = handler_permissions("AWS::SageMaker::NotebookInstance", "us-east-1")
    assert set(notebook) == set(HANDLERS)
    assert "sagemaker:CreateNotebookInstance" in notebook["create"] and "iam:PassRole" in notebook["create"]
    assert handler_permissions("Custom::Anything", "us-east-1")["delete"] == ("lambda:InvokeFunction",)
    assert handler_permissions("AWS::SageMaker::NotebookInstance", "eu-west-1")  # per region
    with pytest.raises(KeyError, match="no schema"):
        handler_permissions("AWS::Nothing::Here", "us-east-1")


def test_every_skip_names_a_permission_its_schema_lists_and_says_why():
    for (resource_type, permission), skip in SKIPS.items():
        assert len(skip.reason) >= 10, (resource_type, permission)
        if resource_type != "*":
            listed = {p for ps in handler_permissions(resource_type, "us-east-1").values() for p in ps}
            assert permission in listed, f"{resource_type} lists no {permission}: drop the skip"
            for path in skip.unless:
                top = path.split(".")[0]
                assert top in resource_schema(resource_type, "us-east-1")["properties"], (resource_type, path)
    for permission, actions in STAND_INS.items():
        assert not known_action(permission), f"{permission} is an IAM action now: drop its stand-in"
        assert all(known_action(a) for a in actions), actions


def test_a_bucket_without_extra_configuration_skips_only_what_it_does_not_set():
    needed, skipped = needed_actions("AWS::S3::Bucket", {"BucketName": "b", "Tags": []}, "us-east-1")
    actions = {n.action for n in needed}
    assert {"s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketTagging"} <= actions
    assert not {"s3:PutBucketWebsite", "s3tables:CreateTable", "iam:PassRole"} & actions
    assert all(reason.reason for _, _, reason in skipped)
    needed, _ = needed_actions("AWS::S3::Bucket", {"ReplicationConfiguration": {}}, "us-east-1")
    assert {"iam:PassRole", "s3:PutReplicationConfiguration"} <= {n.action for n in needed}
