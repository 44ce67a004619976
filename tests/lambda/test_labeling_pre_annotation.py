"""Ground Truth pre-annotation Lambda: the task input for text classification, and malformed data objects."""

from __future__ import annotations

import json

import pytest

from .doubles import captured_logs
from .labeling_stubs import CATEGORIES, JOB_ARN, PRE_ASSET, PRE_CONTEXT, load_pre, log_records, pre_event

TEXT = "Thick grey haze over the ridge since 6am, no visible flames."
IMAGE = "s3://ml-platform-raw/images/cam-17/2025-01-01T06:00:00Z.jpg"


@pytest.fixture(scope="module")
def modules(aws_offline_env):
    return load_pre()


@pytest.fixture
def logic(modules):
    return modules[0]


@pytest.fixture
def handler(modules):
    return modules[1]


@pytest.fixture
def logs(handler):
    with captured_logs(handler.logger) as stream:
        yield stream


def test_text_source_becomes_the_task_object(handler, logs):
    result = handler.lambda_handler(pre_event({"source": TEXT}), PRE_CONTEXT)
    assert result == {"taskInput": {"taskObject": TEXT, "labels": CATEGORIES}, "isHumanAnnotationRequired": "true"}
    [record] = log_records(logs, "Task input built")
    assert record["data_object_kind"] == "source" and record["labeling_job_arn"] == JOB_ARN
    assert TEXT not in logs.getvalue()


def test_source_ref_passes_the_s3_uri_for_the_template_to_read(handler, logs):
    result = handler.lambda_handler(pre_event({"source-ref": IMAGE, "camera": "cam-17"}), PRE_CONTEXT)
    assert result == {"taskInput": {"taskObject": IMAGE, "labels": CATEGORIES}, "isHumanAnnotationRequired": "true"}
    assert log_records(logs, "Task input built")[0]["data_object_kind"] == "source-ref"


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (["not", "an", "object"], "must be a JSON object, got list"),
        (pre_event(), "has no dataObject"),
        (pre_event("s3://bucket/key"), "dataObject must be a JSON object, got str"),
        (pre_event([{"source": TEXT}]), "dataObject must be a JSON object, got list"),
        (pre_event({}), 'neither "source" nor "source-ref"'),
        (pre_event({"source_ref": IMAGE}), r"neither .* \(keys: \['source_ref'\]\)"),
        (pre_event({"source": TEXT, "source-ref": IMAGE}), "both"),
        (pre_event({"source": ""}), r'dataObject\["source"\] is empty'),
        (pre_event({"source": " \n\t"}), r'dataObject\["source"\] is empty'),
        (pre_event({"source-ref": ""}), r'dataObject\["source-ref"\] is empty'),
        (pre_event({"source": 42}), r'dataObject\["source"\] must be a string, got int'),
        (pre_event({"source": None}), r'dataObject\["source"\] must be a string, got NoneType'),
        (pre_event({"source-ref": {"s3Uri": IMAGE}}), r'dataObject\["source-ref"\] must be a string, got dict'),
        (pre_event({"source-ref": "https://example.com/a.jpg"}), "must be an S3 URI"),
        (pre_event({"source-ref": "s3://ml-platform-raw"}), "must be an S3 URI"),
        (pre_event({"source-ref": "s3://ml-platform-raw/"}), "must be an S3 URI"),
        (pre_event({"source-ref": "s3://Bad_Bucket/key"}), "must be an S3 URI"),
    ],
)
def test_malformed_data_objects_are_rejected_with_the_reason(handler, logs, event, message):
    with pytest.raises(ValueError, match=message):
        handler.lambda_handler(event, PRE_CONTEXT)
    [record] = log_records(logs, "Data object rejected")
    assert record["level"] == "WARNING"
    assert not log_records(logs, "Task input built")


def test_settings_are_parsed_once_at_import(handler, logic):
    assert handler._settings == logic.Settings(label_categories=tuple(CATEGORIES))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "required"),
        ("   ", "required"),
        ("smoke,haze", "not valid JSON"),
        ('{"smoke": 1}', "expected a JSON list of strings, got dict"),
        ('"smoke"', "expected a JSON list of strings, got str"),
        ("[]", "at least one label category is required"),
        ('["smoke", 3]', "every label must be a non-blank string, got 3"),
        ('["smoke", " "]', "every label must be a non-blank string, got ' '"),
        ('["smoke", "haze", "smoke", "haze"]', "duplicate labels: haze, smoke"),
    ],
)
def test_invalid_label_categories_name_the_variable(logic, value, message):
    env = {} if value is None else {"LABEL_CATEGORIES": value}
    with pytest.raises(logic.ConfigurationError, match=rf"^Invalid environment: LABEL_CATEGORIES: {message}"):
        logic.Settings.from_env(env)


def test_label_categories_keep_their_order(logic):
    settings = logic.Settings.from_env({"LABEL_CATEGORIES": json.dumps(["clear", "smoke", "haze"])})
    assert settings.label_categories == ("clear", "smoke", "haze")


def test_asset_has_no_bytecode(modules):
    assert sorted(path.name for path in PRE_ASSET.iterdir()) == ["handler.py", "labeling_task_input.py"]
