"""Ground Truth post-annotation (consolidation) Lambda: worker answers read from a stubbed S3 (botocore's
real model through an active Stubber), majority votes, bounding box averages, and skipped data objects."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]

from .labeling_stubs import *  # noqa: F403 - the post-annotation fixtures, which pytest finds by name
from .labeling_stubs import (
    ATTRIBUTE,
    CATEGORIES,
    CREATION_DATE,
    JOB_ARN,
    JOB_NAME,
    POST_ASSET,
    POST_CONTEXT,
    answer,
    box,
    box_answer,
    data_object,
    expect_get_object,
    label_content,
    log_records,
    post_event,
)


def run(configure, stub, items, **env):
    expect_get_object(stub, items)
    return configure(**env).lambda_handler(post_event(), POST_CONTEXT)


def test_one_worker_gives_full_confidence(configure, stub, logs):
    result = run(configure, stub, [data_object("0", [answer("w1", "haze")], source="grey sky")])
    assert result == [{"datasetObjectId": "0", "consolidatedAnnotation": {"content": label_content("haze", 1.0, 1)}}]
    [summary] = log_records(logs, "Annotations consolidated")
    assert (summary["data_objects"], summary["consolidated"], summary["skipped"], summary["ties"]) == (1, 1, 0, 0)
    assert summary["labeling_job_arn"] == JOB_ARN and summary["function_name"] == "labeling-post-annotation"


def test_three_and_five_workers_majority_vote(configure, stub):
    three = [answer("w1", "haze"), answer("w2", "smoke"), answer("w3", "haze")]
    # The other common template shape: the crowd-classifier element's name as the key.
    five = [answer(f"w{i}", {"a": "clear", "b": "smoke", "c": "haze"}[c]) for i, c in enumerate("ababb", 1)]
    result = run(configure, stub, [data_object("3", three), data_object("5", five)])
    assert [entry["consolidatedAnnotation"]["content"] for entry in result] == [
        label_content("haze", 0.67, 3),
        label_content("smoke", 0.6, 5),
    ]
    assert [entry["datasetObjectId"] for entry in result] == ["3", "5"]


def test_crowd_classifier_answers_are_understood(configure, stub):
    answers = [answer(f"w{i}", "clear", element="crowd-classifier") for i in range(4)] + [answer("w9", "smoke")]
    [entry] = run(configure, stub, [data_object("7", answers)])
    assert entry["consolidatedAnnotation"]["content"] == label_content("clear", 0.8, 5)


@pytest.mark.parametrize(("tie_break", "winner"), [("first", "smoke"), ("alphabetical", "haze")])
def test_ties_follow_the_tie_break(configure, stub, logs, tie_break, winner):
    # Categories are smoke, haze, clear: "first" picks smoke (listed first), "alphabetical" haze.
    answers = [answer("w1", "haze"), answer("w2", "smoke"), answer("w3", "haze"), answer("w4", "smoke")]
    [entry] = run(configure, stub, [data_object("0", answers)], TIE_BREAK=tie_break)
    assert entry["consolidatedAnnotation"]["content"] == label_content(winner, 0.5, 4)
    assert log_records(logs, "Annotations consolidated")[0]["ties"] == 1


def test_default_tie_break_is_first_in_category_order(modules):
    settings = modules["labeling_request"].Settings(tuple(CATEGORIES), "classification", "first", 0.5)
    assert modules["handler"]._settings == settings


def test_malformed_and_unknown_answers_are_ignored_and_the_others_count(configure, stub, logs):
    answers = [
        answer("w1", "smoke"),
        answer("w2", content='{"category": {"label": "haze"'),  # cut off
        answer("w3", "volcano"),  # not a label category
        answer("w4", "haze"),
        answer("w5", "smoke"),
        answer("w1", "haze"),  # the same worker again: only the first answer counts
        {"workerId": "w6", "annotationData": {}},
        answer("w7", content="[]"),
        answer("w8", content='{"category": {"choice": "haze"}}'),
        answer("w9", content='{"a": {"label": "haze"}, "b": {"label": "smoke"}}'),
        answer("w10", 3),
    ]
    [entry] = run(configure, stub, [data_object("0", answers)])
    assert entry["consolidatedAnnotation"]["content"] == label_content("smoke", 0.67, 3)
    [ignored] = log_records(logs, "Worker answers ignored")
    assert ignored["dataset_object_id"] == "0" and ignored["answers"] == 11
    assert ignored["ignored"] == {
        "the answer is not valid JSON": 1,
        "label not in labelCategories": 1,
        "another answer of the same worker": 1,
        "annotationData has neither content nor s3Uri": 1,
        "the answer is not a JSON object": 1,
        "no label in the answer": 1,
        "several different labels in the answer": 1,
        "the label is not a string": 1,
    }
    assert "volcano" not in logs.getvalue()  # reasons only, never the answers


def test_objects_without_anything_valid_are_skipped_and_reported(configure, stub, logs):
    items = [
        data_object("empty", []),
        data_object("missing", None),
        data_object("ok", [answer("w1", "clear")]),
        data_object("bad", [answer("w1", content="not json"), answer("w2", "volcano")]),
        {"dataObject": {"content": "no id"}, "annotations": [answer("w1", "clear")]},
        "not an object",
    ]
    result = run(configure, stub, items)
    assert [entry["datasetObjectId"] for entry in result] == ["ok"]
    skipped = {r["dataset_object_id"]: r["reason"] for r in log_records(logs, "Data object skipped")}
    assert skipped == {
        "empty": "no annotations",
        "missing": "no annotations",
        "bad": "no valid annotation",
        "None": "no datasetObjectId",
    }
    assert len(log_records(logs, "Data object skipped")) == 5
    summary = log_records(logs, "Annotations consolidated")[0]
    assert (summary["data_objects"], summary["consolidated"], summary["skipped"]) == (6, 1, 5)


def test_integer_object_ids_are_echoed_unchanged(configure, stub):
    [entry] = run(configure, stub, [{**data_object("x", [answer("w1", "haze")]), "datasetObjectId": 12}])
    assert entry["datasetObjectId"] == 12


@pytest.mark.parametrize("code", ["NoSuchKey", "AccessDenied"])
def test_s3_errors_raise_without_retry(configure, stub, sleeps, logs, code):
    expect_get_object(stub, error=code)
    with pytest.raises(ClientError, match=code):
        configure().lambda_handler(post_event(), POST_CONTEXT)
    assert sleeps == []
    assert log_records(logs, "Could not read the worker answers")[0]["error_code"] == code


def test_slow_down_is_retried_then_succeeds(configure, stub, sleeps):
    expect_get_object(stub, error="SlowDown")
    expect_get_object(stub, error="SlowDown")
    expect_get_object(stub, [data_object("0", [answer("w1", "haze")])])
    result = configure().lambda_handler(post_event(), POST_CONTEXT)
    assert [entry["datasetObjectId"] for entry in result] == ["0"]
    assert sleeps == [0.5, 1.0]


def test_slow_down_gives_up_after_bounded_attempts(modules, configure, stub, sleeps):
    for _ in range(modules["labeling_request"].S3_RETRY.max_attempts):
        expect_get_object(stub, error="SlowDown")
    with pytest.raises(ClientError, match="SlowDown"):
        configure().lambda_handler(post_event(), POST_CONTEXT)
    assert sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize(("raw", "message"), [(b"{not json", "is not valid JSON"), (b'{"a": 1}', "got dict")])
def test_a_malformed_payload_fails_the_batch(configure, stub, raw, message):
    expect_get_object(stub, raw=raw)
    with pytest.raises(ValueError, match=message):
        configure().lambda_handler(post_event(), POST_CONTEXT)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"labelingJobArn": None}, "labelingJobArn must be"),
        ({"labelingJobArn": "arn:aws:sagemaker:us-east-1:111122223333:training-job/x"}, "labelingJobArn must be"),
        ({"labelAttributeName": None}, "labelAttributeName must be"),
        ({"labelAttributeName": "sky condition"}, "labelAttributeName must be"),
        ({"payload": None}, "payload.s3Uri must be"),
        ({"payload": {"s3Uri": "s3://bucket-only"}}, "payload.s3Uri must be"),
    ],
)
def test_malformed_requests_fail_before_reading_s3(configure, stub, logs, overrides, message):
    with pytest.raises(ValueError, match=message):
        configure().lambda_handler(post_event(**overrides), POST_CONTEXT)
    assert log_records(logs, "Invalid post-annotation request")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TASK_TYPE": "segmentation"}, "TASK_TYPE: 'segmentation' is not one of classification, bounding_box$"),
        ({"TIE_BREAK": "random"}, "TIE_BREAK: 'random' is not one of first, alphabetical$"),
        ({"TASK_TYPE": "x", "TIE_BREAK": "y"}, "TASK_TYPE: 'x' .*; TIE_BREAK: 'y' "),
    ],
)
def test_invalid_settings_name_the_variable(modules, env, message):
    logic = modules["labeling_request"]
    with pytest.raises(logic.ConfigurationError, match=rf"^Invalid environment: {message}"):
        logic.Settings.from_env(env)


def test_bounding_boxes_of_three_workers_are_averaged(configure, stub, logs):
    answers = [
        box_answer("w1", [box("smoke", 10, 20, 30, 40), box("clear", 0, 0, 5, 5)]),
        # Unusable boxes are dropped: a negative position, a zero size. Kept, they would make clear a majority.
        box_answer("w2", [box("smoke", 12, 21, 30, 41), box("clear", -1, 0, 5, 5)]),
        box_answer("w3", [box("smoke", 11, 22, 33, 42), box("haze", 1, 1, 2, 2), box("clear", 0, 0, 0, 5)]),
    ]
    [entry] = run(configure, stub, [data_object("img-1", answers)], TASK_TYPE="bounding_box")
    assert entry == {
        "datasetObjectId": "img-1",
        "consolidatedAnnotation": {
            "content": {
                ATTRIBUTE: {
                    # clear and haze were drawn by one worker of three only: dropped.
                    "annotations": [{"class_id": 0, "left": 11, "top": 21, "width": 31, "height": 41}],
                    "workers": 3,
                    "image_size": [{"width": 640, "height": 480}],
                },
                f"{ATTRIBUTE}-metadata": {
                    "objects": [{"confidence": 1.0}],
                    "class-map": {str(i): label for i, label in enumerate(CATEGORIES)},
                    "type": "groundtruth/object-detection",
                    "human-annotated": "yes",
                    "creation-date": CREATION_DATE,
                    "job-name": JOB_NAME,
                },
            }
        },
    }


def test_bounding_boxes_several_per_label_and_invalid_ones(configure, stub):
    answers = [
        # Two smoke plumes, listed in any order; each matched by overlap across workers.
        box_answer("w1", [box("smoke", 300, 50, 40, 40), box("smoke", 10, 10, 20, 20), box("haze", 0, 0, 9, 9)]),
        box_answer("w2", [box("smoke", 13, 10, 20, 20), box("smoke", 302, 52, 41, 40)]),
        box_answer("w3", [box("smoke", 11, 12, 21, 20)]),  # saw the first plume only
        box_answer("w4", [box("haze", 1, 1, 9, 9), box("volcano", 1, 1, 1, 1), box("haze", -1, 0, 5, 5)]),
        box_answer("w5", [box("volcano", 5, 5, 5, 5), {"label": "smoke", "left": "1"}]),  # nothing usable
        box_answer("w6", []),  # nothing to label: still a vote
        answer("w7", content='{"boundingBox": {"inputImageProperties": {}}}'),
    ]
    [entry] = run(configure, stub, [data_object("img-2", answers)], TASK_TYPE="bounding_box")
    content = entry["consolidatedAnnotation"]["content"]
    # The first plume: w1, w2 and w3 drew it, 3 of the 5 valid workers (w1-w4 and w6). The second plume
    # (2 of 5) and haze (2 of 5) have no majority.
    assert content[ATTRIBUTE]["annotations"] == [{"class_id": 0, "left": 11, "top": 11, "width": 20, "height": 20}]
    assert content[ATTRIBUTE]["workers"] == 5
    assert content[f"{ATTRIBUTE}-metadata"]["objects"] == [{"confidence": 0.6}]


def test_bounding_box_labels_need_a_strict_majority(configure, stub):
    smoke, haze = box("smoke", 10, 10, 10, 10), box("haze", 50, 50, 10, 10)
    answers = [box_answer("w1", [smoke, haze]), box_answer("w2", [smoke, haze]), box_answer("w3", [smoke])]
    answers.append(box_answer("w4", [smoke]))
    [entry] = run(configure, stub, [data_object("img-5", answers)], TASK_TYPE="bounding_box")
    content = entry["consolidatedAnnotation"]["content"]
    assert [a["class_id"] for a in content[ATTRIBUTE]["annotations"]] == [0]  # haze: 2 of 4 is no majority
    assert content[f"{ATTRIBUTE}-metadata"]["objects"] == [{"confidence": 1.0}]


def test_bounding_box_rounding_is_half_up(configure, stub):
    answers = [box_answer("w1", [box("haze", 12, 0, 10, 10)]), box_answer("w2", [box("haze", 13, 1, 11, 10)])]
    [entry] = run(configure, stub, [data_object("img-3", answers)], TASK_TYPE="bounding_box")
    assert entry["consolidatedAnnotation"]["content"][ATTRIBUTE]["annotations"] == [
        {"class_id": 1, "left": 13, "top": 1, "width": 11, "height": 10}
    ]


def test_bounding_box_object_without_valid_answers_is_skipped(configure, stub, logs):
    answers = [answer("w1", content="oops"), box_answer("w2", [box("volcano", 1, 1, 1, 1)])]
    assert run(configure, stub, [data_object("img-4", answers)], TASK_TYPE="bounding_box") == []
    assert log_records(logs, "Data object skipped")[0]["reason"] == "no valid annotation"


def test_creation_date_is_utc_without_offset(modules):
    from datetime import datetime, timedelta, timezone

    local = datetime(2025, 1, 1, 14, 30, 45, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert modules["labeling_consolidation"].creation_date(local) == CREATION_DATE


def test_asset_has_no_bytecode(modules):
    names = sorted(path.name for path in POST_ASSET.iterdir())
    assert names == [
        "handler.py",
        "labeling_answers.py",
        "labeling_boxes.py",
        "labeling_consolidation.py",
        "labeling_request.py",
    ]
