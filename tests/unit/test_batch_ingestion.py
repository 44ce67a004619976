"""The batch ingestion job's row-to-record logic (assets/glue/batch_feature_ingestion.py)."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from ml_platform.context import PROJECT_ROOT


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "batch_ingestion", PROJECT_ROOT / "assets" / "glue" / "batch_feature_ingestion.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


job = _load()
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
MAPPING = {"location": "location", "city": "city", "latitude": "latitude", "EventTime": "@ingestion_time"}


class RecordingClient:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def put_record(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


def test_row_becomes_a_record_with_ingestion_time() -> None:
    record = job.to_record({"location": "Delhi-1", "city": "Delhi", "latitude": 28.61}, MAPPING, NOW)
    assert record == [
        {"FeatureName": "location", "ValueAsString": "Delhi-1"},
        {"FeatureName": "city", "ValueAsString": "Delhi"},
        {"FeatureName": "latitude", "ValueAsString": "28.61"},
        {"FeatureName": "EventTime", "ValueAsString": repr(NOW.timestamp())},
    ]


def test_missing_and_nan_values_are_left_out_and_timestamps_become_epoch() -> None:
    mapping = {"location": "location", "city": "city", "EventTime": "utc"}
    utc = datetime(2026, 1, 1, tzinfo=UTC)
    record = job.to_record({"location": "x", "city": float("nan"), "utc": utc}, mapping, NOW)
    assert record == [
        {"FeatureName": "location", "ValueAsString": "x"},
        {"FeatureName": "EventTime", "ValueAsString": repr(utc.timestamp())},
    ]


def test_rows_without_identifier_are_skipped_not_written() -> None:
    client = RecordingClient()
    rows = [{"location": "a", "city": "A", "latitude": 1.0}, {"city": "B"}]
    assert job.put_all(client, "location-profile-v1", rows, MAPPING, "location", NOW) == (1, 1)
    assert client.calls[0]["FeatureGroupName"] == "location-profile-v1"
    assert client.calls[0]["Record"][0] == {"FeatureName": "location", "ValueAsString": "a"}
