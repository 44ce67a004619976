"""Regions where CloudFormation offers a resource type the platform needs only for some configs.

Taken from cfn-lint's bundled provider data (``cfnlint/data/schemas/providers/<region>.json``
maps each region's resource type names to schemas; the pinned cfn-lint, as in
``rehearsal/handler_permissions.py``). Copied here because synth does not install cfn-lint;
``tests/unit/test_region_features.py`` fails when the pinned data says otherwise.

Plain Python, no CDK.
"""

from __future__ import annotations

INFERENCE_COMPONENT = "AWS::SageMaker::InferenceComponent"

# Regions whose provider data has AWS::SageMaker::InferenceComponent (cfn-lint 1.58.0). Missing
# there, for example: us-west-1, eu-west-3, af-south-1, ap-east-1, ca-west-1, the China and
# GovCloud regions.
INFERENCE_COMPONENT_REGIONS: frozenset[str] = frozenset(
    {
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ca-central-1",
        "eu-central-1",
        "eu-isoe-west-1",
        "eu-north-1",
        "eu-west-1",
        "eu-west-2",
        "eusc-de-east-1",
        "me-central-1",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-iso-east-1",
        "us-iso-west-1",
        "us-isob-east-1",
        "us-isob-west-1",
        "us-isof-east-1",
        "us-isof-south-1",
        "us-west-2",
    }
)

REGIONS_BY_TYPE: dict[str, frozenset[str]] = {INFERENCE_COMPONENT: INFERENCE_COMPONENT_REGIONS}
