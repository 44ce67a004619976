"""Retraining trigger Lambda (Model Monitor violations -> a team's pipeline in its account), offline: STS and
SageMaker through botocore's Stubber (active Stubbers raise on any call that was not queued, with exactly
these parameters) and the idempotency table in moto's DynamoDB."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]
from botocore.stub import UnStubbedResponseError  # type: ignore[import-untyped,unused-ignore]
from moto import mock_aws

from .conftest import REGION
from .doubles import captured_logs, log_records, stub_fixture
from .retraining_stubs import (
    ACCESS_KEY,
    CHURN_PIPELINE,
    CHURN_REGION,
    CHURN_WINDOW,
    CONTEXT,
    DAY,
    ENV,
    FRAUD_PIPELINE,
    FRAUD_ROLE,
    FRAUD_WINDOW,
    HOUR,
    JOB,
    SECRET_KEY,
    SESSION_TOKEN,
    T0,
    TARGETS,
    MonitoringExecutions,
    SageMakerFactory,
    alarm_event,
    client,
    create_table,
    execution_arn,
    expect_assume_role,
    expect_start,
    load_handler,
    load_logic,
    monitoring_event,
    records,
    start_params,
)


@pytest.fixture(scope="module")
def logic(aws_offline_env):
    return load_logic()


@pytest.fixture(scope="module")
def module(aws_offline_env, logic):
    return load_handler(logic, ENV)


@pytest.fixture
def dynamodb(monkeypatch):
    monkeypatch.delenv("POWERTOOLS_IDEMPOTENCY_DISABLED", raising=False)
    with mock_aws():
        dynamodb = client("dynamodb")
        create_table(dynamodb)
        yield dynamodb


sts_stub = stub_fixture("sts")


sagemaker_stub = stub_fixture("sagemaker", CHURN_REGION)


@pytest.fixture
def factory(sagemaker_stub):
    return SageMakerFactory(sagemaker_stub.client)


@pytest.fixture
def executions():
    return MonitoringExecutions()


@pytest.fixture
def handler(module, logic, dynamodb, sts_stub, factory, executions, monkeypatch):
    """The handler with its clients replaced: Stubbers for STS and SageMaker, moto for the table."""
    monkeypatch.setattr(module, "_sts", sts_stub.client)
    monkeypatch.setattr(module, "_sagemaker", executions)
    monkeypatch.setattr(module, "_dynamodb", dynamodb)
    monkeypatch.setattr(module, "_starts", logic.PipelineStarts(module.SETTINGS, dynamodb))
    monkeypatch.setattr(module, "_make_sagemaker_client", factory)
    return module


@pytest.fixture
def logs(module):
    with captured_logs(module.logger) as stream:
        yield stream


def settings(logic, **overrides):
    """Settings from ENV with ``overrides``; a value of None unsets that variable."""
    env = {**ENV, **overrides}
    return logic.Settings.from_env({name: value for name, value in env.items() if value is not None})


def started(window=CHURN_WINDOW, endpoint="churn-prod", pipeline=CHURN_PIPELINE, execution_id=None):
    arn = execution_arn(pipeline) if execution_id is None else execution_arn(pipeline, execution_id)
    return {"started": True, "endpoint": endpoint, "pipeline_execution_arn": arn, "window": window}


def completed(dynamodb):
    return [item for item in records(dynamodb) if item["status"]["S"] == "COMPLETED"]


# --- starting once per window -------------------------------------------------------------------------------


def test_violation_from_a_monitoring_job_starts_the_pipeline_in_the_team_account(
    handler, sts_stub, sagemaker_stub, factory, dynamodb, logs
):
    expect_assume_role(sts_stub)
    expect_start(sagemaker_stub, start_params())
    assert handler.lambda_handler(monitoring_event(), CONTEXT) == started()
    sts_stub.assert_no_pending_responses()
    sagemaker_stub.assert_no_pending_responses()
    # The SageMaker client signs with the assumed role's credentials, in the pipeline's region.
    [(credentials, region)] = factory.received
    assert region == CHURN_REGION
    assert (credentials.access_key_id, credentials.secret_access_key, credentials.session_token) == (
        ACCESS_KEY,
        SECRET_KEY,
        SESSION_TOKEN,
    )
    [item] = completed(dynamodb)
    assert json.loads(item["data"]["S"]) == started()
    [entry] = log_records(logs, "Pipeline execution started")
    assert entry["level"] == "INFO" and entry["service"] == "retraining-trigger"
    assert entry["endpoint"] == "churn-prod" and entry["pipeline_arn"] == CHURN_PIPELINE
    assert entry["window"] == CHURN_WINDOW and entry["function_name"] == CONTEXT.function_name
    text = logs.getvalue()
    assert SECRET_KEY not in text and SESSION_TOKEN not in text and SECRET_KEY not in repr(credentials)


def test_the_same_event_again_in_the_window_replays_the_first_result_without_calling_sagemaker(
    handler, sts_stub, sagemaker_stub, factory, dynamodb, logs
):
    # One response each: a second AssumeRole or StartPipelineExecution would raise UnStubbedResponseError.
    expect_assume_role(sts_stub)
    expect_start(sagemaker_stub, start_params())
    first = handler.lambda_handler(monitoring_event(), CONTEXT)
    again = handler.lambda_handler(monitoring_event(), CONTEXT)
    assert first == again == started()
    assert len(factory.received) == 1
    sts_stub.assert_no_pending_responses()
    sagemaker_stub.assert_no_pending_responses()
    assert len(records(dynamodb)) == 1
    assert len(log_records(logs, "Pipeline execution started")) == 1
    [replay] = log_records(logs, "Already started in this window: not started again")
    assert replay["pipeline_execution_arn"] == execution_arn(CHURN_PIPELINE)


def test_other_violations_of_the_same_pipeline_in_the_window_do_not_start_it_again(
    handler, sts_stub, sagemaker_stub, factory
):
    expect_assume_role(sts_stub)
    expect_start(sagemaker_stub, start_params())
    handler.lambda_handler(monitoring_event(), CONTEXT)
    later = T0 + timedelta(minutes=50)  # still 12:xx, the same hour window
    assert handler.lambda_handler(monitoring_event("churn-prod-model-quality", when=later), CONTEXT) == started()
    assert handler.lambda_handler(alarm_event(when=later), CONTEXT) == started()
    assert len(factory.received) == 1
    sagemaker_stub.assert_no_pending_responses()


def test_the_guard_itself_an_unqueued_call_fails_and_is_not_recorded(handler, dynamodb):
    """Shows that the replay test would fail if the handler called SageMaker or STS a second time."""
    with pytest.raises(UnStubbedResponseError):
        handler.lambda_handler(monitoring_event(), CONTEXT)
    assert records(dynamodb) == []


def test_a_violation_in_the_next_window_starts_again(handler, sts_stub, sagemaker_stub, factory, dynamodb):
    expect_assume_role(sts_stub)
    expect_start(sagemaker_stub, start_params())
    expect_assume_role(sts_stub)
    next_hour = start_params(window=CHURN_WINDOW + 1)
    expect_start(sagemaker_stub, next_hour, execution_id="a9b8c7d6e5f4")
    assert handler.lambda_handler(monitoring_event(), CONTEXT) == started()
    second = handler.lambda_handler(monitoring_event(when=T0 + timedelta(hours=1)), CONTEXT)
    assert second == started(CHURN_WINDOW + 1, execution_id="a9b8c7d6e5f4")
    assert next_hour["ClientRequestToken"] != start_params()["ClientRequestToken"]
    assert len(factory.received) == 2
    sagemaker_stub.assert_no_pending_responses()
    assert len(completed(dynamodb)) == 2


def test_the_window_comes_from_the_event_time_not_the_clock(handler, sts_stub, sagemaker_stub):
    # Delivered (or retried) hours later, the event still belongs to its own window.
    long_ago = datetime(2024, 6, 30, 23, 59, 59, tzinfo=UTC)
    window = int(long_ago.timestamp()) // HOUR
    expect_assume_role(sts_stub)
    expect_start(sagemaker_stub, start_params(window=window))
    assert handler.lambda_handler(monitoring_event(when=long_ago), CONTEXT) == started(window)
    sagemaker_stub.assert_no_pending_responses()


def test_different_pipelines_have_their_own_windows(handler, sts_stub, sagemaker_stub, factory):
    expect_assume_role(sts_stub)
    expect_start(sagemaker_stub, start_params())
    expect_assume_role(sts_stub, FRAUD_ROLE, "fraud-prod")
    fraud = start_params("fraud-prod", FRAUD_PIPELINE, DAY, FRAUD_WINDOW, "alarm fraud-prod-auc-low")
    expect_start(sagemaker_stub, fraud)
    assert handler.lambda_handler(monitoring_event(), CONTEXT) == started()
    result = handler.lambda_handler(alarm_event("fraud-prod-auc-low"), CONTEXT)
    assert result == started(FRAUD_WINDOW, "fraud-prod", FRAUD_PIPELINE)
    assert [region for _, region in factory.received] == [CHURN_REGION, REGION]
    sagemaker_stub.assert_no_pending_responses()


def test_alarm_in_alarm_state_starts_the_pipeline(handler, sts_stub, sagemaker_stub):
    expect_assume_role(sts_stub)
    expect_start(sagemaker_stub, start_params(source="alarm churn-prod-feature-drift"))
    assert handler.lambda_handler(alarm_event(), CONTEXT) == started()
    sts_stub.assert_no_pending_responses()
    sagemaker_stub.assert_no_pending_responses()


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


# --- AWS errors: logged, raised, and not recorded as done ----------------------------------------------------


def test_access_denied_on_assume_role_is_raised_and_a_retry_starts(
    handler, sts_stub, sagemaker_stub, factory, dynamodb, logs
):
    expect_assume_role(sts_stub, error="AccessDenied")
    with pytest.raises(ClientError, match="AccessDenied"):
        handler.lambda_handler(monitoring_event(), CONTEXT)
    assert factory.received == []
    assert records(dynamodb) == []  # not recorded as done, nor left in progress
    [entry] = log_records(logs, "Could not start the pipeline")
    assert entry["level"] == "ERROR" and entry["error_code"] == "AccessDenied"
    assert entry["operation"] == "AssumeRole" and "not authorized" in entry["reason"]
    # Lambda's retry of the same event: the role is fixed by now, and the pipeline starts.
    expect_assume_role(sts_stub)
    expect_start(sagemaker_stub, start_params())
    assert handler.lambda_handler(monitoring_event(), CONTEXT) == started()
    sagemaker_stub.assert_no_pending_responses()
    assert len(completed(dynamodb)) == 1


@pytest.mark.parametrize("error", ["ResourceNotFound", "ThrottlingException"])
def test_sagemaker_errors_are_raised_and_a_retry_starts_with_the_same_token(
    handler, sts_stub, sagemaker_stub, dynamodb, logs, error
):
    expect_assume_role(sts_stub)
    expect_start(sagemaker_stub, start_params(), error=error)
    with pytest.raises(ClientError, match=error):
        handler.lambda_handler(monitoring_event(), CONTEXT)
    assert records(dynamodb) == []
    [entry] = log_records(logs, "Could not start the pipeline")
    assert (entry["error_code"], entry["operation"]) == (error, "StartPipelineExecution")
    # The retry sends the same ClientRequestToken (start_params() again), so SageMaker can de-duplicate too.
    expect_assume_role(sts_stub)
    expect_start(sagemaker_stub, start_params())
    assert handler.lambda_handler(monitoring_event(), CONTEXT) == started()
    sts_stub.assert_no_pending_responses()
    sagemaker_stub.assert_no_pending_responses()
    assert len(completed(dynamodb)) == 1


def test_a_concurrent_invocation_for_the_same_window_fails_instead_of_starting_twice(
    handler, sts_stub, sagemaker_stub, factory, logs, monkeypatch
):
    concurrent: list[BaseException] = []

    def factory_that_races(credentials, region):
        # While this invocation is starting the pipeline, a duplicate event arrives.
        try:
            handler.lambda_handler(alarm_event(), CONTEXT)
        except IdempotencyAlreadyInProgressError as error:
            concurrent.append(error)
        return factory(credentials, region)

    monkeypatch.setattr(handler, "_make_sagemaker_client", factory_that_races)
    expect_assume_role(sts_stub)
    expect_start(sagemaker_stub, start_params())
    assert handler.lambda_handler(monitoring_event(), CONTEXT) == started()
    assert len(concurrent) == 1 and len(factory.received) == 1
    assert (
        len(
            log_records(
                logs, "Another invocation is starting this pipeline for this window; failing so that Lambda retries"
            )
        )
        == 1
    )


# --- names, windows and tokens -------------------------------------------------------------------------------


def test_window_index_is_exact_at_the_boundaries(logic):
    boundary = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert logic.window_index(boundary, HOUR) == CHURN_WINDOW
    assert logic.window_index(boundary - timedelta(microseconds=1), HOUR) == CHURN_WINDOW - 1
    assert logic.window_index(boundary + timedelta(minutes=59, seconds=59), HOUR) == CHURN_WINDOW
    offset = datetime(2025, 1, 1, 14, 0, tzinfo=UTC).astimezone(timezone(timedelta(hours=5, minutes=30)))
    assert logic.window_index(offset, HOUR) == CHURN_WINDOW + 2  # any time zone, the same instant


def test_long_endpoint_names_keep_the_window_in_the_display_name_and_the_session_name_fits(logic):
    endpoint = "e" * 62 + "1"  # the longest endpoint name
    name = logic.display_name(endpoint, 1735732800)  # a one-second window: ten digits
    assert len(name) <= 82 and name.startswith("retrain-eee") and name.endswith("-1735732800")
    assert logic.display_name("churn-prod", CHURN_WINDOW) == f"retrain-churn-prod-{CHURN_WINDOW}"
    assert logic.session_name(endpoint) == ("retraining-" + endpoint)[:64]
    assert len(logic.session_name(endpoint)) == 64


def test_the_token_is_deterministic_within_sagemaker_limits_and_differs_per_window_and_pipeline(logic):
    def plan(pipeline=CHURN_PIPELINE, window=CHURN_WINDOW):
        return logic.Retraining(
            "churn-prod", pipeline, TARGETS["churn-prod"]["role_arn"], CHURN_REGION, HOUR, window, "x"
        )

    token = logic.client_request_token(plan())
    assert token == logic.client_request_token(plan()) and 32 <= len(token) <= 128
    assert token != logic.client_request_token(plan(window=CHURN_WINDOW + 1))
    assert token != logic.client_request_token(plan(pipeline=FRAUD_PIPELINE))


# --- settings ------------------------------------------------------------------------------------------------


def test_settings_parse_the_environment(logic):
    parsed = settings(logic)
    assert parsed.targets["churn-prod"].region == CHURN_REGION
    assert parsed.targets["fraud-prod"].window_seconds == DAY
    assert parsed.endpoint_for_schedule("fraud-prod-data-quality") == "fraud-prod"
    assert parsed.endpoint_for_alarm("churn-prod-feature-drift") == "churn-prod"
    assert parsed.idempotency_table == ENV["IDEMPOTENCY_TABLE"]
    alarms_only = settings(logic, SCHEDULES=None)
    assert alarms_only.schedules == {} and alarms_only.alarms


def _targets(**churn: Any) -> str:
    return json.dumps({**TARGETS, "churn-prod": {**TARGETS["churn-prod"], **churn}})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"TARGETS": None}, "TARGETS: required, set it to a non-empty value"),
        ({"TARGETS": "   "}, "TARGETS: required"),
        ({"TARGETS": "{churn-prod: 1}"}, "TARGETS: not valid JSON"),
        ({"TARGETS": "[]"}, "TARGETS: expected an object of endpoint name to target, got an array"),
        ({"TARGETS": "{}"}, "TARGETS: no targets"),
        (
            {"TARGETS": _targets(window_seconds=0)},
            "TARGETS['churn-prod']['window_seconds']: Input should be greater than 0",
        ),
        (
            {"TARGETS": _targets(window_seconds=-60)},
            "TARGETS['churn-prod']['window_seconds']: Input should be greater than 0",
        ),
        (
            {"TARGETS": _targets(window_seconds="3600")},
            "TARGETS['churn-prod']['window_seconds']: Input should be a valid integer",
        ),
        (
            {"TARGETS": _targets(window_seconds=True)},
            "TARGETS['churn-prod']['window_seconds']: Input should be a valid integer",
        ),
        ({"TARGETS": _targets(window_seconds=None)}, "TARGETS['churn-prod']['window_seconds']"),
        (
            {"TARGETS": _targets(pipeline_arn="churn-model-build")},
            "TARGETS['churn-prod']['pipeline_arn']: 'churn-model-build' is not a valid pipeline ARN",
        ),
        (
            {"TARGETS": _targets(role_arn="mlp-churn")},
            "TARGETS['churn-prod']['role_arn']: 'mlp-churn' is not a valid IAM role ARN",
        ),
        ({"TARGETS": _targets(pipeline="x")}, "TARGETS['churn-prod']['pipeline']: Extra inputs are not permitted"),
        (
            {"TARGETS": _targets(pipeline_arn=FRAUD_PIPELINE)},
            f"TARGETS: endpoints sharing pipeline '{FRAUD_PIPELINE}' must share window_seconds",
        ),
        ({"TARGETS": json.dumps({"churn_prod!": TARGETS["churn-prod"]})}, "'churn_prod!' is not a valid endpoint name"),
        ({"TARGETS": '{"churn-prod": {}, "churn-prod": {}}'}, "TARGETS: not valid JSON (repeated keys 'churn-prod')"),
        (
            {"SCHEDULES": json.dumps({"churn-prod-data-quality": "churn-canary"})},
            "SCHEDULES['churn-prod-data-quality']: endpoint 'churn-canary' is not in TARGETS (churn-prod, fraud-prod)",
        ),
        (
            {"ALARMS": json.dumps({"drift": "churn-canary"})},
            "ALARMS['drift']: endpoint 'churn-canary' is not in TARGETS",
        ),
        ({"SCHEDULES": "not json"}, "SCHEDULES: not valid JSON"),
        ({"SCHEDULES": json.dumps({"bad name": "churn-prod"})}, "'bad name' is not a valid monitoring schedule name"),
        ({"SCHEDULES": json.dumps({"Churn-DQ": "churn-prod", "churn-dq": "churn-prod"})}, "differ only in case"),
        ({"ALARMS": json.dumps({"drift": 3})}, "ALARMS['drift']: Input should be a valid string"),
        ({"SCHEDULES": None, "ALARMS": "{}"}, "SCHEDULES and ALARMS are both empty"),
        ({"IDEMPOTENCY_TABLE": None}, "IDEMPOTENCY_TABLE: required"),
        (
            {"IDEMPOTENCY_TABLE": "no spaces allowed"},
            "IDEMPOTENCY_TABLE: 'no spaces allowed' is not a valid DynamoDB table name",
        ),
    ],
)
def test_bad_settings_raise_configuration_error_naming_the_variable(logic, overrides, message):
    with pytest.raises(logic.ConfigurationError) as raised:
        settings(logic, **overrides)
    assert message in str(raised.value)


def test_a_bad_environment_fails_the_cold_start(logic):
    env = {**ENV, "TARGETS": _targets(window_seconds=0)}
    with pytest.raises(logic.ConfigurationError, match=r"TARGETS\['churn-prod'\]\['window_seconds'\]"):
        load_handler(logic, env, unique_name="retraining_trigger_handler_bad_env")
