"""The catalogue of runtime flows, one module per area; ``all_flows`` gathers them."""

from __future__ import annotations

from ..model import Flow
from ..platform import Platform
from . import (
    cross_account,
    data_services,
    inference_components,
    labeling,
    lambdas,
    personas,
    pipelines,
    products,
    release,
    services,
)

AREAS = (
    personas,
    products,
    lambdas,
    release,
    pipelines,
    services,
    data_services,
    cross_account,
    labeling,
    inference_components,  # issue #22
)


def all_flows(platform: Platform) -> list[Flow]:
    return [flow for area in AREAS for flow in area.flows(platform)]
