"""Bad monitoring, retraining and observability configs (issue #9): one line, field and reason."""

from __future__ import annotations

import pytest

from .test_config_errors import Mutation, _both, _delete, _set, check_bad_config

QUALITY, BIAS, EXPLAIN = "monitors.1", "monitors.2", "monitors.3"
CASES: list[tuple[str, Mutation, str, str]] = [
    (
        "cron with five fields",
        _set("monitors.0.schedule", "cron(0 * ? * *)"),
        "monitors[0].schedule",
        "is not a Model Monitor schedule",
    ),
    (
        "cron every 15 minutes",
        _set("monitors.0.schedule", "cron(0/15 * ? * * *)"),
        "monitors[0].schedule",
        "is not a Model Monitor schedule",
    ),
    (
        "cron at minute 30",
        _set("monitors.0.schedule", "cron(30 * ? * * *)"),
        "monitors[0].schedule",
        "is not a Model Monitor schedule",
    ),
    (
        "cron hour 24",
        _set("monitors.0.schedule", "cron(0 24 ? * * *)"),
        "monitors[0].schedule",
        "is not a Model Monitor schedule",
    ),
    (
        "rate expression",
        _set("monitors.0.schedule", "rate(1 hour)"),
        "monitors[0].schedule",
        "is not a Model Monitor schedule",
    ),
    ("bias monitor without facet", _delete(f"{BIAS}.facets"), "monitors[2]", "needs facets"),
    ("bias monitor without label", _delete(f"{BIAS}.label"), "monitors[2]", "needs label"),
    ("bias monitor without ground truth", _delete(f"{BIAS}.ground_truth"), "monitors[2]", "needs ground_truth"),
    ("model quality without ground truth", _delete(f"{QUALITY}.ground_truth"), "monitors[1]", "needs ground_truth"),
    ("model quality without problem type", _delete(f"{QUALITY}.problem_type"), "monitors[1]", "needs problem_type"),
    ("unknown problem type", _set(f"{QUALITY}.problem_type", "Ranking"), "monitors[1].problem_type", "Input should be"),
    ("explainability without shap", _delete(f"{EXPLAIN}.shap"), "monitors[3]", "needs shap"),
    (
        "shap baseline row of the wrong width",
        _set(f"{EXPLAIN}.shap.baseline", [[1.0, 2.0]]),
        "monitors[3]",
        "needs 4 values",
    ),
    (
        "data quality with ground truth",
        _set("monitors.0.ground_truth", "s3://bucket-name/labels/"),
        "monitors[0]",
        "takes no ground_truth",
    ),
    (
        "monitor of a serverless endpoint",
        _set("monitors.0.endpoint", "weather-staging"),
        "monitors[0].endpoint",
        "captures no data",
    ),
    (
        "monitor of an async endpoint",
        _set("monitors.0.endpoint", "weather-batch-scoring"),
        "monitors[0].endpoint",
        "is asynchronous",
    ),
    (
        # A prod endpoint may not turn capture off at all (config_hosting_checks, issue #18), so a
        # monitor on it meets that first.
        "monitor with capture off",
        _set("endpoints.3.data_capture", {"enabled": False}),
        "endpoints[3].data_capture.enabled",
        "prod real-time endpoints capture data for Model Monitor",
    ),
    (
        "serverless with capture on",
        _set("endpoints.0.data_capture", {"enabled": True}),
        "endpoints[0]",
        "cannot capture data",
    ),
    (
        "capture sampling zero",
        _set("endpoints.3.data_capture", {"sampling_percentage": 0}),
        "endpoints[3].data_capture.sampling_percentage",
        "greater than or equal to 1",
    ),
    (
        "monitor runtime above an hour",
        _set("monitors.0.max_runtime_seconds", 7200),
        "monitors[0].max_runtime_seconds",
        "less than or equal to 3600",
    ),
    (
        "alarm threshold not a number",
        _set("monitors.0.alarm.threshold", "high"),
        "monitors[0].alarm.threshold",
        "valid number",
    ),
    (
        "retraining an unmonitored endpoint",
        _set("retraining.0.endpoint", "weather-alerts"),
        "retraining[0].endpoint",
        "has no monitors",
    ),
    (
        "retraining an unknown pipeline",
        _set("retraining.0.pipeline", "nightly"),
        "retraining[0].pipeline",
        "is not in 'model_builds'",
    ),
    (
        "retraining window zero",
        _set("retraining.0.window_hours", 0),
        "retraining[0].window_hours",
        "greater than or equal to 1",
    ),
    (
        # An external sink (an organisation's monitoring account) is allowed, in the region only
        # (issue #18: shared services' own sink needs no config; test_config_errors_locations
        # warns about a sink in an account that links to it).
        "sink in another region",
        _set("observability.sink_arn", "arn:aws:oam:eu-west-1:999999999999:sink/00000000-0000-4000-8000-000000000001"),
        "observability.sink_arn",
        "a link needs a sink in us-east-1, not eu-west-1",
    ),
    (
        "sink ARN malformed",
        _set("observability.sink_arn", "arn:aws:oam:us-east-1:111111111111:link/x"),
        "observability.sink_arn",
        "should match pattern",
    ),
    (
        "monitors in a region without images",
        _both(
            _set("organisation.region", "il-central-1"),
            _set("organisation.availability_zones", ["il-central-1a", "il-central-1b"]),
            _set("model_builds.0.training.debugger_rules", []),
            _set(
                "observability.sink_arn",
                "arn:aws:oam:il-central-1:111111111111:sink/00000000-0000-4000-8000-000000000001",
            ),
            _set(
                "platform_pipeline.connection_arn",
                "arn:aws:codeconnections:il-central-1:111111111111:connection/00000000-0000-4000-8000-000000000000",
            ),
        ),
        "monitors",
        "has no Model Monitor and Clarify images",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_monitoring_config(mutate: Mutation, path: str, reason: str) -> None:
    check_bad_config(mutate, path, reason)
