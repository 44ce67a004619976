"""What an EventBridge event says: which endpoint, and whether it found violations (see retraining.py).

``parse_event`` turns a monitoring job's or an alarm's state change into a ``Trigger`` (or raises
``MalformedEventError``). A completed monitoring job's trigger is undecided until ``decide`` reads its
monitoring execution's status (``CompletedWithViolations``) with ListMonitoringExecutions: the job event's
``ExitMessage`` is not a documented, stable field
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListMonitoringExecutions.html,
https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_MonitoringExecutionSummary.html).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from retraining_settings import Settings

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


class ExecutionNotFoundError(LookupError):
    """The monitoring job's execution is not listed yet, or not final yet (Pending, InProgress, Stopping):
    raised so that Lambda retries the event later, then hands it to the on-failure destination."""


# MonitoringExecutionStatus values that may still change
# (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_MonitoringExecutionSummary.html).
NOT_FINAL = frozenset({"Pending", "InProgress", "Stopping"})


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
    if status in NOT_FINAL:  # the job ended before SageMaker updated its execution: ask again later
        schedule, job = trigger.execution
        raise ExecutionNotFoundError(f"the monitoring execution of job {job!r} ({schedule}) is still {status}")
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
