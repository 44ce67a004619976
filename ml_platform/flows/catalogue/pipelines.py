"""Runtime flows: pipelines (issue #17). Work in progress."""

from __future__ import annotations

from ..model import Flow
from ..platform import Platform

AREA = "pipelines"


def flows(platform: Platform) -> list[Flow]:
    return []
