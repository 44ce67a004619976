"""Builders for the retraining trigger tests: its environment, realistic EventBridge events, the exact STS and
SageMaker requests it must make (with botocore's real response shapes), a Lambda context, and the loaders
of its flat modules under unique names (see conftest.load_lambda_module)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

from .conftest import LAMBDA_ROOT, REGION
from .doubles import RecordingFactory, assume_role_response, load_flat_modules
from .doubles import client as client
from .doubles import load_handler as load_lambda_handler

ASSET = LAMBDA_ROOT / "retraining_trigger"
# The logic modules in import order, each with its unique name in the tests; handler.py imports retraining.
LOGIC_MODULES = {
    "retraining_settings": "retraining_trigger_settings",
    "retraining_events": "retraining_trigger_events",
    "retraining": "retraining_trigger_logic",
}
HANDLER_NAME = "retraining_trigger_handler"

PROD = "777788889999"  # where the endpoints, their monitoring and this function live
CHURN_TEAM = "111122223333"
FRAUD_TEAM = "444455556666"
CHURN_REGION = "eu-west-1"  # the churn team's pipeline is in another region: the client must follow its ARN
CHURN_PIPELINE = f"arn:aws:sagemaker:{CHURN_REGION}:{CHURN_TEAM}:pipeline/churn-model-build"
CHURN_ROLE = f"arn:aws:iam::{CHURN_TEAM}:role/mlp-churn-retraining-starter"
FRAUD_PIPELINE = f"arn:aws:sagemaker:{REGION}:{FRAUD_TEAM}:pipeline/fraud-model-build"
FRAUD_ROLE = f"arn:aws:iam::{FRAUD_TEAM}:role/mlp-fraud-retraining-starter"
HOUR, DAY = 3600, 86400
TABLE = "mlp-retraining-trigger-idempotency"
TARGETS = {
    "churn-prod": {"pipeline_arn": CHURN_PIPELINE, "role_arn": CHURN_ROLE, "window_seconds": HOUR},
    "fraud-prod": {"pipeline_arn": FRAUD_PIPELINE, "role_arn": FRAUD_ROLE, "window_seconds": DAY},
}
SCHEDULES = {
    "churn-prod-data-quality": "churn-prod",
    "churn-prod-model-quality": "churn-prod",
    "fraud-prod-data-quality": "fraud-prod",
}
ALARMS = {"churn-prod-feature-drift": "churn-prod", "fraud-prod-auc-low": "fraud-prod"}
ENV = {
    "TARGETS": json.dumps(TARGETS),
    "SCHEDULES": json.dumps(SCHEDULES),
    "ALARMS": json.dumps(ALARMS),
    "IDEMPOTENCY_TABLE": TABLE,
}

# 2025-01-01T12:05:00Z: hour window 482148, day window 20089.
T0 = datetime(2025, 1, 1, 12, 5, tzinfo=UTC)
CHURN_WINDOW = 482148
FRAUD_WINDOW = 20089

# What AssumeRole hands out: the SageMaker client must be built from exactly these, and they are never logged.
ACCESS_KEY = "ASIACHURNTEAMEXAMPLE"
SECRET_KEY = "team-secret-key-never-logged"  # fake
SESSION_TOKEN = "FwoGZXIvYXdzETeam-session-token-never-logged"  # fake
EXECUTION_ID = "k2j4h5g6f7d8"
JOB = "model-monitoring-202501011200-a1b2c3d4e5f6a7b8c9d0e1f2"  # how Model Monitor names a schedule's jobs


@dataclass(frozen=True)
class FakeLambdaContext:
    """The attributes Powertools' logger and idempotency read (the latter: the remaining time)."""

    function_name: str = "mlp-retraining-trigger"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:{PROD}:function:mlp-retraining-trigger"
    aws_request_id: str = "00000000-0000-4000-8000-000000000000"
    remaining_millis: int = 60_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis


CONTEXT = FakeLambdaContext()


def load_logic() -> ModuleType:
    """retraining.py (loaded as retraining_trigger_logic) with the sibling module it imports."""
    return load_flat_modules(ASSET, LOGIC_MODULES)["retraining"]


def load_handler(logic: ModuleType, env: Mapping[str, str], unique_name: str = HANDLER_NAME) -> ModuleType:
    """handler.py as Lambda loads it: settings from ``env`` at import (cold start)."""
    return load_lambda_handler(ASSET / "handler.py", unique_name, env, {"retraining": logic}, tuple(ENV))


def create_table(dynamodb: Any) -> None:
    """The table as the infrastructure creates it: Powertools' default key and TTL attributes."""
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.update_time_to_live(
        TableName=TABLE, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiration"}
    )


def records(dynamodb: Any) -> list[dict[str, Any]]:
    return list(dynamodb.scan(TableName=TABLE)["Items"])


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")  # EventBridge's format


def monitoring_event(
    schedule: str = "churn-prod-data-quality",
    *,
    status: str = "Completed",
    when: datetime = T0,
    job: str = JOB,
) -> dict[str, Any]:
    """A monitoring job's state change, its detail shaped like DescribeProcessingJob."""
    job_arn = f"arn:aws:sagemaker:{REGION}:{PROD}:processing-job/{job}"
    detail: dict[str, Any] = {
        "ProcessingJobName": job,
        "ProcessingJobArn": job_arn,
        "ProcessingJobStatus": status,
        "MonitoringScheduleArn": f"arn:aws:sagemaker:{REGION}:{PROD}:monitoring-schedule/{schedule}",
        "ProcessingResources": {
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}
        },
        "AppSpecification": {
            "ImageUri": "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
        },
        "RoleArn": f"arn:aws:iam::{PROD}:role/mlp-model-monitor",
        "CreationTime": 1735732800000,
        "ProcessingStartTime": 1735732920000,
        "ProcessingEndTime": 1735733100000,
        "LastModifiedTime": 1735733100000,
        "Tags": {},
    }
    return {
        "version": "0",
        "id": "7e7e7e7e-1111-2222-3333-444444444444",
        "detail-type": "SageMaker Processing Job State Change",
        "source": "aws.sagemaker",
        "account": PROD,
        "time": iso(when),
        "region": REGION,
        "resources": [job_arn],
        "detail": detail,
    }


def alarm_event(
    alarm: str = "churn-prod-feature-drift", state: str = "ALARM", *, when: datetime = T0
) -> dict[str, Any]:
    previous = "OK" if state == "ALARM" else "ALARM"
    return {
        "version": "0",
        "id": "c4c1c1c1-5555-6666-7777-888888888888",
        "detail-type": "CloudWatch Alarm State Change",
        "source": "aws.cloudwatch",
        "account": PROD,
        "time": iso(when),
        "region": REGION,
        "resources": [f"arn:aws:cloudwatch:{REGION}:{PROD}:alarm:{alarm}"],
        "detail": {
            "alarmName": alarm,
            "state": {
                "value": state,
                "reason": "Threshold Crossed: 1 out of the last 1 datapoints [0.31] was greater than the threshold "
                "(0.2).",
                "timestamp": "2025-01-01T12:05:00.000+0000",
            },
            "previousState": {"value": previous, "reason": "", "timestamp": "2025-01-01T11:05:00.000+0000"},
            "configuration": {"metrics": [], "description": "Feature drift of the churn model"},
        },
    }


def token(pipeline_arn: str, window_seconds: int, window: int) -> str:
    return "retrain-" + hashlib.sha256(f"{pipeline_arn}#{window_seconds}#{window}".encode()).hexdigest()


def execution_arn(pipeline_arn: str, execution_id: str = EXECUTION_ID) -> str:
    return f"{pipeline_arn}/execution/{execution_id}"


def expect_assume_role(
    stub: Stubber, role_arn: str = CHURN_ROLE, endpoint: str = "churn-prod", error: str = ""
) -> None:
    params = {"RoleArn": role_arn, "RoleSessionName": f"retraining-{endpoint}"}
    if error:
        caller = f"arn:aws:sts::{PROD}:assumed-role/mlp-retraining-trigger/fn"
        message = f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        stub.add_client_error("assume_role", error, message, 403, expected_params=params)
        return
    keys, expiration = (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN), T0 + timedelta(hours=1)
    stub.add_response("assume_role", assume_role_response(role_arn, f"retraining-{endpoint}", keys, expiration), params)


def start_params(
    endpoint: str = "churn-prod",
    pipeline_arn: str = CHURN_PIPELINE,
    window_seconds: int = HOUR,
    window: int = CHURN_WINDOW,
    source: str = f"monitoring schedule churn-prod-data-quality, job {JOB}",
) -> dict[str, Any]:
    return {
        "PipelineName": pipeline_arn,
        "PipelineExecutionDisplayName": f"retrain-{endpoint}-{window}",
        "PipelineExecutionDescription": f"Model Monitor violations on {endpoint} ({source})",
        "ClientRequestToken": token(pipeline_arn, window_seconds, window),
    }


def expect_start(stub: Stubber, params: dict[str, Any], error: str = "", execution_id: str = EXECUTION_ID) -> None:
    if error:
        status = 429 if error == "ThrottlingException" else 400
        stub.add_client_error("start_pipeline_execution", error, f"{error} for the pipeline", status, params)
        return
    response = {"PipelineExecutionArn": execution_arn(params["PipelineName"], execution_id)}
    stub.add_response("start_pipeline_execution", response, params)


SageMakerFactory = RecordingFactory  # stands in for handler.make_sagemaker_client(credentials, region)


class MonitoringExecutions:
    """This account's SageMaker client as the handler uses it (ListMonitoringExecutions): a real botocore client
    behind an active Stubber, answering from ``statuses`` (job name -> MonitoringExecutionStatus), so that every
    request and response is checked against botocore's model
    (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListMonitoringExecutions.html)."""

    def __init__(self) -> None:
        self.statuses: dict[str, str] = {JOB: "CompletedWithViolations"}
        self.calls: list[dict[str, Any]] = []
        self.pages: list[list[str]] | None = None  # job names per page, to test paging; None: one page
        self._stub = Stubber(client("sagemaker"))
        self._stub.activate()

    def _summary(self, schedule: str, job: str) -> dict[str, Any]:
        return {
            "MonitoringScheduleName": schedule,
            "ScheduledTime": T0,
            "CreationTime": T0,
            "LastModifiedTime": T0,
            "MonitoringExecutionStatus": self.statuses[job],
            "ProcessingJobArn": f"arn:aws:sagemaker:{REGION}:{PROD}:processing-job/{job}",
            "EndpointName": SCHEDULES.get(schedule, "unknown"),
        }

    def list_monitoring_executions(self, **params: Any) -> dict[str, Any]:
        pages = self.pages if self.pages is not None else [list(self.statuses)]
        index = int(params.get("NextToken", "0"))
        response: dict[str, Any] = {
            "MonitoringExecutionSummaries": [self._summary(params["MonitoringScheduleName"], j) for j in pages[index]]
        }
        if index + 1 < len(pages):
            response["NextToken"] = str(index + 1)
        self._stub.add_response("list_monitoring_executions", response, dict(params))
        self.calls.append(params)
        result: dict[str, Any] = self._stub.client.list_monitoring_executions(**params)
        return result
