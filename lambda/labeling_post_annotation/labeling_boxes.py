"""Bounding box consolidation by overlap: which boxes of different workers are the same object.

For each label, every worker's boxes are matched to object clusters by intersection over union (IoU) with
the cluster's mean box: the pairs at or above the threshold are taken best first, one box of a worker per
cluster and one cluster per box, and a box that matches nothing starts a new cluster. Matching by overlap,
not by position in a sorted list, keeps two objects with the same left edge apart (birds on a pole), and a
worker who missed an object does not shift the others' boxes onto the wrong objects.

An object is kept when a strict majority of the workers with a valid answer drew it; its box is the mean of
the matched boxes (rounded half up to whole pixels) and its confidence the share of workers who drew it.
Objects of different labels never merge, however much they overlap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from labeling_answers import BOX_FIELDS, Box, BoxAnswer


@dataclass
class Cluster:
    """One object: the workers' boxes matched to it, by worker index."""

    boxes: dict[int, Box] = field(default_factory=dict)

    def mean(self) -> tuple[float, float, float, float]:
        count = len(self.boxes)
        left, top, width, height = (sum(getattr(b, name) for b in self.boxes.values()) / count for name in BOX_FIELDS)
        return left, top, width, height


@dataclass(frozen=True)
class ConsolidatedBox:
    coordinates: dict[str, int]  # left, top, width, height
    workers: int  # how many workers drew it


def iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over union of two (left, top, width, height) boxes; 0 when they do not overlap."""
    overlap_w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    overlap_h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if overlap_w <= 0 or overlap_h <= 0:
        return 0.0
    intersection = overlap_w * overlap_h
    return intersection / (a[2] * a[3] + b[2] * b[3] - intersection)


def _round(value: float) -> int:
    return math.floor(value + 0.5)  # half up: round() would send 12.5 to 12 and 13.5 to 14


def _edges(box: Box) -> tuple[float, float, float, float]:
    return box.left, box.top, box.width, box.height


def cluster_boxes(answers: list[BoxAnswer], label: str, threshold: float) -> list[Cluster]:
    """The objects of ``label``: every worker's boxes of that label matched to clusters (see the module doc)."""
    clusters: list[Cluster] = []
    for worker, answer in enumerate(answers):
        boxes = [box for box in answer.boxes if box.label == label]
        means = [cluster.mean() for cluster in clusters]
        pairs = sorted(
            ((iou(_edges(box), mean), b, c) for b, box in enumerate(boxes) for c, mean in enumerate(means)),
            key=lambda pair: (-pair[0], pair[1], pair[2]),  # best overlap first; ties in a fixed order
        )
        matched_boxes: set[int] = set()
        for overlap, b, c in pairs:
            if overlap < threshold:
                break
            if b in matched_boxes or worker in clusters[c].boxes:
                continue
            clusters[c].boxes[worker] = boxes[b]
            matched_boxes.add(b)
        clusters.extend(Cluster({worker: box}) for b, box in enumerate(boxes) if b not in matched_boxes)
    return clusters


def consolidate_label(answers: list[BoxAnswer], label: str, threshold: float) -> tuple[list[ConsolidatedBox], int]:
    """The kept objects of ``label``, sorted by (left, top), and how many objects lacked a majority."""
    kept, dropped = [], 0
    for cluster in cluster_boxes(answers, label, threshold):
        if len(cluster.boxes) * 2 <= len(answers):
            dropped += 1
            continue
        coordinates = {name: _round(value) for name, value in zip(BOX_FIELDS, cluster.mean(), strict=True)}
        kept.append(ConsolidatedBox(coordinates, len(cluster.boxes)))
    kept.sort(key=lambda box: (box.coordinates["left"], box.coordinates["top"]))
    return kept, dropped
