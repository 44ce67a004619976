"""Post-annotation requests in every shape AWS documents (issue #19, defects 1 and 2), and a full job's
worth of data objects through consolidation with nothing dropped silently.

Request and answer shapes: "Processing data in a custom labeling workflow with AWS Lambda",
https://docs.aws.amazon.com/sagemaker/latest/dg/sms-custom-templates-step3-lambda-requirements.html
(post-annotation request: ``labelCategories`` only when the categories come from the console or a label
category file; each answer's ``annotationData`` holds ``content`` or ``s3Uri``).
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]

from .labeling_stubs import *  # noqa: F403 - the post-annotation fixtures, which pytest finds by name
from .labeling_stubs import (
    ATTRIBUTE,
    POST_CONTEXT,
    answer,
    box,
    box_answer,
    data_object,
    expect_answer_file,
    expect_get_object,
    label_content,
    log_records,
    post_event,
)


@pytest.mark.parametrize("categories", [None, [], ["smoke", 1]], ids=["absent", "empty", "malformed"])
def test_a_request_without_usable_label_categories_uses_the_configured_ones(configure, stub, logs, categories):
    """A job created with CreateLabelingJob and no label category file sends no labelCategories (defect 1):
    the batch is consolidated with LABEL_CATEGORIES instead of failing as a whole."""
    answers = [answer("w1", "haze"), answer("w2", "haze"), answer("w3", "smoke")]
    expect_get_object(stub, [data_object("0", answers)])
    result = configure().lambda_handler(post_event(labelCategories=categories), POST_CONTEXT)
    assert [entry["consolidatedAnnotation"]["content"] for entry in result] == [label_content("haze", 0.67, 3)]
    assert log_records(logs, "No usable labelCategories in the request: using LABEL_CATEGORIES")


def test_the_request_categories_win_over_the_configured_ones(configure, stub):
    """When the request carries labelCategories they are the job's truth (a job may relabel categories)."""
    expect_get_object(stub, [data_object("0", [answer("w1", "fog")])])
    result = configure().lambda_handler(post_event(labelCategories=["fog"]), POST_CONTEXT)
    assert result[0]["consolidatedAnnotation"]["content"][ATTRIBUTE]["label"] == "fog"


def test_answers_given_as_files_are_read(configure, stub, logs):
    """``annotationData.s3Uri`` (defect 2): the file's JSON counts exactly like inline ``content``."""
    files = {f"answers/w{i}.json": {"category": {"label": "smoke"}} for i in (2, 3)}
    uris = {key: f"s3://ml-platform-labeling-output/{key}" for key in files}
    answers = [answer("w1", "haze")] + [
        {"workerId": f"w{i}", "annotationData": {"s3Uri": uris[f"answers/w{i}.json"]}} for i in (2, 3)
    ]
    expect_get_object(stub, [data_object("0", answers)])
    for key, document in files.items():
        expect_answer_file(stub, key, document)
    [entry] = configure().lambda_handler(post_event(), POST_CONTEXT)
    assert entry["consolidatedAnnotation"]["content"] == label_content("smoke", 0.67, 3)
    assert not log_records(logs, "Worker answers ignored")


def test_an_unreadable_answer_file_is_ignored_with_its_reason(configure, stub, logs):
    answers = [
        answer("w1", "haze"),
        {"workerId": "w2", "annotationData": {"s3Uri": "s3://ml-platform-labeling-output/gone.json"}},
        {"workerId": "w3", "annotationData": {"s3Uri": "not-a-uri"}},
    ]
    expect_get_object(stub, [data_object("0", answers)])
    expect_answer_file(stub, "gone.json", error="NoSuchKey")
    [entry] = configure().lambda_handler(post_event(), POST_CONTEXT)
    assert entry["consolidatedAnnotation"]["content"] == label_content("haze", 1.0, 1)
    [ignored] = log_records(logs, "Worker answers ignored")
    assert ignored["ignored"] == {
        "annotationData.s3Uri names no object (NoSuchKey)": 1,
        "annotationData.s3Uri is not an S3 URI": 1,
    }


@pytest.mark.parametrize("code", ["AccessDenied", "KMS.DisabledException"])
def test_an_answer_file_the_role_may_not_read_fails_the_invocation(configure, stub, logs, code):
    """A permission mistake must show (the invocation fails and is retried), not drop every file answer."""
    uri = "s3://ml-platform-labeling-output/denied.json"
    expect_get_object(stub, [data_object("0", [{"workerId": "w1", "annotationData": {"s3Uri": uri}}])])
    expect_answer_file(stub, "denied.json", error=code)
    with pytest.raises(ClientError, match=code):
        configure().lambda_handler(post_event(), POST_CONTEXT)
    assert log_records(logs, "Could not read the worker answers")[0]["error_code"] == code


def test_an_answer_file_still_throttled_fails_the_invocation_for_a_retry(modules, configure, stub, sleeps, logs):
    """Throttling is transient: losing the answer would be wrong, so Ground Truth retries the whole batch."""
    uri = "s3://ml-platform-labeling-output/slow.json"
    expect_get_object(stub, [data_object("0", [{"workerId": "w1", "annotationData": {"s3Uri": uri}}])])
    for _ in range(modules["labeling_request"].S3_RETRY.max_attempts):
        expect_answer_file(stub, "slow.json", error="SlowDown")
    with pytest.raises(ClientError, match="SlowDown"):
        configure().lambda_handler(post_event(), POST_CONTEXT)
    assert log_records(logs, "Could not read the worker answers")[0]["error_code"] == "SlowDown"


def _job(count: int, seed: int, task_type: str) -> list[dict[str, Any]]:
    """A job's worth of data objects: most answered by three workers, some with nothing usable, some without ID."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    items: list[dict[str, Any]] = []
    for index in range(count):
        kind = rng.random()
        if kind < 0.03:
            items.append({"dataObject": {"content": "no id"}, "annotations": [answer("w1", "haze")]})
        elif kind < 0.06:
            items.append(data_object(f"obj-{index}", [answer("w1", content="{")]))
        elif task_type == "classification":
            items.append(
                data_object(f"obj-{index}", [answer(f"w{w}", rng.choice(["smoke", "haze"])) for w in range(3)])
            )
        else:
            left, top = rng.randint(0, 600), rng.randint(0, 400)
            drawn = [[box("smoke", left + rng.randint(-2, 2), top, 30, 30)] for _ in range(3)]
            items.append(data_object(f"obj-{index}", [box_answer(f"w{w}", boxes) for w, boxes in enumerate(drawn)]))
    return items


@pytest.mark.parametrize("task_type", ["classification", "bounding_box"])
def test_a_full_job_loses_no_object_without_a_logged_reason(configure, stub, logs, task_type):
    """1,200 data objects: every one is either in the response or logged as skipped, with its reason."""
    items = _job(1200, seed=19, task_type=task_type)
    expect_get_object(stub, items)
    result = configure(TASK_TYPE=task_type).lambda_handler(post_event(), POST_CONTEXT)
    answered = [entry["datasetObjectId"] for entry in result]
    skipped = log_records(logs, "Data object skipped")
    reasons = {record["reason"] for record in skipped}
    assert reasons == {"no datasetObjectId", "no valid annotation"}
    assert len(answered) + len(skipped) == len(items)
    with_id = [item["datasetObjectId"] for item in items if "datasetObjectId" in item]
    skipped_ids = [record["dataset_object_id"] for record in skipped if record["reason"] != "no datasetObjectId"]
    assert sorted(answered + skipped_ids) == sorted(with_id)
    assert len(answered) > 1000  # the well-answered ones are all consolidated
    summary = log_records(logs, "Annotations consolidated")[0]
    assert (summary["data_objects"], summary["consolidated"]) == (len(items), len(result))
