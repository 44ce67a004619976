"""The idle-cost estimate (issue #11) on a small template with known totals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ml_platform.context import PROJECT_ROOT
from ml_platform.cost.estimate import estimate, items, load_prices, split

PRICES = {
    "hours_per_month": 730,
    "interface_endpoint_az_hour": 0.01,
    "nat_gateway_hour": 0.045,
    "kms_key_month": 1.0,
    "kinesis_shard_hour": 0.015,
    "cloudwatch_dashboard_month": 3.0,
    "cloudwatch_alarm_month": 0.1,
    "codepipeline_month": 1.0,
    "monitoring_job_hours_per_run": 0.25,
    "sagemaker_instance_hour": {"ml.m5.xlarge": 0.2, "ml.m5.large": 0.1},
}
SMALL: dict[str, Any] = {
    "Resources": {
        "Api": {
            "Type": "AWS::EC2::VPCEndpoint",
            "Properties": {"VpcEndpointType": "Interface", "SubnetIds": ["a", "b"]},
        },
        "S3": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {"VpcEndpointType": "Gateway"}},
        "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
        "Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 2}},
        "Config": {
            "Type": "AWS::SageMaker::EndpointConfig",
            "Properties": {
                "ProductionVariants": [
                    {"VariantName": "A", "InstanceType": "ml.m5.xlarge", "InitialInstanceCount": 2},
                    {"VariantName": "B", "InstanceType": "ml.m5.large", "InitialInstanceCount": 2},
                    {"VariantName": "S", "ServerlessConfig": {"MemorySizeInMB": 2048}},
                ]
            },
        },
        "Endpoint": {
            "Type": "AWS::SageMaker::Endpoint",
            "Properties": {"EndpointName": "e", "EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]}},
        },
        "ScaleB": {
            "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
            "Properties": {"ResourceId": "endpoint/e/variant/B", "MinCapacity": 1, "MaxCapacity": 4},
        },
        "Schedule": {
            "Type": "AWS::SageMaker::MonitoringSchedule",
            "Properties": {"MonitoringScheduleConfig": {"ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"}}},
            "Metadata": {"aws:cdk:path": "S/Monitor/Schedule"},
        },
        "Job": {
            "Type": "AWS::SageMaker::DataQualityJobDefinition",
            "Properties": {"JobResources": {"ClusterConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1}}},
            "Metadata": {"aws:cdk:path": "S/Monitor/JobDefinition"},
        },
        "Board": {"Type": "AWS::CloudWatch::Dashboard", "Properties": {}},
        "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {}},
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {}},
    }
}


def test_small_template_has_known_totals() -> None:
    totals = estimate({"Prod/stack.template.json": SMALL}, PRICES)["Prod"]
    assert totals["interface endpoints"] == pytest.approx(2 * 0.01 * 730)  # 14.60, the gateway is free
    assert totals["KMS keys"] == 1.0
    assert totals["Kinesis shards"] == pytest.approx(2 * 0.015 * 730)  # 21.90
    # A: 2 x 0.2; B: autoscaling minimum 1 x 0.1; serverless: per request
    assert totals["endpoint instances"] == pytest.approx((2 * 0.2 + 1 * 0.1) * 730)  # 365.00
    assert totals["monitoring schedules"] == pytest.approx(730 * 0.25 * 0.1)  # hourly runs: 18.25
    assert (totals["dashboards"], totals["alarms"]) == (3.0, 0.1)
    assert sum(totals.values()) == pytest.approx(14.6 + 1 + 21.9 + 365 + 18.25 + 3 + 0.1)
    assert "Queue" not in {i.logical_id for i in items(SMALL, PRICES)}  # usage-priced: no idle cost


def test_an_unpriced_instance_type_is_an_error_not_zero() -> None:
    template = {
        "Resources": {
            "C": {
                "Type": "AWS::SageMaker::EndpointConfig",
                "Properties": {
                    "ProductionVariants": [
                        {"VariantName": "A", "InstanceType": "ml.x9.huge", "InitialInstanceCount": 1}
                    ]
                },
            }
        }
    }
    with pytest.raises(KeyError, match=r"no price for ml\.x9\.huge"):
        list(items(template, PRICES))


def test_shipped_price_table_names_its_source_and_date() -> None:
    prices = load_prices()
    assert "2026-11" in prices["source"] and prices["region"] == "us-east-1"


def test_script_prints_the_example_total(synth: Any) -> None:
    script = PROJECT_ROOT / "scripts" / "estimate_cost.py"
    result = subprocess.run(
        [sys.executable, str(script), "--cdk-out", str(synth.outdir)], capture_output=True, text=True, check=True
    )
    assert "| Production | endpoint instances | workload |" in result.stdout and "Total:" in result.stdout
    for line in ("Platform overhead:", "Workload you asked for:", "Per additional data science team:"):
        assert line in result.stdout
    assert Path(script).exists()


def test_the_total_splits_into_overhead_and_workload_and_a_team_costs_its_mean_overhead() -> None:
    """Issue #21: overhead runs before anyone does any work; the workload is what the config names."""
    totals = {
        "DataScience-a": {"interface endpoints": 100.0, "KMS keys": 3.0},
        "DataScience-b": {"interface endpoints": 50.0, "KMS keys": 3.0},
        "Production": {"endpoint instances": 200.0, "monitoring schedules": 20.0, "interface endpoints": 40.0},
        "DataLake": {"Kinesis shards": 11.0, "KMS keys": 4.0},
    }
    parts = split(totals)
    assert (parts.overhead, parts.workload, parts.per_team) == (200.0, 231.0, 78.0)
    assert parts.per_account["Production"] == (40.0, 220.0)
    assert parts.overhead + parts.workload == sum(sum(c.values()) for c in totals.values())


def test_studio_space_volumes_cost_while_the_space_exists() -> None:
    """Issue #22: a space's EBS volume is billed per GB-month even when its app stopped idle."""
    space = {
        "Type": "AWS::SageMaker::Space",
        "Properties": {
            "SpaceName": "weather-team",
            "SpaceSettings": {"SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": 10}}},
        },
    }
    template = {"Resources": {"Team": space, "Bare": {"Type": "AWS::SageMaker::Space", "Properties": {}}}}
    totals = estimate({"DataScience-a/s.template.json": template}, {**PRICES, "sagemaker_space_ebs_gb_month": 0.14})
    assert totals["DataScience-a"]["Studio space volumes"] == pytest.approx((10 + 5) * 0.14)
    assert "sagemaker/pricing" in load_prices()["sagemaker_space_ebs_source"]
