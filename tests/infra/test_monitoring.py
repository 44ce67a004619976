"""Monitoring (issue #9): data capture, the four monitors, alarms and dashboards, retraining, OAM."""

from __future__ import annotations

import json
from typing import Any

from ml_platform.config import PlatformConfig

from ..helpers import Synth, resources_of_type

JOB_DEFINITIONS = {
    "AWS::SageMaker::DataQualityJobDefinition": "DataQuality",
    "AWS::SageMaker::ModelQualityJobDefinition": "ModelQuality",
    "AWS::SageMaker::ModelBiasJobDefinition": "ModelBias",
    "AWS::SageMaker::ModelExplainabilityJobDefinition": "ModelExplainability",
}
LINKED = ("DataScience-weatherproduct", "DataScience-weatherresearch", "Test", "Production")


def props(template: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in resources_of_type(template, resource_type).values()]


def test_every_capturing_endpoint_captures_to_the_encrypted_monitoring_bucket(
    synth: Synth, example_config: PlatformConfig
) -> None:
    for stage, env in (("Test", "test"), ("Production", "prod")):
        configs = {
            c["ProductionVariants"][0]["VariantName"] + str(i): c
            for i, c in enumerate(props(synth.template(stage, "Hosting"), "AWS::SageMaker::EndpointConfig"))
        }
        capturing = [e for e in example_config.endpoints if e.account.value == env and e.capture]
        captured = [c["DataCaptureConfig"] for c in configs.values() if "DataCaptureConfig" in c]
        assert len(captured) == len(capturing) > 0, stage
        for capture in captured:
            assert capture["EnableCapture"] is True and capture["KmsKeyId"]
            assert capture["DestinationS3Uri"].startswith(f"s3://openaq-{env}-monitoring-")
            assert capture["InitialSamplingPercentage"] == 20
            assert {o["CaptureMode"] for o in capture["CaptureOptions"]} == {"Input", "Output"}
            assert capture["CaptureContentTypeHeader"]["CsvContentTypes"] == ["text/csv"]


def test_serverless_endpoint_does_not_capture(synth: Synth) -> None:
    for config in props(synth.template("Test", "Hosting"), "AWS::SageMaker::EndpointConfig"):
        if "ServerlessConfig" in config["ProductionVariants"][0]:
            assert "DataCaptureConfig" not in config


def test_each_configured_monitor_has_a_schedule_and_job_definition(
    synth: Synth, example_config: PlatformConfig
) -> None:
    template = synth.template("Production", "Hosting")  # monitors live with their endpoint (issue #13)
    schedules = {s["MonitoringScheduleName"]: s for s in props(template, "AWS::SageMaker::MonitoringSchedule")}
    assert set(schedules) == {m.schedule_name for m in example_config.monitors}
    for monitor in example_config.monitors:
        config = schedules[monitor.schedule_name]["MonitoringScheduleConfig"]
        assert config["ScheduleConfig"]["ScheduleExpression"] == monitor.schedule
        assert schedules[monitor.schedule_name]["EndpointName"] == monitor.endpoint
        assert config["MonitoringJobDefinitionName"]  # the generated name of its job definition
    kinds = {JOB_DEFINITIONS[r["Type"]] for r in template["Resources"].values() if r["Type"] in JOB_DEFINITIONS}
    assert kinds == set(JOB_DEFINITIONS.values())


def test_job_definitions_are_encrypted_isolated_and_private(synth: Synth) -> None:
    template = synth.template("Production", "Hosting")
    definitions = [r["Properties"] for r in template["Resources"].values() if r["Type"] in JOB_DEFINITIONS]
    assert len(definitions) == 4
    for definition in definitions:
        network = definition["NetworkConfig"]
        assert network["EnableNetworkIsolation"] is True
        assert network["EnableInterContainerTrafficEncryption"] is True
        assert network["VpcConfig"]["Subnets"] and network["VpcConfig"]["SecurityGroupIds"]
        assert definition["JobResources"]["ClusterConfig"]["VolumeKmsKeyId"]
        outputs = next(v for k, v in definition.items() if k.endswith("JobOutputConfig"))
        assert outputs["KmsKeyId"]
        assert outputs["MonitoringOutputs"][0]["S3Output"]["S3Uri"].startswith("s3://openaq-prod-monitoring-")


def test_clarify_monitors_read_their_analysis_config_and_quality_reads_labels(synth: Synth) -> None:
    template = synth.template("Production", "Hosting")
    bias = props(template, "AWS::SageMaker::ModelBiasJobDefinition")[0]
    assert "sagemaker-clarify-processing" in bias["ModelBiasAppSpecification"]["ImageUri"]
    assert "cdk-hnb659fds-assets-666666666666-us-east-1" in json.dumps(bias["ModelBiasAppSpecification"]["ConfigUri"])
    assert bias["ModelBiasJobInput"]["GroundTruthS3Input"]["S3Uri"].endswith("/ground-truth/weather-prediction/")
    quality = props(template, "AWS::SageMaker::ModelQualityJobDefinition")[0]
    assert quality["ModelQualityAppSpecification"]["ProblemType"] == "Regression"
    endpoint_input = quality["ModelQualityJobInput"]["EndpointInput"]
    assert (endpoint_input["StartTimeOffset"], endpoint_input["EndTimeOffset"]) == ("-PT25H", "-PT1H")  # daily
    data = props(template, "AWS::SageMaker::DataQualityJobDefinition")[0]
    baseline = data["DataQualityBaselineConfig"]
    assert baseline["ConstraintsResource"]["S3Uri"].endswith(
        "/baselines/weather-prediction/data-quality/constraints.json"
    )


def test_alarms_notify_the_alerts_topic(synth: Synth) -> None:
    for stage in ("Test", "Production"):
        alarms = props(synth.template(stage, "Hosting"), "AWS::CloudWatch::Alarm")
        assert alarms
        for alarm in alarms:
            (action,) = alarm["AlarmActions"]
            # scale an async endpoint / an inference component (issue #22) from zero
            if alarm.get("MetricName") in ("HasBacklogWithoutCapacity", "NoCapacityInvocationFailures"):
                assert "Ref" in action  # the step-scaling policy
                continue
            assert action["Fn::GetStackOutput"]["StackName"] == f"openaq-{stage.lower()[:4]}-operations"
            assert action["Fn::GetStackOutput"]["OutputName"].startswith("PublishOutputRefAlertsTopic")
    names = {a["AlarmName"] for a in props(synth.template("Production", "Hosting"), "AWS::CloudWatch::Alarm")}
    assert {
        "openaq-prod-endpoints-weather-prediction-data-quality-violation",
        "openaq-prod-endpoints-weather-prediction-model-quality-violation",
    } <= names
    assert all(n.startswith("openaq-prod-") for n in names)  # the alerts topic admits only these


def test_one_dashboard_per_hosting_account_and_an_overview(synth: Synth) -> None:
    for stage in ("Test", "Production"):
        assert len(props(synth.template(stage, "Monitoring"), "AWS::CloudWatch::Dashboard")) == 1
        assert not props(synth.template(stage, "Hosting"), "AWS::CloudWatch::Dashboard")
    overview = props(synth.template("SharedServices", "Observability"), "AWS::CloudWatch::Dashboard")
    (dashboard,) = overview
    body = json.dumps(dashboard["DashboardBody"])
    assert '\\"accountId\\":\\"666666666666\\"' in body and '\\"accountId\\":\\"555555555555\\"' in body


def test_oam_sink_policy_lists_exactly_the_linked_accounts(synth: Synth) -> None:
    (sink,) = props(synth.template("SharedServices", "Observability"), "AWS::Oam::Sink")
    (statement,) = sink["Policy"]["Statement"]
    assert sorted(statement["Principal"]["AWS"]) == [
        f"arn:aws:iam::{a}:root" for a in ("333333333333", "444444444444", "555555555555", "666666666666")
    ]
    assert statement["Condition"]["ForAllValues:StringEquals"]["oam:ResourceTypes"] == [
        "AWS::CloudWatch::Metric",
        "AWS::Logs::LogGroup",
    ]


def test_each_linked_account_finds_the_sink_through_the_shared_parameter(synth: Synth) -> None:
    """Issue #18: no sink ARN copied into the config. Shared services writes it to an SSM
    parameter shared by RAM; each link reads that parameter by ARN at deploy time."""
    parameter = "arn:aws:ssm:us-east-1:111111111111:parameter/ml-platform/observability/sink-arn"
    for stage in LINKED:
        template = synth.template(stage, "Operations")
        (link,) = props(template, "AWS::Oam::Link")
        assert link["SinkIdentifier"] == {"Ref": "ObservabilitySinkArn"}
        spec = template["Parameters"]["ObservabilitySinkArn"]
        assert (spec["Type"], spec["Default"]) == ("AWS::SSM::Parameter::Value<String>", parameter)
    for stage in ("SharedServices", "DataLake"):
        assert not props(synth.template(stage, "Operations"), "AWS::Oam::Link")
    shared = synth.template("SharedServices", "Observability")
    (share,) = props(shared, "AWS::RAM::ResourceShare")
    assert share["AllowExternalPrincipals"] is False
    assert sorted(share["Principals"]) == ["333333333333", "444444444444", "555555555555", "666666666666"]
    (sink_parameter,) = [
        p for p in props(shared, "AWS::SSM::Parameter") if p["Name"] == "/ml-platform/observability/sink-arn"
    ]
    assert sink_parameter["Tier"] == "Advanced"  # only advanced parameters can be shared


def test_retraining_function_knows_its_pipeline_and_has_a_dead_letter_queue(synth: Synth) -> None:
    template = synth.template("Production", "Monitoring")
    (function,) = props(template, "AWS::Lambda::Function")
    env = function["Environment"]["Variables"]
    targets = json.loads(env["TARGETS"])
    assert targets == {
        "weather-prediction": {
            "pipeline_arn": "arn:aws:sagemaker:us-east-1:333333333333:pipeline/weather-pipeline",
            "role_arn": "arn:aws:iam::333333333333:role/openaq-weatherproduct-retraining-trigger",
            "window_seconds": 86400,
        }
    }
    assert set(json.loads(env["ALARMS"])) == {
        "openaq-prod-endpoints-weather-prediction-data-quality-violation",
        "openaq-prod-endpoints-weather-prediction-model-quality-violation",
    }
    assert function["DeadLetterConfig"]["TargetArn"]
    rules = {r["Description"]: r for r in props(template, "AWS::Events::Rule")}
    # Every completed job of the platform's schedules reaches the function, which reads the execution's status:
    # the rule and the function decide alike, and no undocumented ExitMessage text is matched (issue #19).
    violations = rules["Completed monitoring jobs are checked for violations, which start retraining"]
    violations = violations["EventPattern"]["detail"]
    assert violations["ProcessingJobStatus"] == ["Completed"] and "ExitMessage" not in violations
    assert len(violations["MonitoringScheduleArn"]) == 4
    for rule in rules.values():
        assert rule["Targets"][0]["DeadLetterConfig"]
    (table,) = props(template, "AWS::DynamoDB::Table")
    assert table["SSESpecification"]["SSEEnabled"] is True and table["TimeToLiveSpecification"]["Enabled"] is True


def test_team_trigger_role_trusts_only_the_retraining_function(synth: Synth) -> None:
    template = synth.template("DataScience-weatherproduct", "ModelBuild")
    roles = resources_of_type(template, "AWS::IAM::Role")
    (trigger,) = [
        r["Properties"] for r in roles.values() if r["Properties"].get("RoleName", "").endswith("retraining-trigger")
    ]
    (trust,) = trigger["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": ["arn:aws:iam::666666666666:role/openaq-prod-retraining-trigger"]}
    }
    policies = json.dumps(props(template, "AWS::IAM::ManagedPolicy"))
    assert "sagemaker:StartPipelineExecution" in policies and "pipeline/weather-pipeline" in policies
    assert "DataScience-weatherresearch/ModelBuild" in synth.templates
    research = json.dumps(synth.template("DataScience-weatherresearch", "ModelBuild"))
    assert "retraining-trigger" not in research  # no monitor retrains its pipeline
