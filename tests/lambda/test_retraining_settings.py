"""Retraining trigger Lambda: its settings from the environment, parsed at cold start."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .retraining_fixtures import *  # noqa: F403 - the shared fixtures, which pytest finds by name
from .retraining_fixtures import settings
from .retraining_stubs import (
    CHURN_REGION,
    DAY,
    ENV,
    FRAUD_PIPELINE,
    TARGETS,
    load_handler,
)

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
