"""Hosting (issue #8): strategies, rollback alarms, shadow, autoscaling and cost options in the templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ml_platform.review.template_diff import diff_stack

from ..helpers import Synth, config_from, example_data, resources_of_type, synthesize_stage


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
    tracking = only(parts["AWS::ApplicationAutoScaling::ScalingPolicy"])["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["CustomizedMetricSpecification"]["MetricName"] == "ApproximateBacklogSizePerInstance"
    topics = resources_of_type(template, "AWS::SNS::Topic")
    assert len(topics) == 2 and all(t["Properties"]["KmsMasterKeyId"] for t in topics.values())


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


def test_endpoint_config_change_makes_a_new_config_and_keeps_the_endpoint(tmp_path: Path) -> None:
    """Weights change -> the endpoint config is replaced (new generated name), the endpoint updated
    in place under the same logical ID (book ch9: no in-place break of a serving endpoint)."""
    before = synthesize_stage(config_from(example_data()), tmp_path / "a", "Production")["Hosting"]
    data = example_data()
    variants = data["endpoints"][3]["variants"]
    variants[0]["initial_weight"], variants[1]["initial_weight"] = 0.5, 0.5
    after = synthesize_stage(config_from(data), tmp_path / "b", "Production")["Hosting"]
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
