"""Fixtures and helpers shared by the retraining trigger tests (test_retraining_*.py): the handler with STS and
SageMaker through botocore's Stubber and the idempotency table in moto's DynamoDB. A test module takes the
fixtures, which pytest finds by name, with ``from .retraining_fixtures import *``."""

from __future__ import annotations

import pytest
from moto import mock_aws

from .doubles import captured_logs, stub_fixture
from .retraining_stubs import (
    CHURN_PIPELINE,
    CHURN_REGION,
    CHURN_WINDOW,
    ENV,
    MonitoringExecutions,
    SageMakerFactory,
    client,
    create_table,
    execution_arn,
    load_handler,
    load_logic,
    records,
)

__all__ = ["dynamodb", "executions", "factory", "handler", "logic", "logs", "module", "sagemaker_stub", "sts_stub"]


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
