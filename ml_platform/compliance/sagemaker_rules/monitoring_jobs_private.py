"""Monitoring job definitions: inter-container encryption, network isolation, volume KMS
(Security Hub SageMaker job-definition controls, book ch11)."""

from __future__ import annotations

from .base import Resource, Rule, get, is_true, props

JOB_DEFINITIONS = (
    "AWS::SageMaker::DataQualityJobDefinition",
    "AWS::SageMaker::ModelQualityJobDefinition",
    "AWS::SageMaker::ModelBiasJobDefinition",
    "AWS::SageMaker::ModelExplainabilityJobDefinition",
)


def _check(resource: Resource) -> str | None:
    p = props(resource)
    problems = []
    if not is_true(get(p, "NetworkConfig", "EnableInterContainerTrafficEncryption")):
        problems.append("no inter-container traffic encryption")
    if not is_true(get(p, "NetworkConfig", "EnableNetworkIsolation")):
        problems.append("no network isolation")
    if not get(p, "NetworkConfig", "VpcConfig"):
        problems.append("no VPC config")
    if not get(p, "JobResources", "ClusterConfig", "VolumeKmsKeyId"):
        problems.append("no volume KMS key")
    return ", ".join(problems) or None


RULE = Rule(
    "SM-MonitoringJobsPrivate",
    JOB_DEFINITIONS,
    "Security Hub SageMaker monitoring job controls; book ch11",
    "Monitoring jobs encrypt inter-container traffic and volumes, run isolated in the VPC",
    _check,
)
