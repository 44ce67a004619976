"""Retraining trigger Lambda (Model Monitor violations -> a team's pipeline in its account): starting once per
window, AWS errors, names and tokens. Offline: STS and SageMaker through botocore's Stubber (active Stubbers
raise on any call that was not queued, with exactly these parameters), the table in moto's DynamoDB."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]
from botocore.stub import UnStubbedResponseError  # type: ignore[import-untyped,unused-ignore]

from .conftest import REGION
from .doubles import log_records
from .retraining_fixtures import *  # noqa: F403 - the shared fixtures, which pytest finds by name
from .retraining_fixtures import completed, started
from .retraining_stubs import (
    ACCESS_KEY,
    CHURN_PIPELINE,
    CHURN_REGION,
    CHURN_WINDOW,
    CONTEXT,
    DAY,
    FRAUD_PIPELINE,
    FRAUD_ROLE,
    FRAUD_WINDOW,
    HOUR,
    SECRET_KEY,
    SESSION_TOKEN,
    T0,
    TARGETS,
    alarm_event,
    execution_arn,
    expect_assume_role,
    expect_start,
    monitoring_event,
    records,
    start_params,
)

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
