"""Managed MLflow (issue #22): artefacts under a prefix of an S3 bucket, written by a role of the same
template, with automatic registration stated explicitly.

The platform's buckets are all SSE-KMS with a customer key (SecureBucket, checked by the other packs); this
rule keeps MLflow inside them: an ``s3://bucket/prefix`` store (not the bucket root, so the MLflow role can be
limited to the prefix; not an https URI), and a ``RoleArn`` from the template (``Fn::GetAtt``), never a literal
ARN that could name another account's role. Registration into the Model Registry is a decision, so it is set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .base import Resource, Rule, problems, props

_PREFIXED = re.compile(r"^s3://[^/]+/[^/].*$")


def _check(resource: Resource) -> str | None:
    p = props(resource)
    uri, role = p.get("ArtifactStoreUri"), p.get("RoleArn")
    registration = p.get("ModelRegistrationMode", p.get("AutomaticModelRegistration"))
    return problems(
        (isinstance(uri, str) and _PREFIXED.match(uri), "artefact store is not s3://<bucket>/<prefix>"),
        (isinstance(role, Mapping) and "Fn::GetAtt" in role, "RoleArn is not a role of this template"),
        (registration is not None, "automatic model registration not set explicitly"),
    )


RULE = Rule(
    "SM-MlflowArtefactStore",
    ("AWS::SageMaker::MlflowApp", "AWS::SageMaker::MlflowTrackingServer"),
    "book ch13 (WA-SEC-7, WA-SEC-9); issue #22",
    "Managed MLflow keeps artefacts under a prefix of a platform bucket, written by its own role",
    _check,
)
