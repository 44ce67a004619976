"""Retraining trigger Lambda: which events start nothing, which are malformed, and how a monitoring job's
violations are decided from its monitoring execution (ListMonitoringExecutions), offline."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .doubles import log_records
from .retraining_fixtures import *  # noqa: F403 - the shared fixtures, which pytest finds by name
from .retraining_fixtures import settings
from .retraining_stubs import (
    CONTEXT,
    JOB,
    alarm_event,
    expect_assume_role,
    expect_start,
    monitoring_event,
    records,
    start_params,
)

# --- events without violations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "execution", "reason"),
    [
        (alarm_event(state="OK"), None, "alarm state is OK, not ALARM"),
        (alarm_event(state="INSUFFICIENT_DATA"), None, "alarm state is INSUFFICIENT_DATA, not ALARM"),
        (monitoring_event(), "Completed", "monitoring job completed without violations"),
        (monitoring_event(), "Failed", "monitoring execution Failed"),
        (monitoring_event(status="Failed"), None, "monitoring job ended Failed, not Completed with violations"),
        # Only a Completed job's violations count; its execution is not even read.
        (monitoring_event(status="Stopped"), None, "monitoring job ended Stopped, not Completed with violations"),
    ],
)
def test_events_without_violations_start_nothing(
    handler, factory, dynamodb, executions, logs, event, execution, reason
):
    """Violations are decided from the monitoring execution's status (ListMonitoringExecutions,
    https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_MonitoringExecutionSummary.html), not from text."""
    if execution is not None:
        executions.statuses[JOB] = execution
    # The active Stubbers have nothing queued: any STS or SageMaker call would raise.
    assert handler.lambda_handler(event, CONTEXT) == {"started": False, "reason": reason}
    assert factory.received == []
    assert records(dynamodb) == []
    assert len(executions.calls) == (execution is not None)
    [entry] = log_records(logs, "No violations: nothing to start")
    assert entry["level"] == "INFO" and entry["reason"] == reason


# --- malformed events: reported, not swallowed ---------------------------------------------------------------


def _without(event: dict[str, Any], *path: str) -> dict[str, Any]:
    event = json.loads(json.dumps(event))
    container = event
    for key in path[:-1]:
        container = container[key]
    del container[path[-1]]
    return event


def _with(event: dict[str, Any], value: Any, *path: str) -> dict[str, Any]:
    event = json.loads(json.dumps(event))
    container = event
    for key in path[:-1]:
        container = container[key]
    container[path[-1]] = value
    return event


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (_without(monitoring_event(), "detail"), "detail must be an object, got nothing"),
        (_with(alarm_event(), "oops", "detail"), "detail must be an object, got 'oops'"),
        (
            _with(monitoring_event(), "SageMaker Training Job State Change", "detail-type"),
            "detail-type 'SageMaker Training Job State Change' is not one of",
        ),
        (_without(alarm_event(), "detail-type"), "detail-type nothing is not one of"),
        (_with(alarm_event(), "aws.sagemaker", "source"), "source 'aws.sagemaker' is not 'aws.cloudwatch'"),
        (monitoring_event("unknown-schedule"), "monitoring schedule 'unknown-schedule' is not in SCHEDULES"),
        (alarm_event("someone-elses-alarm"), "alarm 'someone-elses-alarm' is not in ALARMS"),
        (
            _without(monitoring_event(), "detail", "MonitoringScheduleArn"),
            "detail.MonitoringScheduleArn must be a non-empty string, got nothing",
        ),
        (
            _with(
                monitoring_event(),
                "arn:aws:sagemaker:us-east-1:777788889999:endpoint/x",
                "detail",
                "MonitoringScheduleArn",
            ),
            "is not a schedule ARN",
        ),
        (_without(monitoring_event(), "detail", "ProcessingJobStatus"), "detail.ProcessingJobStatus must be"),
        (_without(alarm_event(), "detail", "state"), "detail.state must be an object, got nothing"),
        (_with(alarm_event(), "PANIC", "detail", "state", "value"), "detail.state.value 'PANIC' is not one of"),
        (_with(alarm_event(), "", "detail", "alarmName"), "detail.alarmName must be a non-empty string"),
        (_without(alarm_event(), "time"), "time must be a non-empty string, got nothing"),
        (_with(alarm_event(), "yesterday", "time"), "time 'yesterday' is not an ISO 8601 timestamp"),
        (_with(alarm_event(), "2025-01-01T12:05:00", "time"), "has no time zone"),
        ([alarm_event()], "the event must be an object, got list"),
    ],
)
def test_malformed_events_are_logged_and_raised(handler, logic, factory, dynamodb, logs, event, reason):
    with pytest.raises(logic.MalformedEventError) as raised:
        handler.lambda_handler(event, CONTEXT)
    assert reason in str(raised.value)
    [entry] = log_records(logs, "Malformed event")
    assert entry["level"] == "ERROR" and reason in entry["reason"]
    assert factory.received == [] and records(dynamodb) == []


def test_schedule_names_in_arns_match_case_insensitively(logic):
    # SageMaker may lowercase the name in an ARN; the configured name keeps its case.
    mixed = settings(logic, SCHEDULES=json.dumps({"Churn-Prod-DQ": "churn-prod"}))
    trigger = logic.parse_event(monitoring_event("churn-prod-dq"), mixed)
    assert (trigger.endpoint, trigger.execution) == ("churn-prod", ("churn-prod-dq", JOB))


def test_the_execution_is_found_on_a_later_page(handler, logic, sts_stub, sagemaker_stub, executions):
    """ListMonitoringExecutions pages with NextToken; the job's execution may be past the first page."""
    executions.statuses.update({"older-job-1": "Completed", "older-job-2": "Completed"})
    executions.pages = [["older-job-1"], ["older-job-2", JOB]]
    expect_assume_role(sts_stub)
    expect_start(sagemaker_stub, start_params())
    assert handler.lambda_handler(monitoring_event(), CONTEXT)["started"] is True
    assert [call.get("NextToken") for call in executions.calls] == [None, "1"]
    assert executions.calls[0]["MonitoringScheduleName"] == "churn-prod-data-quality"


@pytest.mark.parametrize("status", ["Pending", "InProgress", "Stopping"])
def test_an_execution_not_final_yet_raises_for_a_retry(handler, logic, factory, dynamodb, executions, logs, status):
    """The job's Completed event can come before SageMaker updates its monitoring execution: a status that may
    still change (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_MonitoringExecutionSummary.html)
    is asked again after Lambda's retry, never read as "no violations"."""
    executions.statuses[JOB] = status
    with pytest.raises(logic.ExecutionNotFoundError, match=f"still {status}"):
        handler.lambda_handler(monitoring_event(), CONTEXT)
    assert log_records(logs, "Could not read the monitoring execution")
    assert factory.received == [] and records(dynamodb) == []


def test_an_execution_not_listed_yet_raises_for_a_retry(handler, logic, factory, dynamodb, executions, logs):
    """The job event can arrive before its execution is listed: raised, so Lambda retries the event and then
    hands it to the on-failure destination; never read as "no violations"."""
    executions.statuses = {"another-job": "CompletedWithViolations"}
    with pytest.raises(logic.ExecutionNotFoundError, match=JOB):
        handler.lambda_handler(monitoring_event(), CONTEXT)
    assert log_records(logs, "Could not read the monitoring execution")
    assert factory.received == [] and records(dynamodb) == []
