"""Starts a team's model build pipeline in its account when Model Monitor finds violations on one of this
account's endpoints, at most once per window per pipeline (book ch11, ch12). See retraining.py.

Entry point: ``handler.lambda_handler``, the target of EventBridge rules (asynchronous invocation, with
retries and an on-failure destination set by the infrastructure).

Event contract, either of:
* ``detail-type: "SageMaker Processing Job State Change"``, ``source: "aws.sagemaker"``: ``detail``
  mirrors DescribeProcessingJob (``ProcessingJobName``, ``ProcessingJobStatus``, ``MonitoringScheduleArn``).
  Violations: status ``Completed`` and the job's monitoring execution, read with ListMonitoringExecutions,
  in status ``CompletedWithViolations`` (an execution not listed yet raises ``ExecutionNotFoundError``).
* ``detail-type: "CloudWatch Alarm State Change"``, ``source: "aws.cloudwatch"``: ``detail.alarmName`` and
  ``detail.state.value``. Violations: ``ALARM``.
Both need the event's ``time`` (ISO 8601), which picks the de-duplication window.

Response: ``{"started": True, "endpoint", "pipeline_execution_arn", "window"}`` when the pipeline was
started, by this invocation or (replayed from the idempotency table) by an earlier one in the same window;
``{"started": False, "reason"}`` for an event without violations. Raised, so that Lambda retries and then
hands the event to the on-failure destination: ``MalformedEventError`` (another event, a missing field, an
unknown schedule or alarm), ``ClientError`` from STS or SageMaker (the start is not recorded, so a retry
starts again), and Powertools' idempotency errors (another invocation is starting the same window, or the
table is unavailable). Each is logged first.

Environment (parsed at cold start; a bad value fails the init with ConfigurationError naming it):
``TARGETS`` (JSON object of endpoint name to ``{"pipeline_arn", "role_arn", "window_seconds"}``),
``SCHEDULES`` (JSON object of monitoring schedule name to endpoint name), ``ALARMS`` (JSON object of
alarm name to endpoint name; at least one of SCHEDULES and ALARMS is set) and ``IDEMPOTENCY_TABLE``
(partition key ``id`` (S), TTL attribute ``expiration``).
"""

from __future__ import annotations

import os
from typing import Any

# boto3, not botocore alone as in feature_ingestion: Powertools' DynamoDB persistence layer imports it anyway.
import boto3  # type: ignore[import-untyped,unused-ignore]
import retraining  # flat sibling module (tests alias it, see tests/lambda/test_retraining_trigger.py)
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]

logger = Logger(service="retraining-trigger")

# Parsed once per container: a bad environment fails the init (ConfigurationError), not every event.
SETTINGS = retraining.Settings.from_env(os.environ)

# Standard mode retries throttling and transient errors inside botocore; beyond that the invocation fails
# and Lambda's asynchronous retries take over.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=10)


def make_sagemaker_client(credentials: retraining.Credentials, region: str) -> Any:
    """A SageMaker client in the pipeline's region, signed with the team role's temporary credentials."""
    return boto3.client(
        "sagemaker",
        region_name=region,
        config=CLIENT_CONFIG,
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        aws_session_token=credentials.session_token,
    )


# Once per container: the init phase pays for them, warm invocations reuse them. Tests replace them.
_sts: Any = boto3.client("sts", config=CLIENT_CONFIG)
_sagemaker: Any = boto3.client("sagemaker", config=CLIENT_CONFIG)  # this account's monitoring executions
_dynamodb: Any = boto3.client("dynamodb", config=CLIENT_CONFIG)
_starts = retraining.PipelineStarts(SETTINGS, _dynamodb)
# Per start: the credentials are the team role's, assumed for this one call.
_make_sagemaker_client: retraining.SageMakerClientFactory = make_sagemaker_client


def _where(event: Any) -> dict[str, Any]:
    # Identifies the event for the logs; never its whole body.
    if not isinstance(event, dict):
        return {"event_type": type(event).__name__}
    return {key.replace("-", "_"): event.get(key) for key in ("id", "detail-type", "source", "time")}


@logger.inject_lambda_context(clear_state=True)  # no endpoint left over from the previous invocation
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        trigger = retraining.parse_event(event, SETTINGS)
    except retraining.MalformedEventError as error:
        # Raised, not swallowed: Lambda retries, then the on-failure destination keeps the event.
        logger.error("Malformed event", extra={**_where(event), "reason": str(error)})
        raise
    logger.append_keys(endpoint=trigger.endpoint, trigger=trigger.source, event_id=_where(event)["id"])
    try:
        trigger = retraining.decide(trigger, _sagemaker)
    except (ClientError, retraining.ExecutionNotFoundError) as error:
        # Raised: Lambda retries (the execution may not be listed yet), then the on-failure destination keeps it.
        logger.error("Could not read the monitoring execution", extra={"reason": str(error)})
        raise
    if not trigger.violation:
        logger.info("No violations: nothing to start", extra={"reason": trigger.reason})
        return {"started": False, "reason": trigger.reason}

    plan = retraining.plan(trigger, SETTINGS)
    logger.append_keys(pipeline_arn=plan.pipeline_arn, window=plan.window)
    try:
        outcome = _starts.start(plan, context, sts_client=_sts, make_client=_make_sagemaker_client)
    except ClientError as error:
        code, message = retraining.error_code(error), retraining.error_message(error)
        logger.error(
            "Could not start the pipeline",
            extra={"operation": error.operation_name, "error_code": code, "reason": message},
        )
        raise
    except IdempotencyAlreadyInProgressError:
        # Its result is not known yet: failing lets Lambda retry, which then replays it (or starts, if it failed).
        logger.warning("Another invocation is starting this pipeline for this window; failing so that Lambda retries")
        raise
    except IdempotencyPersistenceLayerError as error:
        logger.error("Idempotency table unavailable", extra={"reason": str(error)})
        raise
    if outcome.replayed:
        logger.info("Already started in this window: not started again", extra=outcome.result)
    else:
        logger.info("Pipeline execution started", extra=outcome.result)
    return outcome.result
