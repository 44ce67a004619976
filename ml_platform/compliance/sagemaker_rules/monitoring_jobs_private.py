"""Monitoring job definitions: inter-container encryption, network isolation, volume KMS
(Security Hub SageMaker job-definition controls, book ch11)."""

from __future__ import annotations

from .base import Resource, Rule, get, is_true, problems, props

JOB_DEFINITIONS = (
    "AWS::SageMaker::DataQualityJobDefinition",
    "AWS::SageMaker::ModelQualityJobDefinition",
    "AWS::SageMaker::ModelBiasJobDefinition",
    "AWS::SageMaker::ModelExplainabilityJobDefinition",
)


def _check(resource: Resource) -> str | None:
    p = props(resource)
    return problems(
        (
            is_true(get(p, "NetworkConfig", "EnableInterContainerTrafficEncryption")),
            "no inter-container traffic encryption",
        ),
        (is_true(get(p, "NetworkConfig", "EnableNetworkIsolation")), "no network isolation"),
        (get(p, "NetworkConfig", "VpcConfig"), "no VPC config"),
        (get(p, "JobResources", "ClusterConfig", "VolumeKmsKeyId"), "no volume KMS key"),
    )


RULE = Rule(
    "SM-MonitoringJobsPrivate",
    JOB_DEFINITIONS,
    "Security Hub SageMaker monitoring job controls; book ch11",
    "Monitoring jobs encrypt inter-container traffic and volumes, run isolated in the VPC",
    _check,
)
