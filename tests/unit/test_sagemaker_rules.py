"""The platform's own rules (issue #11): each passes a compliant and fails a non-compliant minimal template."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ml_platform.compliance.sagemaker_pack import evaluate, platform_rules
from ml_platform.compliance.sagemaker_rules import SAGEMAKER_RULES, Rule

PROD = [{"Key": "Environment", "Value": "Production"}]
PRIVATE_JOB: dict[str, Any] = {
    "NetworkConfig": {
        "EnableInterContainerTrafficEncryption": True,
        "EnableNetworkIsolation": True,
        "VpcConfig": {"Subnets": ["s"], "SecurityGroupIds": ["g"]},
    },
    "JobResources": {"ClusterConfig": {"VolumeKmsKeyId": {"Ref": "Key"}}},
}


def _pipeline(step: dict[str, Any]) -> dict[str, Any]:
    return {"PipelineDefinition": {"PipelineDefinitionBody": json.dumps({"Steps": [step]})}}


def _trust(*action_lists: list[str]) -> dict[str, Any]:
    """A trust policy with one statement per action list, each for the SageMaker service."""
    principal = {"Service": "sagemaker.amazonaws.com"}
    return {"Statement": [{"Effect": "Allow", "Principal": principal, "Action": a} for a in action_lists]}


TRAIN: dict[str, Any] = {"Name": "Train", "Type": "Training", "Arguments": {"VpcConfig": {"Subnets": ["s"]}}}
# rule id -> (resource type, compliant properties, non-compliant properties)
CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "SM-DomainVpcOnly": ("AWS::SageMaker::Domain", {"AppNetworkAccessType": "VpcOnly"}, {}),
    "SM-DomainKms": ("AWS::SageMaker::Domain", {"KmsKeyId": {"Ref": "Key"}}, {"AppNetworkAccessType": "VpcOnly"}),
    "SM-EndpointConfigKms": ("AWS::SageMaker::EndpointConfig", {"KmsKeyId": "arn:aws:kms:k"}, {}),
    "SM-ModelIsolated": ("AWS::SageMaker::Model", {"EnableNetworkIsolation": True}, {"EnableNetworkIsolation": False}),
    "SM-ProdVariantInstances": (
        "AWS::SageMaker::EndpointConfig",
        {"Tags": PROD, "ProductionVariants": [{"VariantName": "A", "InitialInstanceCount": 2}]},
        {"Tags": PROD, "ProductionVariants": [{"VariantName": "A", "InitialInstanceCount": 1}]},
    ),
    "SM-ProdDataCapture": (
        "AWS::SageMaker::EndpointConfig",
        {"Tags": PROD, "ProductionVariants": [{}], "DataCaptureConfig": {"EnableCapture": True}},
        {"Tags": PROD, "ProductionVariants": [{}]},
    ),
    "SM-FeatureGroupKms": (
        "AWS::SageMaker::FeatureGroup",
        {
            "OnlineStoreConfig": {"SecurityConfig": {"KmsKeyId": "k"}},
            "OfflineStoreConfig": {"S3StorageConfig": {"KmsKeyId": "k"}},
        },
        {"OnlineStoreConfig": {"SecurityConfig": {"KmsKeyId": "k"}}, "OfflineStoreConfig": {"S3StorageConfig": {}}},
    ),
    "SM-MlflowArtefactStore": (
        "AWS::SageMaker::MlflowApp",
        {
            "ArtifactStoreUri": "s3://b/mlflow",
            "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
            "ModelRegistrationMode": "AutoModelRegistrationEnabled",
        },
        {"ArtifactStoreUri": "s3://b", "RoleArn": "arn:aws:iam::999999999999:role/x"},
    ),
    "SM-ModelCardKms": (
        "AWS::SageMaker::ModelCard",
        {"ModelCardStatus": "Approved", "SecurityConfig": {"KmsKeyId": {"Ref": "Key"}}},
        {"ModelCardStatus": "Approved"},
    ),
    "SM-NotebookPrivate": (
        "AWS::SageMaker::NotebookInstance",
        {"DirectInternetAccess": "Disabled", "RootAccess": "Disabled", "SubnetId": "subnet-1"},
        {"DirectInternetAccess": "Disabled", "RootAccess": "Enabled", "SubnetId": "subnet-1"},
    ),
    "SM-MonitoringJobsPrivate": (
        "AWS::SageMaker::ModelBiasJobDefinition",
        PRIVATE_JOB,
        {
            **PRIVATE_JOB,
            "NetworkConfig": {**PRIVATE_JOB["NetworkConfig"], "EnableInterContainerTrafficEncryption": False},
        },
    ),
    "SM-PipelineJobsPrivate": (
        "AWS::SageMaker::Pipeline",
        _pipeline({**TRAIN, "Arguments": {**TRAIN["Arguments"], "ResourceConfig": {"VolumeKmsKeyId": "k"}}}),
        _pipeline(TRAIN),
    ),
    "SM-NoWildcardPassRole": (
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": {
                "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::1:role/x"}]
            }
        },
        {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "*"}]}},
    ),
    "SM-DomainSourceIdentity": (
        "AWS::SageMaker::Domain",
        {"DomainSettings": {"ExecutionRoleIdentityConfig": "USER_PROFILE_NAME"}},
        {"DomainSettings": {"ExecutionRoleIdentityConfig": "DISABLED"}},
    ),
    "SM-SourceIdentityTrust": (
        "AWS::IAM::Role",
        {"AssumeRolePolicyDocument": _trust(["sts:AssumeRole"], ["sts:SetSourceIdentity"])},
        {"AssumeRolePolicyDocument": _trust(["sts:AssumeRole"])},
    ),
    "SM-CostAllocationTags": (
        "AWS::SQS::Queue",
        {"Tags": [{"Key": "Project", "Value": "p"}, {"Key": "CostCenter", "Value": "c"}]},
        {"Tags": [{"Key": "Project", "Value": "p"}]},
    ),
    # issue #22: a variant without ModelName is an inference-component variant
    "SM-ComponentEndpointPrivate": (
        "AWS::SageMaker::EndpointConfig",
        {
            "Tags": PROD,
            "ExecutionRoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
            "VpcConfig": {"Subnets": ["s"], "SecurityGroupIds": ["g"]},
            "ProductionVariants": [
                {"VariantName": "A", "ManagedInstanceScaling": {"Status": "ENABLED", "MinInstanceCount": 2}}
            ],
        },
        {
            "Tags": PROD,
            "VpcConfig": {"Subnets": ["s"]},
            "ProductionVariants": [
                {"VariantName": "A", "ManagedInstanceScaling": {"Status": "ENABLED", "MinInstanceCount": 0}}
            ],
        },
    ),
}
RULES: dict[str, Rule] = {rule.id: rule for rule in platform_rules(["CostCenter", "Project"])}


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(RULES) and len(SAGEMAKER_RULES) >= 11


def _template(resource_type: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"Resources": {"Subject": {"Type": resource_type, "Properties": properties}}}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_compliant_template_passes(rule_id: str) -> None:
    resource_type, good, _ = CASES[rule_id]
    assert evaluate(_template(resource_type, good), [RULES[rule_id]]) == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_noncompliant_template_fails_naming_the_resource(rule_id: str) -> None:
    resource_type, _, bad = CASES[rule_id]
    (finding,) = evaluate(_template(resource_type, bad), [RULES[rule_id]])
    assert finding.rule.id == rule_id and finding.logical_id == "Subject" and finding.reason
    assert "Subject" in finding.message


def test_rules_ignore_other_resource_types() -> None:
    template = _template("AWS::SNS::Topic", {})
    assert evaluate(template, SAGEMAKER_RULES) == []


def test_untaggable_types_need_no_tags() -> None:
    assert evaluate(_template("AWS::IAM::ManagedPolicy", {}), [RULES["SM-CostAllocationTags"]]) == []


def test_model_card_rule_applies_to_packages_with_a_card_only() -> None:
    rule = RULES["SM-ModelCardKms"]
    assert evaluate(_template("AWS::SageMaker::ModelPackage", {"ModelPackageGroupName": "g"}), [rule]) == []
    card = {"ModelCard": {"ModelCardContent": "{}", "ModelCardStatus": "Draft"}}
    (finding,) = evaluate(_template("AWS::SageMaker::ModelPackage", card), [rule])
    assert "KmsKeyId" in finding.reason


def test_roles_sagemaker_does_not_assume_need_no_source_identity() -> None:
    lambda_trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}]}
    lambda_trust["Statement"][0]["Action"] = "sts:AssumeRole"
    template = _template("AWS::IAM::Role", {"AssumeRolePolicyDocument": lambda_trust})
    assert evaluate(template, [RULES["SM-SourceIdentityTrust"]]) == []


def test_a_domain_without_domain_settings_fails_source_identity() -> None:
    (finding,) = evaluate(_template("AWS::SageMaker::Domain", {}), [RULES["SM-DomainSourceIdentity"]])
    assert "DISABLED (default)" in finding.reason
