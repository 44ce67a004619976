"""Change review follows a replacement through every reference (issue #20): inside a stack, across stacks
through stack outputs and exports, exports an update cannot change while they are imported, and stateful
resources that only moved (a refactor keeps them).

The example-config edits synthesize one account stage (cheaper than the whole app) and compare it with the
session's synthesis. The export cases use a small two-stack app with CDK's default strong references
(``Fn::ImportValue``): the example app uses weak ones (``Fn::GetStackOutput``, cdk.json
``@aws-cdk/core:defaultCrossStackReferences``), so it has no exports to break.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3

from ml_platform.review.cascade import replaces
from ml_platform.review.summary import Review, render, review

from ..helpers import Synth, config_from, example_data, synthesize_stage

STAGE = "DataScience-weatherproduct"


def _stage_templates(synth: Synth, templates: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The stage's "Stage/Stack" -> template (the session's, or ``templates`` by stack ID)."""
    if templates is None:
        return {name: t for name, t in synth.templates.items() if name.startswith(f"{STAGE}/")}
    return {f"{STAGE}/{stack_id}": t for stack_id, t in templates.items()}


def _stack_names(synth: Synth) -> dict[str, str]:
    return {
        f"{stage.stage_name}/{stack.node.id}": stack.stack_name
        for stage in synth.stages
        for stack in stage.node.children
        if isinstance(stack, cdk.Stack)
    }


@pytest.fixture(scope="module")
def new_cidr(synth: Synth, tmp_path_factory: pytest.TempPathFactory) -> Review:
    """Everyday edit: the team's VPC gets another CIDR (config `accounts.data_science[0].vpc.cidr`)."""
    data = example_data()
    data["accounts"]["data_science"][0]["vpc"]["cidr"] = "10.99.0.0/16"
    edited = synthesize_stage(config_from(data), tmp_path_factory.mktemp("cidr"), STAGE)
    return review(_stage_templates(synth), _stage_templates(synth, edited), _stack_names(synth))


def test_a_cascade_inside_one_stack_names_the_user_profiles(synth: Synth) -> None:
    """The Studio domain moves to IAM Identity Center (AuthMode is create-only: the domain is replaced), so each
    user profile's DomainId changes: create-only, the profiles are replaced too, though their own properties
    did not change. (The config has no auth mode, so this edit is made on the synthesized template.)"""
    old = _stage_templates(synth)
    new = copy.deepcopy(old)
    studio = new[f"{STAGE}/Studio"]["Resources"]
    [domain] = [r for r in studio.values() if r["Type"] == "AWS::SageMaker::Domain"]
    domain["Properties"]["AuthMode"] = "SSO"
    result = review(old, new, _stack_names(synth))
    profiles = [c for c in result.cascades if c.type == "AWS::SageMaker::UserProfile"]
    assert len(profiles) == 3 and all(c.certain and c.stateful and c.stack == f"{STAGE}/Studio" for c in profiles)
    chain = profiles[0].render()
    assert chain.startswith(f"`{STAGE}/Studio` `Domain") and "replaced (AuthMode changes)" in chain
    assert "DomainId changes (create-only)" in chain
    assert chain.endswith("REPLACED (stateful: the user's apps and settings)")
    assert all(c.stack == f"{STAGE}/Studio" for c in result.cascades)  # nothing outside the stack reads it


def test_a_cascade_across_stacks_reaches_the_studio_domain(new_cidr: Review) -> None:
    """Through the Network stack's output read with Fn::GetStackOutput: the domain's VpcId is conditionally
    create-only in its schema, so the domain, and with it every user's EFS home directory, may go."""
    [domain] = [c for c in new_cidr.cascades if c.type == "AWS::SageMaker::Domain"]
    assert not domain.certain and domain.stack == f"{STAGE}/Studio"
    text = domain.render()
    assert "output" in text and "VpcId changes (may require replacement)" in text
    assert text.endswith("MAY BE REPLACED (stateful: EFS home directories)")
    profiles = [c for c in new_cidr.cascades if c.type == "AWS::SageMaker::UserProfile"]
    assert profiles and all("DomainId changes (create-only)" in c.render() for c in profiles)
    markdown = render(new_cidr, "main")
    assert "**Replacements cascade**" in markdown and "EFS home directories" in markdown


def test_stacks_whose_template_is_unchanged_are_named_for_a_forced_deploy(new_cidr: Review) -> None:
    """They read the new subnets through Fn::GetStackOutput, yet their text did not change, so the diff
    showed them as unchanged and `cdk deploy` would skip them."""
    stale = {s.stack: s.inputs for s in new_cidr.stale}
    assert f"{STAGE}/ModelBuild" in stale and f"{STAGE}/Studio" not in {d.name for d in new_cidr.diffs}
    assert all(i.startswith("openaq-weatherproduct-network/") for inputs in stale.values() for i in inputs)


def _two_stacks(
    outdir: Path,
    *,
    bucket_id: str = "Data",
    bucket_name: str = "small-data",
    versioned: bool = False,
    consumer: bool = True,
) -> dict[str, dict[str, Any]]:
    """A bucket in Producer; Consumer names a table after it (TableName is create-only) through an export."""
    app = cdk.App(outdir=str(outdir))  # no cdk.json context: CDK's default strong references (exports)
    env = cdk.Environment(account="111111111111", region="us-east-1")
    producer = cdk.Stack(app, "Producer", env=env)
    bucket = s3.CfnBucket(
        producer,
        bucket_id,
        bucket_name=bucket_name,
        versioning_configuration=s3.CfnBucket.VersioningConfigurationProperty(status="Enabled") if versioned else None,
    )
    stacks = ["Producer"]
    if consumer:
        stack = cdk.Stack(app, "Consumer", env=env)
        dynamodb.CfnTable(
            stack,
            "Index",
            table_name=cdk.Fn.join("-", [bucket.ref, "index"]),
            key_schema=[dynamodb.CfnTable.KeySchemaProperty(attribute_name="id", key_type="HASH")],
            attribute_definitions=[
                dynamodb.CfnTable.AttributeDefinitionProperty(attribute_name="id", attribute_type="S")
            ],
            billing_mode="PAY_PER_REQUEST",
        )
        stacks.append("Consumer")
    assembly = app.synth()
    return {name: assembly.get_stack_by_name(name).template for name in stacks}


def test_a_cascade_across_stacks_through_an_export(tmp_path: Path) -> None:
    """Renaming the bucket replaces it; its export changes; the consumer's table, named after it, goes too."""
    old = _two_stacks(tmp_path / "old")
    new = _two_stacks(tmp_path / "new", bucket_name="small-data-v2")
    result = review(old, new)
    [table] = result.cascades
    assert (table.stack, table.type, table.certain) == ("Consumer", "AWS::DynamoDB::Table", True)
    assert "Fn" not in table.render() and "TableName changes (create-only)" in table.render()
    assert table.render().endswith("REPLACED (stateful: its items)")


def test_an_export_in_use_that_changes_is_an_update_that_will_fail(tmp_path: Path) -> None:
    """CloudFormation refuses to change an export another stack imports; the summary says so, with the fix."""
    old = _two_stacks(tmp_path / "old")
    new = _two_stacks(tmp_path / "new", bucket_name="small-data-v2")
    [blocked] = review(old, new).blocked_exports
    assert (blocked.stack, blocked.change, blocked.importers) == ("Producer", "changes", ("Consumer",))
    markdown = render(review(old, new), "main")
    assert "**Update will fail**" in markdown and "--exclusively" in markdown


def test_a_pure_rename_prints_the_refactor_mapping(tmp_path: Path) -> None:
    """Same type and properties under a new logical ID: a stack refactor keeps the bucket."""
    old = _two_stacks(tmp_path / "old", consumer=False)
    new = _two_stacks(tmp_path / "new", bucket_id="Observations", consumer=False)
    result = review(old, new)
    [move] = result.moves
    assert move.mapping() == {
        "Source": {"StackName": "Producer", "LogicalResourceId": "Data"},
        "Destination": {"StackName": "Producer", "LogicalResourceId": "Observations"},
    }
    assert "create-stack-refactor" in render(result, "main")


def test_an_edit_that_cascades_nowhere(tmp_path: Path) -> None:
    """Versioning is updated in place: the bucket keeps its name, so nothing that reads it changes."""
    old = _two_stacks(tmp_path / "old")
    result = review(old, _two_stacks(tmp_path / "new", versioned=True))
    assert [r.logical_id for d in result.diffs for r in d.resources] == ["Data"]
    assert (result.cascades, result.blocked_exports, result.stale, result.moves) == ([], [], [], [])
    assert "cascade" not in render(result, "main")


def test_create_only_knowledge_comes_from_the_schemas() -> None:
    assert replaces("AWS::EC2::Subnet", "VpcId") == "create-only"
    assert replaces("AWS::SageMaker::Domain", "VpcId") == "may require replacement"  # conditionalCreateOnly
    assert replaces("AWS::S3::Bucket", "VersioningConfiguration.Status") == ""


def test_an_edited_output_reaches_the_stacks_that_read_it() -> None:
    """Not only replacements: an output whose value is edited changes for every reader (Fn::GetStackOutput),
    and a reader whose template is unchanged is named for a forced deploy."""

    def templates(bucket: str) -> dict[str, dict[str, Any]]:
        read = {"Fn::GetStackOutput": {"StackName": "openaq-producer", "OutputName": "BucketName"}}
        return {
            "App/Producer": {"Resources": {}, "Outputs": {"BucketName": {"Value": bucket}}},
            "App/Consumer": {
                "Resources": {"Index": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": read}}}
            },
        }

    names = {"App/Producer": "openaq-producer", "App/Consumer": "openaq-consumer"}
    result = review(templates("raw-v1"), templates("raw-v2"), names)
    [table] = result.cascades
    assert table.render() == (
        "output `App/Producer` `BucketName` is edited → `App/Consumer` `Index` TableName changes (create-only) → "
        "`Index` REPLACED (stateful: its items)"
    )
    assert [(s.stack, s.inputs) for s in result.stale] == [("App/Consumer", ("openaq-producer/BucketName",))]


def _table(name: Any) -> dict[str, Any]:
    return {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": name}}


def test_a_value_passed_on_through_another_stack_is_followed() -> None:
    """Producer's export is imported by Middle and passed on as Middle's output, which Consumer reads."""

    def templates(bucket: str) -> dict[str, dict[str, Any]]:
        export = {"Value": {"Ref": "Data"}, "Export": {"Name": "Producer:Data"}}
        return {
            "P": {
                "Resources": {"Data": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": bucket}}},
                "Outputs": {"Data": export},
            },
            "M": {"Resources": {}, "Outputs": {"Pass": {"Value": {"Fn::ImportValue": "Producer:Data"}}}},
            "C": {"Resources": {"Index": _table({"Fn::GetStackOutput": {"StackName": "M", "OutputName": "Pass"}})}},
        }

    result = review(templates("raw-v1"), templates("raw-v2"))
    [table] = result.cascades
    assert "output `M` `Pass` changes" in table.render() and table.stack == "C"
    assert {s.stack for s in result.stale} == {"M", "C"}


def test_an_export_removed_while_its_importer_drops_it_in_the_same_change_still_fails() -> None:
    """CloudFormation checks the imports as deployed; CDK deploys the exporter first."""
    old: dict[str, dict[str, Any]] = {
        "P": {"Resources": {}, "Outputs": {"Name": {"Value": "raw", "Export": {"Name": "P:Name"}}}},
        "C": {"Resources": {"Index": _table({"Fn::ImportValue": "P:Name"})}},
    }
    new: dict[str, dict[str, Any]] = {"P": {"Resources": {}}, "C": {"Resources": {"Index": _table("raw")}}}
    [blocked] = review(old, new).blocked_exports
    assert (blocked.stack, blocked.change, blocked.importers) == ("P", "is removed", ("C",))


def test_a_certain_path_makes_an_uncertain_replacement_certain_and_new_resources_are_not_replaced() -> None:
    """The domain reads a replaced VPC (VpcId: may require replacement) and is named after a replaced bucket
    (DomainName: create-only): it is replaced for certain. A table the change adds is created, not replaced."""

    def templates(cidr: str, bucket: str, with_table: bool) -> dict[str, dict[str, Any]]:
        resources: dict[str, Any] = {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": cidr}},
            "Data": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": bucket}},
            "Domain": {
                "Type": "AWS::SageMaker::Domain",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "DomainName": {"Fn::Sub": "${Data}-studio"}},
            },
        }
        if with_table:
            resources["Index"] = _table({"Fn::Sub": "${Vpc}-index"})
        return {"S": {"Resources": resources}}

    old = templates("10.0.0.0/16", "raw-v1", with_table=False)
    new = templates("10.1.0.0/16", "raw-v2", with_table=True)
    result = review(old, new)
    [domain] = [c for c in result.cascades if c.logical_id == "Domain"]
    assert domain.certain and "DomainName changes (create-only)" in domain.render()
    assert "Index" not in {c.logical_id for c in result.cascades}
