"""Hosting (issue #8): strategies, rollback alarms, shadow, autoscaling and cost options in the templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ml_platform.review.template_diff import diff_stack

from ..helpers import EditSynths, Synth, config_from, example_data, resources_of_type, synthesize_stage


def endpoint_parts(template: dict[str, Any], construct: str) -> dict[str, dict[str, Any]]:
    """Resources of one HostedEndpoint construct, by type (single) or type -> list."""
    parts: dict[str, Any] = {}
    for logical_id, resource in template["Resources"].items():
        if resource.get("Metadata", {}).get("aws:cdk:path", "").split("/")[2:3] == [construct]:
            parts.setdefault(resource["Type"], {})[logical_id] = resource
    return parts


def only(resources: dict[str, Any]) -> dict[str, Any]:
    assert len(resources) == 1, list(resources)
    properties: dict[str, Any] = next(iter(resources.values()))["Properties"]
    return properties


def test_ab_endpoint_has_weighted_variants(synth: Synth) -> None:
    parts = endpoint_parts(synth.template("Production", "Hosting"), "EndpointWeatherPrediction")
    config = only(parts["AWS::SageMaker::EndpointConfig"])
    weights = {v["VariantName"]: v["InitialVariantWeight"] for v in config["ProductionVariants"]}
    assert weights == {"VariantA": 0.9, "VariantB": 0.1}
    assert all(v["InitialInstanceCount"] >= 2 for v in config["ProductionVariants"])  # prod: 2+ instances
    assert config["KmsKeyId"]
    endpoint = only(parts["AWS::SageMaker::Endpoint"])
    assert endpoint["EndpointName"] == "weather-prediction"
    assert endpoint["RetainAllVariantProperties"] is True  # autoscaled capacity survives updates
    assert endpoint["ExcludeRetainedVariantProperties"] == [
        {"VariantPropertyType": "DesiredWeight"},  # config weights still apply
        {"VariantPropertyType": "DataCaptureConfig"},  # and capture settings
    ]


def test_ab_variants_scale_with_target_tracking_and_schedules(synth: Synth) -> None:
    template = synth.template("Production", "Hosting")
    targets = {
        t["Properties"]["ResourceId"]: t["Properties"]
        for t in resources_of_type(template, "AWS::ApplicationAutoScaling::ScalableTarget").values()
    }
    variant_a = targets["endpoint/weather-prediction/variant/VariantA"]
    assert (variant_a["MinCapacity"], variant_a["MaxCapacity"]) == (2, 6)
    assert variant_a["ScalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
    assert "RoleARN" not in variant_a  # the service-linked role
    schedules = {s["ScheduledActionName"]: s for s in variant_a["ScheduledActions"]}
    assert schedules["office-hours"]["ScalableTargetAction"] == {"MinCapacity": 3, "MaxCapacity": 6}
    assert schedules["office-hours"]["Schedule"] == "cron(0 7 ? * MON-FRI *)"
    policies = {
        p["Properties"]["PolicyName"]: p["Properties"]
        for p in resources_of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy").values()
    }
    tracking = policies["weather-prediction-VariantA-target-tracking"]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == 200
    assert (tracking["ScaleInCooldown"], tracking["ScaleOutCooldown"]) == (600, 60)
    assert tracking["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"
    }


def test_blue_green_canary_rolls_back_on_alarms_of_the_same_template(synth: Synth) -> None:
    template = synth.template("Production", "Hosting")
    parts = endpoint_parts(template, "EndpointWeatherAlerts")
    deployment = only(parts["AWS::SageMaker::Endpoint"])["DeploymentConfig"]
    policy = deployment["BlueGreenUpdatePolicy"]
    assert policy["TrafficRoutingConfiguration"] == {
        "Type": "CANARY",
        "CanarySize": {"Type": "CAPACITY_PERCENT", "Value": 10},
        "WaitIntervalInSeconds": 600,
    }
    assert policy["TerminationWaitInSeconds"] == 300
    refs = [a["AlarmName"]["Ref"] for a in deployment["AutoRollbackConfiguration"]["Alarms"]]
    alarms = resources_of_type(template, "AWS::CloudWatch::Alarm")
    assert set(refs) <= set(alarms)  # each rollback alarm is a resource of this template
    by_name = {alarms[r]["Properties"]["AlarmName"]: alarms[r]["Properties"] for r in refs}
    prefix = "openaq-prod-endpoints-weather-alerts"  # under the account's alarm prefix (alerts topic policy)
    assert set(by_name) == {f"{prefix}-5xx-errors", f"{prefix}-latency-p99", f"{prefix}-overhead"}
    latency = by_name[f"{prefix}-latency-p99"]
    assert (latency["MetricName"], latency["ExtendedStatistic"], latency["Threshold"]) == (
        "ModelLatency",
        "p99",
        500000,
    )
    assert latency["Dimensions"] == [
        {"Name": "EndpointName", "Value": "weather-alerts"},
        {"Name": "VariantName", "Value": "VariantA"},
    ]
    assert by_name[f"{prefix}-5xx-errors"]["Threshold"] == 5
    assert all(a["AlarmActions"] and a["TreatMissingData"] == "notBreaching" for a in by_name.values())


def test_shadow_variant_gets_its_sampling_share(synth: Synth) -> None:
    parts = endpoint_parts(synth.template("Production", "Hosting"), "EndpointWeatherChallenger")
    config = only(parts["AWS::SageMaker::EndpointConfig"])
    (production,) = config["ProductionVariants"]
    (shadow,) = config["ShadowProductionVariants"]
    assert shadow["VariantName"] == "ShadowB"
    assert shadow["InitialVariantWeight"] == production["InitialVariantWeight"] * 0.5  # sampling_percentage: 50
    assert len(parts["AWS::SageMaker::Model"]) == 2  # production and shadow models


def test_serverless_endpoint_in_test(synth: Synth) -> None:
    parts = endpoint_parts(synth.template("Test", "Hosting"), "EndpointWeatherStaging")
    (variant,) = only(parts["AWS::SageMaker::EndpointConfig"])["ProductionVariants"]
    assert variant["ServerlessConfig"] == {"MemorySizeInMB": 2048, "MaxConcurrency": 5}
    assert "InstanceType" not in variant and "InitialInstanceCount" not in variant
    model = only(parts["AWS::SageMaker::Model"])
    assert "VpcConfig" not in model and model["EnableNetworkIsolation"] is False  # serverless: outside the VPC
    assert "AWS::ApplicationAutoScaling::ScalableTarget" not in parts


def test_async_endpoint_writes_encrypted_results_and_scales_from_zero(synth: Synth) -> None:
    template = synth.template("Test", "Hosting")
    parts = endpoint_parts(template, "EndpointWeatherBatchScoring")
    config = only(parts["AWS::SageMaker::EndpointConfig"])["AsyncInferenceConfig"]
    output = config["OutputConfig"]
    assert (
        output["S3OutputPath"]
        == "s3://openaq-test-inference-555555555555-us-east-1/async/weather-batch-scoring/output/"
    )
    assert output["KmsKeyId"] and set(output["NotificationConfig"]) == {"SuccessTopic", "ErrorTopic"}
    assert config["ClientConfig"] == {"MaxConcurrentInvocationsPerInstance": 4}
    target = only(parts["AWS::ApplicationAutoScaling::ScalableTarget"])
    assert target["MinCapacity"] == 0
    (tracking,) = [
        p["Properties"]["TargetTrackingScalingPolicyConfiguration"]
        for p in parts["AWS::ApplicationAutoScaling::ScalingPolicy"].values()
        if p["Properties"]["PolicyType"] == "TargetTrackingScaling"
    ]
    assert tracking["CustomizedMetricSpecification"]["MetricName"] == "ApproximateBacklogSizePerInstance"
    topics = resources_of_type(template, "AWS::SNS::Topic")
    assert len(topics) == 2 and all(t["Properties"]["KmsMasterKeyId"] for t in topics.values())


def scale_from_zero_alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        logical_id: alarm["Properties"]
        for logical_id, alarm in resources_of_type(template, "AWS::CloudWatch::Alarm").items()
        if alarm["Properties"].get("MetricName") == "HasBacklogWithoutCapacity"
    }


def step_policies(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        logical_id: policy["Properties"]
        for logical_id, policy in resources_of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy").items()
        if policy["Properties"]["PolicyType"] == "StepScaling"
        and "-VariantA-" in policy["Properties"]["PolicyName"]  # variants' (components': test_inference_components)
    }


def test_async_endpoint_at_zero_scales_out_on_backlog_without_capacity(synth: Synth) -> None:
    """Issue #18 (defect 6): target tracking alone leaves a small batch queued at zero instances;
    "Autoscale an asynchronous endpoint" (SageMaker Developer Guide) adds an alarm on
    HasBacklogWithoutCapacity whose action is a +1 step-scaling policy on the same target."""
    template = synth.template("Test", "Hosting")
    parts = endpoint_parts(template, "EndpointWeatherBatchScoring")
    (target_id,) = parts["AWS::ApplicationAutoScaling::ScalableTarget"]
    ((policy_id, policy),) = step_policies(template).items()
    assert policy_id in parts["AWS::ApplicationAutoScaling::ScalingPolicy"]  # the async endpoint's
    assert policy["ScalingTargetId"] == {"Ref": target_id}
    assert policy["PolicyName"] == "weather-batch-scoring-VariantA-scale-from-zero"
    assert policy["StepScalingPolicyConfiguration"] == {
        "AdjustmentType": "ChangeInCapacity",
        "MetricAggregationType": "Average",
        "Cooldown": 300,
        "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],  # from 0 to 1
    }
    ((alarm_id, alarm),) = scale_from_zero_alarms(template).items()
    assert alarm_id in parts["AWS::CloudWatch::Alarm"]
    # under the account's endpoint alarm prefix, like every other endpoint alarm
    assert alarm["AlarmName"] == "openaq-test-endpoints-weather-batch-scoring-VariantA-scale-from-zero"
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/SageMaker", "HasBacklogWithoutCapacity")
    assert alarm["Dimensions"] == [{"Name": "EndpointName", "Value": "weather-batch-scoring"}]
    assert (alarm["Statistic"], alarm["Period"]) == ("Average", 60)
    assert (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (2, 2)
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (1, "GreaterThanOrEqualToThreshold")
    assert alarm["TreatMissingData"] == "missing"
    assert alarm["AlarmActions"] == [{"Ref": policy_id}]  # Ref of a scaling policy is its ARN


def test_no_scale_from_zero_for_real_time_or_async_with_a_minimum(synth: Synth, tmp_path: Path) -> None:
    """Only async variants that may reach zero get the alarm and step policy."""
    for stage in ("Test", "Production"):  # prod: real-time variants with min 2; test: real-time ones
        template = synth.template(stage, "Hosting")
        expected = {"weather-batch-scoring"} if stage == "Test" else set()
        names = {a["Dimensions"][0]["Value"] for a in scale_from_zero_alarms(template).values()}
        assert names == expected
        assert len(step_policies(template)) == len(expected)
    data = example_data()
    (batch,) = [e for e in data["endpoints"] if e["name"] == "weather-batch-scoring"]
    batch["variants"][0]["autoscaling"]["min_capacity"] = 1  # async, but never at zero
    hosting = synthesize_stage(config_from(data), tmp_path, "Test")["Hosting"]
    assert scale_from_zero_alarms(hosting) == {} and step_policies(hosting) == {}
    (target,) = [
        t["Properties"]
        for t in resources_of_type(hosting, "AWS::ApplicationAutoScaling::ScalableTarget").values()
        if t["Properties"]["ResourceId"] == "endpoint/weather-batch-scoring/variant/VariantA"
    ]
    assert target["MinCapacity"] == 1  # still scaled, by target tracking only


def test_multi_model_endpoint_serves_a_prefix(synth: Synth) -> None:
    parts = endpoint_parts(synth.template("Test", "Hosting"), "EndpointWeatherCityModels")
    (container,) = only(parts["AWS::SageMaker::Model"])["Containers"]
    assert container["Mode"] == "MultiModel" and container["ModelDataUrl"].endswith("/cities/")


def test_instance_models_are_private_and_isolated(synth: Synth) -> None:
    for stage in ("Test", "Production"):
        for model in resources_of_type(synth.template(stage, "Hosting"), "AWS::SageMaker::Model").values():
            props = model["Properties"]
            if "VpcConfig" in props:
                assert props["VpcConfig"]["Subnets"] and props["EnableNetworkIsolation"] is True
            else:  # only the serverless endpoint's model
                assert stage == "Test"


def test_dashboard_searches_every_endpoint_and_variant(synth: Synth) -> None:
    """cdk-monitoring-constructs dashboard of metric searches: every endpoint and variant, shadows
    included, without naming them, so adding an endpoint does not change it (issues #9, #13)."""
    dashboard = only(resources_of_type(synth.template("Production", "Monitoring"), "AWS::CloudWatch::Dashboard"))
    body = "".join(p for p in dashboard["DashboardBody"]["Fn::Join"][1] if isinstance(p, str))
    widgets = json.loads(body)["widgets"]
    expressions = [m[0]["expression"] for w in widgets for m in w.get("properties", {}).get("metrics", [])]
    for metric in ("Invocations", "ModelLatency", "Invocation4XXErrors", "Invocation5XXErrors", "CPUUtilization"):
        assert any(f'MetricName="{metric}"' in e for e in expressions), metric
    assert all(e.startswith("SEARCH(") for e in expressions)
    assert any('"EndpointName","VariantName"' in e for e in expressions)
    assert "weather-prediction" not in body  # no endpoint is named


def test_endpoint_config_change_makes_a_new_config_and_keeps_the_endpoint(
    synth: Synth, edit_synths: EditSynths
) -> None:
    """Weights change -> the endpoint config is replaced (new generated name), the endpoint updated
    in place under the same logical ID (book ch9: no in-place break of a serving endpoint). The change
    is the logical-ID edit "change variant weights" (logical_id_edits.py), synthesized once per session
    without CDK's CloudFormation validation: this test compares templates."""
    before = synth.template("Production", "Hosting")
    after = edit_synths()["change variant weights"]["Production/Hosting"]
    diff = diff_stack("Production/Hosting", before, after)
    assert diff is not None
    changes = {c.logical_id: c for c in diff.resources}
    config_ids = [i for i, c in changes.items() if c.type == "AWS::SageMaker::EndpointConfig"]
    endpoint_ids = [i for i, c in changes.items() if c.type == "AWS::SageMaker::Endpoint"]
    assert len(config_ids) == 1 and changes[config_ids[0]].replacement_paths  # a new endpoint config
    for endpoint_id in endpoint_ids:  # at most a property path change, never a replacement
        assert changes[endpoint_id].kind == "modified" and not changes[endpoint_id].replacement_paths
    assert set(resources_of_type(before, "AWS::SageMaker::Endpoint")) == set(
        resources_of_type(after, "AWS::SageMaker::Endpoint")
    )
    assert {c.kind for c in changes.values()} == {"modified"}  # nothing added or removed
