"""Consolidate the workers' answers for one data object into Ground Truth's output format.

Classification: majority vote over the workers' valid labels; confidence = winner's votes / valid votes
(2 decimals). Ties go to the tied label that comes first in labelCategories (TIE_BREAK=first) or to the
alphabetically smallest one (TIE_BREAK=alphabetical). Output content::

    {<attr>: {"label", "confidence", "workers"},
     <attr>-metadata: {"class-name", "confidence", "type": "groundtruth/text-classification",
                       "human-annotated": "yes", "creation-date", "job-name"}}

Bounding boxes: the workers' boxes are matched into objects by overlap (IoU at or above BOX_MATCH_IOU, see
labeling_boxes.py); an object drawn by a strict majority of the valid workers is kept, with the mean of its
boxes and the share of workers who drew it as its confidence. Output content follows Ground Truth's object
detection format, plus the number of valid workers::

    {<attr>: {"annotations": [{"class_id", "left", "top", "width", "height"}], "image_size": [...], "workers"},
     <attr>-metadata: {"objects": [{"confidence"}], "class-map", "type": "groundtruth/object-detection",
                       "human-annotated": "yes", "creation-date", "job-name"}}

A data object without any valid answer is skipped (no entry): the caller logs it and goes on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from labeling_answers import (
    AnswerFileReader,
    BoxAnswer,
    InvalidAnswer,
    answer_document,
    parse_boxes,
    parse_label,
    worker_id,
)
from labeling_boxes import consolidate_label
from labeling_request import Request, Settings

T = TypeVar("T")
CLASSIFICATION_TYPE = "groundtruth/text-classification"
OBJECT_DETECTION_TYPE = "groundtruth/object-detection"


@dataclass
class Outcome:
    """What became of one data object: its output entry, or None and why it was skipped."""

    dataset_object_id: Any
    entry: dict[str, Any] | None = None
    skip_reason: str = ""
    answers: int = 0
    valid: int = 0
    tie: bool = False
    ignored: Counter[str] = field(default_factory=Counter)  # reason -> answers ignored for it
    objects_without_majority: int = 0  # bounding boxes: objects too few workers drew, left out


def creation_date(now: datetime) -> str:
    """Ground Truth's format: ISO 8601 in UTC without an offset, e.g. 2018-10-18T22:18:13.527256."""
    return now.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def _metadata(request: Request, kind: str, date: str, **fields: Any) -> dict[str, Any]:
    return {**fields, "type": kind, "human-annotated": "yes", "creation-date": date, "job-name": request.job_name}


def _answers(annotations: list[Any], outcome: Outcome, read_file: AnswerFileReader) -> Iterable[dict[str, Any]]:
    """The JSON document of each worker's first answer only: a repeated workerId would otherwise vote twice."""
    seen: set[str] = set()
    for annotation in annotations:
        worker = worker_id(annotation)
        if worker is not None and worker in seen:
            outcome.ignored["another answer of the same worker"] += 1
            continue
        if worker is not None:
            seen.add(worker)
        try:
            yield answer_document(annotation, read_file)
        except InvalidAnswer as reason:
            outcome.ignored[str(reason)] += 1


def _parsed(
    answers: Iterable[dict[str, Any]],
    parse: Callable[[dict[str, Any], tuple[str, ...]], T],
    request: Request,
    outcome: Outcome,
) -> list[T]:
    """Each answer parsed with ``parse``; an unusable one is counted under its reason and left out."""
    valid: list[T] = []
    for document in answers:
        try:
            valid.append(parse(document, request.label_categories))
        except InvalidAnswer as reason:
            outcome.ignored[str(reason)] += 1
    outcome.valid = len(valid)
    return valid


def _content(request: Request, kind: str, date: str, value: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    attribute = request.label_attribute_name
    return {attribute: value, f"{attribute}-metadata": _metadata(request, kind, date, **metadata)}


def _classify(votes: list[str], request: Request, settings: Settings, date: str, outcome: Outcome) -> dict[str, Any]:
    counts = Counter(votes)
    top = max(counts.values())
    tied = [label for label in request.label_categories if counts[label] == top]
    winner = tied[0] if settings.tie_break == "first" else min(tied)
    outcome.tie = len(tied) > 1
    confidence = round(top / len(votes), 2)
    value = {"label": winner, "confidence": confidence, "workers": len(votes)}
    return _content(request, CLASSIFICATION_TYPE, date, value, **{"class-name": winner, "confidence": confidence})


def _detect(
    valid: list[BoxAnswer], request: Request, settings: Settings, date: str, outcome: Outcome
) -> dict[str, Any]:
    boxes, objects = [], []
    for class_id, label in enumerate(request.label_categories):
        kept, dropped = consolidate_label(valid, label, settings.box_match_iou)
        outcome.objects_without_majority += dropped
        for box in kept:
            boxes.append({"class_id": class_id, **box.coordinates})
            objects.append({"confidence": round(box.workers / len(valid), 2)})
    content: dict[str, Any] = {"annotations": boxes, "workers": len(valid)}
    image_size = next((answer.image_size for answer in valid if answer.image_size), None)
    if image_size:
        content["image_size"] = [image_size]
    class_map = {str(class_id): label for class_id, label in enumerate(request.label_categories)}
    return _content(request, OBJECT_DETECTION_TYPE, date, content, objects=objects, **{"class-map": class_map})


def consolidate_object(
    item: Any, request: Request, settings: Settings, date: str, read_file: AnswerFileReader
) -> Outcome:
    """One data object of the payload; ``outcome.entry`` is its output entry, None if it was skipped."""
    object_id = item.get("datasetObjectId") if isinstance(item, dict) else None
    if not isinstance(object_id, str | int) or isinstance(object_id, bool) or object_id == "":
        return Outcome(dataset_object_id=object_id, skip_reason="no datasetObjectId")
    outcome = Outcome(dataset_object_id=object_id)
    annotations = item.get("annotations")
    if not isinstance(annotations, list) or not annotations:
        outcome.skip_reason = "no annotations"
        return outcome
    outcome.answers = len(annotations)
    answers = _answers(annotations, outcome, read_file)
    boxes = settings.task_type == "bounding_box"
    valid: list[Any] = _parsed(answers, parse_boxes if boxes else parse_label, request, outcome)
    if not valid:
        outcome.skip_reason = "no valid annotation"
    else:
        # The ID is echoed as sent: Ground Truth matches the entries to its data objects by it.
        content = (_detect if boxes else _classify)(valid, request, settings, date, outcome)
        outcome.entry = {"datasetObjectId": object_id, "consolidatedAnnotation": {"content": content}}
    return outcome
