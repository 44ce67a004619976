"""The post-annotation (annotation consolidation) request, the function's settings, and the worker answers file.

Ground Truth sends ``{"version": "2018-10-16", "labelingJobArn", "labelCategories", "labelAttributeName",
"roleArn", "payload": {"s3Uri": "s3://bucket/key"}}``. The payload is a JSON list of data objects, each
``{"datasetObjectId", "dataObject", "annotations": [{"workerId", "annotationData": {"content": "<JSON>"}}]}``.
It is read with the function's own execution role (``roleArn`` is not assumed): the labeling job writes it
to its output bucket, which that role must be allowed to read.

Throttling: botocore's own retry handler runs inside the HTTP send loop, which botocore's Stubber
bypasses, so a Stubber test cannot show it. As in lambda/studio_teardown we therefore also retry S3
throttling (SlowDown) here with an injectable sleep; the code is repeated because each Lambda asset is
its own folder and cannot import the other's.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]

Sleep = Callable[[float], None]
TaskType = Literal["classification", "bounding_box"]
TieBreak = Literal["first", "alphabetical"]

TASK_TYPES: tuple[TaskType, ...] = ("classification", "bounding_box")
TIE_BREAKS: tuple[TieBreak, ...] = ("first", "alphabetical")
THROTTLING_CODES = frozenset({"SlowDown", "ServiceUnavailable", "Throttling", "ThrottlingException"})
MAX_ATTEMPTS = 4
BASE_DELAY_SECONDS = 0.5
S3_URI = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(\S.*)", re.ASCII | re.DOTALL)
JOB_ARN = re.compile(r"arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:labeling-job/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})")
ATTRIBUTE_NAME = re.compile(r"[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,126}", re.ASCII)


class ConfigurationError(ValueError):
    """The function's environment variables are invalid (raised at cold start)."""


@dataclass(frozen=True)
class Settings:
    """TASK_TYPE (classification | bounding_box, default classification), TIE_BREAK (first | alphabetical,
    default first: the tied label that comes first in labelCategories; alphabetical: the smallest)."""

    task_type: TaskType = "classification"
    tie_break: TieBreak = "first"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        task_type = environ.get("TASK_TYPE", "").strip() or "classification"
        tie_break = environ.get("TIE_BREAK", "").strip() or "first"
        problems = []
        if task_type not in TASK_TYPES:
            problems.append(f"TASK_TYPE: {task_type!r} is not one of {', '.join(TASK_TYPES)}")
        if tie_break not in TIE_BREAKS:
            problems.append(f"TIE_BREAK: {tie_break!r} is not one of {', '.join(TIE_BREAKS)}")
        if problems:
            raise ConfigurationError(f"Invalid environment: {'; '.join(problems)}")
        return cls(task_type=cast(TaskType, task_type), tie_break=cast(TieBreak, tie_break))


@dataclass(frozen=True)
class Request:
    labeling_job_arn: str
    job_name: str
    label_categories: tuple[str, ...]
    label_attribute_name: str
    bucket: str
    key: str

    @classmethod
    def from_event(cls, event: Any) -> Request:
        """The request's fields, checked; ValueError naming the first problem (the whole batch then fails)."""
        if not isinstance(event, dict):
            raise ValueError(f"The post-annotation request must be a JSON object, got {type(event).__name__}")
        arn = event.get("labelingJobArn")
        match = JOB_ARN.fullmatch(arn) if isinstance(arn, str) else None
        if match is None:
            raise ValueError(f"labelingJobArn must be a SageMaker labeling job ARN, got {arn!r}")
        categories = event.get("labelCategories")
        if (
            not isinstance(categories, list)
            or not categories
            or not all(isinstance(label, str) and label for label in categories)
        ):
            raise ValueError(f"labelCategories must be a non-empty list of non-empty strings, got {categories!r}")
        attribute = event.get("labelAttributeName")
        if not isinstance(attribute, str) or not ATTRIBUTE_NAME.fullmatch(attribute):
            raise ValueError(f"labelAttributeName must be a label attribute name, got {attribute!r}")
        payload = event.get("payload")
        uri = payload.get("s3Uri") if isinstance(payload, dict) else None
        location = S3_URI.fullmatch(uri) if isinstance(uri, str) else None
        if location is None:
            raise ValueError(f"payload.s3Uri must be an S3 URI s3://<bucket>/<key>, got {uri!r}")
        return cls(
            labeling_job_arn=match.group(0),
            job_name=match.group(1),
            label_categories=tuple(dict.fromkeys(categories)),  # order kept: it breaks ties
            label_attribute_name=attribute,
            bucket=location.group(1),
            key=location.group(2),
        )


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def call_with_retry(method: Callable[..., Any], sleep: Sleep = time.sleep, **params: Any) -> dict[str, Any]:
    """Call ``method``, retrying throttling with exponential backoff; other errors propagate at once."""
    attempt = 1
    while True:
        try:
            response: dict[str, Any] = method(**params)
            return response
        except ClientError as error:
            if error_code(error) not in THROTTLING_CODES or attempt >= MAX_ATTEMPTS:
                raise
        sleep(BASE_DELAY_SECONDS * 2 ** (attempt - 1))
        attempt += 1


def read_worker_answers(s3_client: Any, request: Request, *, sleep: Sleep = time.sleep) -> list[Any]:
    """The payload's list of data objects. NoSuchKey, AccessDenied and throttling beyond the retries raise
    (the invocation fails and Ground Truth retries it); a payload that is not a JSON list raises ValueError."""
    response = call_with_retry(s3_client.get_object, sleep, Bucket=request.bucket, Key=request.key)
    body = response["Body"].read()
    try:
        document = json.loads(body)
    except ValueError:
        raise ValueError(f"s3://{request.bucket}/{request.key} is not valid JSON") from None
    if not isinstance(document, list):
        kind = type(document).__name__
        raise ValueError(f"s3://{request.bucket}/{request.key} must hold a JSON list of data objects, got {kind}")
    return document
