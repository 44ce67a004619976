"""Fixtures and helpers shared by the feature ingestion tests (test_feature_ingestion_*.py).

The asset's modules import each other flat (``from ingestion_settings import ...``), so they are loaded
here under unique names, each one's siblings aliased while it loads (see conftest.load_lambda_module).
A test module takes the fixtures, which pytest finds by name, with ``from .ingestion_fixtures import *``.
"""

from __future__ import annotations

import json
from types import ModuleType

import pytest
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

from .conftest import LAMBDA_ROOT
from .doubles import captured_logs, load_flat_modules, load_handler, log_records
from .ingestion_stubs import ENV, ICEBERG_ENV, client, kinesis_event

__all__ = ["handler", "iceberg_handler", "ingestion_handler", "log_records", "logic", "logs", "sleeps", "stub"]

ASSET = LAMBDA_ROOT / "feature_ingestion"
# The logic modules in import order, each with its unique name in the tests; handler.py imports ingestion.
LOGIC_MODULES = {
    "ingestion_settings": "feature_ingestion_settings",
    "ingestion_records": "feature_ingestion_records",
    "ingestion": "feature_ingestion_logic",
}
THROTTLED = "ThrottlingException"
# A group with an Integral identifier and a String (ISO-8601) event time, for the logic-level tests.
SENSOR_ENV = {
    "FEATURE_GROUP_NAME": "sensor-readings-v1",
    "RECORD_IDENTIFIER": "station",
    "EVENT_TIME_FEATURE": "observed_at",
    "FEATURE_DEFINITIONS": json.dumps({"station": "Integral", "observed_at": "String", "readings": "Integral"}),
    "TARGET_STORES": "OnlineStore,OfflineStore",
}


def load_logic() -> ModuleType:
    """ingestion.py (loaded as feature_ingestion_logic) with the sibling modules it imports."""
    return load_flat_modules(ASSET, LOGIC_MODULES)["ingestion"]


@pytest.fixture(scope="module")
def logic(aws_offline_env):
    return load_logic()


@pytest.fixture(scope="module")
def ingestion_handler(aws_offline_env, logic):
    env = {name: value for name, value in ENV.items() if name != "TARGET_STORES"}
    return load_handler(
        ASSET / "handler.py", "feature_ingestion_handler", env, {"ingestion": logic}, ("TARGET_STORES",)
    )


@pytest.fixture
def stub():
    with Stubber(client()) as stub:
        yield stub


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def handler(ingestion_handler, stub, sleeps, monkeypatch):
    monkeypatch.setattr(ingestion_handler, "_client", stub.client)
    monkeypatch.setattr(ingestion_handler, "_sleep", sleeps.append)
    return ingestion_handler


@pytest.fixture
def iceberg_handler(handler, logic, monkeypatch):
    """``handler`` as deployed for a group with a String event time (ICEBERG_ENV): the settings and record
    model it parses at cold start, replaced for this test."""
    iceberg = settings(logic, ICEBERG_ENV)
    monkeypatch.setattr(handler, "SETTINGS", iceberg)
    monkeypatch.setattr(handler, "RECORD_MODEL", logic.build_record_model(iceberg))
    return handler


@pytest.fixture
def logs(ingestion_handler):
    with captured_logs(ingestion_handler.logger) as stream:
        yield stream


def settings(logic, base=None, **overrides):
    """Settings from ENV (or ``base``) with ``overrides``; a value of None unsets that variable."""
    env = {**(base or ENV), **overrides}
    return logic.Settings.from_env({name: value for name, value in env.items() if value is not None})


def parse(logic, payload, base=None):
    event = kinesis_event(payload)
    model = logic.build_record_model(settings(logic, base))
    return logic.parse_record(event["Records"][0]["kinesis"]["data"], model)
