"""Fixtures and helpers shared by the realtime prediction tests (test_realtime_prediction_*.py).

The asset's modules import each other flat (``from prediction_settings import ...``), so they are loaded
here under unique names, each one's siblings aliased while it loads (see conftest.load_lambda_module).
A test module takes the fixtures, which pytest finds by name, with ``from .prediction_fixtures import *``.
"""

from __future__ import annotations

from types import ModuleType

import pytest

from .conftest import LAMBDA_ROOT
from .doubles import captured_logs, load_flat_modules, load_handler, log_records, stub_fixture
from .prediction_stubs import ENDPOINT, ENTITY, ENV, GROUP, MODEL_FEATURES, ROLE_ARN, Clock, FeatureStoreFactory

__all__ = [
    "clock",
    "configure",
    "factory",
    "handler",
    "logic",
    "logs",
    "module",
    "runtime_stub",
    "sleeps",
    "store_stub",
    "sts_stub",
    "stubs",
]

HIT = {
    "statusCode": 200,
    "entity_id": ENTITY,
    "prediction": 0.8734,
    "features": MODEL_FEATURES,
    "feature_group": GROUP,
    "endpoint": ENDPOINT,
    "variant": "AllTraffic",
}
PREDICTION_PATH = LAMBDA_ROOT / "realtime_prediction"
DATA_LAKE_ROLE = ROLE_ARN.split("/")[-1]
# The logic modules in import order, each with its unique name in the tests; handler.py imports prediction.
LOGIC_MODULES = {
    "prediction_settings": "realtime_prediction_settings",
    "prediction_errors": "realtime_prediction_errors",
    "prediction_credentials": "realtime_prediction_credentials",
    "prediction": "realtime_prediction_logic",
}


def load_logic() -> ModuleType:
    """prediction.py (loaded as realtime_prediction_logic) with the sibling modules it imports."""
    return load_flat_modules(PREDICTION_PATH, LOGIC_MODULES)["prediction"]


@pytest.fixture(scope="module")
def logic(aws_offline_env):
    return load_logic()


@pytest.fixture(scope="module")
def module(aws_offline_env, logic):
    """The handler as Lambda loads it: settings from the environment at import (cold start)."""
    return load_handler(PREDICTION_PATH / "handler.py", "realtime_prediction_handler", ENV, {"prediction": logic})


sts_stub = stub_fixture("sts")


store_stub = stub_fixture("sagemaker-featurestore-runtime")


runtime_stub = stub_fixture("sagemaker-runtime")


@pytest.fixture
def factory(store_stub):
    return FeatureStoreFactory(store_stub.client)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def configure(module, logic, sts_stub, runtime_stub, factory, clock, sleeps, monkeypatch):
    """Point the handler at the stubs, with ENV changed by ``overrides`` (None removes a variable)."""

    def apply(**overrides):
        env = {k: v for k, v in {**ENV, **overrides}.items() if v is not None}
        settings = logic.Settings.from_env(env)
        monkeypatch.setattr(module, "_settings", settings)
        store = logic.FeatureStoreClients(sts_stub.client, settings.feature_store_role_arn, factory, clock=clock)
        monkeypatch.setattr(module, "_feature_store", store)
        monkeypatch.setattr(module, "_runtime", runtime_stub.client)
        monkeypatch.setattr(module, "_sleep", sleeps.append)
        return module

    return apply


@pytest.fixture
def handler(configure):
    return configure()


@pytest.fixture
def stubs(sts_stub, store_stub, runtime_stub):
    return sts_stub, store_stub, runtime_stub


@pytest.fixture
def logs(module):
    with captured_logs(module.logger) as stream:
        yield stream


def records(logs):
    return log_records(logs)


def outcome(result, detail="code"):
    return result["statusCode"], result["error"], result[detail]
