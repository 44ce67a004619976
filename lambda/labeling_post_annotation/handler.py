"""Ground Truth post-annotation (annotation consolidation) Lambda of the custom labeling workflow (book ch3).

Entry point: ``handler.lambda_handler``, invoked by Ground Truth with a batch of data objects once their
workers have answered.

Request (AWS docs, "Processing data in a custom labeling workflow with AWS Lambda"): ``{"version":
"2018-10-16", "labelingJobArn", "labelCategories": [...] (optional), "labelAttributeName", "roleArn",
"payload": {"s3Uri": "s3://bucket/key"}}``; the payload file, and answers given as files, are read with this
function's execution role (see labeling_request.py). Without labelCategories the configured
``LABEL_CATEGORIES`` are used. Response: a list of ``{"datasetObjectId", "consolidatedAnnotation": {"content":
{<labelAttributeName>: ..., "<labelAttributeName>-metadata": ...}}}`` (see labeling_consolidation.py).

Failures: a data object without any valid answer (none, malformed JSON, labels outside the categories, an
answer file that cannot be read) is left out of the response and logged with its reason; the others are
consolidated. Every ignored answer and every bounding box object without a majority is counted in the logs.
A malformed request or payload, and S3 errors (NoSuchKey, AccessDenied, throttling beyond a few retries), raise: the
invocation fails and Ground Truth retries it.

Environment (read once at cold start; a bad value fails the init with a ConfigurationError naming it):
``LABEL_CATEGORIES`` (JSON list), optional ``TASK_TYPE`` (classification, the default, or bounding_box),
optional ``TIE_BREAK`` (first, the default: the tied label first in the categories; or alphabetical) and
optional ``BOX_MATCH_IOU`` (default 0.5).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import labeling_consolidation  # flat sibling module (tests alias it, see their fixtures)
import labeling_request
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]
from platform_runtime.aws_calls import Sleep, error_code

logger = Logger(service="labeling-post-annotation")

# Standard mode retries throttling and transient errors with backoff inside botocore.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=30)
# Once per container: the init phase pays for them, warm invocations reuse them. Tests replace them.
_settings: labeling_request.Settings = labeling_request.Settings.from_env(os.environ)
_s3: Any = boto3.client("s3", config=CLIENT_CONFIG)
_sleep: Sleep = time.sleep


def utc_now() -> datetime:
    return datetime.now(UTC)


_clock: Callable[[], datetime] = utc_now


def _report(outcome: labeling_consolidation.Outcome) -> None:
    where = {"dataset_object_id": str(outcome.dataset_object_id), "answers": outcome.answers}
    if outcome.ignored:
        # Reasons and counts only: the answers themselves may hold personal data.
        logger.warning("Worker answers ignored", extra={**where, "ignored": dict(outcome.ignored)})
    if outcome.objects_without_majority:
        logger.info("Objects without a majority left out", extra={**where, "objects": outcome.objects_without_majority})
    if outcome.entry is None:
        logger.warning("Data object skipped", extra={**where, "reason": outcome.skip_reason})


@logger.inject_lambda_context(clear_state=True)  # no job ARN left over from the previous invocation
def lambda_handler(event: Any, context: LambdaContext) -> list[dict[str, Any]]:
    try:
        request = labeling_request.Request.from_event(event, _settings)
    except ValueError as error:
        logger.error("Invalid post-annotation request", extra={"reason": str(error)})
        raise
    logger.append_keys(labeling_job_arn=request.labeling_job_arn, task_type=_settings.task_type)
    if request.categories_from == "settings":
        logger.info("No usable labelCategories in the request: using LABEL_CATEGORIES")
    try:
        return _consolidate(request)
    except ClientError as error:
        # The payload, or an answer file still throttled after the retries: Ground Truth retries the batch.
        code = error_code(error)
        logger.error("Could not read the worker answers", extra={"error_code": code, "bucket": request.bucket})
        raise


def _read_file(bucket: str, key: str) -> str:
    return labeling_request.read_answer_file(_s3, bucket, key, sleep=_sleep)


def _consolidate(request: labeling_request.Request) -> list[dict[str, Any]]:
    items = labeling_request.read_worker_answers(_s3, request, sleep=_sleep)
    date = labeling_consolidation.creation_date(_clock())
    entries: list[dict[str, Any]] = []
    ties = 0
    for item in items:
        outcome = labeling_consolidation.consolidate_object(item, request, _settings, date, _read_file)
        _report(outcome)
        ties += outcome.tie
        if outcome.entry is not None:
            entries.append(outcome.entry)
    summary = {"data_objects": len(items), "consolidated": len(entries), "skipped": len(items) - len(entries)}
    logger.info("Annotations consolidated", extra={**summary, "ties": ties})
    return entries
