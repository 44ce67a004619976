"""Offline scoring inside the build pipeline (book ch10 batch transform, XA-7 batch pattern).

After registration, ``CreateModel`` makes a SageMaker model from the new artefact and
``BatchTransform`` scores the configured input with it: no endpoint, paid per job only.
"""

from __future__ import annotations

from typing import Any

from ..schema.model_build import BatchTransformConfig
from .definition import Step, execution, join, step_property

CREATE_MODEL = "CreateModel"
TRANSFORM = "BatchTransform"


def batch_transform_steps(
    settings: BatchTransformConfig,
    *,
    pipeline: str,
    bucket: str,
    image: str,
    model_data: Any,
    role_arn: str,
    volume_key: str,
    vpc: dict[str, Any],
) -> list[Step]:
    model = {
        "ExecutionRoleArn": role_arn,
        "PrimaryContainer": {"Image": image, "ModelDataUrl": model_data},
        "VpcConfig": vpc,
        "EnableNetworkIsolation": True,
    }
    output = join("/", ["s3:/", bucket, "pipelines", pipeline, execution("PipelineExecutionId"), "batch-output"])
    transform = {
        "ModelName": step_property(CREATE_MODEL, "ModelName"),
        "TransformInput": {
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": settings.input_data}},
            "ContentType": settings.content_type,
            "SplitType": "Line",
        },
        "TransformOutput": {"S3OutputPath": output, "KmsKeyId": volume_key, "AssembleWith": "Line"},
        "TransformResources": {
            "InstanceType": settings.instance_type,
            "InstanceCount": settings.instance_count,
            "VolumeKmsKeyId": volume_key,
        },
    }
    return [Step(CREATE_MODEL, "Model", model), Step(TRANSFORM, "Transform", transform)]
