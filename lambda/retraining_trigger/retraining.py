"""Start a team's model build pipeline, in its own account, when Model Monitor finds violations (book ch11, ch12).

``parse_event`` turns an EventBridge event into a ``Trigger`` (or raises ``MalformedEventError``); ``plan``
picks the endpoint's target and the de-duplication window; ``PipelineStarts`` starts the pipeline at most
once per (pipeline, window) with Powertools idempotency, recorded in DynamoDB.

The window is ``floor(event time / window_seconds)``, from the event's own ``time`` so that a retried event
keeps its window. The start assumes the team's role (STS) and calls StartPipelineExecution with a
ClientRequestToken derived from the pipeline and the window, so even a start whose idempotency record was
lost (or expired before a late retry) is not run twice by SageMaker.

Whether a monitoring job found violations is read from its monitoring execution's status
(``CompletedWithViolations``), with ListMonitoringExecutions: the job event's ``ExitMessage`` is not a
documented, stable field (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListMonitoringExecutions.html,
https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_MonitoringExecutionSummary.html).

Clients and the SageMaker client factory come in from the caller so tests can stub them. Settings are in
retraining_settings.py; handler.py imports this module alone, so the names it and the tests use from
there are re-exported here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from platform_runtime.aws_calls import error_code as error_code
from platform_runtime.aws_calls import error_message as error_message
from platform_runtime.credentials import Credentials as Credentials
from platform_runtime.credentials import assume_role
from retraining_settings import ConfigurationError as ConfigurationError
from retraining_settings import Settings as Settings
from retraining_settings import Target as Target

MONITORING_JOB = "SageMaker Processing Job State Change"
ALARM = "CloudWatch Alarm State Change"
SOURCES = {MONITORING_JOB: "aws.sagemaker", ALARM: "aws.cloudwatch"}
# A monitoring job that found violations still ends Completed; its monitoring execution says so.
WITH_VIOLATIONS = "CompletedWithViolations"
EXECUTION_PAGES = 5  # ListMonitoringExecutions pages read (newest first) to find the job's execution
ALARM_STATES = frozenset({"ALARM", "OK", "INSUFFICIENT_DATA"})
SCHEDULE_ARN = re.compile(
    r"arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:monitoring-schedule/(?P<name>[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})",
    re.ASCII,
)

# Idempotency records: the key is KEY_PREFIX#md5([pipeline_arn, window]); a stable prefix (not Powertools'
# default, the function and module name) keeps the records valid across renames and redeploys.
KEY_PREFIX = "retraining-trigger"
IDEMPOTENCY_KEY = "[pipeline_arn, window]"
# StartPipelineExecution limits (botocore's sagemaker model).
MAX_DISPLAY_NAME = 82
MAX_SESSION_NAME = 64
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class MalformedEventError(ValueError):
    """The event is not one this function handles, lacks a field, or names an unknown schedule or alarm."""


@dataclass(frozen=True)
class Trigger:
    """What an event says: which endpoint, whether it found violations and, if not, why nothing starts."""

    endpoint: str
    source: str  # e.g. "monitoring schedule churn-prod-data-quality, job <name>", for the pipeline description
    violation: bool
    reason: str  # why nothing starts (empty for a violation)
    time: datetime
    # A completed monitoring job: (schedule name, job name) whose execution status decides ``violation``.
    execution: tuple[str, str] | None = None


@dataclass(frozen=True)
class Retraining:
    """One start of a pipeline: the idempotent payload (its key is ``[pipeline_arn, window]``)."""

    endpoint: str
    pipeline_arn: str
    role_arn: str
    region: str
    window_seconds: int
    window: int
    source: str


SageMakerClientFactory = Callable[[Credentials, str], Any]  # (credentials, region) -> sagemaker client


class ExecutionNotFoundError(LookupError):
    """The monitoring job's execution is not listed yet: raised so that Lambda retries the event later."""


def _field(container: dict[str, Any], name: str, where: str) -> str:
    value = container.get(name)
    if not isinstance(value, str) or not value.strip():
        raise MalformedEventError(f"{where}{name} must be a non-empty string, got {_describe(value)}")
    return value


def _describe(value: Any) -> str:
    """A value for an error message: short strings as they are, anything else by type."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value[:100])
    return type(value).__name__


def _event_time(event: dict[str, Any]) -> datetime:
    text = _field(event, "time", "")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise MalformedEventError(f"time {_describe(text)} is not an ISO 8601 timestamp") from None
    if when.tzinfo is None:
        raise MalformedEventError(f"time {_describe(text)} has no time zone (EventBridge sends UTC, e.g. ...Z)")
    return when


def _monitoring_job(detail: dict[str, Any], settings: Settings) -> tuple[str, str, bool, str, tuple[str, str] | None]:
    job = _field(detail, "ProcessingJobName", "detail.")
    status = _field(detail, "ProcessingJobStatus", "detail.")
    schedule_arn = _field(detail, "MonitoringScheduleArn", "detail.")
    match = SCHEDULE_ARN.fullmatch(schedule_arn)
    if match is None:
        raise MalformedEventError(f"detail.MonitoringScheduleArn {_describe(schedule_arn)} is not a schedule ARN")
    schedule = match["name"]
    endpoint = settings.endpoint_for_schedule(schedule)
    if endpoint is None:
        raise MalformedEventError(f"monitoring schedule {schedule!r} is not in SCHEDULES")
    source = f"monitoring schedule {schedule}, job {job}"
    if status != "Completed":
        return endpoint, source, False, f"monitoring job ended {status}, not Completed with violations", None
    return endpoint, source, False, "", (schedule, job)


def execution_status(sagemaker_client: Any, schedule: str, job: str) -> str:
    """The status of the monitoring execution that ran ``job``: newest first, a few pages at most."""
    params: dict[str, Any] = {
        "MonitoringScheduleName": schedule,
        "SortBy": "CreationTime",
        "SortOrder": "Descending",
        "MaxResults": 100,
    }
    for _ in range(EXECUTION_PAGES):
        page = sagemaker_client.list_monitoring_executions(**params)
        for summary in page.get("MonitoringExecutionSummaries", []):
            if str(summary.get("ProcessingJobArn", "")).rsplit("/", 1)[-1].casefold() == job.casefold():
                return str(summary["MonitoringExecutionStatus"])
        if not page.get("NextToken"):
            break
        params = {**params, "NextToken": page["NextToken"]}
    raise ExecutionNotFoundError(f"no monitoring execution of schedule {schedule!r} ran job {job!r} (yet)")


def decide(trigger: Trigger, sagemaker_client: Any) -> Trigger:
    """A completed monitoring job's trigger with ``violation`` from its execution status; others unchanged."""
    if trigger.execution is None:
        return trigger
    status = execution_status(sagemaker_client, *trigger.execution)
    if status == WITH_VIOLATIONS:
        return replace(trigger, violation=True, reason="", execution=None)
    reason = (
        "monitoring job completed without violations" if status == "Completed" else f"monitoring execution {status}"
    )
    return replace(trigger, violation=False, reason=reason, execution=None)


def _alarm(detail: dict[str, Any], settings: Settings) -> tuple[str, str, bool, str, tuple[str, str] | None]:
    alarm = _field(detail, "alarmName", "detail.")
    state = detail.get("state")
    if not isinstance(state, dict):
        raise MalformedEventError(f"detail.state must be an object, got {_describe(state)}")
    value = _field(state, "value", "detail.state.")
    if value not in ALARM_STATES:
        raise MalformedEventError(f"detail.state.value {value!r} is not one of {', '.join(sorted(ALARM_STATES))}")
    endpoint = settings.endpoint_for_alarm(alarm)
    if endpoint is None:
        raise MalformedEventError(f"alarm {alarm!r} is not in ALARMS")
    violation = value == "ALARM"
    return endpoint, f"alarm {alarm}", violation, "" if violation else f"alarm state is {value}, not ALARM", None


def parse_event(event: Any, settings: Settings) -> Trigger:
    """The trigger an EventBridge event describes; MalformedEventError says what is wrong with it."""
    if not isinstance(event, dict):
        raise MalformedEventError(f"the event must be an object, got {_describe(event)}")
    detail_type = event.get("detail-type")
    if detail_type not in SOURCES:
        raise MalformedEventError(f"detail-type {_describe(detail_type)} is not one of {', '.join(SOURCES)}")
    if event.get("source") != SOURCES[detail_type]:
        expected = SOURCES[detail_type]
        raise MalformedEventError(f"source {_describe(event.get('source'))} is not {expected!r} for {detail_type}")
    detail = event.get("detail")
    if not isinstance(detail, dict):
        raise MalformedEventError(f"detail must be an object, got {_describe(detail)}")
    when = _event_time(event)
    parse = _monitoring_job if detail_type == MONITORING_JOB else _alarm
    endpoint, source, violation, reason, execution = parse(detail, settings)
    return Trigger(endpoint, source, violation, reason, when, execution)


def window_index(when: datetime, window_seconds: int) -> int:
    """floor(when / window_seconds) in whole seconds since the epoch, exactly (no float rounding)."""
    return (when - EPOCH) // timedelta(seconds=window_seconds)


def plan(trigger: Trigger, settings: Settings) -> Retraining:
    target = settings.targets[trigger.endpoint]
    return Retraining(
        endpoint=trigger.endpoint,
        pipeline_arn=target.pipeline_arn,
        role_arn=target.role_arn,
        region=target.region,
        window_seconds=target.window_seconds,
        window=window_index(trigger.time, target.window_seconds),
        source=trigger.source,
    )


def session_name(endpoint: str) -> str:
    return f"retraining-{endpoint}"[:MAX_SESSION_NAME]


def display_name(endpoint: str, window: int) -> str:
    """retrain-<endpoint>-<window> within SageMaker's pattern and 82 characters; the endpoint is cut, not the window."""
    suffix = f"-{window}"
    cleaned = re.sub(r"[^a-zA-Z0-9-]", "-", endpoint)
    middle = cleaned[: MAX_DISPLAY_NAME - len("retrain-") - len(suffix)].strip("-")
    return f"retrain-{middle}{suffix}" if middle else f"retrain{suffix}"


def client_request_token(retraining: Retraining) -> str:
    """Deterministic per pipeline and window (72 characters; SageMaker takes 32 to 128)."""
    material = f"{retraining.pipeline_arn}#{retraining.window_seconds}#{retraining.window}"
    return "retrain-" + hashlib.sha256(material.encode()).hexdigest()


def start_retraining(*, retraining: Retraining, sts_client: Any, make_client: SageMakerClientFactory) -> dict[str, Any]:
    """Assume the team's role and start its pipeline; ClientError (STS or SageMaker) propagates."""
    credentials = assume_role(sts_client, retraining.role_arn, session_name(retraining.endpoint))
    sagemaker = make_client(credentials, retraining.region)
    response = sagemaker.start_pipeline_execution(
        PipelineName=retraining.pipeline_arn,
        PipelineExecutionDisplayName=display_name(retraining.endpoint, retraining.window),
        PipelineExecutionDescription=f"Model Monitor violations on {retraining.endpoint} ({retraining.source})",
        ClientRequestToken=client_request_token(retraining),
    )
    return {
        "started": True,
        "endpoint": retraining.endpoint,
        "pipeline_execution_arn": response["PipelineExecutionArn"],
        "window": retraining.window,
    }


@dataclass(frozen=True)
class Outcome:
    result: dict[str, Any]
    replayed: bool  # True: an earlier invocation started this window's execution; this one called nothing


class PipelineStarts:
    """``start_retraining`` made idempotent per pipeline: one Powertools config (its window) and persistence layer each.

    A persistence layer keeps the first config it is used with, so pipelines with different windows cannot
    share one; every layer writes to the same table through the same DynamoDB client.
    """

    def __init__(self, settings: Settings, dynamodb_client: Any) -> None:
        self._configs: dict[str, IdempotencyConfig] = {}
        self._starts: dict[str, Callable[..., Any]] = {}
        self._replayed = False
        for target in settings.targets.values():
            if target.pipeline_arn in self._starts:
                continue  # the settings guarantee one window length per pipeline
            config = IdempotencyConfig(
                event_key_jmespath=IDEMPOTENCY_KEY,
                raise_on_no_idempotency_key=True,  # never silently skip the de-duplication
                expires_after_seconds=target.window_seconds,
                response_hook=self._replay,
            )
            store = DynamoDBPersistenceLayer(table_name=settings.idempotency_table, boto3_client=dynamodb_client)
            self._configs[target.pipeline_arn] = config
            self._starts[target.pipeline_arn] = idempotent_function(
                start_retraining,
                data_keyword_argument="retraining",
                persistence_store=store,
                config=config,
                key_prefix=KEY_PREFIX,
            )

    def _replay(self, response: Any, idempotent_data: DataRecord) -> Any:
        self._replayed = True
        return response

    def start(
        self,
        retraining: Retraining,
        context: LambdaContext,
        *,
        sts_client: Any,
        make_client: SageMakerClientFactory,
    ) -> Outcome:
        """Start the pipeline unless this window's start is recorded; a failed start is not recorded."""
        # The remaining time bounds the in-progress record, so a timed-out invocation does not block the window.
        self._configs[retraining.pipeline_arn].register_lambda_context(context)
        self._replayed = False
        result = self._starts[retraining.pipeline_arn](
            retraining=retraining, sts_client=sts_client, make_client=make_client
        )
        return Outcome(result=result, replayed=self._replayed)
