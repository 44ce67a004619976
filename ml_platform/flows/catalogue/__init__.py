"""The catalogue of runtime flows, one module per area; ``all_flows`` gathers them."""

from __future__ import annotations

from ..model import Flow
from ..platform import Platform
from . import (
    cross_account,
    data_services,
    governance,
    inference_components,
    labeling,
    lambdas,
    mlflow,
    personas,
    pipelines,
    products,
    release,
    services,
    studio_identity,
    studio_spaces,
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
    mlflow,
    governance,
    studio_identity,
    studio_spaces,
    inference_components,
)


def all_flows(platform: Platform) -> list[Flow]:
    return [flow for area in AREAS for flow in area.flows(platform)]
