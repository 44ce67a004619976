"""Bounding box consolidation by overlap (issue #19, defect 3): objects are matched across workers by IoU,
kept when a majority drew them, averaged per object, with the share of workers as confidence.

Answer and output shapes: the bounding box task's ``boundingBoxes`` answer and Ground Truth's object
detection output, https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html#sms-output-box and
https://docs.aws.amazon.com/sagemaker/latest/dg/sms-custom-templates-step3-lambda-requirements.html.
"""

from __future__ import annotations

import pytest

from .labeling_stubs import *  # noqa: F403 - the post-annotation fixtures, which pytest finds by name
from .labeling_stubs import (
    ATTRIBUTE,
    POST_CONTEXT,
    box,
    box_answer,
    data_object,
    expect_get_object,
    log_records,
    post_event,
)


def consolidate(configure, stub, answers, **env):
    """(annotations, confidences) of one image's consolidated boxes."""
    expect_get_object(stub, [data_object("img", answers)])
    [entry] = configure(TASK_TYPE="bounding_box", **env).lambda_handler(post_event(), POST_CONTEXT)
    content = entry["consolidatedAnnotation"]["content"]
    confidences = [o["confidence"] for o in content[f"{ATTRIBUTE}-metadata"]["objects"]]
    return content[ATTRIBUTE]["annotations"], confidences


def coords(annotation):
    return tuple(annotation[k] for k in ("class_id", "left", "top", "width", "height"))


def test_stacked_objects_with_the_same_left_edge_stay_apart(configure, stub):
    """Birds on a pole: same left edge, different heights. Sorting by position paired them across workers
    in the wrong order; overlap matching keeps each bird its own box."""
    upper, lower = box("smoke", 100, 10, 20, 20), box("smoke", 100, 200, 20, 20)
    answers = [
        box_answer("w1", [upper, lower]),
        box_answer("w2", [box("smoke", 100, 202, 20, 20), box("smoke", 100, 12, 20, 20)]),  # listed bottom first
        box_answer("w3", [box("smoke", 100, 201, 20, 20)]),  # missed the upper one
    ]
    annotations, confidences = consolidate(configure, stub, answers)
    assert sorted(map(coords, annotations)) == [(0, 100, 11, 20, 20), (0, 100, 201, 20, 20)]
    by_top = dict(zip([a["top"] for a in annotations], confidences, strict=True))
    assert by_top == {11: 0.67, 201: 1.0}  # no averaged box where nobody drew one, and honest confidence


@pytest.mark.parametrize(
    ("counts", "expected_objects"),
    [((1, 2, 3), 2), ((3, 3, 1), 3), ((1, 1, 1), 1), ((3, 0, 0), 0)],
    ids=["1-2-3", "3-3-1", "1-1-1", "3-0-0"],
)
def test_workers_drawing_different_numbers_of_boxes(configure, stub, counts, expected_objects):
    """Three objects; each worker draws the first ``n`` of them. An object two of three drew is kept: the
    modal-count rule dropped objects most workers agreed on."""
    objects = [box("haze", 10, 10, 50, 50), box("haze", 200, 10, 50, 50), box("haze", 400, 300, 50, 50)]
    answers = [box_answer(f"w{w}", objects[:n]) for w, n in enumerate(counts)]
    annotations, confidences = consolidate(configure, stub, answers)
    assert len(annotations) == expected_objects
    for annotation, confidence in zip(annotations, confidences, strict=True):
        drawn_by = sum(1 for n in counts if any(coords(annotation)[1:3] == (o["left"], o["top"]) for o in objects[:n]))
        assert confidence == round(drawn_by / 3, 2) and drawn_by >= 2


def test_a_single_worker_is_the_majority_of_one(configure, stub):
    annotations, confidences = consolidate(configure, stub, [box_answer("w1", [box("clear", 5, 5, 10, 10)])])
    assert list(map(coords, annotations)) == [(2, 5, 5, 10, 10)] and confidences == [1.0]


def test_overlapping_objects_of_different_classes_never_merge(configure, stub):
    same_place = [box("smoke", 50, 50, 40, 40), box("haze", 52, 50, 40, 40)]
    annotations, _ = consolidate(configure, stub, [box_answer(f"w{w}", same_place) for w in range(3)])
    assert sorted(map(coords, annotations)) == [(0, 50, 50, 40, 40), (1, 52, 50, 40, 40)]


def test_boxes_at_the_image_edge(configure, stub):
    """Boxes touching the top-left corner and the right edge of a 640x480 image: matched and averaged like
    any other, never pushed below zero."""
    answers = [
        box_answer("w1", [box("smoke", 0, 0, 30, 30), box("haze", 610, 450, 30, 30)]),
        box_answer("w2", [box("smoke", 0, 1, 31, 30), box("haze", 611, 451, 29, 29)]),
        box_answer("w3", [box("smoke", 1, 0, 30, 29), box("haze", 612, 450, 28, 30)]),
    ]
    annotations, confidences = consolidate(configure, stub, answers)
    assert sorted(map(coords, annotations)) == [(0, 0, 0, 30, 30), (1, 611, 450, 29, 30)]
    assert confidences == [1.0, 1.0]


def test_the_overlap_threshold_comes_from_the_settings(configure, stub):
    """Two boxes overlapping by IoU 0.6: one object at the default 0.5, two (each without a majority) at 0.7."""
    answers = [box_answer("w1", [box("smoke", 0, 0, 100, 100)]), box_answer("w2", [box("smoke", 25, 0, 100, 100)])]
    annotations, _ = consolidate(configure, stub, answers)
    assert list(map(coords, annotations)) == [(0, 13, 0, 100, 100)]
    expect_get_object(stub, [data_object("img", answers)])
    [entry] = configure(TASK_TYPE="bounding_box", BOX_MATCH_IOU="0.7").lambda_handler(post_event(), POST_CONTEXT)
    assert entry["consolidatedAnnotation"]["content"][ATTRIBUTE]["annotations"] == []


def test_objects_without_a_majority_are_counted_in_the_log(configure, stub, logs):
    answers = [box_answer("w1", [box("smoke", 0, 0, 10, 10)]), box_answer("w2", []), box_answer("w3", [])]
    annotations, _ = consolidate(configure, stub, answers)
    assert annotations == []
    [record] = log_records(logs, "Objects without a majority left out")
    assert record["objects"] == 1 and record["dataset_object_id"] == "img"


@pytest.mark.parametrize(("value", "problem"), [("0", "is not in"), ("1.5", "is not in"), ("x", "is not a number")])
def test_a_bad_threshold_fails_the_cold_start(modules, value, problem):
    logic = modules["labeling_request"]
    with pytest.raises(logic.ConfigurationError, match=rf"BOX_MATCH_IOU: '{value}' {problem}"):
        logic.Settings.from_env({"LABEL_CATEGORIES": '["a"]', "BOX_MATCH_IOU": value})
