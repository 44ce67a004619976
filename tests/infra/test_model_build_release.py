"""Model build and release (issue #7): registry, pipelines, artefacts, approval -> release, platform pipeline."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match, Template

from ml_platform.config import PlatformConfig
from ml_platform.pipelines.validate import validate_definition
from ml_platform.release import track_ssm_parameter

from ..helpers import APP_LEVEL, Synth, resources_of_type
from .release_machines import machine_definition

LATEST = track_ssm_parameter("weatherproduct", "weather-pollution", "latest")
PREVIOUS = track_ssm_parameter("weatherproduct", "weather-pollution", "previous")

TEAMS = ["333333333333", "444444444444"]
HOSTING = ["555555555555", "666666666666"]


def roots(accounts: list[str]) -> list[str]:
    return [f"arn:aws:iam::{a}:root" for a in accounts]


def one(template: dict[str, Any], resource_type: str) -> dict[str, Any]:
    found = list(resources_of_type(template, resource_type).values())
    assert len(found) == 1, f"{len(found)} {resource_type}"
    properties: dict[str, Any] = found[0]["Properties"]
    return properties


def pipeline_definition(synth: Synth, team: str) -> dict[str, Any]:
    """The definition body with CloudFormation tokens replaced by a marker."""
    body = one(synth.template(f"DataScience-{team}", "ModelBuild"), "AWS::SageMaker::Pipeline")
    joined = body["PipelineDefinition"]["PipelineDefinitionBody"]
    text = (
        "".join(p if isinstance(p, str) else "TOKEN" for p in joined["Fn::Join"][1])
        if isinstance(joined, dict)
        else joined
    )
    result: dict[str, Any] = json.loads(text)
    return result


def test_ecr_repositories_pull_only_from_configured_accounts(synth: Synth, example_config: PlatformConfig) -> None:
    template = synth.template("SharedServices", "Images")
    repositories = resources_of_type(template, "AWS::ECR::Repository")
    assert sorted(r["Properties"]["RepositoryName"] for r in repositories.values()) == sorted(
        f"openaq/{name}" for name in example_config.artifacts.repositories
    )
    for repository in repositories.values():
        props = repository["Properties"]
        assert props["ImageScanningConfiguration"] == {"ScanOnPush": True}
        assert props["ImageTagMutability"] == "IMMUTABLE"
        assert props["EncryptionConfiguration"]["EncryptionType"] == "KMS"
        assert repository["DeletionPolicy"] == "Retain"
        (statement,) = props["RepositoryPolicyText"]["Statement"]
        assert sorted(statement["Principal"]["AWS"]) == roots(TEAMS + HOSTING)
        assert sorted(statement["Action"]) == [
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
        ]
        rules = json.loads(props["LifecyclePolicy"]["LifecyclePolicyText"])["rules"]
        assert {r["selection"]["tagStatus"] for r in rules} == {"untagged", "tagged"}  # release tags never expire


def test_artefacts_bucket_teams_write_own_prefix_hosting_reads(synth: Synth) -> None:
    policies = resources_of_type(synth.template("SharedServices", "Data"), "AWS::S3::BucketPolicy").values()
    (policy,) = [p["Properties"] for p in policies if "Artefacts" in p["Metadata"]["aws:cdk:path"]]
    statements = {s.get("Sid"): s for s in policy["PolicyDocument"]["Statement"]}
    for team, account in zip(("weatherproduct", "weatherresearch"), TEAMS, strict=True):
        write = statements[f"CrossAccountWrite{account}"]
        assert write["Principal"] == {"AWS": roots([account])[0]}
        assert "s3:PutObject" in write["Action"]
        assert write["Resource"]["Fn::Join"][1][-1] == f"/{team}/*"
    assert sorted(statements["CrossAccountRead"]["Principal"]["AWS"]) == roots(HOSTING)
    keys = resources_of_type(synth.template("SharedServices", "Data"), "AWS::KMS::Key")
    (artefacts_key,) = [k for k in keys.values() if "model artefacts" in k["Properties"]["Description"]]
    by_sid = {s.get("Sid"): s for s in artefacts_key["Properties"]["KeyPolicy"]["Statement"]}
    assert sorted(by_sid["CrossAccountEncryptArtefacts"]["Principal"]["AWS"]) == roots(TEAMS)
    assert sorted(by_sid["CrossAccountDecryptArtefacts"]["Principal"]["AWS"]) == roots(HOSTING)


def test_model_package_group_policy_grants_exactly_test_and_prod(synth: Synth) -> None:
    group = one(synth.template("DataScience-weatherproduct", "ModelBuild"), "AWS::SageMaker::ModelPackageGroup")
    assert group["ModelPackageGroupName"] == "weather-pollution"
    statements = group["ModelPackageGroupPolicy"]["Statement"]
    # A governed group also lets shared services read its packages (test_model_governance.py).
    statements = [s for s in statements if s["Sid"] != "ReleaseReadsPackages"]
    assert {tuple(sorted(s["Principal"]["AWS"])) for s in statements} == {tuple(roots(HOSTING))}
    actions = {a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert actions == {
        "sagemaker:DescribeModelPackageGroup",
        "sagemaker:DescribeModelPackage",
        "sagemaker:ListModelPackages",
        "sagemaker:CreateModel",  # as AWS's cross-account example grants it (model-registry-deploy)
    }
    resources = sorted(s["Resource"] for s in statements)
    assert resources == [
        "arn:aws:sagemaker:us-east-1:333333333333:model-package-group/weather-pollution",
        "arn:aws:sagemaker:us-east-1:333333333333:model-package/weather-pollution/*",
    ]


def test_pipeline_has_the_five_steps_with_spot_and_the_configured_gate(
    synth: Synth, example_config: PlatformConfig
) -> None:
    definition = pipeline_definition(synth, "weatherproduct")
    assert validate_definition(definition) == []
    steps = {s["Name"]: s for s in definition["Steps"]}
    assert [s["Type"] for s in definition["Steps"]] == ["Processing", "Training", "Processing", "Condition"]
    condition = steps["MetricCondition"]["Arguments"]
    register, *scoring = condition["IfSteps"]
    assert register["Name"] == "RegisterModel" and register["Type"] == "RegisterModel"
    assert [s["Type"] for s in scoring] == ["Model", "Transform"]  # batch transform after registration
    gate = example_config.model_builds[0].evaluation
    (check,) = condition["Conditions"]
    assert check["Type"] == "LessThanOrEqualTo" and check["RightValue"] == gate.threshold == 6.0
    assert check["LeftValue"]["Std:JsonGet"]["Path"] == "regression_metrics.mse.value"
    training = steps["ModelTrain"]["Arguments"]
    assert training["EnableManagedSpotTraining"] is True
    assert training["CheckpointConfig"]["S3Uri"].endswith("/pipelines/weather-pipeline/checkpoints/")
    assert training["StoppingCondition"]["MaxWaitTimeInSeconds"] >= training["StoppingCondition"]["MaxRuntimeInSeconds"]
    assert training["OutputDataConfig"]["S3OutputPath"] == (
        "s3://openaq-shared-artefacts-111111111111-us-east-1/weatherproduct/weather-pipeline"
    )
    assert register["Arguments"]["ModelPackageGroupName"] == "weather-pollution"


def test_tuning_pipeline_replaces_training_with_tuning(synth: Synth) -> None:
    steps = [s["Name"] for s in pipeline_definition(synth, "weatherresearch")["Steps"]]
    assert steps == ["DataPreparation", "ModelTune", "ModelEvaluation", "MetricCondition"]


def test_pipeline_role_writes_only_its_team_prefix_of_the_artefacts(synth: Synth) -> None:
    template = json.dumps(synth.template("DataScience-weatherproduct", "Access"))
    assert "arn:aws:s3:::openaq-shared-artefacts-111111111111-us-east-1/weatherproduct/*" in template
    assert "openaq-shared-artefacts-111111111111-us-east-1/weatherresearch" not in template
    assert '"kms:ResourceAliases": "alias/openaq/shared/artefacts"' in template


def test_approvals_are_forwarded_to_the_shared_bus(synth: Synth) -> None:
    template = Template.from_json(synth.template("DataScience-weatherproduct", "ModelBuild"))
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {
                "source": ["aws.sagemaker"],
                "detail-type": ["SageMaker Model Package State Change"],
                "detail": {
                    "ModelPackageGroupName": ["weather-pollution"],
                    "ModelApprovalStatus": ["Approved", "Rejected"],
                },
            },
            "Targets": [
                Match.object_like(
                    {
                        "Arn": "arn:aws:events:us-east-1:111111111111:event-bus/openaq-shared-model-events",
                        "DeadLetterConfig": Match.any_value(),
                        "RoleArn": Match.any_value(),
                    }
                )
            ],
        },
    )


def test_event_bus_policy_allows_exactly_the_data_science_accounts(synth: Synth) -> None:
    policy = one(synth.template("SharedServices", "ModelRelease"), "AWS::Events::EventBusPolicy")
    assert sorted(policy["Statement"]["Principal"]["AWS"]) == roots(TEAMS)
    assert policy["Statement"]["Action"] == "events:PutEvents"


def test_release_updates_test_then_waits_for_approval_then_prod(synth: Synth) -> None:
    template = synth.template("SharedServices", "ModelRelease")
    text = json.dumps(machine_definition(template, "release-weatherproduct"))
    states = json.loads(text)["States"]
    # The latest released version becomes the previous one (the A/B champion), then the approved
    # package the latest; a first release has no previous version to keep.
    assert states["CheckedGovernance"]["Next"] == "ReadTestLatest"  # after the card check (test_model_governance.py)
    assert states["ReadTestLatest"]["Parameters"]["Name"] == LATEST
    assert states["ReadTestLatest"]["Next"] == "ReadTestPrevious"
    assert states["ReadTestPrevious"]["Next"] == "TestHadRelease"
    assert (
        states["ReadTestLatest"]["Credentials"]["RoleArn"]
        == "arn:aws:iam::555555555555:role/openaq-test-model-deployer"
    )
    assert states["TestHadRelease"]["Choices"][0]["Variable"] == "$.latest.value"
    assert states["TestHadRelease"]["Choices"][0]["StringEquals"] == "none"
    assert states["TestHadRelease"]["Choices"][0]["Next"] == "RecordTestLatest"
    assert states["TestHadRelease"]["Default"] == "RecordTestPrevious"
    assert states["RecordTestPrevious"]["Parameters"] == {
        "Name": PREVIOUS,
        "Value.$": "$.latest.value",
        "Type": "String",
        "Overwrite": True,
    }
    assert states["RecordTestPrevious"]["Next"] == "RecordTestLatest"
    assert states["RecordTestLatest"]["Parameters"]["Name"] == LATEST
    assert states["RecordTestLatest"]["Next"] == "UpdateTest"
    assert states["UpdateTest"]["Parameters"]["StackName"] == "openaq-test-hosting"
    assert states["TestUpdated"]["Choices"][0]["Next"] == "ApprovePromotion"
    assert states["ApprovePromotion"]["Resource"].endswith("sns:publish.waitForTaskToken")
    assert states["ApprovePromotion"]["Next"] == "ReadProdLatest"
    assert states["UpdateProd"]["Credentials"]["RoleArn"] == "arn:aws:iam::666666666666:role/openaq-prod-model-deployer"


def test_a_failed_release_puts_both_parameters_back_and_an_unchanged_stack_is_no_failure(synth: Synth) -> None:
    """Issue #18 review: after a failed update the account's next deploy must resolve what is
    running, and a stack the release does not change (UpdateStack: "No updates are to be
    performed") is already released."""
    states = machine_definition(synth.template("SharedServices", "ModelRelease"), "release-weatherproduct")["States"]
    for env in ("Test", "Prod"):
        for state in (f"Record{env}Previous", f"Record{env}Latest"):
            assert states[state]["Catch"][0]["Next"] == f"Restore{env}Latest"
        assert states[f"Restore{env}Latest"]["Parameters"]["Value.$"] == "$.latest.value"
        assert states[f"Restore{env}Latest"]["Next"] == f"Restore{env}Previous"
        assert states[f"Restore{env}Previous"]["Parameters"]["Value.$"] == "$.previous.value"
        assert states[f"Restore{env}Previous"]["Next"] == "NotifyFailure"
        assert states[f"Update{env}"]["Catch"][0]["Next"] == f"{env}Unchanged"
        [unchanged] = states[f"{env}Unchanged"]["Choices"]
        assert unchanged["StringMatches"] == "*No updates are to be performed*"
        assert states[f"{env}Unchanged"]["Default"] == f"Restore{env}Latest"
        assert states[f"{env}Updated"]["Default"] == f"Restore{env}Latest"
    assert states["TestUnchanged"]["Choices"][0]["Next"] == "ApprovePromotion"


def test_deployer_role_trusts_only_the_release_role_and_updates_only_hosting(synth: Synth) -> None:
    template = synth.template("Production", "ReleaseAccess")
    role = one(template, "AWS::IAM::Role")
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/openaq-shared-model-release"}
    }
    policy = json.dumps(one(template, "AWS::IAM::ManagedPolicy"))
    assert "stack/openaq-prod-hosting/*" in policy and "cloudformation:DeleteStack" not in policy
    parameters = {
        p["Properties"]["Name"]: p["Properties"]["Value"]
        for p in resources_of_type(template, "AWS::SSM::Parameter").values()
    }
    assert parameters == {LATEST: "none", PREVIOUS: "none"}  # nothing released in a new organisation


def test_hosting_resolves_released_models_from_ssm(synth: Synth) -> None:
    """Issue #18: every endpoint waits for its models' release (a condition on 'none')."""
    template = synth.template("Production", "Hosting")
    for name, default in (("WeatherXgboostV1", PREVIOUS), ("WeatherXgboostV2", LATEST)):
        parameter = template["Parameters"][f"Released{name}"]
        assert parameter["Type"] == "AWS::SSM::Parameter::Value<String>" and parameter["Default"] == default
        assert template["Conditions"][f"Released{name}IsSet"] == {
            "Fn::Not": [{"Fn::Equals": [{"Ref": f"Released{name}"}, "none"]}]
        }
    models = resources_of_type(template, "AWS::SageMaker::Model").values()
    packages = {json.dumps(m["Properties"]["Containers"][0]["ModelPackageName"]) for m in models}
    assert packages == {'{"Ref": "ReleasedWeatherXgboostV1"}', '{"Ref": "ReleasedWeatherXgboostV2"}'}
    for model in models:
        assert model["Properties"]["EnableNetworkIsolation"] is True
        assert model["Properties"]["VpcConfig"]["Subnets"]
        assert model["Condition"].startswith("Released")
    endpoints = {
        r["Properties"]["EndpointName"]: r["Condition"]
        for r in resources_of_type(template, "AWS::SageMaker::Endpoint").values()
    }
    assert endpoints == {
        "weather-prediction": "ReleasedWeatherXgboostV1WeatherXgboostV2",  # A/B: champion and challenger
        "weather-alerts": "ReleasedWeatherXgboostV2IsSet",
        "weather-challenger": "ReleasedWeatherXgboostV1WeatherXgboostV2",
    }
    schedules = resources_of_type(template, "AWS::SageMaker::MonitoringSchedule").values()
    assert {s["Condition"] for s in schedules} == {"ReleasedWeatherXgboostV1WeatherXgboostV2"}


def test_platform_pipeline_deploys_stages_in_order_with_approval_before_prod(synth: Synth) -> None:
    pipeline = one(synth.template(APP_LEVEL, "PlatformPipeline"), "AWS::CodePipeline::Pipeline")
    stages = [s["Name"] for s in pipeline["Stages"]]
    assert stages == [
        "Source",
        "Build",
        "UpdatePipeline",
        "Assets",
        "SharedServices",
        "DataLake",
        "DataScience",
        "Test",
        "Production",
    ]
    production = pipeline["Stages"][-1]["Actions"]
    first = min(production, key=lambda a: a["RunOrder"])
    assert first["Name"] == "PromoteToProduction" and first["ActionTypeId"]["Category"] == "Approval"
    assert all(a["RunOrder"] > first["RunOrder"] for a in production if a is not first)
    source = pipeline["Stages"][0]["Actions"][0]["Configuration"]
    assert source["ConnectionArn"].startswith("arn:aws:codeconnections:us-east-1:111111111111:connection/")
    assert source["FullRepositoryId"] == "example-org/ml-platform"


def test_platform_pipeline_synth_runs_the_tests(synth: Synth) -> None:
    projects = resources_of_type(synth.template(APP_LEVEL, "PlatformPipeline"), "AWS::CodeBuild::Project")
    specs = [json.loads(p["Properties"]["Source"]["BuildSpec"]) for p in projects.values()]
    commands = [c for spec in specs for c in spec["phases"].get("build", {}).get("commands", [])]
    assert "make synth CONFIG=config/example.yaml" in commands
    assert "make test CONFIG=config/example.yaml" in commands


def test_released_model_parameters_never_change_after_their_first_deploy(synth: Synth) -> None:
    """CloudFormation updates an AWS::SSM::Parameter by PutParameter with the template's value and
    overwrite, whatever property changed: a tag or description change would put 'none' back over
    a release and delete its endpoints (issue #18 review). So the parameters carry exactly these
    properties, and only the config's initial value may change them."""
    from ml_platform.stacks.release_access import RELEASED_DESCRIPTION

    for stage in ("Test", "Production"):
        parameters = resources_of_type(synth.template(stage, "ReleaseAccess"), "AWS::SSM::Parameter").values()
        assert parameters
        for parameter in parameters:
            props = parameter["Properties"]
            assert set(props) == {"Name", "Type", "Value", "Description"}, props
            assert props["Description"] == RELEASED_DESCRIPTION and props["Type"] == "String"
