"""Inference components hosting mode (issue #22) in the synthesized templates: the example's
``weather-cities`` endpoint in the test account (three city models, scale to zero).

AWS documentation relied on:
- CloudFormation properties of the component (Specification, RuntimeConfig, EndpointName, VariantName):
  https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-inferencecomponent.html
- managed instance scaling of the variant:
  https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantManagedInstanceScaling.html
- scale to zero and back (MinInstanceCount 0, the DesiredCopyCount dimension, the step policy and
  the NoCapacityInvocationFailures alarm):
  https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ml_platform.review.template_diff import diff_stack

from ..helpers import Synth, config_from, example_data, resources_of_type, synthesize_stage

CITIES = ("delhi", "london", "sydney")
PREFIX = "EndpointWeatherCities"


def _cities(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if k.startswith(PREFIX)}


def _only(resources: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    found = {k: v for k, v in resources.items() if v["Type"] == kind}
    assert len(found) == 1, list(found)
    ((logical_id, resource),) = found.items()
    return logical_id, resource


def _refs(value: Any) -> set[str]:
    """Logical IDs and parameters a property value names (Ref, Fn::GetAtt)."""
    if isinstance(value, dict):
        if "Ref" in value:
            return {value["Ref"]}
        if "Fn::GetAtt" in value:
            return {value["Fn::GetAtt"][0]}
        return {name for v in value.values() for name in _refs(v)}
    if isinstance(value, list):
        return {name for v in value for name in _refs(v)}
    return set()


def test_the_endpoint_config_names_no_model_and_scales_its_instances(synth: Synth) -> None:
    resources = _cities(synth.template("Test", "Hosting"))
    _, config = _only(resources, "AWS::SageMaker::EndpointConfig")
    props = config["Properties"]
    (variant,) = props["ProductionVariants"]
    assert "ModelName" not in variant
    assert variant["ManagedInstanceScaling"] == {"Status": "ENABLED", "MinInstanceCount": 0, "MaxInstanceCount": 2}
    assert variant["RoutingConfig"] == {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}
    assert (variant["InstanceType"], variant["InitialInstanceCount"]) == ("ml.m5.large", 1)  # GPU-free
    role, attribute = props["ExecutionRoleArn"]["Fn::GetAtt"]  # the account's models role
    assert role.startswith("ModelRole") and attribute == "Arn"
    assert "KmsKeyId" in props and props["EnableNetworkIsolation"] is True
    assert set(props["VpcConfig"]) == {"SecurityGroupIds", "Subnets"}
    assert "DataCaptureConfig" not in props  # the example turns capture off in test


def test_each_city_is_a_component_with_its_compute_share_and_copies(synth: Synth) -> None:
    resources = _cities(synth.template("Test", "Hosting"))
    endpoint_id, _ = _only(resources, "AWS::SageMaker::Endpoint")
    components = {
        r["Properties"]["InferenceComponentName"]: r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::SageMaker::InferenceComponent"
    }
    assert sorted(components) == [f"weather-city-{c}" for c in CITIES]
    delhi = components["weather-city-delhi"]
    assert delhi["EndpointName"] == {"Fn::GetAtt": [endpoint_id, "EndpointName"]}
    assert delhi["VariantName"] == "AllTraffic"
    assert delhi["RuntimeConfig"] == {"CopyCount": 1}
    assert delhi["Specification"]["ComputeResourceRequirements"] == {
        "NumberOfCpuCoresRequired": 1,
        "MinMemoryRequiredInMb": 1024,
    }  # no accelerator on a CPU instance
    assert (
        components["weather-city-london"]["Specification"]["ComputeResourceRequirements"]["NumberOfCpuCoresRequired"]
        == 0.5
    )


def _dependants(resources: dict[str, Any], start: str) -> set[str]:
    """Resources whose properties reference ``start`` (Ref, GetAtt), transitively."""
    found, grew = {start}, True
    while grew:
        more = {k for k, r in resources.items() if _refs(r.get("Properties", {})) & found} - found
        found |= more
        grew = bool(more)
    return found - {start}


def test_each_citys_model_is_named_by_its_component_only(synth: Synth) -> None:
    """What a new model version replaces reaches only its own component: the endpoint config
    names no model, and no other resource's properties name a component's model."""
    resources = synth.template("Test", "Hosting")["Resources"]
    for city in CITIES:
        (model_id,) = [
            k
            for k, r in _cities({"Resources": resources}).items()
            if r["Type"] == "AWS::SageMaker::Model" and city.capitalize() in k
        ]
        dependants = _dependants(resources, model_id)
        assert [resources[k]["Type"] for k in dependants] == ["AWS::SageMaker::InferenceComponent"], city
        assert all(city.capitalize() in k for k in dependants)


def test_a_new_version_of_one_city_replaces_its_model_only(synth: Synth, tmp_path: Path) -> None:
    """Release of a new version (a new model.tar.gz for Delhi): the only template change is
    Delhi's model, replaced (a new generated name), so CloudFormation updates the one component
    that names it; the endpoint config, the endpoint and the other cities stay as they are."""
    before = synth.template("Test", "Hosting")
    data = example_data()
    delhi = next(m for m in data["models"] if m["name"] == "weather-city-delhi")
    delhi["model_data_url"] = delhi["model_data_url"].replace("/delhi/", "/delhi/v2/")
    after = synthesize_stage(config_from(data), tmp_path / "b", "Test")["Hosting"]
    diff = diff_stack("Test/Hosting", before, after)
    assert diff is not None
    ((change),) = diff.resources
    assert change.type == "AWS::SageMaker::Model" and "WeatherCityDelhi" in change.logical_id
    assert change.kind == "modified" and change.replacement_paths
    assert [after["Resources"][k]["Type"] for k in _dependants(after["Resources"], change.logical_id)] == [
        "AWS::SageMaker::InferenceComponent"
    ]


def test_a_released_package_reaches_only_its_component(tmp_path: Path) -> None:
    """A component of a registry model: the released package ARN (the stack's
    ``Released<Model>`` parameter, re-resolved from SSM by every release) flows into that model
    and its component only."""
    data = example_data()
    data["endpoints"][6]["inference_components"][0]["model"] = "weather-xgboost-v2"
    hosting = synthesize_stage(config_from(data), tmp_path, "Test")["Hosting"]
    resources = _cities(hosting)
    kinds = sorted(resources[k]["Type"] for k in _dependants(resources, "ReleasedWeatherXgboostV2"))
    assert kinds == ["AWS::SageMaker::InferenceComponent", "AWS::SageMaker::Model"]


def test_the_endpoint_comes_with_the_first_city_and_each_component_with_its_own(synth: Synth) -> None:
    template = synth.template("Test", "Hosting")
    resources = _cities(template)
    _, config = _only(resources, "AWS::SageMaker::EndpointConfig")
    gate = template["Conditions"][config["Condition"]]
    assert gate == {"Fn::Or": [{"Condition": f"ReleasedWeatherCity{c.capitalize()}IsSet"} for c in CITIES]}
    for logical_id, resource in resources.items():
        city = next((c for c in CITIES if f"WeatherCity{c.capitalize()}" in logical_id), None)
        expected = f"ReleasedWeatherCity{city.capitalize()}IsSet" if city else config["Condition"]
        assert resource["Condition"] == expected, logical_id


def test_copies_scale_and_wake_from_zero(synth: Synth) -> None:
    resources = _cities(synth.template("Test", "Hosting"))
    targets = {
        r["Properties"]["ResourceId"]: r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget"
    }
    assert sorted(targets) == [f"inference-component/weather-city-{c}" for c in CITIES]
    delhi = targets["inference-component/weather-city-delhi"]
    assert delhi["ScalableDimension"] == "sagemaker:inference-component:DesiredCopyCount"
    assert (delhi["MinCapacity"], delhi["MaxCapacity"], delhi["ServiceNamespace"]) == (0, 2, "sagemaker")
    policies = [
        r["Properties"] for r in resources.values() if r["Type"] == "AWS::ApplicationAutoScaling::ScalingPolicy"
    ]
    tracking = [p for p in policies if p["PolicyType"] == "TargetTrackingScaling"]
    assert len(tracking) == 3
    metric = tracking[0]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
    assert metric == {"PredefinedMetricType": "SageMakerInferenceComponentInvocationsPerCopy"}
    steps = [p for p in policies if p["PolicyType"] == "StepScaling"]
    assert len(steps) == 3
    assert steps[0]["StepScalingPolicyConfiguration"] == {
        "AdjustmentType": "ChangeInCapacity",
        "MetricAggregationType": "Maximum",
        "Cooldown": 60,
        "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
    }
    alarms = {
        r["Properties"]["AlarmName"]: r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
    }
    alarm = alarms["openaq-test-endpoints-weather-city-delhi-scale-from-zero"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/SageMaker", "NoCapacityInvocationFailures")
    assert alarm["Dimensions"] == [{"Name": "InferenceComponentName", "Value": "weather-city-delhi"}]
    assert (alarm["Statistic"], alarm["Period"], alarm["Threshold"]) == ("Sum", 60, 1)
    assert len(alarm["AlarmActions"]) == 1 and "Ref" in alarm["AlarmActions"][0]  # the step policy only


def test_a_component_that_keeps_a_copy_gets_no_wake_up_and_the_other_endpoints_are_unchanged(
    synth: Synth, tmp_path: Path
) -> None:
    data = example_data()
    cities = data["endpoints"][6]
    cities["variants"][0]["managed_instance_scaling"] = {"min_instances": 1, "max_instances": 2}
    for component in cities["inference_components"]:
        component["scaling"] = {"min_copies": 1, "max_copies": 2}
    hosting = synthesize_stage(config_from(data), tmp_path, "Test")["Hosting"]
    resources = _cities(hosting)
    assert not [r for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    steps = [
        r
        for r in resources_of_type(hosting, "AWS::ApplicationAutoScaling::ScalingPolicy").values()
        if r["Properties"]["PolicyType"] == "StepScaling" and "city" in r["Properties"]["PolicyName"]
    ]
    assert not steps
    # Component mode is per endpoint: the example's other test endpoints keep their models.
    others = [
        r["Properties"]
        for k, r in resources_of_type(hosting, "AWS::SageMaker::EndpointConfig").items()
        if not k.startswith(PREFIX)
    ]
    assert others and all("ModelName" in v for p in others for v in p["ProductionVariants"])
    assert all(
        "ExecutionRoleArn" not in p and "ManagedInstanceScaling" not in p["ProductionVariants"][0] for p in others
    )
