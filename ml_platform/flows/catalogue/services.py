"""Runtime flows: services (issue #17). Work in progress."""

from __future__ import annotations

from ..model import Flow
from ..platform import Platform

AREA = "services"


def flows(platform: Platform) -> list[Flow]:
    return []
