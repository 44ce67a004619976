"""Feature ingestion Lambda: the settings parsed from the environment at cold start."""

from __future__ import annotations

import json
import sys

import pytest
from pydantic import ValidationError

from .conftest import REGION, load_lambda_module
from .ingestion_fixtures import *  # noqa: F403 - the shared fixtures, which pytest finds by name
from .ingestion_fixtures import ASSET, settings
from .ingestion_stubs import ENV, FEATURES, GROUP


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"FEATURE_GROUP_NAME": None}, "FEATURE_GROUP_NAME: required, set it to a non-empty value"),
        ({"RECORD_IDENTIFIER": "  "}, "RECORD_IDENTIFIER: required"),
        ({"EVENT_TIME_FEATURE": None}, "EVENT_TIME_FEATURE: required"),
        ({"FEATURE_DEFINITIONS": None}, "FEATURE_DEFINITIONS: required"),
        ({"FEATURE_DEFINITIONS": "{location: String}"}, r"FEATURE_DEFINITIONS: not valid JSON \(Expecting"),
        ({"FEATURE_DEFINITIONS": '["location", "EventTime"]'}, "FEATURE_DEFINITIONS: expected a JSON object .* array"),
        ({"FEATURE_DEFINITIONS": "{}"}, "FEATURE_DEFINITIONS: no features"),
        (
            {"FEATURE_DEFINITIONS": json.dumps(FEATURES | {"pm25": "Double"})},
            r"FEATURE_DEFINITIONS\['pm25'\]: Input.*, got 'Double'",
        ),
        (
            {"FEATURE_DEFINITIONS": json.dumps(FEATURES | {"no2": "fractional"})},
            "'no2'.: Input should be 'Integral', 'F",
        ),
        ({"FEATURE_DEFINITIONS": json.dumps(FEATURES | {"pm2.5": "Fractional"})}, "'pm2.5' is not a valid feature"),
        ({"FEATURE_DEFINITIONS": json.dumps(FEATURES | {"write_time": "String"})}, "'write_time' is reserved"),
        ({"FEATURE_DEFINITIONS": '{"location": "String", "location": "Integral"}'}, "repeated keys 'location'"),
        (
            {"RECORD_IDENTIFIER": "station"},
            r"RECORD_IDENTIFIER 'station' is not in .* \(location, EventTime, pm25, no2\)",
        ),
        ({"EVENT_TIME_FEATURE": "observed_at"}, "EVENT_TIME_FEATURE 'observed_at' is not in FEATURE_DEFINITIONS"),
        ({"FEATURE_DEFINITIONS": json.dumps(FEATURES | {"EventTime": "Integral"})}, "Fractional or String, not Integ"),
        ({"FEATURE_GROUP_NAME": "weather observations"}, "FEATURE_GROUP_NAME: 'weather observations' is not a valid"),
        ({"RECORD_IDENTIFIER": "-location"}, "RECORD_IDENTIFIER: '-location' is not a valid feature name"),
        ({"TARGET_STORES": "Online"}, "TARGET_STORES: Input should be 'OnlineStore' or 'OfflineStore', got 'Online'$"),
        ({"TARGET_STORES": "OnlineStore,"}, "TARGET_STORES: 'OnlineStore,' has an empty name"),
        ({"TARGET_STORES": "OnlineStore, OnlineStore"}, "names a store twice"),
        ({"FEATURE_GROUP_NAME": None, "EVENT_TIME_FEATURE": ""}, "FEATURE_GROUP_NAME: required.*; EVENT_TIME_FEATURE"),
    ],
)
def test_invalid_environment_fails_naming_the_variable(logic, overrides, message):
    with pytest.raises(logic.ConfigurationError, match=f"^Invalid environment: .*{message}"):
        settings(logic, **overrides)


@pytest.mark.parametrize(
    ("stores", "expected"),
    [(None, ("OnlineStore",)), (" OfflineStore , OnlineStore ", ("OfflineStore", "OnlineStore"))],
)
def test_target_stores_default_to_the_online_store(logic, stores, expected):
    assert settings(logic, TARGET_STORES=stores).target_stores == expected


def test_settings_accept_a_feature_group_arn_and_are_frozen(logic):
    arn = f"arn:aws:sagemaker:{REGION}:444455556666:feature-group/{GROUP}"
    parsed = settings(logic, FEATURE_GROUP_NAME=arn)
    assert parsed.feature_group_name == arn
    with pytest.raises(ValidationError, match="frozen"):
        parsed.feature_group_name = "other"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("FEATURE_DEFINITIONS", None, "FEATURE_DEFINITIONS: required"),
        ("FEATURE_DEFINITIONS", "location=String", "FEATURE_DEFINITIONS: not valid JSON"),
        ("RECORD_IDENTIFIER", "station", "RECORD_IDENTIFIER 'station' is not in FEATURE_DEFINITIONS"),
    ],
)
def test_bad_environment_fails_the_cold_start(logic, monkeypatch, name, value, message):
    for variable, setting in ENV.items():
        monkeypatch.setenv(variable, setting)
    if value is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, value)
    unique = f"feature_ingestion_handler_bad_{name.lower()}_{value is None}"
    with pytest.raises(logic.ConfigurationError, match=message):
        load_lambda_module(unique, ASSET / "handler.py", aliases={"ingestion": logic})
    assert unique not in sys.modules
