"""Studio domain, users, execution roles and teardown of the data science accounts (issue #4)."""

from __future__ import annotations

import base64
import json

import pytest
from aws_cdk.assertions import Match, Template

from ml_platform.constructs.notebook_lifecycle import MAX_SCRIPT_CHARS, on_start_script

from ..helpers import (
    EditSynths,
    Synth,
    as_list,
    resources_of_type,
    statements,
)

PRODUCT, RESEARCH = "DataScience-weatherproduct", "DataScience-weatherresearch"


def _role_output(name: str) -> object:
    return {"Fn::GetStackOutput": Match.object_like({"OutputName": Match.string_like_regexp(name)})}


def test_domain_is_vpc_only_encrypted_with_idle_shutdown(synth: Synth) -> None:
    template = Template.from_json(synth.template(PRODUCT, "Studio"))
    template.resource_count_is("AWS::SageMaker::Domain", 1)
    idle = {
        "IdleSettings": {
            "LifecycleManagement": "ENABLED",
            "IdleTimeoutInMinutes": 60,
            "MinIdleTimeoutInMinutes": 60,
            "MaxIdleTimeoutInMinutes": 60,
        }
    }
    template.has_resource_properties(
        "AWS::SageMaker::Domain",
        {
            "DomainName": "openaq-weatherproduct-studio",
            "AppNetworkAccessType": "VpcOnly",
            "AuthMode": "IAM",
            "KmsKeyId": _role_output("StudioKey"),
            "SubnetIds": Match.any_value(),
            "DomainSettings": {
                "DockerSettings": {"EnableDockerAccess": "DISABLED"},
                "SecurityGroupIds": Match.any_value(),
            },
            "DefaultUserSettings": Match.object_like(
                {
                    "ExecutionRole": _role_output("DataScientistRole"),
                    "JupyterLabAppSettings": {"AppLifecycleManagement": idle},
                    "CodeEditorAppSettings": {"AppLifecycleManagement": idle},
                    "SharingSettings": {
                        "NotebookOutputOption": "Allowed",
                        "S3OutputPath": "s3://openaq-weatherproduct-projects-333333333333-us-east-1/studio-sharing/",
                        "S3KmsKeyId": _role_output("DataKey"),
                    },
                }
            ),
            "DefaultSpaceSettings": Match.object_like({"JupyterLabAppSettings": {"AppLifecycleManagement": idle}}),
        },
    )


def test_idle_timeout_follows_config(synth: Synth) -> None:
    domain = next(iter(resources_of_type(synth.template(RESEARCH, "Studio"), "AWS::SageMaker::Domain").values()))
    settings = domain["Properties"]["DefaultUserSettings"]["JupyterLabAppSettings"]
    assert settings["AppLifecycleManagement"]["IdleSettings"]["IdleTimeoutInMinutes"] == 120


def test_retained_domain_has_no_teardown(synth: Synth) -> None:
    template = synth.template(PRODUCT, "Studio")
    [domain] = resources_of_type(template, "AWS::SageMaker::Domain").values()
    assert domain["DeletionPolicy"] == "Retain" and domain["UpdateReplacePolicy"] == "Retain"
    assert not resources_of_type(template, "Custom::StudioTeardown")
    assert not resources_of_type(template, "AWS::Lambda::Function")


def test_deletable_domain_is_torn_down_first(synth: Synth) -> None:
    template = synth.template(RESEARCH, "Studio")
    [(domain_id, domain)] = resources_of_type(template, "AWS::SageMaker::Domain").items()
    assert domain["DeletionPolicy"] == "Delete"
    [teardown] = resources_of_type(template, "Custom::StudioTeardown").values()
    assert teardown["Properties"]["DomainId"] == {"Fn::GetAtt": [domain_id, "DomainId"]}
    profiles = set(resources_of_type(template, "AWS::SageMaker::UserProfile"))
    assert profiles and profiles <= set(teardown["DependsOn"]), "profiles are deleted after the teardown"
    handlers = [
        f
        for f in resources_of_type(template, "AWS::Lambda::Function").values()
        if f["Properties"].get("Handler", "").startswith("handler.")
    ]
    assert {h["Properties"]["Handler"] for h in handlers} == {"handler.on_event", "handler.is_complete"}
    for handler in handlers:
        props = handler["Properties"]
        assert props["VpcConfig"]["SubnetIds"] and props["ReservedConcurrentExecutions"] == 2
        assert props["Runtime"] == "python3.14" and props["Architectures"] == ["arm64"]
    Template.from_json(template).has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "LoggingConfiguration": Match.object_like({"Level": "ALL"}),
        },
    )


def test_one_profile_per_user_with_its_persona_role(synth: Synth) -> None:
    template = synth.template(PRODUCT, "Studio")
    profiles = {
        p["Properties"]["UserProfileName"]: p["Properties"]
        for p in resources_of_type(template, "AWS::SageMaker::UserProfile").values()
    }
    expected = {
        "ana-scientist": "DataScientistRole",
        "ben-engineer": "MlEngineerRole",
        "carla-admin": "PlatformAdminRole",
    }
    assert profiles.keys() == expected.keys()
    for user, role in expected.items():
        output = profiles[user]["UserSettings"]["ExecutionRole"]["Fn::GetStackOutput"]["OutputName"]
        assert role in output, user
        tags = {t["Key"]: t["Value"] for t in profiles[user]["Tags"]}
        assert tags["Environment"] == "Development" and tags["Team"] == "weatherproduct"  # DS-4


def test_adding_a_user_keeps_existing_logical_ids(synth: Synth, edit_synths: EditSynths) -> None:
    """The logical-ID edit "add a user" (logical_id_edits.py: a new ml_engineer in the first team),
    synthesized once per session without CDK's CloudFormation validation: this test compares templates."""
    before = set(synth.template(PRODUCT, "Studio")["Resources"])
    after = set(edit_synths()["add a user"][f"{PRODUCT}/Studio"]["Resources"])
    # The profile, and its private space (private_spaces: true in the example).
    assert before < after and len(after - before) == 2


def test_roles_have_no_wildcard_admin_and_scoped_pass_role(synth: Synth) -> None:
    for stage in (PRODUCT, RESEARCH):
        for stack in ("Access", "Studio", "Network"):
            for statement in statements(synth.template(stage, stack)):
                actions, resources = as_list(statement["Action"]), as_list(statement.get("Resource", []))
                assert not ("*" in actions and "*" in resources), statement
                assert not [a for a in actions if a.endswith(":*")], statement  # no service-wide wildcards
                if "iam:PassRole" in actions:
                    # Exact roles, no prefix wildcard (issue #17): which ones each persona passes is
                    # proven by the runtime flows (tests/flows).
                    assert not [r for r in resources if "*" in r], statement
                    assert statement["Condition"]["StringEquals"]["iam:PassedToService"] == "sagemaker.amazonaws.com"
                    account = {PRODUCT: "333333333333", RESEARCH: "444444444444"}[stage]
                    assert all(r.startswith(f"arn:aws:iam::{account}:role/openaq-") for r in resources)


def test_sagemaker_roles_trust_only_sagemaker_and_use_no_managed_policies(synth: Synth) -> None:
    roles = resources_of_type(synth.template(PRODUCT, "Access"), "AWS::IAM::Role")
    assert len(roles) == 4  # three personas and the job role
    for role in roles.values():
        props = role["Properties"]
        trusts = props["AssumeRolePolicyDocument"]["Statement"]
        # AssumeRole, and SetSourceIdentity for the audit identity (docs/audit-identity.md).
        assert {t["Action"] for t in trusts} == {"sts:AssumeRole", "sts:SetSourceIdentity"}
        for trust in trusts:
            assert trust["Principal"] == {"Service": "sagemaker.amazonaws.com"}
            assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "333333333333"}}
        managed = props["ManagedPolicyArns"]
        assert 1 < len(managed) <= 10, "its own scoped policies, one per capability (IAM attaches at most 10)"
        assert all(set(m) == {"Ref"} for m in managed), "only its own scoped policies"
        assert "arn:aws:iam::aws:policy" not in json.dumps(props), "no AWS managed policies (AmazonSageMakerFullAccess)"


def test_jobs_must_run_in_the_vpc_with_a_volume_key(synth: Synth) -> None:
    creates = [s for s in statements(synth.template(PRODUCT, "Access")) if s.get("Sid") == "CreateJobsInVpcWithKms"]
    assert len(creates) == 3  # data scientist, ML engineer, jobs
    for statement in creates:
        # VolumeKmsKeyArn: the deprecated VolumeKmsKey is not evaluated, so Null:false on it would deny all.
        assert statement["Condition"] == {
            "Null": {"sagemaker:VpcSubnets": "false", "sagemaker:VolumeKmsKeyArn": "false"}
        }
        assert "sagemaker:CreateTransformJob" not in statement["Action"], "transform requests carry no subnets"
        assert all(r.startswith("arn:aws:sagemaker:us-east-1:333333333333:") for r in statement["Resource"])


@pytest.mark.parametrize(("persona", "approve"), [("DataScientist", False), ("MlEngineer", True)])
def test_only_ml_engineers_approve_models(synth: Synth, persona: str, approve: bool) -> None:
    template = synth.template(PRODUCT, "Access")
    policies = {
        k: v for k, v in resources_of_type(template, "AWS::IAM::ManagedPolicy").items() if k.startswith(persona)
    }
    actions = {
        a
        for p in policies.values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Allow"  # the lifecycle-stage Deny names the action too (model-governance.md)
        for a in as_list(s["Action"])
    }
    assert ("sagemaker:UpdateModelPackage" in actions) is approve
    assert ("sagemaker:CreatePipeline" in actions) is approve


def test_notebook_auto_stop_lifecycle(synth: Synth) -> None:
    template = synth.template(RESEARCH, "Studio")
    [config] = resources_of_type(template, "AWS::SageMaker::NotebookInstanceLifecycleConfig").values()
    props = config["Properties"]
    assert props["NotebookInstanceLifecycleConfigName"] == "openaq-weatherresearch-notebook-idle-stop"
    script = props["OnStart"][0]["Content"]["Fn::Base64"]
    assert "IDLE_MINUTES=30" in script and "def is_idle(" in script and "/etc/cron.d/sagemaker-autostop" in script
    assert script == on_start_script(30)


def test_lifecycle_script_fits_sagemaker_limit() -> None:
    assert len(on_start_script(60)) <= MAX_SCRIPT_CHARS
    assert base64.b64encode(on_start_script(60).encode())  # plain ASCII text, encodable
