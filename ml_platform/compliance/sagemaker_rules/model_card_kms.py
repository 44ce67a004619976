"""Model cards encrypt their content with a customer key (issue #22, capability 3; book ch13, XC-4).

``AWS::SageMaker::ModelCard`` and a CloudFormation-created ``AWS::SageMaker::ModelPackage`` carrying a
``ModelCard`` both take ``SecurityConfig.KmsKeyId``
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-modelcard.html).
The cards the platform's pipelines attach at registration are not CloudFormation resources: see
docs/model-governance.md for why they keep SageMaker's own encryption.
"""

from __future__ import annotations

from .base import Resource, Rule, get, props


def _check(resource: Resource) -> str | None:
    p = props(resource)
    if resource.get("Type") == "AWS::SageMaker::ModelPackage" and not p.get("ModelCard"):
        return None  # no card to encrypt
    return None if get(p, "SecurityConfig", "KmsKeyId") else "no SecurityConfig.KmsKeyId for the model card"


RULE = Rule(
    "SM-ModelCardKms",
    ("AWS::SageMaker::ModelCard", "AWS::SageMaker::ModelPackage"),
    "book ch13 (encryption at rest); docs/model-governance.md",
    "Model cards encrypt their content with a customer key",
    _check,
)
