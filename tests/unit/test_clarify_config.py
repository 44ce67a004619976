"""Clarify analysis configs and monitoring windows generated from config (issue #9)."""

from __future__ import annotations

import pytest

from ml_platform.clarify_config import analysis_config
from ml_platform.config import load_config
from ml_platform.constructs.endpoint_monitor import time_offsets

from ..helpers import EXAMPLE

MONITORS = {m.type.value: m for m in load_config(EXAMPLE).monitors}


def test_bias_config_names_label_facets_and_headers() -> None:
    config = analysis_config(MONITORS["model_bias"])
    assert config["label"] == "unhealthy" and config["label_values_or_threshold"] == [1]
    assert config["headers"] == ["pm25", "pm10", "no2", "o3"]
    assert config["facet"] == [{"name_or_index": "no2", "value_or_threshold": [40]}]
    assert config["methods"] == {"post_training_bias": {"methods": "all"}}
    assert config["predictor"] == {"content_type": "text/csv", "accept_type": "text/csv", "probability_threshold": 0.5}


def test_explainability_config_carries_the_shap_settings() -> None:
    shap = analysis_config(MONITORS["model_explainability"])["methods"]["shap"]
    assert shap["baseline"] == [[12.0, 20.0, 25.0, 60.0]]
    assert (shap["num_samples"], shap["agg_method"]) == (100, "mean_abs")


def test_quality_monitors_have_no_clarify_config() -> None:
    with pytest.raises(ValueError, match="take no Clarify analysis config"):
        analysis_config(MONITORS["data_quality"])


@pytest.mark.parametrize(
    ("schedule", "offsets"),
    [
        ("cron(0 * ? * * *)", ("-PT2H", "-PT1H")),
        ("cron(0 */6 ? * * *)", ("-PT7H", "-PT1H")),
        ("cron(0 0 ? * * *)", ("-PT25H", "-PT1H")),
        ("cron(0 13 ? * * *)", ("-PT25H", "-PT1H")),
    ],
)
def test_ground_truth_window_is_one_schedule_period_an_hour_ago(schedule: str, offsets: tuple[str, str]) -> None:
    assert time_offsets(schedule) == offsets
