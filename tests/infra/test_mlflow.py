"""Managed MLflow per data science account (issue #22): the app (or tracking server), its role, the personas'
access to that one ARN, the VPC endpoint, and the tracking server a region without apps gets."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Match, Template

from ml_platform.constructs.mlflow_grants import mlflow_use
from ml_platform.constructs.sagemaker_scope import SageMakerScope
from ml_platform.mlflow_support import MlflowKind, MlflowTarget, registration_suffix
from ml_platform.schema.mlflow import MlflowConfig, TrackingServerSize
from ml_platform.stacks.base import StackContext
from ml_platform.stacks.mlflow import MlflowStack

from ..helpers import Synth, as_list, config_from, example_data, resources_of_type, statements

STAGE = "DataScience-weatherproduct"
BUCKET = "openaq-weatherproduct-projects-333333333333-us-east-1"
APP_ID = "MlflowApp434C8BD0"
SERVER_ARN = "arn:aws:sagemaker:ap-southeast-3:333333333333:mlflow-tracking-server/openaq-weatherproduct-mlflow"


def _statement(template: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in statements(template) if s.get("Sid") == sid)


def test_the_product_team_gets_a_retained_mlflow_app_storing_artefacts_under_a_prefix(synth: Synth) -> None:
    template = Template.from_json(synth.template(STAGE, "Mlflow"))
    template.resource_count_is("AWS::SageMaker::MlflowTrackingServer", 0)
    template.has_resource(
        "AWS::SageMaker::MlflowApp",
        {
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "Name": "openaq-weatherproduct-mlflow",
                    "ArtifactStoreUri": f"s3://{BUCKET}/mlflow",
                    "ModelRegistrationMode": "AutoModelRegistrationEnabled",
                    "WeeklyMaintenanceWindowStart": "Sun:03:00",
                    "RoleArn": {"Fn::GetAtt": [Match.string_like_regexp("^MlflowRole"), "Arn"]},
                }
            ),
        },
    )


def test_the_research_team_without_the_section_gets_no_mlflow(synth: Synth) -> None:
    assert not any(name.startswith("DataScience-weatherresearch/Mlflow") for name in synth.templates)
    access = synth.template("DataScience-weatherresearch", "Access")
    assert not [s for s in statements(access) if s.get("Sid", "").startswith("Mlflow")]


def test_mlflow_role_reaches_its_prefix_the_data_key_through_s3_and_the_synced_groups(synth: Synth) -> None:
    template = synth.template(STAGE, "Mlflow")
    role = next(iter(resources_of_type(template, "AWS::IAM::Role").values()))["Properties"]
    assert role["RoleName"] == "openaq-weatherproduct-sm-mlflow"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "333333333333"}
    }
    assert _statement(template, "ArtefactObjects")["Resource"] == f"arn:aws:s3:::{BUCKET}/mlflow/*"
    assert _statement(template, "ArtefactList")["Condition"] == {"StringLike": {"s3:prefix": ["mlflow", "mlflow/*"]}}
    key = _statement(template, "ArtefactKey")
    assert key["Condition"] == {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}
    assert "Fn::GetStackOutput" in key["Resource"]  # the team's data key, not a wildcard
    # An app's ID is generated, so its suffix is any six characters (IAM '?'), after the team's group name only.
    base = "arn:aws:sagemaker:us-east-1:333333333333"
    assert _statement(template, "AutomaticModelRegistration")["Resource"] == [
        f"{base}:model-package-group/weather-pollution-??????",
        f"{base}:model-package/weather-pollution-??????/*",
    ]


def test_personas_use_that_one_app_and_platform_admins_none(synth: Synth) -> None:
    access = synth.template(STAGE, "Access")
    by_policy = {
        r["Properties"]["ManagedPolicyName"]: r["Properties"]["PolicyDocument"]["Statement"]
        for r in resources_of_type(access, "AWS::IAM::ManagedPolicy").values()
    }
    for persona in ("data-scientist", "ml-engineer"):
        api = next(s for s in by_policy[f"openaq-weatherproduct-sm-{persona}-jobs"] if s["Sid"] == "MlflowApi")
        # An app's REST API is CallMlflowAppApi; sagemaker-mlflow actions cannot name an app (mlflow_grants.py).
        assert set(api["Action"]) == {
            "sagemaker:CallMlflowAppApi",
            "sagemaker:CreatePresignedMlflowAppUrl",
            "sagemaker:DescribeMlflowApp",
        }
        # The app's ARN read from the MLflow stack: exactly one resource, no pattern.
        assert set(api["Resource"]) == {"Fn::GetStackOutput"}, api["Resource"]
        assert api["Resource"]["Fn::GetStackOutput"]["StackName"] == "openaq-weatherproduct-mlflow"
    admin = [s for name, ss in by_policy.items() if "platform-admin" in name for s in ss]
    assert not [s for s in admin if any("mlflow" in a.lower() for a in as_list(s["Action"]))]


def test_the_team_vpc_reaches_mlflow_through_the_experiments_endpoint(synth: Synth) -> None:
    def services(stage: str) -> set[str]:
        endpoints = resources_of_type(synth.template(stage, "Network"), "AWS::EC2::VPCEndpoint").values()
        return {e["Properties"]["ServiceName"] for e in endpoints if e["Properties"]["VpcEndpointType"] == "Interface"}

    assert "aws.sagemaker.us-east-1.experiments" in services(STAGE)
    assert not any(s.endswith(".experiments") for s in services("DataScience-weatherresearch"))


def test_the_arn_is_published_for_notebooks(synth: Synth) -> None:
    template = Template.from_json(synth.template(STAGE, "Mlflow"))
    template.has_resource_properties(
        "AWS::SSM::Parameter", {"Name": "/ml-platform/mlflow-arn", "Value": {"Fn::GetAtt": [APP_ID, "Arn"]}}
    )
    template.has_output("MlflowArn", {"Value": {"Fn::GetAtt": [APP_ID, "Arn"]}})


def test_a_region_without_apps_gets_a_sized_tracking_server_and_exact_registry_groups() -> None:
    """ap-southeast-3 has MlflowTrackingServer but no MlflowApp in cfn-lint's provider data."""
    config = config_from(example_data())
    stage = cdk.Stage(cdk.App(), "Stage", env=cdk.Environment(account="333333333333", region="ap-southeast-3"))
    naming = config.naming("weatherproduct", "333333333333")
    stack = MlflowStack(
        stage,
        "Mlflow",
        StackContext(naming=naming, availability_zones=("ap-southeast-3a", "ap-southeast-3b")),
        mlflow=MlflowConfig(size=TrackingServerSize.MEDIUM, version="3.0"),
        kind=MlflowKind.TRACKING_SERVER,
        bucket_name=BUCKET,
        data_key_arn="arn:aws:kms:ap-southeast-3:333333333333:key/k",
        model_package_groups=["weather-pollution"],
    )
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::SageMaker::MlflowApp", 0)
    template.has_resource(
        "AWS::SageMaker::MlflowTrackingServer",
        {
            "DeletionPolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "TrackingServerName": "openaq-weatherproduct-mlflow",
                    "TrackingServerSize": "Medium",
                    "MlflowVersion": "3.0",
                    "AutomaticModelRegistration": True,
                    "ArtifactStoreUri": f"s3://{BUCKET}/mlflow",
                }
            ),
        },
    )
    # A tracking server's name is known at synth, so the group automatic registration creates is exact.
    group = f"weather-pollution-{registration_suffix('openaq-weatherproduct-mlflow')}"
    registration = _statement(dict(template.to_json()), "AutomaticModelRegistration")
    assert any(r.endswith(f":model-package-group/{group}") for r in registration["Resource"])


def test_tracking_server_people_get_sagemaker_mlflow_on_that_server_only() -> None:
    scope = SageMakerScope(
        partition="aws",
        region="ap-southeast-3",
        account="333333333333",
        bucket_name=BUCKET,
        key_arns=(),
        role_name_prefix="openaq-weatherproduct-sm-",
        image_accounts=(),
        mlflow=MlflowTarget(SERVER_ARN, MlflowKind.TRACKING_SERVER),
    )
    api, listing = mlflow_use(scope)
    assert api.resources == [SERVER_ARN] and "sagemaker-mlflow:*" in api.actions
    assert set(api.actions) - {"sagemaker-mlflow:*"} == {
        "sagemaker:CreatePresignedMlflowTrackingServerUrl",
        "sagemaker:DescribeMlflowTrackingServer",
    }
    assert listing.resources == ["*"] and all(a.startswith("sagemaker:List") for a in listing.actions)
    assert mlflow_use(replace(scope, mlflow=None)) == []
