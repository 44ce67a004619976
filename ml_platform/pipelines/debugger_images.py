"""Accounts that publish the built-in Debugger rule evaluator image, per region (DBG-2).

Copied from the SageMaker Python SDK 3.27.0 (``sagemaker/core/image_uri_config/debugger.json``,
version "latest", repository ``sagemaker-debugger-rules``). Plain data so config validation can
refuse Debugger rules in a region without the image, before anything is built.
"""

from __future__ import annotations

from ..monitoring_images import ecr_image_uri

REPOSITORY = "sagemaker-debugger-rules"
REGISTRIES: dict[str, str] = {
    "af-south-1": "314341159256",
    "ap-east-1": "199566480951",
    "ap-northeast-1": "430734990657",
    "ap-northeast-2": "578805364391",
    "ap-northeast-3": "479947661362",
    "ap-south-1": "904829902805",
    "ap-southeast-1": "972752614525",
    "ap-southeast-2": "184798709955",
    "ca-central-1": "519511493484",
    "cn-north-1": "618459771430",
    "cn-northwest-1": "658757709296",
    "eu-central-1": "482524230118",
    "eu-north-1": "314864569078",
    "eu-south-1": "563282790590",
    "eu-west-1": "929884845733",
    "eu-west-2": "250201462417",
    "eu-west-3": "447278800020",
    "me-south-1": "986000313247",
    "sa-east-1": "818342061345",
    "us-east-1": "503895931360",
    "us-east-2": "915447279597",
    "us-gov-west-1": "515509971035",
    "us-west-1": "685455198987",
    "us-west-2": "895741380848",
}


def rule_evaluator_image(region: str) -> str:
    """ECR URI of the rule evaluator in ``region``; KeyError if the region has none."""
    return ecr_image_uri(REGISTRIES[region], region, f"{REPOSITORY}:latest")
