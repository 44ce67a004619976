"""The post-annotation (annotation consolidation) request, the function's settings, and the files it reads.

Ground Truth sends ``{"version": "2018-10-16", "labelingJobArn", "labelCategories", "labelAttributeName",
"roleArn", "payload": {"s3Uri": "s3://bucket/key"}}``
(https://docs.aws.amazon.com/sagemaker/latest/dg/sms-custom-templates-step3-lambda-requirements.html).
``labelCategories`` is there only when the job's categories came from the console or a label category
file; a job created with CreateLabelingJob and neither has none, so the categories configured for the
function (``LABEL_CATEGORIES``) stand in for it. The payload is a JSON list of data objects, each
``{"datasetObjectId", "dataObject", "annotations": [{"workerId", "annotationData": {"content": "<JSON>"}}]}``;
an answer may come as ``annotationData.s3Uri`` (a file holding that JSON) instead of ``content``.
Both are read with the function's own execution role (``roleArn`` is not assumed): the labeling job writes
them to its output bucket, which that role must be allowed to read.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from platform_runtime.aws_calls import Retry, Sleep
from platform_runtime.env_settings import ConfigurationError, label_categories

TaskType = Literal["classification", "bounding_box"]
TieBreak = Literal["first", "alphabetical"]

TASK_TYPES: tuple[TaskType, ...] = ("classification", "bounding_box")
TIE_BREAKS: tuple[TieBreak, ...] = ("first", "alphabetical")
DEFAULT_IOU = 0.5
S3_RETRY = Retry(frozenset({"SlowDown", "ServiceUnavailable", "Throttling", "ThrottlingException"}))
S3_URI = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(\S.*)", re.ASCII | re.DOTALL)
JOB_ARN = re.compile(r"arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:labeling-job/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})")
ATTRIBUTE_NAME = re.compile(r"[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,126}", re.ASCII)

__all__ = ["ConfigurationError", "Request", "Settings", "read_answer_file", "read_worker_answers"]


def _iou(raw: str) -> float | str:
    """The overlap threshold, or the problem with it."""
    try:
        value = float(raw)
    except ValueError:
        return f"{raw!r} is not a number"
    return value if 0 < value <= 1 else f"{raw!r} is not in (0, 1]"


@dataclass(frozen=True)
class Settings:
    """LABEL_CATEGORIES (JSON list; used when a request has no labelCategories), TASK_TYPE (classification |
    bounding_box, default classification), TIE_BREAK (first | alphabetical, default first: the tied label
    that comes first in the categories; alphabetical: the smallest), BOX_MATCH_IOU (0 < x <= 1, default 0.5:
    how much two workers' boxes must overlap to be the same object)."""

    label_categories: tuple[str, ...]
    task_type: TaskType = "classification"
    tie_break: TieBreak = "first"
    box_match_iou: float = DEFAULT_IOU

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        task_type = environ.get("TASK_TYPE", "").strip() or "classification"
        tie_break = environ.get("TIE_BREAK", "").strip() or "first"
        iou = _iou(environ.get("BOX_MATCH_IOU", "").strip() or str(DEFAULT_IOU))
        problems = []
        if task_type not in TASK_TYPES:
            problems.append(f"TASK_TYPE: {task_type!r} is not one of {', '.join(TASK_TYPES)}")
        if tie_break not in TIE_BREAKS:
            problems.append(f"TIE_BREAK: {tie_break!r} is not one of {', '.join(TIE_BREAKS)}")
        if isinstance(iou, str):
            problems.append(f"BOX_MATCH_IOU: {iou}")
        if problems:
            raise ConfigurationError(f"Invalid environment: {'; '.join(problems)}")
        return cls(
            label_categories=label_categories(environ),
            task_type=cast(TaskType, task_type),
            tie_break=cast(TieBreak, tie_break),
            box_match_iou=cast(float, iou),
        )


def _categories(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and value and all(isinstance(label, str) and label for label in value):
        return tuple(dict.fromkeys(value))  # order kept: it breaks ties
    return None


@dataclass(frozen=True)
class Request:
    labeling_job_arn: str
    job_name: str
    label_categories: tuple[str, ...]
    categories_from: Literal["request", "settings"]  # where label_categories came from, for the logs
    label_attribute_name: str
    bucket: str
    key: str

    @classmethod
    def from_event(cls, event: Any, settings: Settings) -> Request:
        """The request's fields, checked; ValueError naming the first problem (the whole batch then fails).
        Missing or unusable labelCategories are not a problem: the configured categories stand in."""
        if not isinstance(event, dict):
            raise ValueError(f"The post-annotation request must be a JSON object, got {type(event).__name__}")
        arn = event.get("labelingJobArn")
        match = JOB_ARN.fullmatch(arn) if isinstance(arn, str) else None
        if match is None:
            raise ValueError(f"labelingJobArn must be a SageMaker labeling job ARN, got {arn!r}")
        categories = _categories(event.get("labelCategories"))
        attribute = event.get("labelAttributeName")
        if not isinstance(attribute, str) or not ATTRIBUTE_NAME.fullmatch(attribute):
            raise ValueError(f"labelAttributeName must be a label attribute name, got {attribute!r}")
        location = s3_location(event.get("payload"), "payload.s3Uri")
        return cls(
            labeling_job_arn=match.group(0),
            job_name=match.group(1),
            label_categories=categories or settings.label_categories,
            categories_from="request" if categories else "settings",
            label_attribute_name=attribute,
            bucket=location[0],
            key=location[1],
        )


def s3_location(container: Any, where: str) -> tuple[str, str]:
    """(bucket, key) of ``container["s3Uri"]``; ValueError naming ``where`` if it is not an S3 URI."""
    uri = container.get("s3Uri") if isinstance(container, dict) else None
    location = S3_URI.fullmatch(uri) if isinstance(uri, str) else None
    if location is None:
        raise ValueError(f"{where} must be an S3 URI s3://<bucket>/<key>, got {uri!r}")
    return location.group(1), location.group(2)


def _get(s3_client: Any, bucket: str, key: str, sleep: Sleep) -> bytes:
    body: bytes = S3_RETRY.call(s3_client.get_object, sleep, Bucket=bucket, Key=key)["Body"].read()
    return body


def read_worker_answers(s3_client: Any, request: Request, *, sleep: Sleep = time.sleep) -> list[Any]:
    """The payload's list of data objects. NoSuchKey, AccessDenied and throttling beyond the retries raise
    (the invocation fails and Ground Truth retries it); a payload that is not a JSON list raises ValueError."""
    body = _get(s3_client, request.bucket, request.key, sleep)
    try:
        document = json.loads(body)
    except ValueError:
        raise ValueError(f"s3://{request.bucket}/{request.key} is not valid JSON") from None
    if not isinstance(document, list):
        kind = type(document).__name__
        raise ValueError(f"s3://{request.bucket}/{request.key} must hold a JSON list of data objects, got {kind}")
    return document


def read_answer_file(s3_client: Any, bucket: str, key: str, *, sleep: Sleep = time.sleep) -> str:
    """One worker's answer given as a file (``annotationData.s3Uri``): its text. ClientError propagates."""
    return _get(s3_client, bucket, key, sleep).decode("utf-8", errors="replace")
