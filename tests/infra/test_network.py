"""Private ML VPCs of the data science, test and prod accounts (issue #4; AS-6, WA-SEC-1/2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from ..helpers import Synth, config_from, example_data, resources_of_type, synthesize_stage

NETWORK_STAGES = ["DataScience-weatherproduct", "DataScience-weatherresearch", "Test", "Production"]
FORBIDDEN = (
    "AWS::EC2::InternetGateway",
    "AWS::EC2::NatGateway",
    "AWS::EC2::EgressOnlyInternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::TransitGatewayAttachment",
)


def _service(name: str) -> str:
    namespace = "aws.sagemaker" if name in ("studio", "notebook") else "com.amazonaws"
    return f"{namespace}.us-east-1.{name}"


@pytest.mark.parametrize("stage", NETWORK_STAGES)
def test_no_route_to_the_internet_anywhere_in_the_account(synth: Synth, stage: str) -> None:
    for key, template in synth.templates.items():
        if not key.startswith(f"{stage}/"):
            continue
        for forbidden in FORBIDDEN:
            assert not resources_of_type(template, forbidden), f"{key} has {forbidden}"
        for route in resources_of_type(template, "AWS::EC2::Route").values():
            props = route["Properties"]
            assert not {"GatewayId", "NatGatewayId", "EgressOnlyInternetGatewayId"} & props.keys(), key
        for subnet in resources_of_type(template, "AWS::EC2::Subnet").values():
            assert subnet["Properties"]["MapPublicIpOnLaunch"] is False


@pytest.mark.parametrize("stage", NETWORK_STAGES)
def test_private_subnets_in_two_azs_and_encrypted_flow_logs(synth: Synth, stage: str) -> None:
    template = Template.from_json(synth.template(stage, "Network"))
    for az in ("us-east-1a", "us-east-1b"):
        template.has_resource_properties("AWS::EC2::Subnet", {"AvailabilityZone": az, "MapPublicIpOnLaunch": False})
    template.resource_count_is("AWS::EC2::Subnet", 2)
    template.has_resource_properties(
        "AWS::EC2::FlowLog", {"TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs"}
    )
    template.has_resource_properties(
        "AWS::Logs::LogGroup",
        {
            "RetentionInDays": 365,
            "KmsKeyId": {"Fn::GetStackOutput": Match.object_like({"OutputName": Match.string_like_regexp("LogsKey")})},
        },
    )


def _endpoint_services(template: dict[str, Any]) -> set[str]:
    services = set()
    for endpoint in resources_of_type(template, "AWS::EC2::VPCEndpoint").values():
        name = endpoint["Properties"]["ServiceName"]
        services.add(name if isinstance(name, str) else "s3-gateway")
    return services


def test_data_science_vpc_gets_the_endpoints_of_what_runs_in_it(synth: Synth) -> None:
    """VPC-only Studio (SageMaker API, runtime, STS, logs; Service Catalog for Projects), the team's feature
    groups and the shared curated tables (Athena); one AZ each under the default cost profile (issue #21)."""
    template = synth.template("DataScience-weatherproduct", "Network")
    services = _endpoint_services(template)
    studio = ("sagemaker.api", "sagemaker.runtime", "sts", "logs", "servicecatalog")
    derived = (*studio, "sagemaker.featurestore-runtime", "athena")
    mlflow = "aws.sagemaker.us-east-1.experiments"  # the team's managed MLflow (issue #22, docs/mlflow.md)
    assert services == {_service(n) for n in derived} | {"s3-gateway", mlflow}
    Template.from_json(template).has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {"ServiceName": _service("sts"), "PrivateDnsEnabled": True, "VpcEndpointType": "Interface"},
    )
    interface = [
        e for e in resources_of_type(template, "AWS::EC2::VPCEndpoint").values() if "SubnetIds" in e["Properties"]
    ]
    assert {len(e["Properties"]["SubnetIds"]) for e in interface} == {1}


def test_prod_endpoints_sit_in_two_azs_for_the_prediction_function(synth: Synth) -> None:
    template = synth.template("Production", "Network")
    assert _endpoint_services(template) == {
        _service(n) for n in ("sts", "sagemaker.runtime", "sagemaker.featurestore-runtime")
    } | {"s3-gateway"}
    interface = [
        e for e in resources_of_type(template, "AWS::EC2::VPCEndpoint").values() if "SubnetIds" in e["Properties"]
    ]
    assert {len(e["Properties"]["SubnetIds"]) for e in interface} == {2}


def test_endpoints_follow_config(tmp_path: Path) -> None:
    """Extras are added; no shared curated table, no Athena; no portfolio, no Service Catalog; the per-kind
    override wins over the profile."""
    data = example_data()
    data["network"]["interface_endpoints"] = ["glue"]
    data["service_catalog"]["share_with"] = ["weatherresearch"]
    data["network"]["cost_profile"] = "resilient"
    data["network"]["endpoint_azs"] = {"data_science": 1}
    data["data_lake"]["curated_tables"][0]["share_with"] = ["weatherresearch"]
    del data["accounts"]["data_science"][0]["mlflow"]  # no MLflow, no experiments endpoint (issue #22)
    stacks = synthesize_stage(config_from(data), tmp_path, "DataScience-weatherproduct")
    derived = ("sagemaker.api", "sagemaker.runtime", "sts", "logs", "sagemaker.featurestore-runtime", "glue")
    assert _endpoint_services(stacks["Network"]) == {_service(n) for n in derived} | {"s3-gateway"}
    interface = [
        e
        for e in resources_of_type(stacks["Network"], "AWS::EC2::VPCEndpoint").values()
        if "SubnetIds" in e["Properties"]
    ]
    assert {len(e["Properties"]["SubnetIds"]) for e in interface} == {1}  # the override wins over the profile


def test_security_groups_allow_only_what_sagemaker_needs(synth: Synth) -> None:
    template = synth.template("DataScience-weatherproduct", "Network")
    groups = resources_of_type(template, "AWS::EC2::SecurityGroup")
    sm_id = next(k for k in groups if k.startswith("NetworkSageMakerSg"))
    endpoints_id = next(k for k in groups if k.startswith("NetworkEndpointsSg"))
    assert groups[sm_id]["Properties"]["SecurityGroupEgress"] == [
        {
            "CidrIp": "0.0.0.0/0",
            "Description": "VPC endpoints and S3 gateway",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]
    ingress = resources_of_type(template, "AWS::EC2::SecurityGroupIngress").values()
    rules = {
        (
            r["Properties"]["GroupId"]["Fn::GetAtt"][0],
            r["Properties"]["SourceSecurityGroupId"]["Fn::GetAtt"][0],
            r["Properties"]["FromPort"],
            r["Properties"]["ToPort"],
        )
        for r in ingress
    }
    # All TCP within the SageMaker group covers Studio's EFS (NFS 2049) and app ports.
    assert rules == {(sm_id, sm_id, 0, 65535), (endpoints_id, sm_id, 443, 443)}
    assert "CidrIp" not in json.dumps(list(ingress))


def test_existing_vpc_gets_security_groups_but_no_new_network(tmp_path: Path) -> None:
    data = example_data()
    data["accounts"]["data_science"][0]["vpc"] = {
        "existing_vpc_id": "vpc-0123456789abcdef0",
        "existing_subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    }
    stacks = synthesize_stage(config_from(data), tmp_path, "DataScience-weatherproduct")
    network = stacks["Network"]
    assert not resources_of_type(network, "AWS::EC2::VPC")
    assert len(resources_of_type(network, "AWS::EC2::SecurityGroup")) == 2
    Template.from_json(stacks["Studio"]).has_resource_properties(
        "AWS::SageMaker::Domain",
        {
            "VpcId": "vpc-0123456789abcdef0",
            "SubnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        },
    )
