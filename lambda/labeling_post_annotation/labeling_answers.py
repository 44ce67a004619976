"""One worker's answer for one data object: ``annotationData.content``, a JSON text written by the task template,
or ``annotationData.s3Uri``, a file holding that text
(https://docs.aws.amazon.com/sagemaker/latest/dg/sms-custom-templates-step3-lambda-requirements.html).

Classification answers are an object with one top-level key (the template element's name) whose value
holds the chosen label: ``{"category": {"label": "haze"}}`` or ``{"crowd-classifier": {"label": "haze"}}``.
Bounding box answers hold the boxes the same way: ``{"boundingBox": {"boundingBoxes": [{"label", "left",
"top", "width", "height"}], "inputImageProperties": {"width", "height"}}}``.

An answer that cannot be used raises InvalidAnswer with a short reason; the caller counts it and goes on
with the other workers. The reasons never quote the answer itself (it may hold personal data).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]
from labeling_request import s3_location
from platform_runtime.aws_calls import error_code

BOX_FIELDS = ("left", "top", "width", "height")


class InvalidAnswer(ValueError):  # noqa: N818 - a reason to ignore one answer, not a failure
    """This worker's answer is ignored; ``str(error)`` is the reason, for the logs."""


@dataclass(frozen=True)
class Box:
    label: str
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class BoxAnswer:
    boxes: tuple[Box, ...]
    image_size: dict[str, int] | None  # inputImageProperties, if the template sent it


AnswerFileReader = Callable[[str, str], str]  # (bucket, key) -> the file's text


def _answer_text(data: dict[str, Any], read_file: AnswerFileReader) -> str:
    content = data.get("content")
    if isinstance(content, str):
        return content
    if content is not None or "s3Uri" not in data:
        raise InvalidAnswer("annotationData has neither content nor s3Uri")
    try:
        bucket, key = s3_location(data, "annotationData.s3Uri")
    except ValueError:
        raise InvalidAnswer("annotationData.s3Uri is not an S3 URI") from None
    try:
        return read_file(bucket, key)
    except ClientError as error:
        if error_code(error) != "NoSuchKey":
            # Throttled after the retries, or not allowed (AccessDenied, a key the role may not use): the
            # invocation fails, so Ground Truth retries it and a permission mistake shows instead of
            # quietly dropping every answer given as a file.
            raise
        raise InvalidAnswer("annotationData.s3Uri names no object (NoSuchKey)") from None


def answer_document(annotation: Any, read_file: AnswerFileReader) -> dict[str, Any]:
    """The JSON object a worker's template wrote, from ``content`` or from the file at ``s3Uri``."""
    if not isinstance(annotation, dict):
        raise InvalidAnswer("annotation is not an object")
    data = annotation.get("annotationData")
    if not isinstance(data, dict):
        raise InvalidAnswer("annotationData is missing")
    text = _answer_text(data, read_file)
    try:
        document = json.loads(text)
    except ValueError:
        raise InvalidAnswer("the answer is not valid JSON") from None
    if not isinstance(document, dict):
        raise InvalidAnswer("the answer is not a JSON object")
    return document


def _values_with(document: dict[str, Any], key: str) -> list[Any]:
    return [value[key] for value in document.values() if isinstance(value, dict) and key in value]


def worker_id(annotation: Any) -> str | None:
    value = annotation.get("workerId") if isinstance(annotation, dict) else None
    return value if isinstance(value, str) and value else None


def parse_label(document: dict[str, Any], categories: Collection[str]) -> str:
    """The label this worker chose; InvalidAnswer if none, several, or one outside the label categories."""
    labels = _values_with(document, "label")
    if not labels:
        raise InvalidAnswer("no label in the answer")
    if len(set(map(repr, labels))) > 1:
        raise InvalidAnswer("several different labels in the answer")
    label = labels[0]
    if not isinstance(label, str):
        raise InvalidAnswer("the label is not a string")
    if label not in categories:
        raise InvalidAnswer("label not in labelCategories")
    return label


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value  # not NaN


def _box(item: Any, categories: Collection[str]) -> Box | None:
    if not isinstance(item, dict) or item.get("label") not in categories:
        return None
    if not all(_number(item.get(name)) for name in BOX_FIELDS):
        return None
    if item["left"] < 0 or item["top"] < 0 or item["width"] <= 0 or item["height"] <= 0:
        return None
    return Box(item["label"], *(float(item[name]) for name in BOX_FIELDS))


def _image_size(document: dict[str, Any]) -> dict[str, int] | None:
    for properties in _values_with(document, "inputImageProperties"):
        if isinstance(properties, dict):
            size = {k: v for k, v in properties.items() if k in ("width", "height", "depth") and _number(v)}
            if "width" in size and "height" in size:
                return {k: int(v) for k, v in size.items()}
    return None


def parse_boxes(document: dict[str, Any], categories: Collection[str]) -> BoxAnswer:
    """The boxes this worker drew, without those that are malformed or outside the label categories.
    No box at all is a valid answer (nothing to label); boxes that are all unusable are not."""
    lists = _values_with(document, "boundingBoxes")
    if len(lists) != 1 or not isinstance(lists[0], list):
        raise InvalidAnswer("no boundingBoxes list in the answer")
    boxes = tuple(box for box in (_box(item, categories) for item in lists[0]) if box is not None)
    if lists[0] and not boxes:
        raise InvalidAnswer("no usable box (malformed, or label not in labelCategories)")
    return BoxAnswer(boxes, _image_size(document))
