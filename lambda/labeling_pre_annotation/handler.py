"""Ground Truth pre-annotation Lambda of the text classification labeling workflow (book ch3).

Entry point: ``handler.lambda_handler``, invoked by Ground Truth once per data object before it is sent
to workers.

Request (AWS docs, "Processing data in a custom labeling workflow with AWS Lambda"): ``{"version":
"2018-10-16", "labelingJobArn": ..., "dataObject": {"source": "<text>"} or {"source-ref": "s3://..."}}``.
Response: ``{"taskInput": {"taskObject": <the text or the S3 URI>, "labels": [<label categories>]},
"isHumanAnnotationRequired": "true"}`` (the string, as in the AWS examples).

A malformed data object (no dataObject, neither or both of source and source-ref, empty, wrong types)
raises ValueError naming the problem: the invocation fails, so Ground Truth does not send a broken task
to workers and reports that data object as failed in the job's output, while the other objects go on.

Environment (read once at cold start; a bad value fails the init with a ConfigurationError naming it):
``LABEL_CATEGORIES``, a non-empty JSON list of unique non-blank strings, e.g. ``["haze", "smoke"]``.
"""

from __future__ import annotations

import os
from typing import Any

import labeling_task_input  # flat sibling module (tests alias it, see their fixtures)
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger(service="labeling-pre-annotation")

# Once per container: a bad environment fails the init, not every data object. Tests replace it.
_settings: labeling_task_input.Settings = labeling_task_input.Settings.from_env(os.environ)


@logger.inject_lambda_context(clear_state=True)  # no job ARN left over from the previous invocation
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    job_arn = event.get("labelingJobArn") if isinstance(event, dict) else None
    logger.append_keys(labeling_job_arn=job_arn if isinstance(job_arn, str) else None)
    try:
        kind, task_input = labeling_task_input.task_input(event, _settings)
    except ValueError as error:
        # Re-raised: Ground Truth marks this data object failed. The data itself is never logged.
        logger.warning("Data object rejected", extra={"reason": str(error)})
        raise
    logger.info("Task input built", extra={"data_object_kind": kind, "labels": len(_settings.label_categories)})
    return {"taskInput": task_input, "isHumanAnnotationRequired": "true"}
