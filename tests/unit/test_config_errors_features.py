"""Bad feature group configs (issue #18): one line, field and reason.

An Iceberg offline store needs a String event time: SageMaker cannot create the feature group with any
other type (SageMaker Developer Guide, "Offline store", Iceberg table format:
https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-storage-configurations-offline-store.html).
"""

from __future__ import annotations

from typing import Any

import pytest

from ml_platform.config import ConfigError
from ml_platform.schema.features import FeatureType, TableFormat

from ..helpers import config_from, example_data
from .test_config_errors import Mutation, _both, _set, check_bad_config

WEATHER, PROFILE = "feature_groups.0", "feature_groups.1"  # Iceberg, and Glue format with batch ingestion


def _rename_event_time(group: str, name: str) -> Mutation:
    """Renames the group's EventTime feature (keeping its place and type) and the references to it."""

    def apply(data: dict[str, Any]) -> None:
        config = data["feature_groups"][int(group.split(".")[1])]
        config["features"] = {(name if f == "EventTime" else f): t for f, t in config["features"].items()}
        config["event_time_feature"] = name

    return apply


def test_iceberg_offline_store_with_a_fractional_event_time_fails_with_one_exact_line() -> None:
    data = example_data()
    data["feature_groups"][0]["features"]["EventTime"] = "Fractional"
    with pytest.raises(ConfigError) as caught:
        config_from(data)
    assert str(caught.value) == (
        "config error in test.yaml: feature_groups[0].features.EventTime: an Iceberg offline store takes only a "
        "String event time (ISO-8601 UTC, e.g. 2025-01-01T00:00:00Z), not Fractional"
    )
    assert caught.value.path == "feature_groups[0].features.EventTime"


CASES: list[tuple[str, Mutation, str, str]] = [
    (
        "iceberg with fractional event time",
        _set(f"{WEATHER}.features.EventTime", "Fractional"),
        "feature_groups[0].features.EventTime",
        "an Iceberg offline store takes only a String event time",
    ),
    (
        "glue group switched to iceberg keeps fractional",
        _set(f"{PROFILE}.offline_store.table_format", "Iceberg"),
        "feature_groups[1].features.EventTime",
        "not Fractional",
    ),
    (
        "iceberg by default offline store settings",
        _both(
            _set(f"{WEATHER}.features.EventTime", "Fractional"),
            _set(f"{WEATHER}.offline_store", {"table_format": "Iceberg"}),
        ),
        "feature_groups[0].features.EventTime",
        "takes only a String event time",
    ),
    (
        "event time named with a hyphen is named by event_time_feature",
        _both(_rename_event_time(WEATHER, "event-time"), _set(f"{WEATHER}.features.event-time", "Fractional")),
        "feature_groups[0].event_time_feature",
        "an Iceberg offline store takes only a String event time",
    ),
    (
        "integral event time is still refused as integral first",
        _set(f"{WEATHER}.features.EventTime", "Integral"),
        "feature_groups[0]",
        "must be Fractional or String, not Integral",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_feature_group_config(mutate: Mutation, path: str, reason: str) -> None:
    check_bad_config(mutate, path, reason)


@pytest.mark.parametrize(
    ("table_format", "offline_enabled", "event_type"),
    [
        ("Glue", True, "Fractional"),  # location-profile-v1 as in the example
        ("Glue", True, "String"),
        ("Iceberg", True, "String"),  # weather-observations-v1 as in the example
        ("Iceberg", False, "Fractional"),  # no offline store: its table format does not apply
    ],
)
def test_event_time_types_that_feature_store_accepts(table_format: str, offline_enabled: bool, event_type: str) -> None:
    data = example_data()
    group = data["feature_groups"][0]
    group["features"]["EventTime"] = event_type
    group["offline_store"] = {"enabled": offline_enabled, "table_format": table_format}
    config = config_from(data).feature_groups[0]
    assert config.features["EventTime"] == FeatureType(event_type)
    assert config.offline_store.table_format == TableFormat(table_format)


def test_the_example_writes_iso_event_times_to_its_iceberg_group() -> None:
    weather, profile = config_from(example_data()).feature_groups
    assert weather.offline_store.table_format == TableFormat.ICEBERG
    assert weather.features[weather.event_time_feature] == FeatureType.STRING
    assert profile.offline_store.table_format == TableFormat.GLUE  # Fractional stays allowed there
