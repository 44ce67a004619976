"""AWS Lambda Powertools for Python from its public Lambda layer (no bundling at synth: offline).

The layer is published by AWS in every commercial region under account 017000801446. Check
the version before deploying (`aws lambda list-layer-versions --layer-name
AWSLambdaPowertoolsPythonV3-python314-arm64 --region <region>`); tests pin Powertools 3.37.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

LAYER_ACCOUNT = "017000801446"
LAYER_NAME = "AWSLambdaPowertoolsPythonV3-python314-arm64"
LAYER_VERSION = 38
RUNTIME = lambda_.Runtime.PYTHON_3_14
ARCHITECTURE = lambda_.Architecture.ARM_64  # Graviton: cheaper per GB-second


def powertools_layer(scope: Construct, construct_id: str = "Powertools") -> lambda_.ILayerVersion:
    stack = cdk.Stack.of(scope)
    arn = f"arn:{stack.partition}:lambda:{stack.region}:{LAYER_ACCOUNT}:layer:{LAYER_NAME}:{LAYER_VERSION}"
    return lambda_.LayerVersion.from_layer_version_arn(scope, construct_id, arn)
