"""Runtime flows: cross_account (issue #17). Work in progress."""

from __future__ import annotations

from ..model import Flow
from ..platform import Platform

AREA = "cross-account"


def flows(platform: Platform) -> list[Flow]:
    return []
